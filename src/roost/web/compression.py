"""gzip for the web app's pages, fragments and static files (Starlette's GZipMiddleware, level 6).
The API, OAuth token answers and uploaded media are left as they are: media are already
compressed, and API compression is a reverse proxy's choice (docs/operations.md). Server-sent
events are never compressed (Starlette excludes text/event-stream)."""

from __future__ import annotations

from starlette.middleware.gzip import GZipMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

PLAIN = ("/api/", "/media/", "/oauth/token", "/oauth/revoke", "/.well-known/", "/nodeinfo")


class WebGZip:
    def __init__(self, app: ASGIApp, minimum_size: int = 1000) -> None:
        self.app = app
        self.gzip = GZipMiddleware(app, minimum_size=minimum_size, compresslevel=6)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not scope["path"].startswith(PLAIN):
            await self.gzip(scope, receive, send)
        else:
            await self.app(scope, receive, send)
