from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from roost.jobs import job
from roost.models import Follow, Mention, Notification, Status
from roost.notifications.service import notify, notify_follow, notify_staff
from roost.posts import repository as posts_repo


@job("notifications.create")
async def create(session: AsyncSession, *, account_id: int, type: str, from_account_id: int,
                 status_id: int | None = None) -> None:
    if type in ("follow", "follow_request") and status_id is None:
        await notify_follow(session, account_id=account_id, from_account_id=from_account_id, type=type)
        return
    if status_id is not None:
        status = await session.get(Status, status_id)
        if status is None or status.deleted_at is not None:
            return
    await notify(session, account_id=account_id, type=type, from_account_id=from_account_id,
                 status_id=status_id)


@job("notifications.for_status")
async def for_status(session: AsyncSession, *, status_id: int) -> None:
    """Mentions notify the mentioned (if they may read the post). Followers who asked to be
    notified get a `status` notification, as Mastodon's home-feed insert gives it: for public,
    unlisted and followers-only posts that are not replies to someone else (a thread of one's own
    counts), unless they mute the author or follow them only in other languages."""
    status = await session.get(Status, status_id)
    if status is None or status.deleted_at is not None:
        return
    mentioned = list((await session.execute(
        select(Mention.account_id).where(Mention.status_id == status_id)
    )).scalars())
    for account_id in mentioned:
        if await posts_repo.get_readable(session, status_id, account_id) is not None:
            await notify(session, account_id=account_id, type="mention",
                         from_account_id=status.account_id, status_id=status_id)
    if status.visibility not in ("public", "unlisted", "private"):
        return
    if status.in_reply_to_id is not None and status.in_reply_to_account_id != status.account_id:
        return
    subscribers = (await session.execute(
        select(Follow.account_id, Follow.languages).where(
            Follow.target_account_id == status.account_id, Follow.notify.is_(True),
            posts_repo.not_muted(Follow.account_id, status.account_id))
    )).all()
    for account_id, languages in subscribers:
        if account_id in mentioned:
            continue
        if languages and status.language and status.language not in languages:
            continue
        await notify(session, account_id=account_id, type="status",
                     from_account_id=status.account_id, status_id=status_id)


@job("notifications.for_edit")
async def for_edit(session: AsyncSession, *, status_id: int) -> None:
    """Tell everyone who reposted a post that it changed (Mastodon's `update`); a later edit
    replaces the earlier notice so it surfaces again."""
    status = await session.get(Status, status_id)
    if status is None or status.deleted_at is not None:
        return
    reposters = list((await session.execute(
        select(Status.account_id).where(Status.reblog_of_id == status_id)
    )).scalars())
    if not reposters:
        return
    await session.execute(delete(Notification).where(
        Notification.status_id == status_id, Notification.type == "update"))
    for account_id in reposters:
        if await posts_repo.get_readable(session, status_id, account_id) is not None:
            await notify(session, account_id=account_id, type="update",
                         from_account_id=status.account_id, status_id=status_id)


@job("notifications.for_staff")
async def for_staff(session: AsyncSession, *, type: str, from_account_id: int,
                    report_id: int | None = None) -> None:
    """`admin.sign_up` and `admin.report` to the moderators and admins (see notify_staff)."""
    await notify_staff(session, type=type, from_account_id=from_account_id, report_id=report_id)
