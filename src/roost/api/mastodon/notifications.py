"""Notifications (the v1 API): list, show, dismiss, clear and the unread count."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response

from roost.api.deps import DbSession, user
from roost.api.mastodon.paging import PageParams, page_params, set_link_header
from roost.api.mastodon.presenter import Presenter
from roost.api.params import as_limit, as_list, as_str, read_params
from roost.auth.actor import Actor
from roost.kit.errors import NotFound
from roost.kit.ids import parse_id
from roost.notifications import repository as repo
from roost.notifications import service

router = APIRouter(prefix="/api", tags=["notifications"])


def _names(value: object) -> list[str]:
    return [t for t in (as_str(v, "").replace("\x00", "") for v in as_list(value)) if t]


async def read_filter(request: Request) -> repo.NotificationFilter:
    p = await read_params(request)
    sender = as_str(p.get("account_id"))
    return repo.NotificationFilter(
        types=_names(p.get("types")),
        exclude_types=_names(p.get("exclude_types")),
        # an id that cannot exist matches nothing rather than being ignored
        from_account_id=(parse_id(sender) or 0) if sender else None,
    )


@router.get("/v1/notifications")
async def list_notifications(request: Request, response: Response, session: DbSession,
                             page: Annotated[PageParams, Depends(page_params(40, 80))],
                             actor: Actor = user("read:notifications")) -> list[dict]:
    rows = await repo.page(session, actor.account.id, await read_filter(request), page)
    set_link_header(request, response, [n.id for n in rows])
    return await Presenter(session, actor.account, filter_context="notifications").notifications(rows)


@router.get("/v1/notifications/unread_count")
async def unread_count(request: Request, session: DbSession,
                       actor: Actor = user("read:notifications")) -> dict:
    cap = as_limit(request.query_params.get("limit"), 100, 1000)
    return {"count": await repo.unread_count(session, actor.account.id, await read_filter(request),
                                             cap=cap)}


@router.post("/v1/notifications/clear")
async def clear(session: DbSession, actor: Actor = user("write:notifications")) -> dict:
    await service.clear(session, actor.account.id)
    return {}


@router.get("/v1/notifications/{notification_id:int}")
async def get_notification(notification_id: int, session: DbSession,
                           actor: Actor = user("read:notifications")) -> dict:
    row = await repo.get(session, actor.account.id, parse_id(str(notification_id)))
    rendered = await Presenter(session, actor.account, filter_context="notifications").notifications(
        [row] if row else [])
    if not rendered:
        raise NotFound()
    return rendered[0]


@router.post("/v1/notifications/{notification_id:int}/dismiss")
async def dismiss(notification_id: int, session: DbSession,
                  actor: Actor = user("write:notifications")) -> dict:
    await service.dismiss(session, actor.account.id, str(notification_id))
    return {}
