"""Status pages: the thread `/@USERNAME/ID` (ancestors, the post, replies), who reposted or
liked a post, and the signed-in person's /bookmarks and /favourites (Likes).

Rows come from the same services as the API (posts.queries: thread, reactors, saved), dicts
from the API's Presenter, so visibility, blocks and mutes are decided where the API decides
them, and every page costs a fixed number of queries. The actions (like, repost, delete...)
are in status_actions.py."""

from __future__ import annotations

import html
import re
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from roost import runtime
from roost.api.deps import DbSession
from roost.api.mastodon.paging import PageParams, page_params
from roost.api.mastodon.presenter import Presenter
from roost.accounts.repository import user_for
from roost.ai.assistant import service as assistant
from roost.capture import repository as capture_repo
from roost.capture import service as capture_service
from roost.capture.rules import REASON_CHARS, REASON_WORDS
from roost.consent import signals
from roost.kit.errors import NotFound
from roost.notes import present as notes_present
from roost.notes import queries as notes_queries
from roost.models import Account, Status
from roost.posts import queries
from roost.web import compose, render
from roost.web import notes as web_notes
from roost.web.session import SignedIn, Viewer
from roost.web.timelines import Page, more_url, timeline_page

router = APIRouter(tags=["web"])

MAX_DEPTH = 3  # replies deeper than this are drawn at this indentation
TITLE_CHARS = 60
People = Annotated[PageParams, Depends(page_params(40, 80))]


def plain_text(content: str, limit: int = TITLE_CHARS) -> str:
    """A status's sanitised HTML as one line of plain text, cut at `limit` characters."""
    text = re.sub(r"<br\s*/?>|</p>", " ", content or "")
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", "", text)).split())
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def title_of(st: dict) -> str:
    """`Name: "text"` (the content warning instead of the text when there is one)."""
    name = st["account"]["display_name"] or st["account"]["username"]
    said = st["spoiler_text"] or plain_text(st["content"])
    if not said and st["media_attachments"]:
        said = "a post with media"
    return f"{name}: \u201c{said}\u201d" if said else f"Post by {name}"


def depths(focal_id: str, descendants: list[dict]) -> dict[str, int]:
    """Indentation per reply: 0 for a reply to the post, one more per level, at most MAX_DEPTH."""
    level = {focal_id: -1}
    out = {}
    for d in descendants:
        out[d["id"]] = level[d["id"]] = min(level.get(d["in_reply_to_id"], -1) + 1, MAX_DEPTH)
    return out


def _redirect(url: str) -> Response:
    return RedirectResponse(url, status_code=301, headers=render.HEADERS)


@router.get("/@{username}/{status_id:int}")
async def thread(request: Request, username: str, status_id: int, session: DbSession,
                 viewer: Viewer) -> Response:
    status, ancestors, descendants = await queries.thread(session, status_id, viewer)
    if status.reblog_of_id is not None:  # a repost has no page of its own
        raise NotFound()
    every = await Presenter(session, viewer, filter_context="thread").statuses(
        [*ancestors, status, *descendants])
    by_id = {d["id"]: d for d in every}
    focal = by_id.get(str(status.id))
    if focal is None:  # filtered out entirely ("hide" filter): as if it were not there
        raise NotFound()
    if focal["account"]["username"] != username:
        return _redirect(render.local(focal["url"]))
    replies = [by_id[k] for k in (str(s.id) for s in descendants) if k in by_id]
    composer = None
    if viewer is not None:  # the reply box under the post; afterwards, back to this thread
        composer = await compose.composer_context(request, session, viewer, reply=focal,
                                                  next_path=request.url.path, show_context=False)
    shown_ancestors = [by_id[k] for k in (str(s.id) for s in ancestors) if k in by_id]
    capture_service.thread_opened(session, viewer, status, surface="web")
    notes = await notes_present.notes(session, viewer,
                                      await notes_queries.for_status(session, viewer, status))
    return render.page(
        request, "web/thread.html", title=title_of(focal), focal=focal,
        ancestors=shown_ancestors, replies=replies, depth=depths(focal["id"], replies),
        composer=composer, feed="thread", **await _captured(session, viewer, status),
        notes=notes, note_reasons=web_notes.REASONS,
        moderator=await _moderates(session, viewer) if notes else False,
        min_ratings=runtime.settings().notes_min_ratings,
        training_ok=await signals.statuses_may_be_used(
            session, [*shown_ancestors, focal, *replies]))


async def _captured(session: DbSession, viewer: Account | None, status: Status) -> dict:
    """What the viewer told Roost about the thread's post (roost.capture), for its menu and,
    under an answer of the assistant's, its rating: one primary-key read each."""
    if viewer is None or status.account_id == viewer.id:
        return {}
    fb = await capture_repo.feedback(session, viewer.id, status.id)
    out: dict = {"my_feedback": {str(status.id): fb.signal} if fb else {}}
    if assistant.known_id() == status.account_id:
        rated = await capture_repo.rating(session, viewer.id, status.id)
        out["my_ratings"] = ({str(status.id): {"rating": rated.rating, "reason": rated.reason}}
                             if rated else {})
        out["rating_reasons"] = REASON_WORDS
        out["reason_chars"] = REASON_CHARS
    return out


async def _reactors(request: Request, username: str, status_id: int, session: DbSession,
                    viewer: Viewer, page: PageParams, kind: str) -> Response:
    status = await queries.readable(session, status_id, viewer)
    presenter = Presenter(session, viewer)
    focal = await presenter.status(status)
    if focal["account"]["username"] != username:
        suffix = "favourites" if kind == "favourite" else "reblogs"
        return _redirect(f"{render.local(focal['url'])}/{suffix}")
    rows = await queries.reactors(session, str(status_id), viewer, page, kind=kind)
    people = await presenter.accounts([a for _, a in rows])
    more = more_url(request, rows, [k for k, _ in rows]) if len(rows) >= page.limit else None
    heading = "Liked by" if kind == "favourite" else "Reposted by"
    return render.page(request, "web/reactors.html", title=f"{heading} · {title_of(focal)}",
                       heading=heading, kind=kind, focal=focal, people=people, more=more)


@router.get("/@{username}/{status_id:int}/favourites")
async def liked_by(request: Request, username: str, status_id: int, session: DbSession,
                   viewer: Viewer, page: People) -> Response:
    return await _reactors(request, username, status_id, session, viewer, page, "favourite")


@router.get("/@{username}/{status_id:int}/reblogs")
async def reposted_by(request: Request, username: str, status_id: int, session: DbSession,
                      viewer: Viewer, page: People) -> Response:
    return await _reactors(request, username, status_id, session, viewer, page, "reblog")


@router.get("/bookmarks")
async def bookmarks(request: Request, session: DbSession, viewer: SignedIn, page: Page) -> Response:
    rows = await queries.saved(session, viewer, page, kind="bookmark")
    return await timeline_page(request, session, viewer, [s for _, s in rows], context=None,
                               keys=[k for k, _ in rows], feed="bookmarks", title="Bookmarks",
                               heading="Bookmarks",
                               timeline="bookmarks")


@router.get("/favourites")
async def favourites(request: Request, session: DbSession, viewer: SignedIn, page: Page) -> Response:
    rows = await queries.saved(session, viewer, page, kind="favourite")
    return await timeline_page(request, session, viewer, [s for _, s in rows], context=None,
                               keys=[k for k, _ in rows], feed="favourites", title="Likes",
                               heading="Likes",
                               timeline="favourites")


async def _moderates(session, viewer: Account | None) -> bool:  # noqa: ANN001
    """May the viewer delete others' notes (web/_notes.html's moderator button)?"""
    user = await user_for(session, viewer.id) if viewer is not None else None
    return user is not None and user.is_moderator
