"""Machine-readable opt-out signals: which pages and media files may be used to train models.

Default deny: a page or file carries `X-Robots-Tag: noai, noimageai` unless everything on it may be
used (rules.may_use_post for every post shown, rules.may_use for the accounts it is about)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from roost.consent import repository as repo
from roost.consent.rules import may_use, may_use_post
from roost.media.storage import owner_id
from roost.models import Account, MediaAttachment, Status

NOAI = "noai, noimageai"


async def statuses_may_be_used(session: AsyncSession, statuses: Iterable[dict],
                               account_ids: Iterable[int] = ()) -> bool:
    """May a page showing these rendered statuses (API dicts), about these accounts, be used?
    One query for all the authors' levels."""
    shown = [s.get("reblog") or s for s in statuses]
    authors = {int(s["account"]["id"]) for s in shown} | {int(a) for a in account_ids}
    if not authors:
        return False
    levels = await repo.current_levels(session, authors)
    if any(not may_use(levels.get(a, "none"), "public_posts") for a in authors):
        return False
    return all(may_use_post(levels[int(s["account"]["id"])], visibility=s["visibility"],
                            opted_out=bool((s.get("roost") or {}).get("training_opt_out")))
               for s in shown)


async def media_file_may_be_used(session: AsyncSession, path: str) -> bool:
    """May a stored file be used? Only the files of a post's attachment, when that post may be
    (avatars, headers, unattached uploads and everything else: no)."""
    media_id = owner_id(path) if path.startswith("attachments/") else None
    if media_id is None:
        return False
    row = (await session.execute(
        select(MediaAttachment.file_path, MediaAttachment.thumbnail_path, Status.visibility,
               Status.training_opt_out, Status.deleted_at, Account.training_consent)
        .join(Status, Status.id == MediaAttachment.status_id)
        .join(Account, Account.id == Status.account_id)
        .where(MediaAttachment.id == media_id))).first()
    if row is None or path not in (row.file_path, row.thumbnail_path):
        return False
    return may_use_post(row.training_consent, visibility=row.visibility,
                        opted_out=row.training_opt_out, deleted=row.deleted_at is not None)
