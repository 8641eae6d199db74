"""Instance-wide counts for /api/v1/instance, nodeinfo and the weekly activity report."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from roost.kit.clock import utcnow
from roost.kit.ids import id_floor
from roost.models import Account, Status, User


def _local_users():  # noqa: ANN202
    return (select(func.count()).select_from(User).join(Account, Account.id == User.account_id)
            .where(User.approved.is_(True), User.disabled.is_(False),
                   Account.suspended_at.is_(None), Account.deleted_at.is_(None)))


async def user_count(session: AsyncSession) -> int:
    return (await session.execute(_local_users())).scalar_one()


async def active_users(session: AsyncSession, days: int) -> int:
    since = utcnow() - timedelta(days=days)
    return (await session.execute(_local_users().where(User.last_active_at >= since))).scalar_one()


async def status_count(session: AsyncSession) -> int:
    stmt = select(func.count()).select_from(Status).where(Status.deleted_at.is_(None),
                                                          Status.reblog_of_id.is_(None))
    return (await session.execute(stmt)).scalar_one()


async def weekly_activity(session: AsyncSession, weeks: int = 12) -> list[dict]:
    """Statuses, logins (users active that week, approximated by last activity) and sign-ups,
    per week starting Monday 00:00 UTC, newest first. Statuses are counted by id range, which
    uses the primary key (ids are time-sortable)."""
    now = utcnow()
    monday = (now - timedelta(days=now.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)
    out = []
    for i in range(weeks):
        start: datetime = monday - timedelta(weeks=i)
        end = start + timedelta(weeks=1)
        statuses = (await session.execute(
            select(func.count()).select_from(Status)
            .where(Status.id >= id_floor(start), Status.id < id_floor(end),
                   Status.reblog_of_id.is_(None), Status.deleted_at.is_(None))
        )).scalar_one()
        logins = (await session.execute(
            select(func.count()).select_from(User)
            .where(User.last_active_at >= start, User.last_active_at < end)
        )).scalar_one()
        signups = (await session.execute(
            select(func.count()).select_from(User).where(User.created_at >= start, User.created_at < end)
        )).scalar_one()
        out.append({"week": str(int(start.timestamp())), "statuses": str(statuses),
                    "logins": str(logins), "registrations": str(signups)})
    return out


async def contact_account(session: AsyncSession, username: str = "") -> Account | None:
    """The named contact account, else the oldest admin's."""
    stmt = select(Account).join(User, User.account_id == Account.id).where(
        Account.suspended_at.is_(None), Account.deleted_at.is_(None))
    if username:
        stmt = stmt.where(Account.username_lower == username.lstrip("@").lower())
    else:
        stmt = stmt.where(User.role == "admin").order_by(User.created_at, User.id)
    return (await session.execute(stmt.limit(1))).scalar_one_or_none()


async def admin_email(session: AsyncSession) -> str | None:
    """The oldest active admin's email: who to write to when no contact email is configured."""
    stmt = (select(User.email).join(Account, Account.id == User.account_id)
            .where(User.role == "admin", User.disabled.is_(False), Account.suspended_at.is_(None),
                   Account.deleted_at.is_(None))
            .order_by(User.created_at, User.id).limit(1))
    return (await session.execute(stmt)).scalar_one_or_none()
