"""Media uploads: POST /api/v1/media, /api/v2/media; GET, PUT, DELETE /api/v1/media/{id}.

Processing is synchronous, so v2 answers 200 with `url` set, as Mastodon does for images.
The request body is counted while it is read, so an oversized upload is refused before it is
spooled to disk in full."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, Request
from starlette.datastructures import UploadFile
from starlette.types import Message

from roost.api.deps import DbSession, user
from roost.api.mastodon import serializers as ser
from roost.api.params import as_str, read_params
from roost.auth.actor import Actor
from roost.kit.errors import BadRequest, Invalid, TooLarge
from roost.media import service

router = APIRouter(prefix="/api", tags=["media"])

FORM_SLACK = 64 * 1024  # room for the other form fields and multipart boundaries


class _BodyLimit:
    """Wraps an ASGI receive and stops the body once it passes `limit` bytes."""

    def __init__(self, receive, limit: int) -> None:  # noqa: ANN001
        self.receive, self.limit, self.seen, self.exceeded = receive, limit, 0, False

    async def __call__(self) -> Message:
        message = await self.receive()
        if message["type"] == "http.request":
            self.seen += len(message.get("body", b""))
            if self.seen > self.limit:
                self.exceeded = True
                raise TooLarge()
        return message


@asynccontextmanager
async def _params(request: Request) -> AsyncIterator[dict]:
    """The request's parameters, read under the size limit; uploaded files are closed after."""
    max_bytes = request.app.state.settings.max_upload_bytes
    limit = max_bytes + FORM_SLACK
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise TooLarge(service.too_large_message(max_bytes))
    guard = _BodyLimit(request.receive, limit)
    limited = Request(request.scope, guard)
    try:
        try:
            params = await read_params(limited)
        except (BadRequest, TooLarge):
            if guard.exceeded:
                raise TooLarge(service.too_large_message(max_bytes)) from None
            raise
        yield params
    finally:
        await limited.close()


def _text(value: object) -> str | None:
    return None if isinstance(value, UploadFile) else as_str(value)


async def _create(request: Request, session: DbSession, actor: Actor) -> dict:
    async with _params(request) as p:
        file = p.get("file")
        if not isinstance(file, UploadFile):
            raise Invalid("Validation failed: File can't be blank")
        media = await service.upload(session, actor.account, file,
                                     description=_text(p.get("description")),
                                     focus=_text(p.get("focus")))
    return ser.media(media)


@router.post("/v1/media")
async def create_media_v1(request: Request, session: DbSession,
                          actor: Actor = user("write:media")) -> dict:
    return await _create(request, session, actor)


@router.post("/v2/media")
async def create_media_v2(request: Request, session: DbSession,
                          actor: Actor = user("write:media")) -> dict:
    return await _create(request, session, actor)


@router.get("/v1/media/{media_id}")
async def get_media(media_id: str, session: DbSession, actor: Actor = user("write:media")) -> dict:
    return ser.media(await service.get_own(session, actor.account, media_id))


@router.put("/v1/media/{media_id}")
async def update_media(media_id: str, request: Request, session: DbSession,
                       actor: Actor = user("write:media")) -> dict:
    async with _params(request) as p:
        media = await service.update(session, actor.account, media_id,
                                     description=_text(p.get("description")),
                                     focus=_text(p.get("focus")))
    return ser.media(media)


@router.delete("/v1/media/{media_id}")
async def delete_media(media_id: str, session: DbSession, actor: Actor = user("write:media")) -> dict:
    await service.delete(session, actor.account, media_id)
    return {}
