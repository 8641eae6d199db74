"""Conversation queries: a person's conversation rows, paged by their last status, the statuses
they point at, and the direct timeline. Posts are loaded only through posts/repository, so
visibility, deletion and blocks are decided there."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import CompoundSelect, select
from sqlalchemy.ext.asyncio import AsyncSession

from roost.kit.paging import PageParams, fetch
from roost.models import Account, AccountConversation, Mention, Status
from roost.posts.repository import readable_by


async def page(session: AsyncSession, account_id: int, page: PageParams) -> list[AccountConversation]:
    """The account's conversations, most recently active first (paged on last_status_id, as
    Mastodon does: one thread holds a status, so the key is unique per account)."""
    stmt = select(AccountConversation).where(AccountConversation.account_id == account_id)
    rows = await fetch(session, stmt, AccountConversation.last_status_id, page)
    return [r[0] for r in rows]


async def get_own(session: AsyncSession, account_id: int, conversation_id: int | None,
                  *, for_update: bool = False) -> AccountConversation | None:
    if conversation_id is None:
        return None
    stmt = select(AccountConversation).where(AccountConversation.id == conversation_id,
                                             AccountConversation.account_id == account_id)
    if for_update:
        stmt = stmt.with_for_update()
    return (await session.execute(stmt)).scalar_one_or_none()


async def get_by_key(session: AsyncSession, account_id: int, key: int) -> AccountConversation | None:
    stmt = (select(AccountConversation)
            .where(AccountConversation.account_id == account_id,
                   AccountConversation.conversation_key == key)
            .with_for_update())
    return (await session.execute(stmt)).scalar_one_or_none()


async def pointing_at(session: AsyncSession, status_id: int) -> list[AccountConversation]:
    stmt = (select(AccountConversation).where(AccountConversation.last_status_id == status_id)
            .order_by(AccountConversation.account_id).with_for_update())
    return list((await session.execute(stmt)).scalars())


async def mentioned_ids(session: AsyncSession, status_id: int) -> list[int]:
    stmt = select(Mention.account_id).where(Mention.status_id == status_id).order_by(Mention.account_id)
    return list((await session.execute(stmt)).scalars())


async def latest_readable_in_thread(session: AsyncSession, key: int, viewer_id: int) -> Status | None:
    """The newest direct post of thread `key` that `viewer_id` may read."""
    stmt = (readable_by(viewer_id)
            .where(Status.thread_id == key, Status.visibility == "direct",
                   Status.reblog_of_id.is_(None))
            .order_by(Status.id.desc()).limit(1))
    return (await session.execute(stmt)).scalar_one_or_none()


async def readable_statuses(session: AsyncSession, ids: Iterable[int], viewer_id: int) -> dict[int, Status]:
    """One query: the statuses among `ids` that the viewer may still read."""
    ids = list(set(ids))
    if not ids:
        return {}
    rows = (await session.execute(readable_by(viewer_id).where(Status.id.in_(ids)))).scalars()
    return {s.id: s for s in rows}


async def accounts_by_id(session: AsyncSession, ids: Iterable[int]) -> dict[int, Account]:
    """One query: the accounts among `ids`."""
    ids = list(set(ids))
    if not ids:
        return {}
    rows = (await session.execute(select(Account).where(Account.id.in_(ids)))).scalars()
    return {a.id: a for a in rows}


def _direct_ids(viewer_id: int) -> CompoundSelect:
    """Ids of the direct posts the viewer wrote or is mentioned in (each half on its own index)."""
    written = select(Status.id).where(Status.account_id == viewer_id, Status.visibility == "direct")
    mentioned = select(Mention.status_id).where(Mention.account_id == viewer_id)
    return written.union_all(mentioned)


async def direct_timeline(session: AsyncSession, viewer_id: int, page: PageParams) -> list[Status]:
    """Direct posts the viewer wrote or is mentioned in, newest first."""
    stmt = readable_by(viewer_id).where(Status.visibility == "direct",
                                        Status.reblog_of_id.is_(None),
                                        Status.id.in_(_direct_ids(viewer_id)))
    return [r[0] for r in await fetch(session, stmt, Status.id, page)]
