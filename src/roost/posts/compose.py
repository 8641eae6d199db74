"""A post and its pictures in one request (the web composer): the same checks as
POST /api/v2/media and POST /api/v1/statuses, in two steps so that nothing is written for a
post that would be refused.

`prepare` checks the post (text, content warning, visibility, language, reply target, how many
files) and processes every file (type sniffing, size and pixel limits, metadata stripped,
thumbnail, blurhash) without writing anything: every refusal (kit.errors) comes from here.
`publish` then stores the files and creates the post in the caller's unit of work; an error there
is unexpected and rolls the whole unit back (files whose row never committed are swept by
media.sweep, as for the API)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy.ext.asyncio import AsyncSession

from roost.media import service as media
from roost.models import Account, Status
from roost.posts import service


@dataclass
class Upload:
    file: media.Readable
    description: str | None = None


@dataclass
class Draft:
    new: service.NewPost
    files: list[media.Prepared]


async def prepare(session: AsyncSession, author: Account, new: service.NewPost,
                  uploads: list[Upload]) -> Draft:
    """Check the post and process its files; raises kit.errors, writes nothing."""
    await service.check_post(session, author, new, pending_media=len(uploads))
    files = [await media.prepare(u.file, description=u.description) for u in uploads]
    return Draft(new, files)


async def publish(session: AsyncSession, author: Account, draft: Draft) -> Status:
    """Store the prepared files and create the post with them attached, in that order."""
    ids = [(await media.store(session, author, f)).id for f in draft.files]
    new = replace(draft.new, media_ids=list(draft.new.media_ids or []) + ids)
    return await service.create_post(session, author, new)
