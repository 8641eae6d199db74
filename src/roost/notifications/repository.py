"""Notification queries. `visible_to(account_id)` is the one statement for the notifications a
person sees: the sender must be active, not blocked either way and not muted with notifications,
and a notification about a post shows only while the recipient may still read that post."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Select, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from roost.kit.clock import utcnow
from roost.kit.paging import PageParams, fetch
from roost.models import Account, Marker, Mute, Notification, Status
from roost.posts.repository import not_blocked, readable_condition

STATUS_TYPES = ("mention", "status", "reblog", "favourite", "poll", "update")


@dataclass
class NotificationFilter:
    types: list[str] = field(default_factory=list)  # only these (empty: all)
    exclude_types: list[str] = field(default_factory=list)
    from_account_id: int | None = None


def visible_to(account_id: int) -> Select:
    about = aliased(Status)
    now = utcnow()
    return select(Notification).where(
        Notification.account_id == account_id,
        exists(select(1).where(Account.id == Notification.from_account_id,
                               Account.suspended_at.is_(None), Account.deleted_at.is_(None))),
        not_blocked(account_id, Notification.from_account_id),
        ~exists(select(1).where(Mute.account_id == account_id,
                                Mute.target_account_id == Notification.from_account_id,
                                Mute.hide_notifications.is_(True),
                                or_(Mute.expires_at.is_(None), Mute.expires_at > now))),
        or_(Notification.status_id.is_(None),
            exists(select(1).select_from(about).where(about.id == Notification.status_id,
                                                      readable_condition(account_id, about)))),
    )


def filtered(account_id: int, f: NotificationFilter) -> Select:
    """`visible_to` narrowed by the request's filters."""
    stmt = visible_to(account_id)
    if f.types:
        stmt = stmt.where(Notification.type.in_(f.types))
    if f.exclude_types:
        stmt = stmt.where(Notification.type.not_in(f.exclude_types))
    if f.from_account_id is not None:
        stmt = stmt.where(Notification.from_account_id == f.from_account_id)
    return stmt


async def page(session: AsyncSession, account_id: int, f: NotificationFilter,
               paging: PageParams) -> list[Notification]:
    return [row[0] for row in await fetch(session, filtered(account_id, f), Notification.id, paging)]


async def get(session: AsyncSession, account_id: int, notification_id: int | None) -> Notification | None:
    if notification_id is None:
        return None
    stmt = visible_to(account_id).where(Notification.id == notification_id)
    return (await session.execute(stmt)).scalar_one_or_none()


async def unread_count(session: AsyncSession, account_id: int, f: NotificationFilter, *,
                       cap: int) -> int:
    """Visible notifications newer than the "notifications" marker, counted up to `cap`."""
    last_read = await last_read_id(session, account_id)
    stmt = filtered(account_id, f).with_only_columns(Notification.id)
    if last_read is not None:
        stmt = stmt.where(Notification.id > last_read)
    capped = stmt.order_by(Notification.id.desc()).limit(cap).subquery()
    return int((await session.execute(select(func.count()).select_from(capped))).scalar_one())


async def last_read_id(session: AsyncSession, account_id: int) -> int | None:
    """The caller's "notifications" marker, if they have one."""
    return (await session.execute(
        select(Marker.last_read_id).where(Marker.account_id == account_id,
                                          Marker.timeline == "notifications")
    )).scalar_one_or_none()


async def newest_id(session: AsyncSession, account_id: int) -> int | None:
    """The id of the newest notification the person sees (None when they have none)."""
    stmt = visible_to(account_id).with_only_columns(Notification.id).order_by(
        Notification.id.desc()).limit(1)
    return (await session.execute(stmt)).scalar_one_or_none()


async def unread_badge(session: AsyncSession, account_id: int, *, cap: int = 100) -> int:
    """What the unread badge shows, in one query: visible notifications newer than the
    "notifications" marker (all of them without one), counted up to `cap`."""
    last_read = (select(Marker.last_read_id)
                 .where(Marker.account_id == account_id, Marker.timeline == "notifications")
                 .scalar_subquery())
    stmt = (visible_to(account_id).with_only_columns(Notification.id)
            .where(Notification.id > func.coalesce(last_read, 0))
            .order_by(Notification.id.desc()).limit(cap).subquery())
    return int((await session.execute(select(func.count()).select_from(stmt))).scalar_one())
