"""What the remote providers share: one JSON-over-HTTP client with timeouts and readable errors.

Providers are synchronous (they run in worker threads), so this is httpx's sync client; one
client per configured server, reused across calls (connection pooling). Every failure becomes a
ProviderError whose message a person can read — "did not answer within 60 seconds", "answered
HTTP 500: model not loaded" — and that never holds the API key: the Authorization header is
never logged, and the key is scrubbed from any text the server echoes back."""

from __future__ import annotations

import base64
import binascii
import io
import logging
from typing import Any
from urllib.parse import urlsplit

import httpx
from PIL import Image

from roost.ai.providers.base import ProviderError

log = logging.getLogger(__name__)
MAX_DETAIL = 200


class JsonClient:
    """POST/GET JSON to `base_url` + path. `service` names the server in errors
    ("the OpenAI-compatible server")."""

    def __init__(self, base_url: str, *, service: str, api_key: str | None = None,
                 timeout: float = 60.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.service = service
        self.timeout = timeout
        self._key = api_key or None
        headers = {"Accept": "application/json"}
        if self._key:
            headers["Authorization"] = f"Bearer {self._key}"
        self._client = httpx.Client(headers=headers, timeout=httpx.Timeout(timeout, connect=10.0),
                                    follow_redirects=False)

    @property
    def where(self) -> str:
        """The server's address without credentials or path, for logs."""
        parts = urlsplit(self.base_url)
        return parts.hostname + (f":{parts.port}" if parts.port else "") if parts.hostname else "?"

    def post(self, path: str, payload: dict[str, Any]) -> Any:
        return self._send("POST", path, payload)

    def get(self, path: str) -> Any:
        return self._send("GET", path, None)

    def _send(self, method: str, path: str, payload: dict[str, Any] | None) -> Any:
        url = self.base_url + path
        try:
            response = self._client.request(method, url, json=payload)
        except httpx.TimeoutException:
            raise self._error(f"did not answer within {self.timeout:g} seconds", path) from None
        except httpx.HTTPError as exc:
            raise self._error(f"could not be reached ({_reason(exc)})", path) from None
        if response.status_code in (401, 403):
            raise self._error(f"refused the credentials (HTTP {response.status_code}); check the "
                              "API key setting", path)
        if response.status_code >= 400:
            detail = self._scrub(_detail(response))
            raise self._error(f"answered HTTP {response.status_code}"
                              + (f": {detail}" if detail else ""), path)
        try:
            return response.json()
        except ValueError:
            raise self._error("answered with something that is not JSON", path) from None

    def _error(self, what: str, path: str) -> ProviderError:
        message = f"The {self.service} {what}"
        log.warning("%s (%s%s)", message, self.where, path)
        return ProviderError(message)

    def _scrub(self, text: str) -> str:
        if self._key and self._key in text:
            text = text.replace(self._key, "***")
        return text

    def close(self) -> None:
        self._client.close()


def _reason(exc: httpx.HTTPError) -> str:
    if isinstance(exc, httpx.ConnectError):
        return "connection refused or no route"
    return type(exc).__name__


def _detail(response: httpx.Response) -> str:
    """The server's own error message: OpenAI's {"error": {"message"}}, FastAPI's {"detail"},
    A1111's {"error", "errors"}, or the start of a plain body."""
    try:
        body = response.json()
    except ValueError:
        text = response.text.strip()
        return text[:MAX_DETAIL] if text and not text.startswith("<") else ""
    if isinstance(body, dict):
        err = body.get("error")
        if isinstance(err, dict):
            err = err.get("message")
        for value in (err, body.get("detail"), body.get("errors"), body.get("message")):
            if isinstance(value, str) and value.strip():
                return value.strip()[:MAX_DETAIL]
    return ""


def decode_png(data: str, service: str) -> tuple[bytes, int, int]:
    """A base64 image from a server as PNG bytes with its size (other formats are re-encoded)."""
    if "," in data[:100] and data.startswith("data:"):
        data = data.split(",", 1)[1]
    try:
        raw = base64.b64decode(data, validate=False)
        with Image.open(io.BytesIO(raw)) as im:
            im.load()
            if im.format == "PNG":
                return raw, im.width, im.height
            buf = io.BytesIO()
            im.convert("RGBA" if "A" in im.getbands() else "RGB").save(buf, "PNG")
            return buf.getvalue(), im.width, im.height
    except (binascii.Error, OSError, ValueError):
        raise ProviderError(f"The {service} sent an image that could not be read") from None
