"""Scheduled posts: list, view, move and cancel them (scheduling is POST /statuses with
`scheduled_at`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response

from roost.api.deps import DbSession, user
from roost.api.mastodon.paging import PageParams, page_params, set_link_header
from roost.api.mastodon.presenter import Presenter
from roost.api.params import read_params
from roost.auth.actor import Actor
from roost.kit.errors import NotFound
from roost.kit.ids import parse_id
from roost.scheduled import repository as repo
from roost.scheduled import service

router = APIRouter(prefix="/api/v1", tags=["scheduled_statuses"])


@router.get("/scheduled_statuses")
async def list_scheduled(request: Request, response: Response, session: DbSession,
                         page: Annotated[PageParams, Depends(page_params(20, 40))],
                         actor: Actor = user("read:statuses")) -> list[dict]:
    rows = await repo.page(session, actor.account.id, page)
    set_link_header(request, response, [r.id for r in rows])
    return await Presenter(session, actor.account).scheduled_statuses(rows)


@router.get("/scheduled_statuses/{scheduled_id}")
async def get_scheduled(scheduled_id: str, session: DbSession,
                        actor: Actor = user("read:statuses")) -> dict:
    row = await repo.own(session, actor.account.id, parse_id(scheduled_id))
    if row is None:
        raise NotFound()
    return (await Presenter(session, actor.account).scheduled_statuses([row]))[0]


@router.put("/scheduled_statuses/{scheduled_id}")
async def update_scheduled(scheduled_id: str, request: Request, session: DbSession,
                           actor: Actor = user("write:statuses")) -> dict:
    p = await read_params(request)
    row = await service.reschedule(session, actor.account, scheduled_id, p.get("scheduled_at"))
    return (await Presenter(session, actor.account).scheduled_statuses([row]))[0]


@router.delete("/scheduled_statuses/{scheduled_id}")
async def delete_scheduled(scheduled_id: str, session: DbSession,
                           actor: Actor = user("write:statuses")) -> dict:
    await service.cancel(session, actor.account, scheduled_id)
    return {}
