"""Account actions from the web: follow, unfollow, block, unblock, mute, unmute (the graph
services the API calls), the block and mute pages (a confirmation without JavaScript, the mute
options), and follow requests. Each POST answers 303 to `next`, or with X-Roost-Fragment the
re-rendered relationship button (`web/_follow_button.html`, id `follow-ID`)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.responses import Response

from roost.accounts import repository as accounts_repo
from roost.api.deps import DbSession
from roost.api.mastodon import serializers as ser
from roost.api.mastodon.paging import PageParams, page_params
from roost.api.mastodon.presenter import Presenter
from roost.graph import repository as graph_repo
from roost.graph import service
from roost.kit.errors import Invalid, NotFound
from roost.models import Account
from roost.web import render
from roost.web.session import Form, SignedIn, safe_next

router = APIRouter(tags=["web"])

AccountPage = Annotated[PageParams, Depends(page_params(40, 80))]
MUTE_DURATIONS = [(0, "Until I unmute"), (3600, "1 hour"), (86400, "1 day"),
                  (7 * 86400, "7 days")]


# ---- shared by the profile and account list pages --------------------------------------------

async def relationships_of(session: AsyncSession, viewer: Account | None,
                           ids: Iterable[int]) -> dict[str, dict]:
    """The viewer's relationship to each account as the API's dict, keyed by the account id
    (a string, as in the account dicts); a fixed number of queries whatever the count."""
    ids = [i for i in ids if viewer is None or i != viewer.id]
    if viewer is None or not ids:
        return {}
    rels = await graph_repo.relationships(session, viewer.id, ids)
    return {str(k): ser.relationship(v) for k, v in rels.items()}


def more_after(request: Request, keys: list[int], limit: int) -> str | None:
    """The "Load more" link of an account list: this address with max_id = the last key read,
    when the page was full."""
    if len(keys) < limit:
        return None
    params = [(k, v) for k, v in request.query_params.multi_items()
              if k not in ("max_id", "since_id", "min_id")]
    return f"{request.url.path}?{urlencode(params + [('max_id', str(keys[-1]))])}"


def profile_path(account: Account) -> str:
    return f"/@{account.username}"


def _text(form: dict, key: str) -> str | None:
    value = form.get(key)
    return value if isinstance(value, str) else None


def back_to(form: dict, default: str) -> str:
    return safe_next(_text(form, "next"), default)


async def _target(session: AsyncSession, viewer: Account, account_id: int) -> Account:
    """Someone else's active account (the block and mute pages have nothing to say about you)."""
    target = await accounts_repo.get(session, account_id)
    if target is None or target.id == viewer.id:
        raise NotFound()
    return target


async def button(request: Request, session: AsyncSession, viewer: Account, target: Account,
                 back: str) -> Response:
    """The relationship button of `target` as a fragment (what app.js swaps in)."""
    a = await Presenter(session, viewer).account(target)
    rel = (await relationships_of(session, viewer, [target.id])).get(a["id"])
    return render.fragment(request, "web/_follow_button.html", a=a, rel=rel, back=back)


async def _answer(request: Request, session: AsyncSession, viewer: Account, target: Account,
                  form: dict) -> Response:
    back = back_to(form, profile_path(target))
    if render.is_fragment(request):
        return await button(request, session, viewer, target, back)
    return RedirectResponse(back, status_code=303, headers=render.HEADERS)


# ---- follow, unfollow, block, unblock, unmute ------------------------------------------------

def _action(verb: str, fn) -> None:  # noqa: ANN001
    async def endpoint(account_id: int, request: Request, session: DbSession, viewer: SignedIn,
                       form: Form) -> Response:
        target = await fn(session, viewer, account_id)
        return await _answer(request, session, viewer, target, form)

    endpoint.__name__ = f"web_{verb}"
    router.add_api_route(f"/accounts/{{account_id:int}}/{verb}", endpoint, methods=["POST"])


_action("follow", service.follow)
_action("unfollow", service.unfollow)
_action("block", service.block)
_action("unblock", service.unblock)
_action("unmute", service.unmute)


@router.get("/accounts/{account_id:int}/block")
async def block_page(account_id: int, request: Request, session: DbSession,
                     viewer: SignedIn) -> Response:
    """Block asks first: this page without JavaScript, confirm() with it."""
    target = await _target(session, viewer, account_id)
    a = await Presenter(session, viewer).account(target)
    back = safe_next(request.query_params.get("next"), profile_path(target))
    return render.page(request, "web/block.html", a=a, back=back,
                       title=f"Block @{target.username}")


# ---- mute: with a duration and "hide notifications" ------------------------------------------

async def _mute_page(request: Request, session: AsyncSession, viewer: Account, target: Account,
                     back: str, *, status: int = 200, error: str | None = None,
                     duration: int = 0, notifications: bool = True) -> Response:
    a = await Presenter(session, viewer).account(target)
    return render.page(request, "web/mute.html", status, a=a, back=back, error=error,
                       durations=MUTE_DURATIONS, duration=duration, notifications=notifications,
                       title=f"Mute @{target.username}")


@router.get("/accounts/{account_id:int}/mute")
async def mute_page(account_id: int, request: Request, session: DbSession,
                    viewer: SignedIn) -> Response:
    target = await _target(session, viewer, account_id)
    back = safe_next(request.query_params.get("next"), profile_path(target))
    return await _mute_page(request, session, viewer, target, back)


@router.post("/accounts/{account_id:int}/mute")
async def mute(account_id: int, request: Request, session: DbSession, viewer: SignedIn,
               form: Form) -> Response:
    target = await _target(session, viewer, account_id)
    notifications = _text(form, "notifications") is not None
    raw = (_text(form, "duration") or "0").strip()
    duration = int(raw) if raw.isascii() and raw.isdigit() else -1
    try:
        await service.mute(session, viewer, target.id, notifications=notifications,
                           duration_seconds=duration)
    except Invalid:
        back = back_to(form, profile_path(target))
        return await _mute_page(request, session, viewer, target, back,
                                status=422, error="Choose how long to mute for.",
                                notifications=notifications)
    return await _answer(request, session, viewer, target, form)


# ---- follow requests -------------------------------------------------------------------------

@router.get("/follow_requests")
async def follow_requests(request: Request, session: DbSession, viewer: SignedIn,
                          page: AccountPage) -> Response:
    rows = await graph_repo.follow_requesters(session, viewer.id, page)
    accounts = await Presenter(session, viewer).accounts([a for _, a in rows])
    more = more_after(request, [k for k, _ in rows], page.limit)
    ctx = dict(accounts=accounts, more=more, paged="max_id" in request.query_params)
    if render.is_fragment(request):
        return render.fragment(request, "web/_requests_page.html", **ctx)
    return render.page(request, "web/follow_requests.html", title="Follow requests", **ctx)


def _request_action(verb: str, fn, outcome: str) -> None:  # noqa: ANN001
    async def endpoint(account_id: int, request: Request, session: DbSession, viewer: SignedIn,
                       form: Form) -> Response:
        requester = await fn(session, viewer, account_id)
        if render.is_fragment(request):
            a = await Presenter(session, viewer).account(requester)
            return render.fragment(request, "web/_request_row.html", a=a, outcome=outcome)
        back = back_to(form, "/follow_requests")
        return RedirectResponse(back, status_code=303, headers=render.HEADERS)

    endpoint.__name__ = f"web_follow_request_{verb}"
    router.add_api_route(f"/follow_requests/{{account_id:int}}/{verb}", endpoint,
                         methods=["POST"])


_request_action("authorize", service.authorize_follow_request, "accepted")
_request_action("reject", service.reject_follow_request, "rejected")
