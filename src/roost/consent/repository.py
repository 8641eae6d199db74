"""Queries over the consent ledger."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from roost.consent.rules import Change, level_at, may_use, may_use_post
from roost.models import Account, Status, TrainingConsent


async def history(session: AsyncSession, account_id: int, *, limit: int | None = None
                  ) -> list[TrainingConsent]:
    """The account's changes, newest first."""
    stmt = (select(TrainingConsent).where(TrainingConsent.account_id == account_id)
            .order_by(TrainingConsent.changed_at.desc(), TrainingConsent.id.desc()))
    if limit is not None:
        stmt = stmt.limit(limit)
    return list((await session.scalars(stmt)).all())


async def current_levels(session: AsyncSession, account_ids: Iterable[int]) -> dict[int, str]:
    """The level in force now for each account, in one query (missing accounts are left out)."""
    ids = sorted(set(account_ids))
    if not ids:
        return {}
    rows = await session.execute(
        select(Account.id, Account.training_consent).where(Account.id.in_(ids)))
    return {i: level for i, level in rows.all()}


async def level_at_time(session: AsyncSession, account_id: int, at: datetime) -> str:
    """The level that was in force for the account at `at`, from the ledger."""
    rows = await session.execute(
        select(TrainingConsent.level, TrainingConsent.changed_at)
        .where(TrainingConsent.account_id == account_id, TrainingConsent.changed_at <= at)
        .order_by(TrainingConsent.changed_at, TrainingConsent.id))
    return level_at([Change(level, changed_at) for level, changed_at in rows.all()], at)


async def consenting_usernames(session: AsyncSession) -> list[str]:
    """Active accounts whose public posts may be used, by username."""
    rows = await session.scalars(
        select(Account.username).where(Account.training_consent.in_(("public_posts", "all")),
                                       Account.suspended_at.is_(None), Account.deleted_at.is_(None))
        .order_by(Account.username_lower))
    return list(rows.all())


async def excluded_posts(session: AsyncSession) -> list[tuple[str, int]]:
    """(username, status id) of the live posts excluded on their own by consenting accounts."""
    rows = await session.execute(
        select(Account.username, Status.id).join(Account, Account.id == Status.account_id)
        .where(Status.training_opt_out.is_(True), Status.deleted_at.is_(None),
               Account.training_consent.in_(("public_posts", "all")))
        .order_by(Account.username_lower, Status.id))
    return [(u, i) for u, i in rows.all()]


async def account_may_be_used(session: AsyncSession, account_id: int, kind: str,
                              at: datetime) -> bool:
    """May the account's content of `kind` ("public_posts" or "all") be used in a dataset built
    at `at`? Builders pass the build time: a withdrawal before it leaves the person out."""
    return may_use(await level_at_time(session, account_id, at), kind)


async def post_may_be_used(session: AsyncSession, status_id: int, at: datetime) -> bool:
    """May this post's text and media be used in a dataset built at `at`?"""
    row = (await session.execute(
        select(Status.account_id, Status.visibility, Status.training_opt_out, Status.deleted_at,
               Status.reblog_of_id).where(Status.id == status_id))).first()
    if row is None or row.reblog_of_id is not None:
        return False
    return may_use_post(await level_at_time(session, row.account_id, at),
                        visibility=row.visibility, opted_out=row.training_opt_out,
                        deleted=row.deleted_at is not None)
