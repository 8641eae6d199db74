"""Private notes, endorsements (featured accounts), blocked domains, familiar followers."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response

from roost.accounts import repository as accounts_repo
from roost.api.deps import DbSession, maybe_user, user
from roost.api.mastodon import serializers as ser
from roost.api.mastodon.paging import PageParams, page_params, set_link_header
from roost.api.mastodon.presenter import Presenter
from roost.api.params import as_list, as_str, read_params
from roost.auth.actor import Actor
from roost.graph import personal
from roost.graph import repository as repo
from roost.kit.errors import Invalid, NotFound
from roost.kit.ids import parse_id

router = APIRouter(prefix="/api/v1", tags=["graph"])

AccountPage = Annotated[PageParams, Depends(page_params(40, 80))]
DomainPage = Annotated[PageParams, Depends(page_params(100, 200))]
MAX_FAMILIAR = 200


async def _relationship(session, viewer, target) -> dict:  # noqa: ANN001
    return ser.relationship((await repo.relationships(session, viewer.id, [target.id]))[target.id])


@router.post("/accounts/{account_id}/note")
async def note(account_id: str, request: Request, session: DbSession,
               actor: Actor = user("write:accounts")) -> dict:
    p = await read_params(request)
    target = await personal.set_note(session, actor.account, account_id, as_str(p.get("comment")) or "")
    return await _relationship(session, actor.account, target)


def _endorsement_route(path: str, fn) -> None:  # noqa: ANN001
    async def endpoint(account_id: str, session: DbSession,
                       actor: Actor = user("write:accounts")) -> dict:
        target = await fn(session, actor.account, account_id)
        return await _relationship(session, actor.account, target)

    endpoint.__name__ = f"accounts_{path}"
    router.add_api_route(f"/accounts/{{account_id}}/{path}", endpoint, methods=["POST"])


for _path, _fn in (("pin", personal.endorse), ("endorse", personal.endorse),
                   ("unpin", personal.unendorse), ("unendorse", personal.unendorse)):
    _endorsement_route(_path, _fn)


async def _endorsed(request: Request, response: Response, session, account_id: int,  # noqa: ANN001
                    viewer, page: PageParams) -> list[dict]:  # noqa: ANN001
    rows = await repo.endorsed_accounts(session, account_id, viewer.id if viewer else None, page)
    set_link_header(request, response, [k for k, _ in rows])
    return await Presenter(session, viewer).accounts([a for _, a in rows])


@router.get("/endorsements")
async def endorsements(request: Request, response: Response, session: DbSession, page: AccountPage,
                       actor: Actor = user("read:accounts")) -> list[dict]:
    return await _endorsed(request, response, session, actor.account.id, actor.account, page)


@router.get("/accounts/{account_id}/endorsements")
async def account_endorsements(account_id: str, request: Request, response: Response,
                               session: DbSession, page: AccountPage,
                               actor: Actor | None = maybe_user("read:accounts")) -> list[dict]:
    account = await accounts_repo.get(session, parse_id(account_id))
    if account is None:
        raise NotFound()
    viewer = actor.account if actor else None
    return await _endorsed(request, response, session, account.id, viewer, page)


@router.get("/domain_blocks")
async def domain_blocks(request: Request, response: Response, session: DbSession, page: DomainPage,
                        actor: Actor = user("read:blocks")) -> list[str]:
    rows = await repo.blocked_domains_page(session, actor.account.id, page)
    set_link_header(request, response, [k for k, _ in rows])
    return [d for _, d in rows]


@router.post("/domain_blocks")
async def block_domain(request: Request, session: DbSession,
                       actor: Actor = user("write:blocks")) -> dict:
    p = await read_params(request)
    await personal.block_domain(session, actor.account, as_str(p.get("domain")))
    return {}


@router.delete("/domain_blocks")
async def unblock_domain(request: Request, session: DbSession,
                         actor: Actor = user("write:blocks")) -> dict:
    p = await read_params(request)
    await personal.unblock_domain(session, actor.account, as_str(p.get("domain")))
    return {}


@router.get("/accounts/familiar_followers")
async def familiar_followers(request: Request, session: DbSession,
                             actor: Actor = user("read:follows")) -> list[dict]:
    p = await read_params(request)
    ids = list(dict.fromkeys(i for i in (parse_id(as_str(x)) for x in as_list(p.get("id")))
                             if i is not None))
    if len(ids) > MAX_FAMILIAR:
        raise Invalid(f"Validation failed: at most {MAX_FAMILIAR} ids at once")
    known = await repo.existing_accounts(session, ids, with_suspended=False)
    ids = [i for i in ids if i in known]
    found = await repo.familiar_followers(session, actor.account.id, ids)
    presenter = Presenter(session, actor.account)
    rendered = await presenter.accounts(list({a.id: a for accs in found.values() for a in accs}.values()))
    by_id = {r["id"]: r for r in rendered}
    return [{"id": str(i), "accounts": [by_id[str(a.id)] for a in found[i]]} for i in ids]
