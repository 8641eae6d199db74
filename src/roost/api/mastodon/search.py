"""GET /api/v2/search: accounts and hashtags by prefix; statuses among the ones the caller wrote
or took part in (see roost.search.repository), or by one of our post URLs."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from roost.api.deps import DbSession, maybe_user
from roost.api.mastodon.paging import PageParams, page_params
from roost.api.mastodon.presenter import Presenter
from roost.api.params import as_bool, as_offset
from roost.auth.actor import Actor
from roost.kit.errors import NotAuthenticated
from roost.kit.ids import parse_id
from roost.search import service
from roost.search.service import TYPES

router = APIRouter(tags=["search"])

OptionalText = Annotated[str | None, Query()]


@router.get("/v2/search")
async def search(session: DbSession, page: Annotated[PageParams, Depends(page_params(20, 40))],
                 q: Annotated[str, Query()] = "", type: OptionalText = None,
                 offset: OptionalText = None, following: OptionalText = None,
                 account_id: OptionalText = None, resolve: OptionalText = None,
                 exclude_unreviewed: OptionalText = None,
                 actor: Actor | None = maybe_user("read:search")) -> dict:
    viewer = actor.account if actor else None
    skip = as_offset(offset)
    if skip and viewer is None:
        raise NotAuthenticated("Search queries pagination is not supported without authentication")
    if as_bool(resolve) and viewer is None:
        raise NotAuthenticated("Search queries that resolve remote resources are not supported "
                               "without authentication")
    wanted = [type] if type else list(TYPES)
    found = await service.search(session, viewer, q, types=wanted, page=page, offset=skip,
                                 following=as_bool(following),
                                 account_id=parse_id(account_id) if account_id else None,
                                 resolve=as_bool(resolve))
    presenter = Presenter(session, viewer)
    return {"accounts": await presenter.accounts(found.accounts) if found.accounts else [],
            "statuses": await presenter.statuses(found.statuses) if found.statuses else [],
            "hashtags": await presenter.tags(found.hashtags) if found.hashtags else []}
