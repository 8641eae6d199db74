"""Hashtag queries: followed tags (paged), featured tags with their counts, suggestions, and
which tags a viewer follows or features."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from roost.kit.paging import PageParams, fetch
from roost.models import FeaturedTag, Status, StatusTag, Tag, TagFollow

COUNTED = ("public", "unlisted")  # what a featured tag counts, as Mastodon


@dataclass
class Featured:
    row: FeaturedTag
    tag: Tag
    statuses_count: int = 0
    last_status_at: datetime | None = None


async def by_name(session: AsyncSession, name: str) -> Tag | None:
    return (await session.execute(select(Tag).where(Tag.name == name))).scalar_one_or_none()


async def get_follow(session: AsyncSession, account_id: int, tag_id: int) -> TagFollow | None:
    return (await session.execute(select(TagFollow).where(
        TagFollow.account_id == account_id, TagFollow.tag_id == tag_id))).scalar_one_or_none()


async def followed(session: AsyncSession, account_id: int,
                   page: PageParams) -> list[tuple[int, Tag]]:
    stmt = (select(TagFollow.id, Tag).join(Tag, Tag.id == TagFollow.tag_id)
            .where(TagFollow.account_id == account_id))
    return [(k, t) for k, t in await fetch(session, stmt, TagFollow.id, page)]


async def followed_tag_ids(session: AsyncSession, account_id: int) -> list[int]:
    stmt = select(TagFollow.tag_id).where(TagFollow.account_id == account_id)
    return list((await session.execute(stmt)).scalars())


async def flags(session: AsyncSession, viewer_id: int | None,
                tag_ids: Iterable[int]) -> tuple[set[int], set[int]]:
    """(followed, featured) among `tag_ids` for the viewer, in two queries."""
    ids = list(set(tag_ids))
    if viewer_id is None or not ids:
        return set(), set()
    follows = await session.execute(select(TagFollow.tag_id).where(
        TagFollow.account_id == viewer_id, TagFollow.tag_id.in_(ids)))
    features = await session.execute(select(FeaturedTag.tag_id).where(
        FeaturedTag.account_id == viewer_id, FeaturedTag.tag_id.in_(ids)))
    return set(follows.scalars()), set(features.scalars())


async def featured_count(session: AsyncSession, account_id: int) -> int:
    return (await session.execute(select(func.count()).select_from(FeaturedTag)
                                  .where(FeaturedTag.account_id == account_id))).scalar_one()


async def get_featured(session: AsyncSession, account_id: int, featured_id: int | None) -> FeaturedTag | None:
    if featured_id is None:
        return None
    return (await session.execute(select(FeaturedTag).where(
        FeaturedTag.id == featured_id, FeaturedTag.account_id == account_id))).scalar_one_or_none()


async def get_featured_by_tag(session: AsyncSession, account_id: int, tag_id: int) -> FeaturedTag | None:
    return (await session.execute(select(FeaturedTag).where(
        FeaturedTag.account_id == account_id, FeaturedTag.tag_id == tag_id))).scalar_one_or_none()


async def featured(session: AsyncSession, account_id: int) -> list[Featured]:
    """The account's featured tags with how many of its public and unlisted posts carry each and
    when the last one was written: two queries, most used first."""
    rows = (await session.execute(
        select(FeaturedTag, Tag).join(Tag, Tag.id == FeaturedTag.tag_id)
        .where(FeaturedTag.account_id == account_id))).all()
    if not rows:
        return []
    out = {ft.tag_id: Featured(ft, tag) for ft, tag in rows}
    counts = await session.execute(
        select(StatusTag.tag_id, func.count(), func.max(Status.created_at))
        .join(Status, Status.id == StatusTag.status_id)
        .where(StatusTag.tag_id.in_(list(out)), Status.account_id == account_id,
               Status.deleted_at.is_(None), Status.reblog_of_id.is_(None),
               Status.visibility.in_(COUNTED))
        .group_by(StatusTag.tag_id))
    for tag_id, n, last in counts.all():
        out[tag_id].statuses_count, out[tag_id].last_status_at = n, last
    return sorted(out.values(), key=lambda f: (-f.statuses_count, f.row.id))


async def suggestions(session: AsyncSession, account_id: int, *, limit: int = 10,
                      recent: int = 200) -> list[Tag]:
    """Tags the account used most in its `recent` latest posts, not featured yet."""
    latest = (select(Status.id).where(Status.account_id == account_id, Status.deleted_at.is_(None),
                                      Status.reblog_of_id.is_(None))
              .order_by(Status.id.desc()).limit(recent).subquery())
    uses = func.count().label("uses")
    stmt = (select(Tag, uses).join(StatusTag, StatusTag.tag_id == Tag.id)
            .join(latest, latest.c.id == StatusTag.status_id)
            .where(~select(FeaturedTag.id).where(and_(FeaturedTag.account_id == account_id,
                                                     FeaturedTag.tag_id == Tag.id)).exists())
            .group_by(Tag.id).order_by(uses.desc(), Tag.name).limit(limit))
    return [t for t, _ in (await session.execute(stmt)).all()]
