"""Queries on the AI moderation log, for moderators."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from roost.kit.paging import PageParams, fetch
from roost.models import Account, ModerationDecision


async def page(session: AsyncSession, page: PageParams, *, verdict: str | None = None,
               account_id: int | None = None) -> list[tuple[ModerationDecision, str | None]]:
    """Decisions newest first, with the checked account's username, optionally only one verdict
    ("refused", "sensitive", "allowed") or one account's."""
    stmt = (select(ModerationDecision, Account.username)
            .outerjoin(Account, Account.id == ModerationDecision.account_id))
    if verdict is not None:
        stmt = stmt.where(ModerationDecision.verdict == verdict)
    if account_id is not None:
        stmt = stmt.where(ModerationDecision.account_id == account_id)
    return [(row[0], row[1]) for row in await fetch(session, stmt, ModerationDecision.id, page)]
