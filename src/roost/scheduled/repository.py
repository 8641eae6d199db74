"""Scheduled-post queries: only their author ever sees them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from roost.kit.paging import PageParams, fetch
from roost.models import MediaAttachment, ScheduledStatus


async def own(session: AsyncSession, account_id: int, scheduled_id: int | None) -> ScheduledStatus | None:
    if scheduled_id is None:
        return None
    return (await session.execute(
        select(ScheduledStatus).where(ScheduledStatus.id == scheduled_id,
                                      ScheduledStatus.account_id == account_id)
    )).scalar_one_or_none()


async def page(session: AsyncSession, account_id: int, paging: PageParams) -> list[ScheduledStatus]:
    stmt = select(ScheduledStatus).where(ScheduledStatus.account_id == account_id)
    return [row[0] for row in await fetch(session, stmt, ScheduledStatus.id, paging)]


async def count(session: AsyncSession, account_id: int, *, day_of: datetime | None = None,
                exclude_id: int | None = None) -> int:
    """How many the account has scheduled (on the UTC day of `day_of`, when given)."""
    stmt = select(func.count()).select_from(ScheduledStatus).where(
        ScheduledStatus.account_id == account_id)
    if day_of is not None:
        start = day_of.replace(hour=0, minute=0, second=0, microsecond=0)
        stmt = stmt.where(ScheduledStatus.scheduled_at >= start)
        if start.date() < date.max:
            stmt = stmt.where(ScheduledStatus.scheduled_at < start + timedelta(days=1))
    if exclude_id is not None:
        stmt = stmt.where(ScheduledStatus.id != exclude_id)
    return int((await session.execute(stmt)).scalar_one())


async def media_of(session: AsyncSession, scheduled_ids: Sequence[int]) -> dict[int, list[MediaAttachment]]:
    """The media attached to each of these scheduled posts, in one query."""
    out: dict[int, list[MediaAttachment]] = defaultdict(list)
    if not scheduled_ids:
        return out
    rows = (await session.execute(
        select(MediaAttachment).where(MediaAttachment.scheduled_status_id.in_(list(scheduled_ids)))
        .order_by(MediaAttachment.id)
    )).scalars()
    for m in rows:
        out[m.scheduled_status_id].append(m)  # type: ignore[index]
    return out
