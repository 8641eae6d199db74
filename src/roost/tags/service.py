"""Hashtag writes: follow and unfollow a tag, feature and unfeature one on one's profile."""

from __future__ import annotations

import re

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from roost import events
from roost.db import insert as db_insert
from roost.events import schemas as ev
from roost.kit.clock import utcnow
from roost.kit.errors import Invalid, NotFound
from roost.kit.ids import new_id, parse_id
from roost.models import Account, FeaturedTag, Tag, TagFollow
from roost.posts.tags import get_or_create_tags
from roost.tags import repository as repo

MAX_FEATURED = 10
_NAME = re.compile(r"\w*[^\W\d_]\w*", re.UNICODE)


def tag_name(raw: str | None) -> str | None:
    """The tag's name as written (without '#'), or None if it is not a valid hashtag."""
    name = (raw or "").strip().removeprefix("#")
    return name if len(name) <= 100 and _NAME.fullmatch(name) else None


async def _tag(session: AsyncSession, raw: str | None, *, missing: type[Exception] = NotFound) -> Tag:
    name = tag_name(raw)
    if name is None:
        raise missing("Validation failed: Name is invalid" if missing is Invalid else None)
    [tag] = await get_or_create_tags(session, [name])
    return tag


async def lookup(session: AsyncSession, raw: str | None) -> Tag | None:
    """A tag by name, case-insensitively. A valid name never used gets an unsaved Tag (id None,
    nothing written), as Mastodon 4.3 answers for it; an invalid name gets None."""
    name = tag_name(raw)
    if name is None:
        return None
    return await repo.by_name(session, name.lower()) or Tag(name=name.lower(), display_name=name)


async def follow_tag(session: AsyncSession, actor: Account, name: str) -> Tag:
    """Follow a hashtag (created if new); following again changes nothing."""
    tag = await _tag(session, name)
    stmt = db_insert(session, TagFollow).values(id=new_id(), account_id=actor.id, tag_id=tag.id,
                                                created_at=utcnow())
    if (await session.execute(stmt.on_conflict_do_nothing(
            index_elements=["account_id", "tag_id"]))).rowcount:
        events.record(session, ev.TagFollowed(account_id=str(actor.id), tag=tag.name),
                      actor_id=actor.id, subject_id=tag.id)
    return tag


async def unfollow_tag(session: AsyncSession, actor: Account, name: str) -> Tag:
    """Stop following; 404 for an invalid name. A tag never used is answered unsaved, not
    followed (as Mastodon: nothing to undo)."""
    tag = await lookup(session, name)
    if tag is None:
        raise NotFound()
    if tag.id is None:
        return tag
    stmt = (delete(TagFollow).where(TagFollow.account_id == actor.id, TagFollow.tag_id == tag.id)
            .returning(TagFollow.id))
    if (await session.execute(stmt)).first() is not None:
        events.record(session, ev.TagUnfollowed(account_id=str(actor.id), tag=tag.name),
                      actor_id=actor.id, subject_id=tag.id)
    return tag


async def feature_tag(session: AsyncSession, actor: Account, name: str | None) -> FeaturedTag:
    """Feature a hashtag on the actor's profile; featuring it again returns the same row."""
    tag = await _tag(session, name, missing=Invalid)
    current = await repo.get_featured_by_tag(session, actor.id, tag.id)
    if current is not None:
        return current
    if await repo.featured_count(session, actor.id) >= MAX_FEATURED:
        raise Invalid(f"Validation failed: You cannot feature more than {MAX_FEATURED} hashtags")
    row = FeaturedTag(id=new_id(), account_id=actor.id, tag_id=tag.id, created_at=utcnow())
    session.add(row)
    await session.flush()
    events.record(session, ev.TagFeatured(featured_tag_id=str(row.id), account_id=str(actor.id),
                                          tag=tag.name), actor_id=actor.id, subject_id=row.id)
    return row


async def unfeature_tag(session: AsyncSession, actor: Account, featured_id: str | int) -> None:
    row = await repo.get_featured(session, actor.id, parse_id(featured_id))
    if row is None:
        raise NotFound()
    tag = await session.get(Tag, row.tag_id)
    await session.execute(delete(FeaturedTag).where(FeaturedTag.id == row.id))
    events.record(session, ev.TagUnfeatured(featured_tag_id=str(row.id), account_id=str(actor.id),
                                            tag=tag.name if tag else ""),
                  actor_id=actor.id, subject_id=row.id)
