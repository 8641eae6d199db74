"""Search without a full-text engine: hashtags by prefix, and statuses by a case-insensitive
substring match over the posts a person wrote, favourited, bookmarked or was mentioned in
(what Mastodon's own search offers a signed-in user), or by a post's URL."""

from __future__ import annotations

import re

from sqlalchemy import case, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from roost.kit.ids import parse_id
from roost.kit.paging import PageParams, apply
from roost.models import Bookmark, Favourite, Mention, Status, Tag
from roost.posts import repository as posts_repo

_STATUS_PATH = re.compile(r"^/(?:@[A-Za-z0-9_]+|users/[A-Za-z0-9_]+/statuses)/(\d+)/?$")


async def hashtags(session: AsyncSession, q: str, *, limit: int, offset: int = 0) -> list[Tag]:
    term = q.replace("\x00", "").strip().lstrip("#").lower()
    if not term:
        return []
    stmt = (select(Tag).where(Tag.name.startswith(term, autoescape=True))
            .order_by(case((Tag.name == term, 0), else_=1), func.length(Tag.name), Tag.name)
            .offset(offset).limit(limit))
    return list((await session.execute(stmt)).scalars())


def status_id_in_url(q: str, base_url: str) -> int | None:
    """The id in one of our own post URLs (…/@user/123 or …/users/user/statuses/123)."""
    q = q.strip()
    if not q.lower().startswith(base_url.lower() + "/"):
        return None
    m = _STATUS_PATH.match(q[len(base_url):].split("?")[0])
    return parse_id(m.group(1)) if m else None


async def statuses(session: AsyncSession, viewer_id: int, q: str, *, base_url: str, page: PageParams,
                   offset: int = 0, account_id: int | None = None) -> list[Status]:
    sid = status_id_in_url(q, base_url)
    if sid is not None:
        found = await posts_repo.get_readable(session, sid, viewer_id)
        return [found] if found is not None and found.reblog_of_id is None else []
    term = q.replace("\x00", "").strip().lower()
    if not term:
        return []
    mine = or_(
        Status.account_id == viewer_id,
        exists(select(1).where(Favourite.status_id == Status.id, Favourite.account_id == viewer_id)),
        exists(select(1).where(Bookmark.status_id == Status.id, Bookmark.account_id == viewer_id)),
        exists(select(1).where(Mention.status_id == Status.id, Mention.account_id == viewer_id)),
    )
    stmt = posts_repo.readable_by(viewer_id).where(
        Status.reblog_of_id.is_(None), mine,
        or_(func.lower(Status.text).contains(term, autoescape=True),
            func.lower(Status.spoiler_text).contains(term, autoescape=True)))
    if account_id is not None:
        stmt = stmt.where(Status.account_id == account_id)
    stmt, flipped = apply(stmt, Status.id, page)
    rows = list((await session.execute(stmt.offset(offset))).scalars())
    return rows[::-1] if flipped else rows
