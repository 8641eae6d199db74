"""The notifications page: /notifications (all) and /notifications/mentions, read from the
grouped (v2) notifications service so likes and reposts of one post come as one row; the
read marker (the same as /api/v1/markers' "notifications"), mark all as read, clear all,
dismiss one."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from roost.api.deps import DbSession
from roost.api.mastodon.paging import PageParams, page_params
from roost.api.mastodon.presenter import Presenter
from roost.graph import repository as graph_repo
from roost.kit.ids import parse_id
from roost.notifications import grouping
from roost.notifications import repository as repo
from roost.notifications import service
from roost.web import render
from roost.web.session import Form, SignedIn, safe_next

router = APIRouter(tags=["web"])

Page = Annotated[PageParams, Depends(page_params(20, 40))]
GROUPED = ("favourite", "reblog")  # follows stay one row each, with their own follow-back link
KNOWN = ("mention", "status", "reblog", "follow", "follow_request", "favourite", "poll", "update",
         "admin.sign_up", "admin.report")


def _types(request: Request, mentions: bool) -> list[str]:
    if mentions:
        return ["mention"]
    asked = request.query_params.getlist("types[]") + request.query_params.getlist("types")
    return [t for t in asked if t in KNOWN]


def _items(result: dict, last_read: int | None, following: set[int]) -> list[dict]:
    """One row per group: its type, accounts (newest first), status and report dicts."""
    accounts = {a["id"]: a for a in result["accounts"]}
    statuses = {s["id"]: s for s in result["statuses"]}
    out = []
    for g in result["notification_groups"]:
        people = [accounts[i] for i in g["sample_account_ids"] if i in accounts]
        out.append({
            "key": g["group_key"], "type": g["type"], "count": g["notifications_count"],
            "accounts": people, "account": people[0],
            "status": statuses.get(g.get("status_id")), "report": g.get("report"),
            "at": g.get("latest_page_notification_at"),
            "unread": last_read is None or g["most_recent_notification_id"] > last_read,
            "following": int(people[0]["id"]) in following,
        })
    return out


def _more(request: Request, groups: list) -> str | None:  # noqa: ANN001
    if not groups:
        return None
    params = [(k, v) for k, v in request.query_params.multi_items()
              if k not in ("max_id", "since_id", "min_id")]
    oldest = min(g.page_min_id for g in groups)
    return f"{request.url.path}?{urlencode(params + [('max_id', str(oldest))])}"


def _maybe_more(groups: list, page: PageParams) -> bool:  # noqa: ANN001
    """Whether an older page may exist: a full page of groups, or a walk that stopped at its
    limit (grouping.page reads at most limit × WALK_FACTOR notifications)."""
    return bool(groups) and (len(groups) >= page.limit
                             or sum(g.count for g in groups) >= page.limit * grouping.WALK_FACTOR)


async def _page(request: Request, session: DbSession, viewer: SignedIn, page: PageParams, *,
                mentions: bool) -> Response:
    types = _types(request, mentions)
    page = replace(page, since_id=None, min_id=None)  # the page pages backwards only
    last_read = await repo.last_read_id(session, viewer.id)
    groups = await grouping.page(session, viewer.id, repo.NotificationFilter(types=types), page,
                                 GROUPED)
    result = await Presenter(session, viewer, filter_context="notifications").notification_groups(
        groups, paginated=True)
    follows = {int(g["sample_account_ids"][0]) for g in result["notification_groups"]
               if g["type"] == "follow"}
    following = await graph_repo.followed_among(session, viewer.id, follows)
    items = _items(result, last_read, following)
    ctx = {"items": items, "more": _more(request, groups) if _maybe_more(groups, page) else None,
           "paged": page.max_id is not None, "tab": "mentions" if types == ["mention"] else "all"}
    if render.is_fragment(request):
        return render.fragment(request, "web/_notifications_page.html", **ctx)
    newest = max((g.page_max_id for g in groups), default=None)
    return render.page(request, "web/notifications.html", title="Notifications",
                       newest=newest if page.max_id is None else None,
                       unread=any(i["unread"] for i in items), **ctx)


@router.get("/notifications")
async def notifications(request: Request, session: DbSession, viewer: SignedIn,
                        page: Page) -> Response:
    return await _page(request, session, viewer, page, mentions=False)


@router.get("/notifications/mentions")
async def mentions(request: Request, session: DbSession, viewer: SignedIn, page: Page) -> Response:
    return await _page(request, session, viewer, page, mentions=True)


def _back(form: dict, default: str = "/notifications") -> RedirectResponse:
    target = safe_next(form.get("next") if isinstance(form.get("next"), str) else None, default)
    return RedirectResponse(target, status_code=303, headers=render.HEADERS)


@router.post("/notifications/read")
async def mark_read(request: Request, session: DbSession, viewer: SignedIn,
                    form: Form) -> Response:
    """Everything up to `last_read_id` (the newest the page showed), or up to the newest."""
    raw = form.get("last_read_id")
    up_to = parse_id(raw) if isinstance(raw, str) and raw else None
    marker = await service.mark_read(session, viewer, up_to)
    if render.is_fragment(request):
        return Response(status_code=204, headers={**render.HEADERS, "X-Roost-Marker": str(marker or "")})
    return _back(form)


@router.post("/notifications/clear")
async def clear(request: Request, session: DbSession, viewer: SignedIn, form: Form) -> Response:
    await service.clear(session, viewer.id)
    return _back(form)


@router.post("/notifications/{group_key}/dismiss")
async def dismiss(group_key: str, request: Request, session: DbSession, viewer: SignedIn,
                  form: Form) -> Response:
    """One row: a single notification or every like (repost) of one post."""
    await service.dismiss_group(session, viewer.id, group_key)
    if render.is_fragment(request):
        return Response("", media_type="text/html", headers=render.HEADERS)  # the row goes
    return _back(form)
