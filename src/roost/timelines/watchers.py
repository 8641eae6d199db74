"""Queries for live updates: of the people watching their home right now (a short list, from
the realtime broker), which ones get a new post. The same rules as the home-feed fan-out
(repository._targets_statement), narrowed to the watchers, so a stream learns of a post exactly
when its Redis feed (or its database home) gets it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from functools import cache

from sqlalchemy import Select, and_, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from roost import runtime
from roost.db import in_ids
from roost.kit.clock import utcnow
from roost.models import Block, Follow, Mute, StatusTag, Tag, TagFollow
from roost.timelines.repository import _AUTHOR, _NOW, _STATUS, FanOutPost, _targets_statement

CHUNK = 1000  # watcher ids per query


@cache
def _among(direct: bool, repost: bool, other_original: bool, reply: bool,
           language: bool) -> Select:
    return _targets_statement(direct, repost, other_original, reply, language).where(
        in_ids(Follow.account_id, "fan_among"))


@cache
def _tag_readers() -> Select:
    """Watchers following one of the post's hashtags, who neither mute nor block its author
    nor are blocked by them (public original posts only; the caller checks)."""
    return (select(TagFollow.account_id).distinct()
            .join(StatusTag, StatusTag.tag_id == TagFollow.tag_id)
            .where(StatusTag.status_id == _STATUS, in_ids(TagFollow.account_id, "fan_among"),
                   ~exists(select(1).where(Mute.account_id == TagFollow.account_id,
                                           Mute.target_account_id == _AUTHOR,
                                           or_(Mute.expires_at.is_(None), Mute.expires_at > _NOW))),
                   ~exists(select(1).where(Block.account_id == TagFollow.account_id,
                                           Block.target_account_id == _AUTHOR)),
                   ~exists(select(1).where(and_(Block.account_id == _AUTHOR,
                                                Block.target_account_id == TagFollow.account_id)))))


async def home_watchers(session: AsyncSession, post: FanOutPost, among: Sequence[int]) -> set[int]:
    """Which of `among` get `post` in their home: its author, the followers the fan-out would
    reach, and (a public original post) the followers of one of its hashtags."""
    out = {post.account_id} & set(among)
    reply = post.in_reply_to_account_id not in (None, post.account_id)
    repost = post.reblog_of_id is not None
    stmt = _among(post.visibility == "direct", repost,
                  repost and post.original_account_id != post.account_id, reply,
                  post.language is not None)
    now = utcnow()
    params = {"fan_author_id": post.account_id,
              "fan_active_since": now - timedelta(days=runtime.settings().fan_out_active_days + 1),
              "fan_now": now, "fan_status_id": post.id,
              "fan_original_author_id": post.original_account_id,
              "fan_reply_to_id": post.in_reply_to_account_id,
              "fan_language": (post.language or "").lower()}
    tagged = post.visibility == "public" and not repost
    ids = list(among)
    for i in range(0, len(ids), CHUNK):
        part = {**params, "fan_among": ids[i:i + CHUNK]}
        out.update((await session.execute(stmt, part)).scalars())
        if tagged:
            out.update((await session.execute(_tag_readers(), part)).scalars())
    return out


async def followers_among(session: AsyncSession, account_id: int, among: Sequence[int]) -> set[int]:
    """Which of `among` follow `account_id` (or are that account): who may have its post on
    screen, for a deletion."""
    out = {account_id} & set(among)
    ids = list(among)
    for i in range(0, len(ids), CHUNK):
        rows = await session.execute(
            select(Follow.account_id).where(Follow.target_account_id == account_id,
                                            in_ids(Follow.account_id, "among")),
            {"among": ids[i:i + CHUNK]})
        out.update(rows.scalars())
    return out


async def tag_names(session: AsyncSession, status_id: int) -> list[str]:
    rows = await session.execute(select(Tag.name).join(StatusTag, StatusTag.tag_id == Tag.id)
                                 .where(StatusTag.status_id == status_id))
    return list(rows.scalars())
