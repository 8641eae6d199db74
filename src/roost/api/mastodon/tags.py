"""Hashtags: following and featuring. Looking one up (GET /api/v1/tags/:name) is in trends.py, the
hashtag timeline in timelines.py."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from sqlalchemy.ext.asyncio import AsyncSession

from roost.accounts import repository as accounts_repo
from roost.api.deps import DbSession, maybe_user, user
from roost.api.mastodon import serializers as ser
from roost.api.mastodon.paging import PageParams, page_params, set_link_header
from roost.api.mastodon.presenter import Presenter
from roost.api.params import as_str, read_params
from roost.auth.actor import Actor
from roost.graph import repository as graph_repo
from roost.kit.errors import NotFound
from roost.kit.ids import parse_id
from roost.models import Account, Tag
from roost.tags import repository as repo
from roost.tags import service

router = APIRouter(prefix="/api/v1", tags=["tags"])

TagPage = Annotated[PageParams, Depends(page_params(100, 200))]


async def _tags(session: AsyncSession, viewer: Account | None, tags: Sequence[Tag]) -> list[dict]:
    return await Presenter(session, viewer).tags(tags)


@router.post("/tags/{name}/follow")
async def follow_tag(name: str, session: DbSession, actor: Actor = user("write:follows")) -> dict:
    tag = await service.follow_tag(session, actor.account, name)
    return (await _tags(session, actor.account, [tag]))[0]


@router.post("/tags/{name}/unfollow")
async def unfollow_tag(name: str, session: DbSession, actor: Actor = user("write:follows")) -> dict:
    tag = await service.unfollow_tag(session, actor.account, name)
    return (await _tags(session, actor.account, [tag]))[0]


@router.get("/followed_tags")
async def followed_tags(request: Request, response: Response, session: DbSession, page: TagPage,
                        actor: Actor = user("read:follows")) -> list[dict]:
    rows = await repo.followed(session, actor.account.id, page)
    set_link_header(request, response, [key for key, _ in rows])
    return await _tags(session, actor.account, [t for _, t in rows])


# ---- featured tags ------------------------------------------------------------------------------

async def _featured(session: AsyncSession, account: Account) -> list[dict]:
    return [ser.featured_tag(f, account) for f in await repo.featured(session, account.id)]


@router.get("/featured_tags")
async def featured_tags(session: DbSession, actor: Actor = user("read:accounts")) -> list[dict]:
    return await _featured(session, actor.account)


@router.post("/featured_tags")
async def feature_tag(request: Request, session: DbSession,
                      actor: Actor = user("write:accounts")) -> dict:
    p = await read_params(request)
    row = await service.feature_tag(session, actor.account, as_str(p.get("name")))
    [data] = [f for f in await _featured(session, actor.account) if f["id"] == str(row.id)]
    return data


@router.delete("/featured_tags/{featured_tag_id}")
async def unfeature_tag(featured_tag_id: str, session: DbSession,
                        actor: Actor = user("write:accounts")) -> dict:
    await service.unfeature_tag(session, actor.account, featured_tag_id)
    return {}


@router.get("/featured_tags/suggestions")
async def featured_tag_suggestions(session: DbSession,
                                   actor: Actor = user("read:accounts")) -> list[dict]:
    tags = await repo.suggestions(session, actor.account.id)
    return await _tags(session, actor.account, tags)


@router.get("/accounts/{account_id}/featured_tags")
async def account_featured_tags(account_id: str, session: DbSession,
                                actor: Actor | None = maybe_user("read:accounts")) -> list[dict]:
    account = await accounts_repo.get(session, parse_id(account_id))
    if account is None:
        raise NotFound()
    if actor is not None and await graph_repo.is_blocking(session, account.id, actor.account.id):
        return []
    return await _featured(session, account)
