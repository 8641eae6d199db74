"""Timeline pages: / (home when signed in, else the landing page), /home, /local, /public.
Rows come from the timelines service, dicts from the API's Presenter, so what a person may see
is decided where the API decides it, and a page costs a fixed number of queries."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.responses import Response

from roost.api.deps import DbSession
from roost.api.mastodon.paging import PageParams, page_params
from roost.api.mastodon.presenter import Presenter
from roost.capture import impressions
from roost.models import Account
from roost.timelines import service
from roost.web import compose, render
from roost.web.session import SignedIn, Viewer

router = APIRouter(tags=["web"])

Page = Annotated[PageParams, Depends(page_params(20, 40))]


def more_url(request: Request, rows: Sequence, keys: Sequence[int] | None = None, *,
             position: int | None = None) -> str | None:
    """The "Load more" link: this page's address with max_id set to the last row read (rows
    before filtering, so a page thinned by filters still pages on from where the read stopped).
    `keys`: the paging keys when they are not the rows' ids (bookmarks and likes page on the
    bookmark or like row). `position`: where the next page starts in the feed (impressions)."""
    if not rows:
        return None
    last = keys[-1] if keys else rows[-1].id
    params = [(k, v) for k, v in request.query_params.multi_items()
              if k not in ("max_id", "since_id", "min_id", "position")]
    params.append(("max_id", str(last)))
    if position is not None and position >= 0:
        params.append(("position", str(position)))
    return f"{request.url.path}?{urlencode(params)}"


def served(request: Request, session: AsyncSession, viewer: Account | None, feed: str | None,
           statuses: Sequence[dict]) -> int | None:
    """Record the page as an impression of `feed` (roost.capture: consenting viewers only) and
    return where the next page starts, for its "Load more" link (None when the page was not
    recorded or its position is unknown)."""
    if feed is None:
        return None
    q = request.query_params
    return impressions.served_page(session, viewer, feed, statuses, surface="web",
                                   top="max_id" not in q and "min_id" not in q,
                                   claimed=q.get("position"))


async def timeline_page(request: Request, session: AsyncSession, viewer: Account | None,
                        rows: Sequence, *, context: str, template: str = "web/timeline.html",
                        keys: Sequence[int] | None = None, feed: str | None = None,
                        **ctx) -> Response:
    """Render a page of statuses; with X-Roost-Fragment only the items and the next link (the
    "Load more" enhancement appends them). `keys`: see more_url. `feed`: the feed's name for
    impressions (roost.capture)."""
    statuses = await Presenter(session, viewer, filter_context=context).statuses(rows)
    more = more_url(request, rows, keys,
                    position=served(request, session, viewer, feed, statuses))
    if render.is_fragment(request):
        return render.fragment(request, "web/_feed_page.html", statuses=statuses, more=more,
                               feed=feed, **ctx)
    return render.page(request, template, statuses=statuses, more=more, feed=feed,
                       paged="max_id" in request.query_params, **ctx)


async def _composer(request: Request, session: AsyncSession, viewer: Account) -> dict | None:
    """The composer at the top of the home timeline (not on "Load more" fragments); after
    posting, back to this page."""
    if render.is_fragment(request):
        return None
    return await compose.composer_context(request, session, viewer, next_path=request.url.path)


@router.get("/")
async def index(request: Request, session: DbSession, viewer: Viewer, page: Page) -> Response:
    if viewer is not None:
        rows = await service.home(session, viewer, page)
        return await timeline_page(request, session, viewer, rows, context="home", feed="home",
                                   title="Home", heading="Home", timeline="home",
                                   composer=await _composer(request, session, viewer))
    rows = await service.public(session, None, page, local=True)
    return await timeline_page(request, session, None, rows, context="public",
                               template="web/landing.html", title=None, timeline="local")


@router.get("/home")
async def home(request: Request, session: DbSession, viewer: SignedIn, page: Page) -> Response:
    rows = await service.home(session, viewer, page)
    return await timeline_page(request, session, viewer, rows, context="home", feed="home",
                               title="Home", heading="Home", timeline="home",
                               composer=await _composer(request, session, viewer))


@router.get("/local")
async def local(request: Request, session: DbSession, viewer: Viewer, page: Page) -> Response:
    rows = await service.public(session, viewer, page, local=True)
    return await timeline_page(request, session, viewer, rows, context="public", feed="local",
                               title="Local", heading="Local", timeline="local")


@router.get("/public")
async def public(request: Request, session: DbSession, viewer: Viewer, page: Page) -> Response:
    rows = await service.public(session, viewer, page)
    return await timeline_page(request, session, viewer, rows, context="public", feed="public",
                               title="Explore", heading="Explore", timeline="public")
