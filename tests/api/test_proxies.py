"""Trusted proxies: X-Forwarded-For / X-Forwarded-Proto count only when the direct peer is a
trusted proxy (loopback by default, ROOST_TRUSTED_PROXIES); from anyone else they are ignored."""

from __future__ import annotations

import asyncio
import time

import pytest
from httpx import ASGITransport, AsyncClient
from pydantic import ValidationError
from sqlalchemy import select

from roost.config import Settings
from roost.kit.proxies import Proxies, parse_networks
from roost.models import User

PASSWORD = "correct horse battery"
OUTSIDER = ("203.0.113.9", 40000)  # a peer that is not a proxy


@pytest.fixture
def settings_overrides() -> dict:
    return {"rate_limits_enabled": True, "rate_limit_per_ip": 2, "rate_limit_registrations": 1,
            "login_failures_per_ip": 2, "login_failures_per_account": 100}


@pytest.fixture(autouse=True)
async def not_at_a_window_edge():
    left = 300 - time.time() % 300
    if left < 10:
        await asyncio.sleep(left + 0.1)


@pytest.fixture
async def outsider(app):
    async with AsyncClient(transport=ASGITransport(app=app, client=OUTSIDER),
                           base_url="http://roost.test") as client:
        yield client


def xff(ip: str, proto: str | None = None) -> dict:
    headers = {"X-Forwarded-For": ip}
    if proto:
        headers["X-Forwarded-Proto"] = proto
    return headers


def test_rightmost_untrusted_hop_is_the_client():
    p = Proxies(parse_networks("127.0.0.0/8, 10.0.0.0/8 ::1/128"))
    assert p.client("127.0.0.1", ["198.51.100.7"]) == "198.51.100.7"
    # the client may put anything on the left; the rightmost untrusted hop wins
    assert p.client("127.0.0.1", ["6.6.6.6", "198.51.100.7", "10.1.2.3"]) == "198.51.100.7"
    assert p.client("127.0.0.1", ["10.0.0.2", "10.0.0.1"]) == "10.0.0.2"  # all trusted: leftmost
    assert p.client("203.0.113.9", ["198.51.100.7"]) == "203.0.113.9"  # untrusted peer: ignored
    assert p.client("::1", ["[2001:db8::1]:443"]) == "2001:db8::1"
    assert p.client("127.0.0.1", ["198.51.100.7:5555"]) == "198.51.100.7"
    assert p.client("127.0.0.1", ["not-an-ip"]) == "127.0.0.1"
    assert p.client("::ffff:127.0.0.1", ["198.51.100.7"]) == "198.51.100.7"


def test_setting_is_checked():
    assert Settings(trusted_proxies="").trusted_proxies == ""
    with pytest.raises(ValidationError):
        Settings(trusted_proxies="10.0.0.0/8, nonsense")


async def test_per_ip_limit_follows_the_forwarded_client(api, outsider):
    for _ in range(2):
        assert (await api.get("/api/v1/instance", headers=xff("198.51.100.1"))).status_code == 200
    r = await api.get("/api/v1/instance", headers=xff("198.51.100.1"))
    assert r.status_code == 429 and r.headers["x-ratelimit-remaining"] == "0"
    # another client behind the same proxy has its own count
    assert (await api.get("/api/v1/instance", headers=xff("198.51.100.2"))).status_code == 200

    # an outsider cannot dodge its limit by making up X-Forwarded-For
    for i in range(2):
        r = await outsider.get("/api/v1/instance", headers=xff(f"192.0.2.{i}"))
        assert r.status_code == 200
    r = await outsider.get("/api/v1/instance", headers=xff("192.0.2.99"))
    assert r.status_code == 429


async def test_failed_sign_ins_count_per_forwarded_client(api, outsider, make):
    await make.account("pia")
    app = (await api.post("/api/v1/apps", data={"client_name": "x", "redirect_uris": "https://a.example/cb"},
                          headers=xff("198.51.100.50"))).json()
    body = {"grant_type": "password", "username": "pia", "password": "wrong",
            "client_id": app["client_id"], "client_secret": app["client_secret"]}
    for _ in range(2):
        r = await api.post("/oauth/token", data=body, headers=xff("198.51.100.3"))
        assert r.status_code == 400
    r = await api.post("/oauth/token", data={**body, "password": PASSWORD}, headers=xff("198.51.100.3"))
    assert r.status_code == 429
    ok = await api.post("/oauth/token", data={**body, "password": PASSWORD}, headers=xff("198.51.100.4"))
    assert ok.status_code == 200, ok.text
    # spoofed headers from an outsider all land on its own address
    for i in range(2):
        await outsider.post("/oauth/token", data=body, headers=xff(f"192.0.2.{i}"))
    r = await outsider.post("/oauth/token", data={**body, "password": PASSWORD}, headers=xff("192.0.2.77"))
    assert r.status_code == 429


async def test_sign_up_ip_is_the_forwarded_client_only_from_a_proxy(api, outsider, make, db):
    async def sign_up(client, name: str, headers: dict) -> None:
        app = (await client.post("/api/v1/apps", data={"client_name": "x", "redirect_uris": "https://a.example/cb",
                                                       "scopes": "read write"}, headers=headers)).json()
        tok = (await client.post("/oauth/token", data={"grant_type": "client_credentials", "scope": "write",
                                                       "client_id": app["client_id"],
                                                       "client_secret": app["client_secret"]},
                                 headers=headers)).json()["access_token"]
        r = await client.post("/api/v1/accounts", data={"username": name, "email": f"{name}@example.com",
                                                        "password": PASSWORD, "agreement": "true"},
                              headers={**headers, "Authorization": f"Bearer {tok}"})
        assert r.status_code == 200, r.text

    await sign_up(api, "via_proxy", xff("198.51.100.8"))
    await sign_up(outsider, "spoofer", xff("198.51.100.9"))
    async with db.unit_of_work() as s:
        ips = dict((await s.execute(select(User.email, User.sign_up_ip))).all())
    assert ips["via_proxy@example.com"] == "198.51.100.8"
    assert ips["spoofer@example.com"] == "203.0.113.9"


@pytest.mark.parametrize("settings_overrides", [{}])
async def test_forwarded_proto_makes_links_https_only_from_a_proxy(api, outsider, make):
    alice = await make.account()
    for _ in range(3):
        await make.post(alice, "hello")
    url = f"/api/v1/accounts/{alice.id}/statuses?limit=1"
    r = await api.get(url, headers={**alice.headers, "X-Forwarded-Proto": "https"})
    assert r.headers["link"].startswith("<https://roost.test/api/v1/accounts/")
    me = (await api.get("/api/v1/accounts/verify_credentials",
                        headers={**alice.headers, "X-Forwarded-Proto": "https"})).json()
    assert me["avatar"].startswith("https://roost.test/")
    assert me["url"] == f"http://roost.test/@{me['username']}"  # canonical URLs do not move

    r = await outsider.get(url, headers={**alice.headers, "X-Forwarded-Proto": "https"})
    assert r.headers["link"].startswith("<http://roost.test/")
    me = (await outsider.get("/api/v1/accounts/verify_credentials",
                             headers={**alice.headers, "X-Forwarded-Proto": "https"})).json()
    assert me["avatar"].startswith("http://roost.test/")


@pytest.mark.parametrize("settings_overrides", [{}])
async def test_session_cookie_is_secure_over_a_tls_proxy_only(api, outsider, make):
    await make.account("quinn")
    app = (await api.post("/api/v1/apps", data={"client_name": "x", "redirect_uris": "https://a.example/cb"})).json()
    url = f"/oauth/authorize?response_type=code&client_id={app['client_id']}&scope=read"
    for client, proto, secure in ((api, "https", True), (api, "http", False), (outsider, "https", False)):
        client.cookies.clear()
        page = await client.get(url, headers={"X-Forwarded-Proto": proto})
        assert ("Secure" in page.headers["set-cookie"]) is secure
        csrf = page.text.split('name="csrf_token" value="')[1].split('"')[0]
        nonce = page.cookies["roost_csrf"]
        client.cookies.clear()  # httpx keeps Secure cookies off http://; send it by hand
        r = await client.post("/oauth/authorize",
                              headers={"X-Forwarded-Proto": proto, "Cookie": f"roost_csrf={nonce}"},
                              data={"csrf_token": csrf, "action": "login", "login": "quinn",
                                    "password": PASSWORD, "response_type": "code",
                                    "client_id": app["client_id"], "scope": "read"})
        assert r.status_code == 303
        cookie = r.headers["set-cookie"]
        assert "HttpOnly" in cookie and "samesite=lax" in cookie.lower()
        assert ("Secure" in cookie) is secure
        assert r.headers["location"].startswith("/oauth/authorize?")  # relative: keeps the scheme


@pytest.mark.parametrize("settings_overrides", [{"trusted_proxies": ""}])
async def test_nobody_trusted(api):
    r = await api.get("/api/v1/instance", headers=xff("198.51.100.1", "https"))
    assert r.status_code == 200 and r.json()["uri"] == "roost.test"
    p = Proxies(parse_networks(""))
    assert p.client("127.0.0.1", ["198.51.100.1"]) == "127.0.0.1"
