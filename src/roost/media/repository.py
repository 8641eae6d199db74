"""Media queries. An upload is "unattached" while it belongs to no post, or only to a deleted one
(delete-and-redraft reuses those)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from roost.kit.ids import id_floor
from roost.models import Account, MediaAttachment, Status


def _unattached(stmt: Select, *, deleted_before: datetime | None = None) -> Select:
    deleted = Status.deleted_at.is_not(None) if deleted_before is None \
        else Status.deleted_at < deleted_before
    return stmt.outerjoin(Status, Status.id == MediaAttachment.status_id).where(
        or_(MediaAttachment.status_id.is_(None), Status.id.is_(None), deleted)
    )


async def own(session: AsyncSession, account_id: int, media_id: int | None) -> MediaAttachment | None:
    if media_id is None:
        return None
    return (await session.execute(
        select(MediaAttachment).where(MediaAttachment.id == media_id,
                                      MediaAttachment.account_id == account_id)
    )).scalar_one_or_none()


async def own_unattached(session: AsyncSession, account_id: int,
                         media_id: int | None) -> MediaAttachment | None:
    if media_id is None:
        return None
    stmt = select(MediaAttachment).where(MediaAttachment.id == media_id,
                                         MediaAttachment.account_id == account_id)
    return (await session.execute(_unattached(stmt))).scalar_one_or_none()


async def expired_unattached(session: AsyncSession, cutoff: datetime, limit: int) -> list[MediaAttachment]:
    """Uploads made before `cutoff` that no live post and no scheduled post uses (posts deleted
    before `cutoff` count as gone), oldest first."""
    stmt = select(MediaAttachment).where(MediaAttachment.id < id_floor(cutoff),
                                         MediaAttachment.created_at < cutoff,
                                         MediaAttachment.scheduled_status_id.is_(None))
    stmt = _unattached(stmt, deleted_before=cutoff).order_by(MediaAttachment.id).limit(limit)
    return list((await session.execute(stmt)).scalars())


async def attachment_paths_of(session: AsyncSession, media_ids: list[int]) -> set[str]:
    rows = await session.execute(
        select(MediaAttachment.file_path, MediaAttachment.thumbnail_path)
        .where(MediaAttachment.id.in_(media_ids))
    )
    return {p for row in rows for p in row if p}


async def profile_paths_of(session: AsyncSession, account_ids: list[int]) -> set[str]:
    rows = await session.execute(
        select(Account.avatar_path, Account.header_path).where(Account.id.in_(account_ids))
    )
    return {p for row in rows for p in row if p}
