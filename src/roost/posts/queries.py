"""Paged lists around posts: who liked or reposted one, what a person bookmarked or liked."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from roost.kit.errors import NotFound
from roost.kit.ids import parse_id
from roost.models import Account, Bookmark, Favourite, Status
from roost.posts import repository as repo
from roost.kit.paging import PageParams, fetch
from roost.posts.repository import not_blocked


async def reactors(session: AsyncSession, status_id: str, viewer: Account | None, page: PageParams,
                   *, kind: str) -> list[tuple[int, Account]]:
    vid = viewer.id if viewer else None
    status = await repo.get_readable(session, parse_id(status_id), vid)
    if status is None:
        raise NotFound()
    if kind == "favourite":
        key = Favourite.id
        stmt = (select(Favourite.id, Account).join(Account, Account.id == Favourite.account_id)
                .where(Favourite.status_id == status.id))
    else:
        key = Status.id
        stmt = (select(Status.id, Account).join(Account, Account.id == Status.account_id)
                .where(Status.reblog_of_id == status.id))
    stmt = stmt.where(Account.suspended_at.is_(None), Account.deleted_at.is_(None),
                      not_blocked(vid, Account.id))
    return [(k, a) for k, a in await fetch(session, stmt, key, page)]


async def saved(session: AsyncSession, viewer: Account, page: PageParams, *,
                kind: str) -> list[tuple[int, Status]]:
    model = Bookmark if kind == "bookmark" else Favourite
    readable = repo.readable_by(viewer.id).subquery()
    stmt = (select(model.id, Status).join(Status, Status.id == model.status_id)
            .where(model.account_id == viewer.id, Status.id.in_(select(readable.c.id))))
    return [(k, s) for k, s in await fetch(session, stmt, model.id, page)]


async def thread(session: AsyncSession, status_id: str | int, viewer: Account | None
                 ) -> tuple[Status, list[Status], list[Status]]:
    """A post with its ancestors (oldest first) and descendants (reading order), as the viewer
    may read them: GET /api/v1/statuses/:id/context and the web thread page."""
    vid = viewer.id if viewer else None
    status = await repo.get_readable(session, parse_id(status_id), vid)
    if status is None:
        raise NotFound()
    ancestors, descendants = await repo.thread_context(session, status, vid)
    return status, ancestors, descendants


async def readable(session: AsyncSession, status_id: str | int, viewer: Account | None) -> Status:
    """A post the viewer may read (GET /api/v1/statuses/:id), else NotFound."""
    status = await repo.get_readable(session, parse_id(status_id), viewer.id if viewer else None)
    if status is None:
        raise NotFound()
    return status
