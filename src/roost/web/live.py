"""GET /live?timeline=home|local|public|tag:NAME|notifications — live updates for the browser as server-sent
events (app.js shows "N new posts" and the unread badge from them).

Events: `update` {"id": STATUS_ID} for each new status the viewer may see on that timeline
(checked in the database, in batches, with the pages' own statements and the viewer's filters);
`delete` {"id": STATUS_ID}; `notification` {"count": UNREAD} for a signed-in viewer; a comment
every HEARTBEAT seconds. First `retry:` and `ready` (sent once subscribed: what is published
after it reaches this stream). The session cookie signs in; home needs it."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator

from fastapi import APIRouter, Request
from starlette.responses import PlainTextResponse, Response, StreamingResponse

from roost import realtime
from roost.api.mastodon.presenter import Presenter
from roost.kit.errors import NotAuthenticated, NotFound, RoostError
from roost.models import Account
from roost.notifications.service import unread_badge
from roost.realtime import streams as live_streams
from roost.timelines import service
from roost.timelines.repository import normalize_tag
from roost.web.session import Viewer

router = APIRouter(tags=["web"])

HEARTBEAT = 15.0  # seconds between keep-alive comments
RETRY_MS = 3000  # EventSource's reconnection delay
BATCH = 100  # messages checked together
CONTEXT = {"home": "home"}  # filter context per timeline; everything else is "public"


def channels_for(timeline: str, viewer: Account | None) -> list[str]:
    """The broker channels a stream of `timeline` listens to (404 for an unknown timeline,
    401 for home without a session)."""
    if timeline in ("home", "notifications") and viewer is None:
        raise NotAuthenticated("Sign in to follow your home timeline and notifications")
    if timeline == "home":
        out = [realtime.timeline(viewer.id)]
    elif timeline == "notifications":  # a page without a feed: the unread badge only
        out = []
    elif timeline == "local":
        out = [realtime.PUBLIC_LOCAL]
    elif timeline == "public":
        out = [realtime.PUBLIC]
    elif timeline.startswith("tag:") and normalize_tag(timeline[4:]):
        out = [realtime.hashtag(normalize_tag(timeline[4:]))]
    else:
        raise NotFound()
    if viewer is not None:
        out.append(realtime.notifications(viewer.id))
    return out


class _Gone(Exception):
    """The viewer's account was suspended or deleted while the stream was open."""


def sse(event: str, data: dict) -> str:
    return f"event: {event}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n"


# Anonymous streams of one timeline all see the same thing: their checks are shared for a few
# seconds, so a public post costs one query however many signed-out visitors watch.
_ANON: dict[tuple[str, tuple[int, ...]], tuple[float, list[str]]] = {}
ANON_TTL, ANON_MOST = 5.0, 512


async def _visible(session, viewer: Account | None, timeline: str,  # noqa: ANN001
                   ids: list[int]) -> list[str]:
    """Which of `ids` the viewer may see on `timeline`, newest first (hide filters applied)."""
    rows = await service.live_visible(session, viewer, timeline, ids)
    if rows and viewer is not None and viewer.filters_count:
        shown = await Presenter(session, viewer,
                                filter_context=CONTEXT.get(timeline, "public")).statuses(rows)
        return [s["id"] for s in shown]
    return [str(r.id) for r in rows]


async def _events(request: Request, viewer_id: int | None, timeline: str,
                  batch: list[tuple[str, dict]]) -> list[str]:
    """Turn a batch of broker messages into the events this viewer may have, reading the
    database once per batch in a short read-only session (a stream holds no connection)."""
    updates = [int(m["id"]) for _, m in batch if m.get("event") == "update"]
    deletes = [m["id"] for _, m in batch if m.get("event") == "delete"]
    notified = any(m.get("event") == "notification" for _, m in batch)
    ids: list[str] = []
    count: int | None = None
    key = (timeline, tuple(updates))
    hit = _ANON.get(key) if viewer_id is None and updates else None
    if hit is not None and hit[0] > time.monotonic():
        ids = hit[1]
    elif updates or notified:
        async with request.app.state.db.read_session() as session:
            viewer = await session.get(Account, viewer_id) if viewer_id is not None else None
            if viewer_id is not None and (viewer is None or viewer.suspended_at is not None
                                          or viewer.deleted_at is not None):
                raise _Gone()
            if updates:
                ids = await _visible(session, viewer, timeline, updates)
            if notified and viewer is not None:
                count = await unread_badge(session, viewer)
        if viewer_id is None and updates:
            if len(_ANON) >= ANON_MOST:
                _ANON.clear()
            _ANON[key] = (time.monotonic() + ANON_TTL, ids)
    out = [sse("update", {"id": i}) for i in reversed(ids)]  # oldest first
    if count is not None:
        out.append(sse("notification", {"count": count}))
    return out + [sse("delete", {"id": i}) for i in deletes]


async def _stream(request: Request, sub: realtime.Subscription, ticket: live_streams.Ticket,
                  viewer_id: int | None, timeline: str,
                  registry: live_streams.Streams) -> AsyncIterator[str]:
    """The response body: `ready` comes once subscribed, so a client that has read it hears
    everything published after."""
    try:
        async with sub:
            with registry.tracking(sub):
                yield f"retry: {RETRY_MS}\n\n" + sse("ready", {"timeline": timeline})
                ends = time.monotonic() + live_streams.MAX_AGE
                while True:
                    left = ends - time.monotonic()
                    if left <= 0:
                        break
                    try:
                        item = await sub.next(timeout=min(HEARTBEAT, left))
                    except StopAsyncIteration:
                        break  # dropped (too slow), or the server is stopping
                    if item is None:
                        yield ": ping\n\n"
                        continue
                    try:
                        chunks = await _events(request, viewer_id, timeline,
                                               [item, *sub.pending(BATCH - 1)])
                    except _Gone:
                        break
                    if chunks:
                        yield "".join(chunks)
    finally:
        ticket.release()


@router.get("/live")
async def live(request: Request, viewer: Viewer, timeline: str = "home") -> Response:
    registry = live_streams.of(request.app)
    who = (f"account:{viewer.id}" if viewer is not None
           else f"ip:{request.client.host if request.client else '?'}")
    try:
        channels = channels_for(timeline, viewer)
        ticket = registry.admit(who)
    except RoostError as exc:  # plain text: EventSource shows no page, it just stops
        return PlainTextResponse(str(exc) or "Not Found", status_code=exc.status,
                                 headers={"Cache-Control": "no-store"})
    sub = realtime.broker().subscribe(channels)
    body = _stream(request, sub, ticket, viewer.id if viewer else None, timeline, registry)
    return StreamingResponse(body, media_type="text/event-stream", headers={
        "Cache-Control": "no-cache, no-transform", "X-Accel-Buffering": "no",
        "X-Content-Type-Options": "nosniff"})
