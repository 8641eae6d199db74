"""Serve stored media (/media/...); the packaged static files (/static/...) are web/assets.py.

A path is served only if, once resolved, it is a file inside its root: '..', absolute paths,
hidden names and symlinks leading outside all answer 404. Media names carry a random part and
never change, so they are cached for a year."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse

from roost.consent import signals
from roost.kit.errors import NotFound
from roost.media.storage import LocalStorage

router = APIRouter(tags=["media files"])

TYPES = {
    "jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png", "webp": "image/webp",
    "gif": "image/gif", "svg": "image/svg+xml", "ico": "image/x-icon", "css": "text/css",
    "js": "text/javascript", "woff2": "font/woff2", "txt": "text/plain",
}
MEDIA_TYPES = {"jpg", "png", "webp", "gif"}
MEDIA_CACHE = "public, max-age=31536000, immutable"
USABLE_MEDIA_CACHE = "public, max-age=3600"


def _respond(root: Path, path: str, allowed: set[str] | dict, cache: str) -> FileResponse:
    ext = path.rsplit(".", 1)[-1].lower() if "." in path else ""
    full = LocalStorage(root).local_file(path) if ext in allowed else None
    if full is None:
        raise NotFound()
    return FileResponse(full, media_type=TYPES[ext], headers={
        "Cache-Control": cache,
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; sandbox",
    })


@router.api_route("/media/{path:path}", methods=["GET", "HEAD"], include_in_schema=False)
async def media_file(path: str, request: Request) -> FileResponse:
    """A stored file; it carries the training opt-out signal unless it may be used
    (roost.consent.signals: one primary-key query, for attachments only). A usable file is cached
    an hour only, so a withdrawal reaches caches soon; a `noai` one keeps the year (erring safe)."""
    response = _respond(request.app.state.settings.media_dir, path, MEDIA_TYPES, MEDIA_CACHE)
    async with request.app.state.db.read_session() as session:
        usable = await signals.media_file_may_be_used(session, path)
    if usable:
        response.headers["Cache-Control"] = USABLE_MEDIA_CACHE
    else:
        response.headers["X-Robots-Tag"] = signals.NOAI
    return response

