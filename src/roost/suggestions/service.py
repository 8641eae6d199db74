"""Suggestion writes: dismissing a suggested account for good."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from roost import events
from roost.accounts import repository as accounts_repo
from roost.db import insert as db_insert
from roost.events.schemas import SuggestionDismissed
from roost.kit.errors import NotFound
from roost.kit.ids import parse_id
from roost.models import Account, SuggestionDismissal


async def dismiss(session: AsyncSession, actor: Account, account_id: str | int) -> None:
    """Never suggest this account to `actor` again (idempotent)."""
    target = await accounts_repo.get(session, parse_id(account_id))
    if target is None:
        raise NotFound()
    result = await session.execute(
        db_insert(session, SuggestionDismissal)
        .values(account_id=actor.id, target_account_id=target.id)
        .on_conflict_do_nothing(index_elements=["account_id", "target_account_id"]))
    if result.rowcount:
        events.record(session, SuggestionDismissed(account_id=str(actor.id),
                                                   target_account_id=str(target.id)),
                      actor_id=actor.id, subject_id=target.id)
