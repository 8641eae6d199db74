"""Custom emoji writes (admins, through the CLI)."""

from __future__ import annotations

import asyncio
import secrets

from sqlalchemy.ext.asyncio import AsyncSession

from roost import events, runtime
from roost.db import after_commit
from roost.emojis import repository as repo
from roost.events.schemas import EmojiAdded, EmojiRemoved
from roost.kit.errors import Invalid, NotFound, TooLarge
from roost.kit.ids import new_id
from roost.media import storage
from roost.media.processing import process_emoji
from roost.models import CustomEmoji

MAX_BYTES = 256 * 1024  # as Mastodon


async def add(session: AsyncSession, shortcode: str, data: bytes, *,
              category: str | None = None, visible_in_picker: bool = True) -> CustomEmoji:
    if not repo.SHORTCODE_RE.match(shortcode or ""):
        raise Invalid("A shortcode is 2-64 letters, digits or underscores")
    if await repo.by_shortcode(session, shortcode) is not None:
        raise Invalid(f"There is already an emoji :{shortcode}:")
    if len(data) > MAX_BYTES:
        raise TooLarge(f"Custom emojis may be at most {MAX_BYTES // 1024} KB")
    shown, still = await asyncio.to_thread(
        process_emoji, data, max_pixels=runtime.settings().max_image_pixels)
    emoji_id = new_id()
    token = secrets.token_hex(8)
    base = f"emojis/{token[:2]}/{token[2:4]}/{emoji_id}-{token}"
    file_path = f"{base}.{shown.ext}"
    static_path = file_path if shown is still else f"{base}-static.png"
    store = storage.get_storage()
    await store.save(file_path, shown.data)
    if static_path != file_path:
        await store.save(static_path, still.data)
    emoji = CustomEmoji(id=emoji_id, shortcode=shortcode, category=(category or "").strip() or None,
                        file_path=file_path, static_path=static_path,
                        content_type=f"image/{shown.ext}", visible_in_picker=visible_in_picker)
    session.add(emoji)
    try:
        await session.flush()
    except BaseException:
        await store.delete(file_path)
        await store.delete(static_path)
        raise
    events.record(session, EmojiAdded(emoji_id=str(emoji.id), shortcode=shortcode,
                                      category=emoji.category), actor_id=None, subject_id=emoji.id)
    return emoji


async def remove(session: AsyncSession, shortcode: str) -> None:
    emoji = await repo.by_shortcode(session, shortcode.strip(":"))
    if emoji is None:
        raise NotFound(f"No emoji :{shortcode.strip(':')}:")
    paths = list({emoji.file_path, emoji.static_path})
    await session.delete(emoji)
    await session.flush()
    events.record(session, EmojiRemoved(emoji_id=str(emoji.id), shortcode=emoji.shortcode),
                  actor_id=None, subject_id=emoji.id)
    store = storage.get_storage()

    async def delete_files() -> None:
        for p in paths:
            await store.delete(p)

    after_commit(session, delete_files)
