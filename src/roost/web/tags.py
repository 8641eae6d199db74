"""Hashtag pages: /tags/NAME (the tag timeline, as /api/v1/timelines/tag/:hashtag, with the
tag's week of use and Follow / Unfollow) and POST /tags/NAME/follow|unfollow (as
/api/v1/tags/:name/follow). A name never used, or not a valid hashtag, is an empty page."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from roost.api.deps import DbSession
from roost.api.mastodon.paging import PageParams, page_params
from roost.api.mastodon.presenter import Presenter
from roost.tags import service as tags_service
from roost.timelines import service as timelines
from roost.timelines.repository import normalize_tag
from roost.web import render
from roost.web.session import Form, SignedIn, Viewer, safe_next
from roost.web.timelines import timeline_page

router = APIRouter(tags=["web"])

Page = Annotated[PageParams, Depends(page_params(20, 40))]


def week(tag: dict) -> tuple[int, int]:
    """(posts, people at most on one day) over the tag's 7-day history."""
    days = tag.get("history") or []
    return (sum(int(d["uses"]) for d in days),
            max((int(d["accounts"]) for d in days), default=0))


@router.get("/tags/{name}")
async def tag_page(name: str, request: Request, session: DbSession, viewer: Viewer,
                   page: Page) -> Response:
    found = await tags_service.lookup(session, name)
    rows = await timelines.tag(session, viewer, name, page) if found is not None else []
    tag = None
    if found is not None and not render.is_fragment(request):
        tag = (await Presenter(session, viewer).tags([found]))[0]
    label = found.display_name if found is not None else name
    return await timeline_page(request, session, viewer, rows, context="public",
                               feed=f"tag:{normalize_tag(name)}", template="web/tag.html",
                               title=f"#{label}", heading=f"#{label}",
                               timeline="tag", tag=tag, tag_name=label,
                               uses=week(tag) if tag else (0, 0))


async def _answer(request: Request, session: DbSession, viewer: SignedIn, form: dict,
                  found) -> Response:  # noqa: ANN001
    tag = (await Presenter(session, viewer).tags([found]))[0]
    if render.is_fragment(request):
        return render.fragment(request, "web/_tag_follow.html", tag=tag)
    default = f"/tags/{quote(found.name)}"
    target = safe_next(form.get("next") if isinstance(form.get("next"), str) else None, default)
    return RedirectResponse(target, status_code=303, headers=render.HEADERS)


@router.post("/tags/{name}/follow")
async def follow(name: str, request: Request, session: DbSession, viewer: SignedIn,
                 form: Form) -> Response:
    found = await tags_service.follow_tag(session, viewer, name)
    return await _answer(request, session, viewer, form, found)


@router.post("/tags/{name}/unfollow")
async def unfollow(name: str, request: Request, session: DbSession, viewer: SignedIn,
                   form: Form) -> Response:
    found = await tags_service.unfollow_tag(session, viewer, name)
    return await _answer(request, session, viewer, form, found)
