"""Profiles: /@USERNAME with its tabs (posts, posts and replies, media), and the followers and
following lists. Rows come from the services behind /api/v1/accounts/:id/statuses and
/api/v1/accounts/:id/{followers,following}; dicts from the API's Presenter, so what a viewer may
see (followers-only posts, blocks) is decided where the API decides it."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.responses import Response

from roost.accounts import queries
from roost.accounts import repository as accounts_repo
from roost.api.deps import DbSession
from roost.api.mastodon.paging import PageParams, page_params
from roost.api.mastodon.presenter import Presenter
from roost.consent import signals
from roost.graph import repository as graph_repo
from roost.kit.errors import NotFound
from roost.models import Account
from roost.web import relationships, render, reports
from roost.web.relationships import AccountPage, more_after, relationships_of
from roost.web.session import Viewer
from roost.web.timelines import more_url, served

router = APIRouter(tags=["web"])

Page = Annotated[PageParams, Depends(page_params(20, 40))]
MAX_PINS = 10
TABS = {
    "posts": queries.ProfileFilter(exclude_replies=True),
    "with_replies": queries.ProfileFilter(),
    "media": queries.ProfileFilter(only_media=True),
}


async def _account(session: AsyncSession, username: str) -> Account:
    """The profile's account: 404 for unknown, suspended and deleted accounts."""
    account = await accounts_repo.by_username(session, username)
    if account is None:
        raise NotFound()
    return account


def _joined(created_at: str) -> str:
    when = datetime.fromisoformat(created_at.replace("Z", "+00:00"))
    return when.strftime("%b %Y")


async def _header(session: AsyncSession, viewer: Account | None, account: Account) -> dict:
    """What the profile card shows: the account dict, the viewer's relationship to it, and,
    on your own locked profile, how many people ask to follow you."""
    a = await Presenter(session, viewer).account(account)
    rel = (await relationships_of(session, viewer, [account.id])).get(a["id"])
    own = viewer is not None and viewer.id == account.id
    requests = (await accounts_repo.follow_requests_count(session, account.id)
                if own and account.locked else 0)
    name = a["display_name"] or a["username"]
    return dict(a=a, rel=rel, own=own, requests=requests, joined=_joined(a["created_at"]),
                title=f"{name} (@{a['acct']})")


async def _profile(request: Request, session: AsyncSession, viewer: Account | None,
                   username: str, page: PageParams, tab: str) -> Response:
    account = await _account(session, username)
    viewer_id = viewer.id if viewer else None
    header = await _header(session, viewer, account)
    rel = header["rel"] or {}
    rows, pins = [], []
    if not rel.get("blocked_by"):  # the API would answer no posts: say why instead
        rows = await queries.profile_statuses(session, account, viewer_id, page, TABS[tab])
        if tab == "posts":
            pins = await queries.profile_statuses(session, account, viewer_id,
                                                  PageParams(limit=MAX_PINS),
                                                  queries.ProfileFilter(pinned=True))
    pinned_ids = {str(p.id) for p in pins}
    first = page.max_id is None
    # pinned posts lead the first page and are left out of the list (one card per post)
    shown = (pins if first else []) + [r for r in rows if str(r.id) not in pinned_ids]
    dicts = await Presenter(session, viewer, filter_context="account").statuses(shown)
    pinned = [d for d in dicts if d["id"] in pinned_ids]
    statuses = [d for d in dicts if d["id"] not in pinned_ids]
    position = served(request, session, viewer, f"account:{account.id}", pinned + statuses)
    more = more_url(request, rows, position=position) if len(rows) >= page.limit else None
    if render.is_fragment(request):
        return render.fragment(request, "web/_feed_page.html", statuses=statuses, more=more)
    return render.page(request, "web/profile.html", tab=tab, statuses=statuses, pinned=pinned,
                       more=more, paged=not first, hidden=bool(rel.get("blocked_by")),
                       training_ok=await signals.statuses_may_be_used(
                           session, pinned + statuses, [account.id]), **header)


@router.get("/@{username}")
async def profile(username: str, request: Request, session: DbSession, viewer: Viewer,
                  page: Page) -> Response:
    return await _profile(request, session, viewer, username, page, "posts")


@router.get("/@{username}/with_replies")
async def with_replies(username: str, request: Request, session: DbSession, viewer: Viewer,
                       page: Page) -> Response:
    return await _profile(request, session, viewer, username, page, "with_replies")


@router.get("/@{username}/media")
async def media(username: str, request: Request, session: DbSession, viewer: Viewer,
                page: Page) -> Response:
    return await _profile(request, session, viewer, username, page, "media")


# ---- followers and following ------------------------------------------------------------------

async def _network(request: Request, session: AsyncSession, viewer: Account | None,
                   username: str, page: PageParams, direction: str) -> Response:
    account = await _account(session, username)
    rows = await graph_repo.network_of(session, account.id, viewer.id if viewer else None, page,
                                       direction=direction)
    people = [acc for _, acc in rows]
    accounts = await Presenter(session, viewer).accounts(people)
    rels = await relationships_of(session, viewer, [acc.id for acc in people])
    more = more_after(request, [k for k, _ in rows], page.limit)
    ctx = dict(accounts=accounts, rels=rels, more=more, paged="max_id" in request.query_params,
               direction=direction)
    if render.is_fragment(request):
        return render.fragment(request, "web/_accounts_page.html", **ctx)
    a = await Presenter(session, viewer).account(account)
    heading = "Followers" if direction == "followers" else "Following"
    name = a["display_name"] or a["username"]
    return render.page(request, "web/accounts.html", a=a, heading=heading,
                       title=f"{heading} of {name} (@{a['acct']})", **ctx)


@router.get("/@{username}/followers")
async def followers(username: str, request: Request, session: DbSession, viewer: Viewer,
                    page: AccountPage) -> Response:
    return await _network(request, session, viewer, username, page, "followers")


@router.get("/@{username}/following")
async def following(username: str, request: Request, session: DbSession, viewer: Viewer,
                    page: AccountPage) -> Response:
    return await _network(request, session, viewer, username, page, "following")


# the account actions, follow requests and reports travel with this router (one entry in ROUTERS)
router.include_router(relationships.router)
router.include_router(reports.router)
