"""GET /api/v2/search: accounts and hashtags by prefix; statuses among the ones the caller wrote
or took part in (see roost.search.repository), or by one of our post URLs."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from roost import runtime
from roost.accounts import queries as account_queries
from roost.api.deps import DbSession, maybe_user
from roost.api.mastodon import serializers as ser
from roost.api.mastodon.paging import PageParams, page_params
from roost.api.mastodon.presenter import Presenter
from roost.api.params import as_bool, as_offset
from roost.auth.actor import Actor
from roost.kit.errors import NotAuthenticated
from roost.kit.ids import parse_id
from roost.search import repository as repo

router = APIRouter(tags=["search"])

OptionalText = Annotated[str | None, Query()]
TYPES = ("accounts", "hashtags", "statuses")


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
    settings = runtime.settings()
    presenter = Presenter(session, viewer)
    result: dict = {"accounts": [], "statuses": [], "hashtags": []}
    if not q.strip():
        return result
    if "accounts" in wanted:
        found = await account_queries.search(
            session, viewer.id if viewer else None, q, local_domain=settings.domain,
            limit=page.limit, offset=skip, following=as_bool(following) and viewer is not None,
            base_url=settings.base_url if as_bool(resolve) else None)
        result["accounts"] = await presenter.accounts(found)
    if "hashtags" in wanted:
        tags = await repo.hashtags(session, q, limit=page.limit, offset=skip)
        result["hashtags"] = await presenter.tags(tags)
    if "statuses" in wanted and viewer is not None:
        rows = await repo.statuses(session, viewer.id, q, base_url=settings.base_url, page=page,
                                   offset=skip, account_id=parse_id(account_id) if account_id else None)
        result["statuses"] = await presenter.statuses(rows)
    return result
