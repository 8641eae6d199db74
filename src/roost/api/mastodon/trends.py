"""Trends (/api/v1/trends/tags, statuses, links) and tag pages (/api/v1/tags/:name)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from roost.api.deps import DbSession, maybe_user
from roost.api.mastodon.paging import set_offset_link_header
from roost.api.mastodon.presenter import Presenter
from roost.api.params import as_limit, as_offset
from roost.auth.actor import Actor
from roost.kit.errors import NotFound
from roost.tags import service as tags_service
from roost.trends import links as trend_links
from roost.trends import repository as repo

router = APIRouter(prefix="/api/v1", tags=["trends"])

OptionalText = Annotated[str | None, Query()]


@router.get("/trends/tags")
async def trending_tags(request: Request, response: Response, session: DbSession,
                        limit: OptionalText = None, offset: OptionalText = None,
                        actor: Actor | None = maybe_user()) -> list[dict]:
    n, skip = as_limit(limit, 10, 20), as_offset(offset)
    tags = await repo.tags(session, limit=n, offset=skip)
    set_offset_link_header(request, response, offset=skip, limit=n, count=len(tags))
    return await Presenter(session, actor.account if actor else None).tags(tags)


@router.get("/trends", include_in_schema=False)  # the deprecated name of /trends/tags
async def trends_v1(request: Request, response: Response, session: DbSession,
                    limit: OptionalText = None, offset: OptionalText = None,
                    actor: Actor | None = maybe_user()) -> list[dict]:
    return await trending_tags(request, response, session, limit, offset, actor)


@router.get("/trends/statuses")
async def trending_statuses(request: Request, response: Response, session: DbSession,
                            limit: OptionalText = None, offset: OptionalText = None,
                            actor: Actor | None = maybe_user()) -> list[dict]:
    viewer = actor.account if actor else None
    n, skip = as_limit(limit, 20, 40), as_offset(offset)
    rows = await repo.statuses(session, viewer.id if viewer else None, limit=n, offset=skip)
    set_offset_link_header(request, response, offset=skip, limit=n, count=len(rows))
    return await Presenter(session, viewer).statuses(rows)


@router.get("/trends/links")
async def trending_links(request: Request, response: Response, session: DbSession,
                         limit: OptionalText = None, offset: OptionalText = None,
                         actor: Actor | None = maybe_user()) -> list[dict]:
    n, skip = as_limit(limit, 10, 20), as_offset(offset)
    rows = await repo.links(session, limit=n, offset=skip)
    set_offset_link_header(request, response, offset=skip, limit=n, count=len(rows))
    return [{**trend_links.card(r.url or ""), "history": r.history} for r in rows]


@router.get("/tags/{name}")
async def tag(name: str, session: DbSession, actor: Actor | None = maybe_user()) -> dict:
    found = await tags_service.lookup(session, name)  # a valid name never used: 200, as Mastodon
    if found is None:
        raise NotFound()
    return (await Presenter(session, actor.account if actor else None).tags([found]))[0]
