"""Conversations: per-person rows for direct-message threads (Mastodon's AccountConversation).

A direct post lands in the conversation of its thread for its author (read) and for everyone it
mentions who may read it (unread); people who block or are blocked by the author, or who mute
them, get nothing. When a conversation's last post is deleted it falls back to the previous
post of the thread its owner may read, or goes away. Rows are written by jobs
(conversations.update / conversations.status_deleted) and by their owner (read, remove)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from roost import events, realtime
from roost.conversations import repository as repo
from roost.db import insert as db_insert
from roost.events import schemas as ev
from roost.kit.clock import utcnow
from roost.kit.errors import NotFound
from roost.kit.ids import new_id, parse_id
from roost.kit.paging import PageParams
from roost.models import Account, AccountConversation, Status
from roost.posts import repository as posts_repo


@dataclass
class ConversationView:
    """A row with what its Conversation entity shows: the other participants (the owner alone
    for a note to self) and the last post, None when the owner may no longer read it."""

    row: AccountConversation
    accounts: list[Account]
    last_status: Status | None


# ---- reading ------------------------------------------------------------------------------------

async def _views(session: AsyncSession, viewer: Account,
                 rows: list[AccountConversation]) -> list[ConversationView]:
    """Two queries whatever the number of rows: participants, then readable last posts."""
    accounts = await repo.accounts_by_id(
        session, {i for r in rows for i in r.participant_account_ids})
    statuses = await repo.readable_statuses(session, [r.last_status_id for r in rows], viewer.id)
    out = []
    for r in rows:
        people = [accounts[i] for i in r.participant_account_ids if i in accounts]
        out.append(ConversationView(r, people or [viewer], statuses.get(r.last_status_id)))
    return out


async def list_conversations(session: AsyncSession, viewer: Account,
                             page: PageParams) -> list[ConversationView]:
    return await _views(session, viewer, await repo.page(session, viewer.id, page))


async def conversations_of(session: AsyncSession, viewer: Account,
                           ids: list[int]) -> list[ConversationView]:
    """The viewer's own conversations among `ids` (for the streaming API's `direct` stream)."""
    rows = [r for r in [await repo.get_own(session, viewer.id, i) for i in ids] if r is not None]
    return await _views(session, viewer, rows)


async def direct_timeline(session: AsyncSession, viewer: Account, page: PageParams) -> list[Status]:
    return await repo.direct_timeline(session, viewer.id, page)


# ---- the owner's writes -------------------------------------------------------------------------

async def _own(session: AsyncSession, viewer: Account, conversation_id: str | int) -> AccountConversation:
    row = await repo.get_own(session, viewer.id, parse_id(conversation_id), for_update=True)
    if row is None:
        raise NotFound()
    return row


async def mark_read(session: AsyncSession, viewer: Account, conversation_id: str | int) -> ConversationView:
    row = await _own(session, viewer, conversation_id)
    if row.unread:
        row.unread = False
        row.updated_at = utcnow()
        await session.flush()
        events.record(session, ev.ConversationRead(account_id=str(viewer.id), conversation_id=str(row.id)),
                      actor_id=viewer.id, subject_id=row.id)
    return (await _views(session, viewer, [row]))[0]


async def remove(session: AsyncSession, viewer: Account, conversation_id: str | int) -> None:
    """Remove a conversation from the caller's list only; a later post in it brings it back."""
    row = await _own(session, viewer, conversation_id)
    await session.delete(row)
    await session.flush()
    events.record(session, ev.ConversationRemoved(account_id=str(viewer.id), conversation_id=str(row.id)),
                  actor_id=viewer.id, subject_id=row.id)


# ---- the jobs' writes ---------------------------------------------------------------------------

async def _wants(session: AsyncSession, recipient_id: int, status: Status) -> bool:
    """May `recipient_id` read the post (visibility, blocks both ways, deletion, suspension),
    and, unless they wrote it, have they not muted its author?"""
    if await posts_repo.get_readable(session, status.id, recipient_id) is None:
        return False
    if recipient_id == status.account_id:
        return True
    muted = (await session.execute(
        select(~posts_repo.not_muted(recipient_id, status.account_id))
    )).scalar()
    return not muted


async def _upsert(session: AsyncSession, recipient_id: int, status: Status,
                  participants: list[int]) -> None:
    key = status.thread_id or status.id
    unread = recipient_id != status.account_id
    now = utcnow()
    created = await session.execute(
        db_insert(session, AccountConversation).values(
            id=new_id(), account_id=recipient_id, conversation_key=key,
            participant_account_ids=participants, last_status_id=status.id, unread=unread,
            updated_at=now,
        ).on_conflict_do_nothing(index_elements=["account_id", "conversation_key"])
        .returning(AccountConversation.id)
    )
    row_id = created.scalar_one_or_none()
    if row_id is None:
        row = await repo.get_by_key(session, recipient_id, key)
        if row is None:  # removed between the two statements
            return
        joined = sorted(set(row.participant_account_ids) | set(participants))
        if joined != row.participant_account_ids:
            row.participant_account_ids = joined
            row.updated_at = now
        if status.id <= row.last_status_id:  # already counted (a job run twice) or older
            await session.flush()
            return
        row.last_status_id, row.unread, row.updated_at = status.id, unread, now
        row_id = row.id
        await session.flush()
    events.record(session, ev.ConversationUpdated(
        account_id=str(recipient_id), conversation_id=str(row_id), status_id=str(status.id),
        unread=unread,
    ), actor_id=status.account_id, subject_id=row_id)
    if not realtime.broker().idle():  # the owner's `direct` streams, after commit
        realtime.publish_after_commit(session, [(realtime.direct(recipient_id),
                                                 realtime.message("conversation", row_id))])


async def add_status(session: AsyncSession, status_id: int) -> None:
    """Put a direct post in its thread's conversation for its author and each person it
    mentions. Safe to run twice; a deleted or non-direct post is ignored."""
    status = await session.get(Status, status_id)
    if (status is None or status.deleted_at is not None or status.visibility != "direct"
            or status.reblog_of_id is not None):
        return
    everyone = sorted({status.account_id, *await repo.mentioned_ids(session, status.id)})
    for recipient_id in everyone:  # in id order, so two jobs lock rows in the same order
        if not await _wants(session, recipient_id, status):
            continue
        others = sorted(set(everyone) - {recipient_id})
        await _upsert(session, recipient_id, status, others)


async def remove_status(session: AsyncSession, status_id: int) -> None:
    """A direct post was deleted: conversations whose last post it was fall back to the previous
    post of the thread their owner may read, or are removed when there is none."""
    status = await session.get(Status, status_id)
    if status is not None and status.deleted_at is None:
        return
    for row in await repo.pointing_at(session, status_id):
        previous = await repo.latest_readable_in_thread(session, row.conversation_key, row.account_id)
        if previous is None:
            await session.delete(row)
            events.record(session, ev.ConversationRemoved(
                account_id=str(row.account_id), conversation_id=str(row.id), by_owner=False,
            ), actor_id=None, subject_id=row.id)
        else:
            row.last_status_id, row.updated_at = previous.id, utcnow()
            events.record(session, ev.ConversationUpdated(
                account_id=str(row.account_id), conversation_id=str(row.id),
                status_id=str(previous.id), unread=row.unread,
            ), actor_id=None, subject_id=row.id)
    await session.flush()
