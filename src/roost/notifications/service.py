"""Notification writes. Creation is idempotent (unique key), respects blocks and muted notifications."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import and_, delete, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from roost import events, realtime
from roost.db import insert as db_insert
from roost.events.schemas import NotificationsDismissed
from roost.kit.clock import utcnow
from roost.kit.errors import NotFound
from roost.kit.ids import new_id, parse_id
from roost.models import (Account, Block, Follow, FollowNotice, FollowRequest, Mute, Notification,
                          Report, User)
from roost.notifications import grouping
from roost.notifications import repository as repo

TYPES = ("mention", "status", "reblog", "follow", "follow_request", "favourite", "poll", "update",
         "admin.sign_up", "admin.report")
SELF_TYPES = ("poll",)  # the author of a poll is told when it closes, as Mastodon does
STAFF_TYPES = ("admin.sign_up", "admin.report")  # to moderators and admins only
STAFF_ROLES = ("moderator", "admin")


async def _suppressed(session: AsyncSession, recipient_id: int, from_id: int) -> bool:
    now = utcnow()
    stmt = select(
        exists(select(1).where(or_(
            and_(Block.account_id == recipient_id, Block.target_account_id == from_id),
            and_(Block.account_id == from_id, Block.target_account_id == recipient_id),
        )))
        | exists(select(1).where(Mute.account_id == recipient_id, Mute.target_account_id == from_id,
                                 Mute.hide_notifications.is_(True),
                                 or_(Mute.expires_at.is_(None), Mute.expires_at > now)))
        | ~exists(select(1).where(Account.id == from_id, Account.suspended_at.is_(None),
                                  Account.deleted_at.is_(None)))
    )
    return bool((await session.execute(stmt)).scalar())


async def notify(session: AsyncSession, *, account_id: int, type: str, from_account_id: int,
                 status_id: int | None = None, report_id: int | None = None) -> bool:
    """Create a notification unless it exists already or the recipient does not want it."""
    if type not in TYPES:
        raise ValueError(f"unknown notification type {type!r}")
    if account_id == from_account_id and type not in SELF_TYPES:
        return False
    if await _suppressed(session, account_id, from_account_id):
        return False
    key = f"{type}:{from_account_id}:{status_id or report_id or ''}"
    nid = new_id()
    result = await session.execute(
        db_insert(session, Notification).values(
            id=nid, account_id=account_id, from_account_id=from_account_id, type=type,
            status_id=status_id, report_id=report_id, key=key, created_at=utcnow(),
        ).on_conflict_do_nothing(index_elements=["account_id", "key"])
    )
    if not result.rowcount:
        return False
    realtime.publish_after_commit(session, [(realtime.notifications(account_id),
                                             realtime.message("notification", nid))])
    return True


FOLLOW_RENOTIFY = timedelta(days=1)


async def notify_follow(session: AsyncSession, *, account_id: int, from_account_id: int,
                        type: str) -> bool:
    """A `follow` or `follow_request` notification, decided when the job runs: nothing if the
    follow (or request) is gone by then (unfollowed, withdrawn, rejected), and no second `follow`
    within a day for the same follower (unfollow and follow again does not spam)."""
    model = Follow if type == "follow" else FollowRequest
    still = await session.execute(select(model.id).where(model.account_id == from_account_id,
                                                         model.target_account_id == account_id))
    if still.first() is None:
        return False
    if type != "follow":
        return await notify(session, account_id=account_id, type=type, from_account_id=from_account_id)
    now = utcnow()
    last = (await session.execute(select(FollowNotice.notified_at).where(
        FollowNotice.account_id == account_id, FollowNotice.from_account_id == from_account_id))).scalar()
    if last is not None and now - last < FOLLOW_RENOTIFY:
        return False
    if not await notify(session, account_id=account_id, type=type, from_account_id=from_account_id):
        return False
    stmt = db_insert(session, FollowNotice).values(account_id=account_id,
                                                   from_account_id=from_account_id, notified_at=now)
    await session.execute(stmt.on_conflict_do_update(
        index_elements=["account_id", "from_account_id"], set_={"notified_at": now}))
    return True


async def dismiss(session: AsyncSession, account_id: int, notification_id: str | int) -> None:
    nid = parse_id(notification_id)
    gone = await session.execute(
        delete(Notification).where(Notification.id == nid, Notification.account_id == account_id)
    )
    if not gone.rowcount:
        raise NotFound()
    events.record(session, NotificationsDismissed(account_id=str(account_id), notification_id=str(nid)),
                  actor_id=account_id)


async def dismiss_group(session: AsyncSession, account_id: int, group_key: str) -> None:
    """Delete every notification of the caller's in group `group_key` (404 when there is none)."""
    condition = grouping.members(group_key)
    if condition is None:
        raise NotFound()
    gone = await session.execute(
        delete(Notification).where(Notification.account_id == account_id, condition)
    )
    if not gone.rowcount:
        raise NotFound()
    events.record(session, NotificationsDismissed(account_id=str(account_id), group_key=group_key),
                  actor_id=account_id)


async def clear(session: AsyncSession, account_id: int) -> None:
    await session.execute(delete(Notification).where(Notification.account_id == account_id))
    events.record(session, NotificationsDismissed(account_id=str(account_id)), actor_id=account_id)


async def notify_staff(session: AsyncSession, *, type: str, from_account_id: int,
                       report_id: int | None = None) -> int:
    """`admin.sign_up` (a new active account) or `admin.report` (a new report) to every active
    moderator and admin, as Mastodon tells those who may manage users or reports. A report about
    an account that already has an older open report notifies no one again (Mastodon's
    `unresolved_siblings?`); neither does one resolved before this runs."""
    if type not in STAFF_TYPES:
        raise ValueError(f"not a staff notification type {type!r}")
    if type == "admin.report":
        report = await session.get(Report, report_id)
        if report is None or report.action_taken_at is not None:
            return 0
        sibling = await session.execute(select(Report.id).where(
            Report.target_account_id == report.target_account_id, Report.id < report.id,
            Report.action_taken_at.is_(None)).limit(1))
        if sibling.first() is not None:
            return 0
    staff = (await session.execute(
        select(User.account_id).join(Account, Account.id == User.account_id).where(
            User.role.in_(STAFF_ROLES), User.approved.is_(True), User.disabled.is_(False),
            Account.suspended_at.is_(None), Account.deleted_at.is_(None))
    )).scalars().all()
    sent = 0
    for account_id in staff:
        sent += await notify(session, account_id=account_id, type=type,
                             from_account_id=from_account_id, report_id=report_id)
    return sent


async def forget_staff_notifications(session: AsyncSession, account_id: int) -> None:
    """Someone who is no longer staff loses the staff notifications they had."""
    await session.execute(delete(Notification).where(Notification.account_id == account_id,
                                                     Notification.type.in_(STAFF_TYPES)))


async def mark_read(session: AsyncSession, account: Account, up_to: int | None = None) -> int | None:
    """Move the "notifications" read marker to `up_to` (default: the newest notification the
    person sees), never backwards. Returns the marker's position (None: nothing to mark)."""
    from roost.accounts.service import save_markers

    target = up_to if up_to is not None else await repo.newest_id(session, account.id)
    current = await repo.last_read_id(session, account.id)
    if target is None or (current is not None and target <= current):
        return current
    await save_markers(session, account, {"notifications": target})
    return target


async def unread_badge(session: AsyncSession, account: Account) -> int:
    """The unread count the web app's Notifications badge shows (one query, capped at 100)."""
    return await repo.unread_badge(session, account.id)
