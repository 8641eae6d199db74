"""Queries over account_archives."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from roost.models import AccountArchive

LIST_LIMIT = 20


async def of_account(session: AsyncSession, account_id: int, *,
                     limit: int = LIST_LIMIT) -> list[AccountArchive]:
    """The account's archives, newest first."""
    return list((await session.scalars(
        select(AccountArchive).where(AccountArchive.account_id == account_id)
        .order_by(AccountArchive.created_at.desc(), AccountArchive.id.desc()).limit(limit))).all())


async def latest_counted(session: AsyncSession, account_id: int,
                         since: datetime) -> AccountArchive | None:
    """The newest request made since `since` that counts against the interval (failed ones do
    not: the person may ask again)."""
    return (await session.scalars(
        select(AccountArchive).where(AccountArchive.account_id == account_id,
                                     AccountArchive.created_at > since,
                                     AccountArchive.state != "failed")
        .order_by(AccountArchive.created_at.desc()).limit(1))).first()


async def expired(session: AsyncSession, finished_before: datetime,
                  limit: int) -> list[AccountArchive]:
    return list((await session.scalars(
        select(AccountArchive).where(AccountArchive.state == "done",
                                     AccountArchive.finished_at < finished_before)
        .order_by(AccountArchive.finished_at).limit(limit))).all())


async def paths_in_use(session: AsyncSession, archive_ids: list[int]) -> set[str]:
    if not archive_ids:
        return set()
    return set((await session.scalars(
        select(AccountArchive.path).where(AccountArchive.id.in_(archive_ids),
                                          AccountArchive.path.is_not(None)))).all())


async def stuck(session: AsyncSession, created_before: datetime,
                limit: int) -> list[AccountArchive]:
    """Archives still queued or running long after they were asked for (every build attempt
    died)."""
    return list((await session.scalars(
        select(AccountArchive).where(AccountArchive.state.in_(("queued", "running")),
                                     AccountArchive.created_at < created_before)
        .order_by(AccountArchive.created_at).limit(limit))).all())
