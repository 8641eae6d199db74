"""Announcement reads."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from roost.kit.clock import utcnow
from roost.models import Announcement, AnnouncementDismissal, AnnouncementReaction


def active() -> ColumnElement[bool]:
    """Published and not over."""
    return and_(Announcement.published_at.is_not(None),
                or_(Announcement.ends_at.is_(None), Announcement.ends_at > utcnow()))


async def get_active(session: AsyncSession, announcement_id: int | None) -> Announcement | None:
    if announcement_id is None:
        return None
    return (await session.execute(select(Announcement).where(
        Announcement.id == announcement_id, active()))).scalar_one_or_none()


@dataclass
class Seen:
    """What one viewer sees of the active announcements."""

    rows: list[Announcement]
    read: set[int] = field(default_factory=set)
    # announcement id -> [(name, count, mine)] in first-reacted order
    reactions: dict[int, list[tuple[str, int, bool]]] = field(default_factory=dict)


async def for_viewer(session: AsyncSession, viewer_id: int, *, with_dismissed: bool,
                     only: Collection[int] | None = None) -> Seen:
    """Active announcements (of `only`, when given), oldest first (by start, else publication),
    in four queries."""
    stmt = select(Announcement).where(active())
    if only is not None:
        stmt = stmt.where(Announcement.id.in_(list(only)))
    stmt = stmt.order_by(
        func.coalesce(Announcement.starts_at, Announcement.published_at), Announcement.id)
    rows = list((await session.execute(stmt)).scalars())
    ids = [a.id for a in rows]
    if not ids:
        return Seen([])
    read = set((await session.execute(select(AnnouncementDismissal.announcement_id).where(
        AnnouncementDismissal.account_id == viewer_id,
        AnnouncementDismissal.announcement_id.in_(ids)))).scalars())
    if not with_dismissed:
        rows = [a for a in rows if a.id not in read]
    shown = [a.id for a in rows]
    reactions: dict[int, list[tuple[str, int, bool]]] = defaultdict(list)
    if shown:
        R = AnnouncementReaction
        mine = set((await session.execute(select(R.announcement_id, R.name).where(
            R.announcement_id.in_(shown), R.account_id == viewer_id))).all())
        for aid, name, count in (await session.execute(
            select(R.announcement_id, R.name, func.count()).where(R.announcement_id.in_(shown))
            .group_by(R.announcement_id, R.name).order_by(func.min(R.created_at), R.name)
        )).all():
            reactions[aid].append((name, count, (aid, name) in mine))
    return Seen(rows, read, dict(reactions))
