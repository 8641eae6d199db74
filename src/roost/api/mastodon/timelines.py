"""Timelines: home, public (federated and local), hashtag and list."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response

from roost.api.deps import DbSession, maybe_user, user
from roost.api.mastodon.paging import PageParams, page_params, set_link_header
from roost.api.mastodon.presenter import Presenter
from roost.api.params import as_bool, as_list, as_str, read_params
from roost.auth.actor import Actor
from roost.capture import impressions
from roost.kit.ids import parse_id
from roost.timelines import service
from roost.timelines.repository import normalize_tag

router = APIRouter(prefix="/api", tags=["timelines"])

Page = Annotated[PageParams, Depends(page_params(20, 40))]


async def _render(request: Request, response: Response, session: DbSession, viewer,  # noqa: ANN001
                  rows, context: str, feed: str, page: PageParams) -> list[dict]:  # noqa: ANN001
    """The Link header comes from the rows read, so a page thinned by `hide` filters still
    pages on from where the read stopped. The page served is an impression of `feed`
    (roost.capture: only for viewers who consented to "all"); its next link carries the next
    page's `position`, so a client that follows it keeps the place known."""
    out = await Presenter(session, viewer, filter_context=context).statuses(rows)
    next_position = impressions.served_page(
        session, viewer, feed, out, surface="api", top=page.max_id is None and page.min_id is None,
        claimed=request.query_params.get("position"), after=page.max_id,
        last=rows[-1].id if rows else None)
    set_link_header(request, response, [s.id for s in rows], next_position=next_position)
    return out


def _names(value) -> list[str]:  # noqa: ANN001
    return [n for n in (as_str(v) for v in as_list(value)) if n]


@router.get("/v1/timelines/home")
async def home(request: Request, response: Response, session: DbSession, page: Page,
               actor: Actor = user("read:statuses")) -> list[dict]:
    rows = await service.home(session, actor.account, page)
    return await _render(request, response, session, actor.account, rows, "home", "home", page)


@router.get("/v1/timelines/public")
async def public(request: Request, response: Response, session: DbSession, page: Page,
                 actor: Actor | None = maybe_user("read:statuses")) -> list[dict]:
    viewer = actor.account if actor else None
    p = await read_params(request)
    local = as_bool(p.get("local"))
    rows = await service.public(session, viewer, page, local=local,
                                remote=as_bool(p.get("remote")),
                                only_media=as_bool(p.get("only_media")))
    return await _render(request, response, session, viewer, rows, "public",
                         "local" if local else "public", page)


@router.get("/v1/timelines/tag/{hashtag}")
async def tag(hashtag: str, request: Request, response: Response, session: DbSession, page: Page,
              actor: Actor | None = maybe_user("read:statuses")) -> list[dict]:
    viewer = actor.account if actor else None
    p = await read_params(request)
    rows = await service.tag(session, viewer, hashtag, page, any_=_names(p.get("any")),
                             all_=_names(p.get("all")), none=_names(p.get("none")),
                             local=as_bool(p.get("local")), remote=as_bool(p.get("remote")),
                             only_media=as_bool(p.get("only_media")))
    return await _render(request, response, session, viewer, rows, "public",
                         f"tag:{normalize_tag(hashtag)}", page)


@router.get("/v1/timelines/list/{list_id}")
async def list_timeline(list_id: str, request: Request, response: Response, session: DbSession,
                        page: Page, actor: Actor = user("read:lists")) -> list[dict]:
    rows = await service.list_timeline(session, actor.account, list_id, page)
    return await _render(request, response, session, actor.account, rows, "home",
                         f"list:{parse_id(list_id)}", page)
