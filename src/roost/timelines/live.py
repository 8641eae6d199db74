"""What the timelines announce to live streams (realtime/), from the fan-out jobs, so a
database-only home and a Redis home publish alike, and only once the job's work commits.

A new status: `update` to `timeline:ID` of each person watching their home who gets it, and,
for a public original post, to `public`, `public:local` and `hashtag:NAME` (only the tags
someone watches). A deleted one: `delete` to the author's watching followers and, if public, to
`public` and `public:local`. Watchers come from the broker (`watched`), so a post costs no
follower walk when nobody is looking, and no query at all when the in-process broker has no
subscriber. Messages carry ids only: each stream checks what its
viewer may see before it tells them anything."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from roost import realtime
from roost.lists import repository as lists_repo
from roost.models import Status
from roost.timelines import repository as repo
from roost.timelines import watchers


async def _watching(prefix: str) -> list[int]:
    return [int(x) for x in await realtime.broker().watched(prefix) if x.isdigit()]


async def _lists(session: AsyncSession, author_id: int, msg: dict) -> list[tuple[str, dict]]:
    """`list:ID` for the watched lists the author is a member of (each stream then applies the
    list's own rules: replies policy, reposts, visibility)."""
    watched = await _watching(realtime.LIST_PREFIX)
    if not watched:
        return []
    return [(realtime.list_(i), msg) for i in await lists_repo.holding_among(session, author_id, watched)]


async def status_created(session: AsyncSession, status_id: int, *, event: str = "update") -> None:
    if realtime.broker().idle():
        return
    post = await repo.fan_out_post(session, status_id)
    if post is None:
        return
    msg = realtime.message(event, post.id)
    items: list[tuple[str, dict]] = []
    among = await _watching(realtime.TIMELINE_PREFIX)
    if among:
        for account_id in sorted(await watchers.home_watchers(session, post, among)):
            items.append((realtime.timeline(account_id), msg))
    items += await _lists(session, post.account_id, msg)
    if post.visibility == "public" and post.reblog_of_id is None:
        items += [(realtime.PUBLIC, msg), (realtime.PUBLIC_LOCAL, msg)]
        watched_tags = await realtime.broker().watched("hashtag:")
        if watched_tags:
            for name in await watchers.tag_names(session, post.id):
                if name.lower() in watched_tags:
                    items.append((realtime.hashtag(name), msg))
    realtime.publish_after_commit(session, items)


async def status_edited(session: AsyncSession, status_id: int) -> None:
    """An edited status: `status.update` wherever a new one would have gone (the same watchers,
    public channels and tags), after the edit commits."""
    await status_created(session, status_id, event="status.update")


async def status_deleted(session: AsyncSession, status_id: int, account_id: int) -> None:
    if realtime.broker().idle():
        return
    msg = realtime.message("delete", status_id)
    items: list[tuple[str, dict]] = []
    among = await _watching(realtime.TIMELINE_PREFIX)
    if among:
        for follower in sorted(await watchers.followers_among(session, account_id, among)):
            items.append((realtime.timeline(follower), msg))
    items += await _lists(session, account_id, msg)
    row = await session.get(Status, status_id)  # a deleted post stays as a tombstone
    if row is not None and row.visibility == "public" and row.reblog_of_id is None:
        items += [(realtime.PUBLIC, msg), (realtime.PUBLIC_LOCAL, msg)]
    realtime.publish_after_commit(session, items)
