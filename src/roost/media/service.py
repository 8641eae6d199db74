"""Media writes: upload, update, delete, and profile images (avatars and headers).

Files are written before the row is flushed. If the flush fails they are removed at once; if the
transaction fails later they are orphans, and the `media.sweep` job removes them (tasks.py)."""

from __future__ import annotations

import asyncio
import io
import math
import weakref
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from roost import events, runtime
from roost.ai import upload_provenance
from roost.db import after_commit
from roost.events import schemas as ev
from roost.kit.errors import Invalid, NotFound, TooLarge
from roost.kit.ids import new_id, parse_id
from roost.media import processing, storage
from roost.media import repository as repo
from roost.models import Account, MediaAttachment

MAX_DESCRIPTION = 1500
CHUNK = 64 * 1024
MAX_CONCURRENT_PROCESSING = 2
PROFILE_SIZES = {"avatar": (400, 400), "header": (1500, 500)}


class Readable(Protocol):
    """What an upload must offer: Starlette's UploadFile does."""

    async def read(self, size: int = -1) -> bytes: ...


_semaphores: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _processing_slot() -> asyncio.Semaphore:
    """Bound how many images one process decodes at once (each may take a few hundred MB)."""
    loop = asyncio.get_running_loop()
    sem = _semaphores.get(loop)
    if sem is None:
        sem = _semaphores[loop] = asyncio.Semaphore(MAX_CONCURRENT_PROCESSING)
    return sem


async def _in_thread(fn: Callable, *args, **kwargs):  # noqa: ANN202
    async with _processing_slot():
        return await asyncio.to_thread(fn, *args, **kwargs)


def too_large_message(limit: int) -> str:
    return f"File is too large (the limit is {limit / (1024 * 1024):.0f} MB)"


async def read_limited(upload: Readable, limit: int) -> bytes:
    """Read an upload in chunks, refusing it as soon as it passes `limit` bytes."""
    buf = io.BytesIO()
    while True:
        chunk = await upload.read(CHUNK)
        if not chunk:
            break
        if buf.tell() + len(chunk) > limit:
            raise TooLarge(too_large_message(limit))
        buf.write(chunk)
    if buf.tell() == 0:
        raise Invalid("Validation failed: File can't be blank")
    return buf.getvalue()


def check_description(description: str | None) -> str | None:
    if description is None:
        return None
    text = description.replace("\r\n", "\n").strip()
    if len(text) > MAX_DESCRIPTION:
        raise Invalid(f"Validation failed: Description is too long (maximum is {MAX_DESCRIPTION} "
                      "characters)")
    return text or None


def parse_focus(focus: str | None) -> tuple[float, float] | None:
    """'x,y' with both in [-1, 1]; None when not given."""
    if focus is None or focus.strip() == "":
        return None
    parts = focus.split(",")
    try:
        if len(parts) != 2:
            raise ValueError
        x, y = float(parts[0]), float(parts[1])
    except ValueError as exc:
        raise Invalid("Validation failed: Focus must be two numbers, x,y") from exc
    if not all(math.isfinite(v) and -1.0 <= v <= 1.0 for v in (x, y)):
        raise Invalid("Validation failed: Focus must be between -1.0 and 1.0")
    return x, y


async def _save_all(store: storage.Storage, files: list[tuple[str, bytes]],
                    then: Callable[[], Awaitable[None]]) -> None:
    """Write files, then run `then` (the flush); remove the files again if anything fails."""
    written: list[str] = []
    try:
        for path, data in files:
            await store.save(path, data)
            written.append(path)
        await then()
    except BaseException:
        for path in written:
            await store.delete(path)
        raise


@dataclass
class Prepared:
    """An upload checked and processed (type sniffed, size and pixel limits, metadata stripped,
    thumbnail and blurhash made) but not stored yet."""
    done: processing.Processed
    description: str | None
    focus: tuple[float, float]
    ai_claim: upload_provenance.UploadClaim | None = None  # read from the original bytes


async def prepare(file: Readable, *, description: str | None = None,
                  focus: str | None = None) -> Prepared:
    """Everything upload checks and computes, with nothing written: a form that posts several
    files refuses a bad one before any of them is stored."""
    settings = runtime.settings()
    text = check_description(description)
    point = parse_focus(focus) or (0.0, 0.0)
    data = await read_limited(file, settings.max_upload_bytes)
    done = await _in_thread(processing.process_attachment, data,
                            max_pixels=settings.max_image_pixels)
    # after processing accepted the file, and on the original bytes: processing strips metadata
    claim = await _in_thread(upload_provenance.examine, data)
    return Prepared(done, text, point, claim)


async def store(session: AsyncSession, actor: Account, prepared: Prepared) -> MediaAttachment:
    """Write a prepared upload's files and its row (the files go again if the flush fails)."""
    done, text, point = prepared.done, prepared.description, prepared.focus
    media_id = new_id()
    path, thumb_path = storage.attachment_paths(media_id, done.original.ext, done.thumbnail.ext)
    media = MediaAttachment(
        id=media_id, account_id=actor.id, type=done.type,
        content_type=done.original.content_type, file_path=path, thumbnail_path=thumb_path,
        file_size=len(done.original.data), width=done.original.width, height=done.original.height,
        thumb_width=done.thumbnail.width, thumb_height=done.thumbnail.height,
        blurhash=done.blurhash, description=text, focus_x=point[0], focus_y=point[1],
    )
    claim = prepared.ai_claim
    if claim is not None:
        media.ai_provenance_source, media.ai_provenance = claim.source, claim.details

    async def flush() -> None:
        session.add(media)
        await session.flush()

    await _save_all(storage.get_storage(),
                    [(path, done.original.data), (thumb_path, done.thumbnail.data)], flush)
    events.record(session, ev.MediaUploaded(
        media_id=str(media.id), account_id=str(actor.id), content_type=media.content_type,
        width=media.width, height=media.height, has_description=bool(text),
    ), actor_id=actor.id, subject_id=media.id, public=False)
    if claim is not None:
        c2pa = claim.details.get("c2pa")
        events.record(session, ev.AiUploadProvenance(
            media_id=str(media.id), account_id=str(actor.id), source=claim.source,
            generator=claim.details.get("generator"), c2pa_manifest=c2pa is not None,
            c2pa_valid=c2pa["valid"] if c2pa else None,
        ), actor_id=actor.id, subject_id=media.id, public=False)
    return media


async def upload(session: AsyncSession, actor: Account, file: Readable, *,
                 description: str | None = None, focus: str | None = None) -> MediaAttachment:
    return await store(session, actor, await prepare(file, description=description, focus=focus))


async def get_own(session: AsyncSession, actor: Account, media_id: str | int) -> MediaAttachment:
    """The actor's own upload while it is not yet part of a post (as Mastodon: others' → 404)."""
    media = await repo.own_unattached(session, actor.id, parse_id(media_id))
    if media is None:
        raise NotFound()
    return media


async def update(session: AsyncSession, actor: Account, media_id: str | int, *,
                 description: str | None = None, focus: str | None = None) -> MediaAttachment:
    """Change alt text and focal point before posting. None leaves a field as it is."""
    media = await get_own(session, actor, media_id)
    fields: list[str] = []
    if description is not None:
        text = check_description(description)
        if text != media.description:
            media.description = text
            fields.append("description")
    point = parse_focus(focus)
    if point is not None and point != (media.focus_x, media.focus_y):
        media.focus_x, media.focus_y = point
        fields.append("focus")
    if fields:
        await session.flush()
        events.record(session, ev.MediaUpdated(media_id=str(media.id), account_id=str(actor.id),
                                               fields=fields),
                      actor_id=actor.id, subject_id=media.id, public=False)
    return media


async def delete(session: AsyncSession, actor: Account, media_id: str | int) -> None:
    """Delete an upload no post uses (Mastodon 4.4: 422 while a post uses it)."""
    media = await repo.own(session, actor.id, parse_id(media_id))
    if media is None:
        raise NotFound()
    if await repo.own_unattached(session, actor.id, media.id) is None:
        raise Invalid("Media attachment is currently used by a status")
    paths = [p for p in (media.file_path, media.thumbnail_path) if p]
    await session.delete(media)
    await session.flush()
    _delete_after_commit(session, paths)


def _delete_after_commit(session: AsyncSession, paths: list[str]) -> None:
    store = storage.get_storage()

    async def remove() -> None:
        for p in paths:
            await store.delete(p)

    after_commit(session, remove)


async def store_profile_image(session: AsyncSession, account: Account, file: Readable, *,
                              kind: str = "avatar") -> str:
    """Crop and store an avatar (400x400) or header (1500x500), set it on the account and return
    its path. The previous file is removed once the transaction commits."""
    if kind not in PROFILE_SIZES:
        raise ValueError(kind)
    settings = runtime.settings()
    data = await read_limited(file, settings.max_upload_bytes)
    encoded = await _in_thread(processing.process_profile_image, data,
                               max_pixels=settings.max_image_pixels, size=PROFILE_SIZES[kind])
    del data
    path = storage.profile_path(kind, account.id, encoded.ext)
    old = getattr(account, f"{kind}_path")

    async def flush() -> None:
        setattr(account, f"{kind}_path", path)
        await session.flush()

    await _save_all(storage.get_storage(), [(path, encoded.data)], flush)
    if old and old != path:
        _delete_after_commit(session, [old])
    return path


async def clear_profile_image(session: AsyncSession, account: Account, *, kind: str = "avatar") -> None:
    """Go back to the default picture (DELETE /api/v1/profile/avatar and /header)."""
    if kind not in PROFILE_SIZES:
        raise ValueError(kind)
    old = getattr(account, f"{kind}_path")
    if old:
        setattr(account, f"{kind}_path", None)
        await session.flush()
        _delete_after_commit(session, [old])
