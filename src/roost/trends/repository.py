"""Trend reads: the stored ranking, filtered for the viewer where it shows people's posts."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from roost.models import Status, Tag, TrendItem
from roost.posts.repository import for_timeline


async def tags(session: AsyncSession, *, limit: int, offset: int) -> list[Tag]:
    return list((await session.execute(
        select(Tag).join(TrendItem, (TrendItem.ref_id == Tag.id) & (TrendItem.kind == "tag"))
        .order_by(TrendItem.rank).offset(offset).limit(limit)
    )).scalars())


async def statuses(session: AsyncSession, viewer_id: int | None, *, limit: int,
                   offset: int) -> list[Status]:
    """Trending posts the viewer may read (blocks, mutes, suspension, deletion applied) and that
    are still public and not marked sensitive."""
    return list((await session.execute(
        for_timeline(viewer_id)
        .join(TrendItem, (TrendItem.ref_id == Status.id) & (TrendItem.kind == "status"))
        .where(Status.visibility == "public", Status.sensitive.is_(False))
        .order_by(TrendItem.rank).offset(offset).limit(limit)
    )).scalars())


async def links(session: AsyncSession, *, limit: int, offset: int) -> list[TrendItem]:
    return list((await session.execute(
        select(TrendItem).where(TrendItem.kind == "link")
        .order_by(TrendItem.rank).offset(offset).limit(limit)
    )).scalars())


async def tag_by_name(session: AsyncSession, name: str) -> Tag | None:
    return (await session.execute(
        select(Tag).where(Tag.name == name.lstrip("#").lower()))).scalar_one_or_none()
