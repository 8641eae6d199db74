"""Trusted reverse proxies (ROOST_TRUSTED_PROXIES): who the client is and whether it came over TLS.

Only when the direct peer is a trusted proxy are X-Forwarded-For and X-Forwarded-Proto read: the
client is the rightmost X-Forwarded-For hop that is not itself a trusted proxy, and the scheme is
the last X-Forwarded-Proto value. From anyone else the headers are ignored, so they cannot be
spoofed. The ASGI middleware rewrites `client` and `scheme` in the scope, so `request.client`,
`request.url` (Link headers) and everything built on them see the real values, and it sets
`request_scheme` for absolute URLs built outside a request object (media URLs).
"""

from __future__ import annotations

import ipaddress
from contextvars import ContextVar

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address

LOOPBACK = "127.0.0.0/8,::1/128"
request_scheme: ContextVar[str | None] = ContextVar("request_scheme", default=None)


def parse_networks(value: str) -> list[Network]:
    """A comma or space separated list of addresses or CIDR blocks; ValueError on a bad one."""
    out = []
    for item in value.replace(",", " ").split():
        out.append(ipaddress.ip_network(item.strip(), strict=False))
    return out


def parse_address(value: str) -> Address | None:
    """An address as proxies write it: `1.2.3.4`, `1.2.3.4:5678`, `[::1]:80` or `::1`."""
    value = value.strip().strip('"')
    if value.startswith("["):
        value = value[1:].partition("]")[0]
    elif value.count(":") == 1:
        value = value.partition(":")[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


class Proxies:
    def __init__(self, networks: list[Network]) -> None:
        self.networks = networks

    def trusted(self, address: Address | None) -> bool:
        return address is not None and any(address in net for net in self.networks)

    def client(self, peer: str, forwarded_for: list[str]) -> str:
        """The client address: the peer unless it is trusted, else the rightmost untrusted hop."""
        address = parse_address(peer)
        if not self.trusted(address):
            return peer
        client = peer
        for hop in reversed(forwarded_for):
            parsed = parse_address(hop)
            if parsed is None:
                break  # garbage: stop at the last hop we could read
            client = str(parsed)
            if not self.trusted(parsed):
                break
        return client


def _header(scope: dict, name: bytes) -> list[str]:
    values = [v.decode("latin-1") for k, v in scope.get("headers", []) if k.lower() == name]
    return [item.strip() for v in values for item in v.split(",") if item.strip()]


class ProxyHeaders:
    """ASGI middleware applying the trusted-proxy rules to http and websocket scopes."""

    def __init__(self, app, trusted: str) -> None:  # noqa: ANN001
        self.app = app
        self.proxies = Proxies(parse_networks(trusted))

    async def __call__(self, scope, receive, send) -> None:  # noqa: ANN001
        if scope["type"] not in ("http", "websocket") or not scope.get("client"):
            await self.app(scope, receive, send)
            return
        peer = scope["client"][0]
        if self.proxies.trusted(parse_address(peer)):
            # in place, as uvicorn does: a copy would lose request.state set further in
            client = self.proxies.client(peer, _header(scope, b"x-forwarded-for"))
            if client != peer:
                scope["client"] = (client, 0)
            proto = _header(scope, b"x-forwarded-proto")
            if proto and proto[-1].lower() in ("http", "https"):
                secure = proto[-1].lower() == "https"
                if scope["type"] == "websocket":
                    scope["scheme"] = "wss" if secure else "ws"
                else:
                    scope["scheme"] = "https" if secure else "http"
        token = request_scheme.set(scope.get("scheme"))
        try:
            await self.app(scope, receive, send)
        finally:
            request_scheme.reset(token)
