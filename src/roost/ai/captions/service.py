"""Suggest alt text for one of the actor's uploads; save it only when asked."""

from __future__ import annotations

import asyncio

from sqlalchemy.ext.asyncio import AsyncSession

from roost import events, runtime
from roost.ai import registry
from roost.ai.providers.base import CaptionError
from roost.events import schemas as ev
from roost.kit.errors import Invalid, NotFound
from roost.kit.ids import parse_id
from roost.media import repository as media_repo
from roost.media import service as media_service
from roost.media import storage
from roost.media.service import Readable, read_limited
from roost.models import Account, MediaAttachment


async def describe(session: AsyncSession, actor: Account, media_id: str | int, *,
                   save: bool = False, lang: str = "en") -> tuple[MediaAttachment, str]:
    """The suggested description of the actor's image `media_id` (someone else's, or none: 404).
    With `save`, it becomes the attachment's description (only before the media is posted,
    as PUT /api/v1/media)."""
    media = await media_repo.own(session, actor.id, parse_id(media_id))
    if media is None:
        raise NotFound()
    if media.type not in ("image", "gifv"):
        raise Invalid("Only images can be described")
    path = storage.get_storage().local_file(media.file_path)
    if path is None:
        raise NotFound()
    data = await asyncio.to_thread(path.read_bytes)
    try:
        text = await registry.describe_image(data, lang)
    except CaptionError as exc:
        raise Invalid(str(exc)) from exc
    text = text[:media_service.MAX_DESCRIPTION]
    if save:
        media = await media_service.update(session, actor, media.id, description=text)
    events.record(session, ev.AiAltTextSuggested(
        media_id=str(media.id), account_id=str(actor.id),
        provider=registry.captioner().info.name, saved=save,
    ), actor_id=actor.id, subject_id=media.id, public=False)
    return media, text


async def describe_upload(file: Readable, lang: str = "en") -> str:
    """A suggestion for an image not uploaded yet (the web composer sends its files only with
    the post): read under the upload size limit, described, nothing stored."""
    data = await read_limited(file, runtime.settings().max_upload_bytes)
    try:
        text = await registry.describe_image(data, lang)
    except CaptionError as exc:
        raise Invalid(str(exc)) from exc
    return text[:media_service.MAX_DESCRIPTION]
