"""Lists: the Mastodon routes (the list timeline is in timelines.py)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response

from roost.accounts import repository as accounts_repo
from roost.api.deps import DbSession, user
from roost.api.mastodon import serializers as ser
from roost.api.mastodon.paging import PageParams, page_params, set_link_header
from roost.api.mastodon.presenter import Presenter
from roost.api.params import as_bool, as_list, as_str, read_params
from roost.auth.actor import Actor
from roost.kit.errors import NotFound
from roost.kit.ids import parse_id
from roost.lists import repository as repo
from roost.lists import service

router = APIRouter(prefix="/api/v1", tags=["lists"])

AccountPage = Annotated[PageParams, Depends(page_params(40, 80))]


def _maybe_bool(value: Any) -> bool | None:
    return None if value is None or value == "" else as_bool(value)


def _account_ids(p: dict) -> list:
    return [as_str(x) or "" for x in as_list(p.get("account_ids"))]


@router.get("/lists")
async def lists(session: DbSession, actor: Actor = user("read:lists")) -> list[dict]:
    return [ser.list_(lst) for lst in await repo.lists_of(session, actor.account.id)]


@router.post("/lists")
async def create_list(request: Request, session: DbSession,
                      actor: Actor = user("write:lists")) -> dict:
    p = await read_params(request)
    lst = await service.create_list(session, actor.account, title=as_str(p.get("title")),
                                    replies_policy=as_str(p.get("replies_policy")) or None,
                                    exclusive=as_bool(p.get("exclusive")))
    return ser.list_(lst)


@router.get("/lists/{list_id}")
async def get_list(list_id: str, session: DbSession, actor: Actor = user("read:lists")) -> dict:
    return ser.list_(await service.get_owned(session, actor.account, list_id))


@router.put("/lists/{list_id}")
async def update_list(list_id: str, request: Request, session: DbSession,
                      actor: Actor = user("write:lists")) -> dict:
    p = await read_params(request)
    lst = await service.update_list(session, actor.account, list_id, title=as_str(p.get("title")),
                                    replies_policy=as_str(p.get("replies_policy")) or None,
                                    exclusive=_maybe_bool(p.get("exclusive")))
    return ser.list_(lst)


@router.delete("/lists/{list_id}")
async def delete_list(list_id: str, session: DbSession, actor: Actor = user("write:lists")) -> dict:
    await service.delete_list(session, actor.account, list_id)
    return {}


@router.get("/lists/{list_id}/accounts")
async def list_accounts(list_id: str, request: Request, response: Response, session: DbSession,
                        page: AccountPage, actor: Actor = user("read:lists")) -> list[dict]:
    """`limit=0` returns every member, without a Link header (as Mastodon)."""
    lst = await service.get_owned(session, actor.account, list_id)
    everyone = request.query_params.get("limit", "").strip() == "0"
    rows = await repo.members(session, lst.id, None if everyone else page)
    if not everyone:
        set_link_header(request, response, [key for key, _ in rows])
    return await Presenter(session, actor.account).accounts([a for _, a in rows])


@router.post("/lists/{list_id}/accounts")
async def add_accounts(list_id: str, request: Request, session: DbSession,
                       actor: Actor = user("write:lists")) -> dict:
    p = await read_params(request)
    await service.add_accounts(session, actor.account, list_id, _account_ids(p))
    return {}


@router.delete("/lists/{list_id}/accounts")
async def remove_accounts(list_id: str, request: Request, session: DbSession,
                          actor: Actor = user("write:lists")) -> dict:
    p = await read_params(request)
    await service.remove_accounts(session, actor.account, list_id, _account_ids(p))
    return {}


@router.get("/accounts/{account_id}/lists")
async def account_lists(account_id: str, session: DbSession,
                        actor: Actor = user("read:lists")) -> list[dict]:
    """The caller's lists that hold the account."""
    account = await accounts_repo.get(session, parse_id(account_id))
    if account is None:
        raise NotFound()
    return [ser.list_(lst) for lst in await repo.lists_holding(session, actor.account.id, account.id)]
