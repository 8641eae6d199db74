"""Follows, follow requests, blocks and mutes: the Mastodon routes."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from sqlalchemy.ext.asyncio import AsyncSession

from roost.api.deps import DbSession, maybe_user, user
from roost.api.mastodon import serializers as ser
from roost.api.mastodon.paging import PageParams, page_params, set_link_header
from roost.api.mastodon.presenter import Presenter
from roost.api.params import as_bool, as_int, as_list, as_str, read_params
from roost.auth.actor import Actor
from roost.graph import repository as repo
from roost.graph import service
from roost.kit.errors import Invalid
from roost.kit.ids import parse_id
from roost.models import Account

router = APIRouter(prefix="/api/v1", tags=["graph"])

MAX_RELATIONSHIPS = 200
AccountPage = Annotated[PageParams, Depends(page_params(40, 80))]


async def _relationship(session: AsyncSession, viewer: Account, target: Account) -> dict:
    rels = await repo.relationships(session, viewer.id, [target.id])
    return ser.relationship(rels[target.id])


def _maybe_bool(value: Any) -> bool | None:
    return None if value is None or value == "" else as_bool(value)


@router.post("/accounts/{account_id}/follow")
async def follow(account_id: str, request: Request, session: DbSession,
                 actor: Actor = user("write:follows")) -> dict:
    p = await read_params(request)
    languages = [as_str(x) or "" for x in as_list(p["languages"])] if "languages" in p else None
    target = await service.follow(session, actor.account, account_id,
                                  reblogs=_maybe_bool(p.get("reblogs")),
                                  notify=_maybe_bool(p.get("notify")), languages=languages)
    return await _relationship(session, actor.account, target)


@router.post("/accounts/{account_id}/mute")
async def mute(account_id: str, request: Request, session: DbSession,
               actor: Actor = user("write:mutes")) -> dict:
    p = await read_params(request)
    target = await service.mute(session, actor.account, account_id,
                                notifications=as_bool(p.get("notifications"), True),
                                duration_seconds=as_int(p.get("duration"), 0) or 0)
    return await _relationship(session, actor.account, target)


def _action(path: str, fn, scope: str, prefix: str = "accounts"):  # noqa: ANN001
    async def endpoint(account_id: str, session: DbSession, actor: Actor = user(scope)) -> dict:
        target = await fn(session, actor.account, account_id)
        return await _relationship(session, actor.account, target)

    endpoint.__name__ = f"{prefix}_{path}"
    router.add_api_route(f"/{prefix}/{{account_id}}/{path}", endpoint, methods=["POST"])


_action("unfollow", service.unfollow, "write:follows")
_action("remove_from_followers", service.remove_from_followers, "write:follows")
_action("block", service.block, "write:blocks")
_action("unblock", service.unblock, "write:blocks")
_action("unmute", service.unmute, "write:mutes")
_action("authorize", service.authorize_follow_request, "write:follows", prefix="follow_requests")
_action("reject", service.reject_follow_request, "write:follows", prefix="follow_requests")


@router.get("/accounts/relationships")
async def relationships(request: Request, session: DbSession,
                        actor: Actor = user("read:follows")) -> list[dict]:
    p = await read_params(request)
    ids = [i for i in (parse_id(as_str(x)) for x in as_list(p.get("id"))) if i is not None]
    ids = list(dict.fromkeys(ids))
    if len(ids) > MAX_RELATIONSHIPS:
        raise Invalid(f"Validation failed: at most {MAX_RELATIONSHIPS} ids at once")
    with_suspended = as_bool(p.get("with_suspended"))
    accounts = await repo.existing_accounts(session, ids, with_suspended=with_suspended)
    rels = await repo.relationships(session, actor.account.id, accounts)
    return [ser.relationship(rels[i]) for i in ids if i in accounts]


async def _network(direction: str, account_id: str, request: Request, response: Response,
                   session: AsyncSession, page: PageParams, actor: Actor | None) -> list[dict]:
    viewer = actor.account if actor else None
    rows = await repo.network_of(session, parse_id(account_id), viewer.id if viewer else None, page,
                                 direction=direction)
    set_link_header(request, response, [key for key, _ in rows])
    return await Presenter(session, viewer).accounts([a for _, a in rows])


@router.get("/accounts/{account_id}/followers")
async def followers(account_id: str, request: Request, response: Response, session: DbSession,
                    page: AccountPage, actor: Actor | None = maybe_user("read:accounts")) -> list[dict]:
    return await _network("followers", account_id, request, response, session, page, actor)


@router.get("/accounts/{account_id}/following")
async def following(account_id: str, request: Request, response: Response, session: DbSession,
                    page: AccountPage, actor: Actor | None = maybe_user("read:accounts")) -> list[dict]:
    return await _network("following", account_id, request, response, session, page, actor)


@router.get("/blocks")
async def blocks(request: Request, response: Response, session: DbSession, page: AccountPage,
                 actor: Actor = user("read:blocks")) -> list[dict]:
    rows = await repo.blocked_accounts(session, actor.account.id, page)
    set_link_header(request, response, [key for key, _ in rows])
    return await Presenter(session, actor.account).accounts([a for _, a in rows])


@router.get("/mutes")
async def mutes(request: Request, response: Response, session: DbSession, page: AccountPage,
                actor: Actor = user("read:mutes")) -> list[dict]:
    rows = await repo.muted_accounts(session, actor.account.id, page)
    set_link_header(request, response, [key for key, _, _ in rows])
    rendered = await Presenter(session, actor.account).accounts([a for _, a, _ in rows])
    for data, (_, _, m) in zip(rendered, rows, strict=True):
        data["mute_expires_at"] = ser.iso(m.expires_at)
    return rendered


@router.get("/follow_requests")
async def follow_requests(request: Request, response: Response, session: DbSession,
                          page: AccountPage, actor: Actor = user("read:follows")) -> list[dict]:
    rows = await repo.follow_requesters(session, actor.account.id, page)
    set_link_header(request, response, [key for key, _ in rows])
    return await Presenter(session, actor.account).accounts([a for _, a in rows])
