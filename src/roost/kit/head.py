"""HEAD is answered as GET would be, headers only (RFC 9110 §9.3.2): FastAPI's routes answer GET
alone, while crawlers, link checkers and caches ask HEAD first. Never-ending streams are left out
(a HEAD there would hold a stream open for nothing): they keep answering 405."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

STREAMS = ("/api/v1/streaming", "/api/v1/roost/firehose", "/live")


class HeadAsGet:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (scope["type"] != "http" or scope["method"] != "HEAD"
                or scope["path"].startswith(STREAMS)):
            await self.app(scope, receive, send)
            return

        async def headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return  # the body is dropped; only its end is passed on
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await self.app(dict(scope, method="GET"), receive, headers_only)
