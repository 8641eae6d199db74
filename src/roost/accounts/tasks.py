"""Erasing a deleted account, in batches: each run removes its social graph and reactions
(set-based, with the counters they touched) and its notes and note ratings, erases one batch of
its reposts and one of its posts (and others' notes on them), and enqueues itself again until none
is left. Every step finds its rows by what is still to do, so
a retried or repeated run is harmless.

Each post and repost still live when it is erased records `post.deleted` / `post.unreposted`
(public when the post was public or unlisted), so the firehose carries a tombstone for every one of
them, after the `account.deleted` tombstone that delete_account recorded."""

from __future__ import annotations

import logging
from collections import Counter

from sqlalchemy import delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from roost import events, jobs
from roost.archives import service as archives
from roost.db import after_commit
from roost.events.schemas import PostDeleted, PostUnreposted
from roost.jobs import job
from roost.kit.clock import utcnow
from roost.media import service as media_service
from roost.media import storage
from roost.notes import service as notes
from roost.models import (Account, Block, Bookmark, Candidate, Favourite, Follow, FollowRequest,
                          Generation, MediaAttachment, Mention, Mute, Notification, Pin, Status,
                          StatusTag)

log = logging.getLogger("roost.accounts")

BATCH = 200


async def _decrement(session: AsyncSession, model, column, ids_stmt) -> None:  # noqa: ANN001
    """column - 1 (never below zero) on every row whose id the statement selects (ids unique)."""
    await session.execute(
        update(model).where(model.id.in_(ids_stmt), column > 0)
        .values({column.key: column - 1}).execution_options(synchronize_session=False)
    )


async def _drop_graph(session: AsyncSession, account_id: int) -> None:
    await _decrement(session, Account, Account.followers_count,
                     select(Follow.target_account_id).where(Follow.account_id == account_id))
    await _decrement(session, Account, Account.following_count,
                     select(Follow.account_id).where(Follow.target_account_id == account_id))
    for model in (Follow, FollowRequest, Block, Mute):
        await session.execute(delete(model).where(
            or_(model.account_id == account_id, model.target_account_id == account_id)))


async def _drop_reactions(session: AsyncSession, account_id: int) -> None:
    await _decrement(session, Status, Status.favourites_count,
                     select(Favourite.status_id).where(Favourite.account_id == account_id))
    for model in (Favourite, Bookmark, Pin):
        await session.execute(delete(model).where(model.account_id == account_id))


async def _erase_reposts(session: AsyncSession, account_id: int) -> int:
    """Remove one batch of the account's reposts, each announced; returns how many it found."""
    original = aliased(Status)
    rows = list((await session.execute(
        select(Status.id, Status.reblog_of_id, original.visibility)
        .outerjoin(original, original.id == Status.reblog_of_id)
        .where(Status.account_id == account_id, Status.reblog_of_id.is_not(None))
        .order_by(Status.id).limit(BATCH)
    )).all())
    if not rows:
        return 0
    ids = [r.id for r in rows]
    await _decrement(session, Status, Status.reblogs_count,
                     select(Status.reblog_of_id).where(Status.id.in_(ids)))
    await session.execute(delete(Status).where(Status.id.in_(ids)))
    for r in rows:
        events.record(session, PostUnreposted(repost_id=str(r.id), status_id=str(r.reblog_of_id),
                                              account_id=str(account_id)),
                      actor_id=account_id, subject_id=r.reblog_of_id,
                      public=r.visibility in ("public", "unlisted"))
    return len(rows)


async def _remove_media(session: AsyncSession, rows: list[MediaAttachment]) -> None:
    """Delete the rows now and their files once the deletion has committed."""
    if not rows:
        return
    paths = [p for m in rows for p in (m.file_path, m.thumbnail_path) if p]
    await session.execute(delete(MediaAttachment).where(MediaAttachment.id.in_([m.id for m in rows])))
    store = storage.get_storage()

    async def remove() -> None:
        for p in paths:
            try:
                await store.delete(p)
            except OSError:
                log.warning("could not remove media file %s", p)

    after_commit(session, remove)


async def _erase_posts(session: AsyncSession, account_id: int) -> int:
    """Erase one batch of the account's posts; returns how many it found."""
    rows = list((await session.execute(
        select(Status.id, Status.in_reply_to_id, Status.deleted_at, Status.visibility)
        .where(Status.account_id == account_id, Status.reblog_of_id.is_(None),
               or_(Status.deleted_at.is_(None), Status.text != "", Status.content_html != "",
                   Status.spoiler_text != ""))
        .order_by(Status.id).limit(BATCH)
    )).all())
    if not rows:
        return 0
    ids = [r.id for r in rows]
    # Replies that were still live leave their parents' reply counts (deleting a post did already).
    parents = Counter(r.in_reply_to_id for r in rows if r.deleted_at is None and r.in_reply_to_id)
    for parent_id, n in parents.items():
        await session.execute(
            update(Status).where(Status.id == parent_id, Status.replies_count >= n)
            .values(replies_count=Status.replies_count - n)
        )
    await session.execute(
        update(Status).where(Status.id.in_(ids), Status.deleted_at.is_(None)).values(deleted_at=utcnow())
    )
    for r in rows:
        if r.deleted_at is None:  # a post deleted earlier had its own post.deleted then
            events.record(session, PostDeleted(status_id=str(r.id), account_id=str(account_id)),
                          actor_id=account_id, subject_id=r.id,
                          public=r.visibility in ("public", "unlisted"))
    await session.execute(
        update(Status).where(Status.id.in_(ids)).values(text="", content_html="", spoiler_text="")
    )
    for model in (Mention, StatusTag, Favourite, Bookmark, Pin):
        await session.execute(delete(model).where(model.status_id.in_(ids)))
    await session.execute(delete(Notification).where(Notification.status_id.in_(ids)))
    await notes.remove_for_statuses(session, ids)  # others' notes on these posts
    await session.execute(delete(Status).where(Status.reblog_of_id.in_(ids)))
    media = list((await session.execute(
        select(MediaAttachment).where(MediaAttachment.status_id.in_(ids))
    )).scalars())
    await _remove_media(session, media)
    return len(rows)


async def _drop_generations(session: AsyncSession, account_id: int) -> None:
    """The account's AI generations: prompts, and the candidates with their files."""
    generation_ids = select(Generation.id).where(Generation.account_id == account_id)
    paths = [p for c in (await session.execute(
        select(Candidate.file_path, Candidate.thumbnail_path)
        .where(Candidate.generation_id.in_(generation_ids)))).all() for p in c if p]
    await session.execute(delete(Candidate).where(Candidate.generation_id.in_(generation_ids)))
    await session.execute(delete(Generation).where(Generation.account_id == account_id))
    if paths:
        store = storage.get_storage()

        async def remove() -> None:
            for p in paths:
                await store.delete(p)

        after_commit(session, remove)


async def _finish(session: AsyncSession, account: Account) -> None:
    """Last run: the media not attached to a post (avatar, header, unused uploads), the AI
    generations, the archives of the person's data, and counters."""
    await _remove_media(session, list((await session.execute(
        select(MediaAttachment).where(MediaAttachment.account_id == account.id)
    )).scalars()))
    await _drop_generations(session, account.id)
    await archives.remove_for_account(session, account.id)
    for kind in ("avatar", "header"):
        await media_service.clear_profile_image(session, account, kind=kind)
    await session.execute(
        update(Account).where(Account.id == account.id).values(
            avatar_media_id=None, header_media_id=None, followers_count=0, following_count=0,
            statuses_count=0, last_status_at=None)
    )


@job("accounts.erase", timeout=600.0)
async def erase(session: AsyncSession, *, account_id: int) -> None:
    account = await session.get(Account, account_id)
    if account is None or account.deleted_at is None:
        return
    await _drop_graph(session, account_id)
    await _drop_reactions(session, account_id)
    await notes.remove_by_account(session, account_id)  # its notes and its ratings of notes
    reposts = await _erase_reposts(session, account_id)
    if reposts == BATCH or await _erase_posts(session, account_id) == BATCH:
        jobs.enqueue(session, "accounts.erase", account_id=account_id)
    else:
        await _finish(session, account)
