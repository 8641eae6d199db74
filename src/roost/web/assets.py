"""Static files. Pages link them as /static/NAME.HASH.EXT (`url`), where HASH is a prefix of the
file's SHA-256, so they can be cached for a year: a changed file gets a new URL. A hashed name
with a stale or wrong hash answers 404; an unhashed name of a page asset (app.css, app.js)
redirects to the current hashed URL; other unhashed files (default avatars and headers) are served
as before with a day's cache, since the API hands out their plain URLs."""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse, RedirectResponse
from starlette.responses import Response

from roost.kit.errors import NotFound
from roost.media.storage import LocalStorage

router = APIRouter(tags=["web"])

STATIC_DIR = Path(__file__).resolve().parent / "static"
TYPES = {
    "jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png", "webp": "image/webp",
    "gif": "image/gif", "svg": "image/svg+xml", "ico": "image/x-icon",
    "css": "text/css; charset=utf-8", "js": "text/javascript; charset=utf-8",
    "woff2": "font/woff2", "txt": "text/plain; charset=utf-8",
}
HASHED_ONLY = {"app.css", "app.js"}
IMMUTABLE = "public, max-age=31536000, immutable"
PLAIN_CACHE = "public, max-age=86400"
_HASHED = re.compile(r"^(?P<stem>.+)\.(?P<hash>[0-9a-f]{12})\.(?P<ext>[a-z0-9]+)$")
HEADERS = {"X-Content-Type-Options": "nosniff",
           "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; sandbox"}


@lru_cache(maxsize=256)
def _digest(name: str, mtime_ns: int) -> str:
    return hashlib.sha256((STATIC_DIR / name).read_bytes()).hexdigest()[:12]


def file_hash(name: str) -> str | None:
    """The content hash of static/NAME (recomputed when the file changes), None if missing."""
    full = LocalStorage(STATIC_DIR).local_file(name)
    if full is None:
        return None
    return _digest(name, full.stat().st_mtime_ns)


def url(name: str) -> str:
    """/static/NAME.HASH.EXT for a file in static/ (a missing file raises: a template bug)."""
    digest = file_hash(name)
    if digest is None:
        raise FileNotFoundError(name)
    stem, _, ext = name.rpartition(".")
    return f"/static/{stem}.{digest}.{ext}"


def _file(path: str, cache: str) -> FileResponse:
    ext = path.rsplit(".", 1)[-1].lower() if "." in path else ""
    full = LocalStorage(STATIC_DIR).local_file(path) if ext in TYPES else None
    if full is None:
        raise NotFound()
    return FileResponse(full, media_type=TYPES[ext], headers={"Cache-Control": cache, **HEADERS})


@router.api_route("/static/{path:path}", methods=["GET", "HEAD"], include_in_schema=False)
async def static_file(path: str) -> Response:
    m = _HASHED.match(path)
    if m:
        name = f"{m['stem']}.{m['ext']}"
        if file_hash(name) != m["hash"]:
            raise NotFound()
        return _file(name, IMMUTABLE)
    if path in HASHED_ONLY:
        if file_hash(path) is None:
            raise NotFound()
        return RedirectResponse(url(path), status_code=302, headers={"Cache-Control": "no-cache"})
    return _file(path, PLAIN_CACHE)
