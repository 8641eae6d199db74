"""Follow suggestions (/api/v1 and /api/v2/suggestions) and the profile directory."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from roost.api.deps import DbSession, maybe_user, user
from roost.api.mastodon.paging import set_offset_link_header
from roost.api.mastodon.presenter import Presenter
from roost.api.params import as_limit, as_offset
from roost.auth.actor import Actor
from roost.suggestions import repository as repo
from roost.suggestions import service

router = APIRouter(prefix="/api", tags=["suggestions"])

OptionalText = Annotated[str | None, Query()]
LEGACY_SOURCE = {"friends_of_friends": "past_interactions", "most_followed": "global"}


@router.get("/v2/suggestions")
async def suggestions_v2(session: DbSession, limit: OptionalText = None,
                         actor: Actor = user("read:accounts")) -> list[dict]:
    found = await repo.suggestions(session, actor.account.id, limit=as_limit(limit, 40, 80))
    accounts = await Presenter(session, actor.account).accounts([s.account for s in found])
    return [{"source": LEGACY_SOURCE[s.sources[0]], "sources": s.sources, "account": a}
            for s, a in zip(found, accounts, strict=True)]


@router.get("/v1/suggestions")
async def suggestions_v1(session: DbSession, limit: OptionalText = None,
                         actor: Actor = user("read:accounts")) -> list[dict]:
    found = await repo.suggestions(session, actor.account.id, limit=as_limit(limit, 40, 80))
    return await Presenter(session, actor.account).accounts([s.account for s in found])


@router.delete("/v1/suggestions/{account_id}")
async def dismiss(account_id: str, session: DbSession,
                  actor: Actor = user("write:accounts")) -> dict:
    await service.dismiss(session, actor.account, account_id)
    return {}


@router.get("/v1/directory")
async def directory(request: Request, response: Response, session: DbSession,
                    limit: OptionalText = None, offset: OptionalText = None,
                    order: OptionalText = None, local: OptionalText = None,
                    actor: Actor | None = maybe_user("read:accounts")) -> list[dict]:
    viewer = actor.account if actor else None
    n, skip = as_limit(limit, 40, 80), as_offset(offset)
    rows = await repo.directory(session, viewer.id if viewer else None,
                                order="new" if order == "new" else "active", offset=skip, limit=n)
    set_offset_link_header(request, response, offset=skip, limit=n, count=len(rows))
    return await Presenter(session, viewer).accounts(rows)
