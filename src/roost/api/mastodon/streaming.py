"""Mastodon's streaming API: `GET /api/v1/streaming/health`, server-sent events at
`/api/v1/streaming/{user,user/notification,public,public/local,public/remote,hashtag,hashtag/local,
direct}`,
and the WebSocket at `/api/v1/streaming` (subscribe / unsubscribe messages).

The token comes as `Authorization: Bearer`, `?access_token=`, or (WebSocket) the
Sec-WebSocket-Protocol header, as Mastodon's streaming server takes it. Events are those of
streaming_events.py, rendered per viewer; a stream holds no database connection between
batches. See docs/subsystems/realtime.md ("Mastodon streaming API")."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import AsyncIterator

from fastapi import APIRouter, Request, WebSocket, WebSocketDisconnect
from starlette.responses import JSONResponse, PlainTextResponse, Response, StreamingResponse

from roost import realtime
from roost.api.deps import bearer_token
from roost.api.mastodon import streaming_events as se
from roost.auth.actor import Actor, resolve_token
from roost.db import commit, rollback
from roost.kit.errors import NotFound, RateLimited, RoostError
from roost.models import Account
from roost.realtime import streams as live_streams

router = APIRouter(tags=["streaming"])

HEARTBEAT = 15.0  # seconds between `:thump` comments (SSE) / pings (WebSocket)
BATCH = 100  # broker messages rendered together
MAX_SUBSCRIPTIONS = 32  # streams one WebSocket may hold (each is a broker subscription)
SSE_PATHS = {"user": "user", "user/notification": "user:notification", "public": "public",
             "public/local": "public:local", "public/remote": "public:remote",
             "hashtag": "hashtag", "hashtag/local": "hashtag:local", "direct": "direct",
             "list": "list"}


class _Gone(Exception):
    """The viewer's account was suspended or deleted (or their list) while the stream was open."""


async def _actor(app, raw: str | None) -> Actor | None:  # noqa: ANN001
    if not raw:
        return None
    async with app.state.db.session() as session:
        try:
            actor = await resolve_token(session, raw)
        except BaseException:
            await rollback(session)
            raise
        await commit(session)  # runs the "last active" touch after commit
        return actor


# Anonymous streams of one kind see the same thing: what a batch renders to is shared for a few
# seconds, so a public post costs one render however many signed-out listeners there are.
_ANON: dict[tuple, tuple[float, asyncio.Future]] = {}
ANON_TTL, ANON_MOST = 5.0, 512


async def _check_owner(app, actor: Actor | None, stream: se.Stream) -> None:  # noqa: ANN001
    if stream.list_id is not None:
        async with app.state.db.read_session() as session:
            await se.check_owner(session, actor.account, stream)


async def _render(app, viewer_id: int | None, stream: se.Stream,  # noqa: ANN001
                  batch: list[tuple[str, dict]]) -> list[tuple[str, str]]:
    if viewer_id is not None:
        return await _render_for(app, viewer_id, stream, batch)
    key = (id(app), stream, tuple((m.get("event"), m.get("id")) for _, m in batch))
    now = time.monotonic()
    hit = _ANON.get(key)
    if hit is None or hit[0] <= now or (hit[1].done() and hit[1].exception() is not None):
        if len(_ANON) >= ANON_MOST:
            for k in [k for k, (ends, _) in _ANON.items() if ends <= now] or list(_ANON):
                del _ANON[k]
        hit = _ANON[key] = (now + ANON_TTL, asyncio.ensure_future(
            _render_for(app, None, stream, batch)))
    return await asyncio.shield(hit[1])


async def _render_for(app, viewer_id: int | None, stream: se.Stream,  # noqa: ANN001
                      batch: list[tuple[str, dict]]) -> list[tuple[str, str]]:
    async with app.state.db.read_session() as session:
        viewer = await session.get(Account, viewer_id) if viewer_id is not None else None
        if viewer_id is not None and (viewer is None or viewer.suspended_at is not None
                                      or viewer.deleted_at is not None):
            raise _Gone()
        try:
            return await se.render(session, viewer, stream, [m for _, m in batch])
        except NotFound:  # the list was deleted
            raise _Gone() from None


async def _events(app, sub: realtime.Subscription, viewer_id: int | None,  # noqa: ANN001
                  stream: se.Stream) -> AsyncIterator[list[tuple[str, str]] | None]:
    """Batches of (event, payload) for the viewer, or None when HEARTBEAT passed in silence;
    ends after streams.MAX_AGE, when the subscriber is dropped, or when the server stops."""
    ends = time.monotonic() + live_streams.MAX_AGE
    while (left := ends - time.monotonic()) > 0:
        try:
            item = await sub.next(timeout=min(HEARTBEAT, left))
        except StopAsyncIteration:
            return
        if item is None:
            yield None
            continue
        try:
            out = await _render(app, viewer_id, stream, [item, *sub.pending(BATCH - 1)])
        except _Gone:
            return
        if out:
            yield out


def _who(actor: Actor | None, host: str | None) -> str:
    return f"account:{actor.account_id}" if actor is not None and actor.account_id \
        else f"ip:{host or '?'}"


@router.get("/api/v1/streaming/health", include_in_schema=False)
async def health() -> Response:
    return PlainTextResponse("OK")


async def _sse(request: Request, name: str) -> Response:
    registry = live_streams.of(request.app)
    params = request.query_params
    try:
        actor = await _actor(request.app, bearer_token(request))
        stream = se.resolve(name, actor, tag=params.get("tag"), list_id=params.get("list"),
                            only_media=params.get("only_media") in ("true", "1"))
        await _check_owner(request.app, actor, stream)
        viewer_id = actor.account_id if actor is not None else None
        ticket = registry.admit(_who(actor, request.client.host if request.client else None))
    except RoostError as exc:
        return Response(json.dumps({"error": exc.message}), status_code=exc.status,
                        media_type="application/json")
    sub = realtime.broker().subscribe(se.channels(stream, viewer_id))

    async def body() -> AsyncIterator[str]:
        try:
            async with sub:
                with registry.tracking(sub):
                    yield ":)\n\n"  # subscribed: what is published from now on arrives
                    async for batch in _events(request.app, sub, viewer_id, stream):
                        if batch is None:
                            yield ":thump\n\n"
                        else:
                            yield "".join(f"event: {e}\ndata: {p}\n\n" for e, p in batch)
        finally:
            ticket.release()

    return StreamingResponse(body(), media_type="text/event-stream", headers={
        "Cache-Control": "no-store", "X-Accel-Buffering": "no",
        "Access-Control-Allow-Origin": "*"})


def _sse_route(path: str, name: str) -> None:
    async def endpoint(request: Request) -> Response:
        return await _sse(request, name)

    endpoint.__name__ = f"stream_{name.replace(':', '_')}"
    router.add_api_route(f"/api/v1/streaming/{path}", endpoint, methods=["GET"],
                         include_in_schema=False)


for _path, _name in SSE_PATHS.items():
    _sse_route(_path, _name)


# ---- WebSocket ---------------------------------------------------------------------------------

class _Socket:
    """One WebSocket connection: its subscriptions (one broker subscription per stream) and a
    lock so that messages from several streams never interleave."""

    def __init__(self, ws: WebSocket, actor: Actor | None) -> None:
        self.ws, self.actor = ws, actor
        self.viewer_id = actor.account_id if actor is not None else None
        self.tasks: dict[tuple[str, ...], asyncio.Task] = {}
        self.subs: dict[tuple[str, ...], realtime.Subscription] = {}
        self.lock = asyncio.Lock()
        self.registry = live_streams.of(ws.app)

    async def send(self, data: dict) -> None:
        async with self.lock:
            await self.ws.send_text(json.dumps(data, separators=(",", ":")))

    async def error(self, message: str, status: int) -> None:
        await self.send({"error": message, "status": status})

    async def subscribe(self, name: str, tag: str | None, list_id: str | None = None,
                        only_media: bool = False) -> None:
        stream = se.resolve(name, self.actor, tag=tag, list_id=list_id, only_media=only_media)
        await _check_owner(self.ws.app, self.actor, stream)
        key = tuple(stream.key)
        if key in self.subs:
            return
        if len(self.subs) >= MAX_SUBSCRIPTIONS:
            raise RateLimited("Too many streams on this connection")
        sub = realtime.broker().subscribe(se.channels(stream, self.viewer_id))
        await sub.__aenter__()
        self.subs[key] = sub
        self.registry.open.add(sub)
        self.tasks[key] = asyncio.create_task(self._pump(stream, sub))

    async def _pump(self, stream: se.Stream, sub: realtime.Subscription) -> None:
        async for batch in _events(self.ws.app, sub, self.viewer_id, stream):
            for event, data in batch or ():
                await self.send({"stream": stream.key, "event": event, "payload": data})
        if self.registry.stopping:  # the server stops: end the connection, not just the stream
            with contextlib.suppress(Exception):
                await self.ws.close(code=1001)

    async def unsubscribe(self, name: str, tag: str | None, list_id: str | None = None) -> None:
        stream = se.resolve(name, self.actor, tag=tag, list_id=list_id)
        await self._drop(tuple(stream.key))

    async def _drop(self, key: tuple[str, ...]) -> None:
        task, sub = self.tasks.pop(key, None), self.subs.pop(key, None)
        if task is not None:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
        if sub is not None:
            self.registry.open.discard(sub)
            await sub.__aexit__(None, None, None)

    async def close(self) -> None:
        for key in list(self.subs):
            await self._drop(key)

    async def handle(self, text: str) -> None:
        try:
            msg = json.loads(text)
        except ValueError:
            return await self.error("Could not parse the message", 400)
        if not isinstance(msg, dict) or msg.get("type") not in ("subscribe", "unsubscribe") \
                or not isinstance(msg.get("stream"), str):
            return await self.error("Unknown message", 400)
        tag = msg.get("tag") if isinstance(msg.get("tag"), str) else None
        list_id = str(msg["list"]) if isinstance(msg.get("list"), (str, int)) else None
        try:
            if msg["type"] == "subscribe":
                await self.subscribe(msg["stream"], tag, list_id, bool(msg.get("only_media")))
            else:
                await self.unsubscribe(msg["stream"], tag, list_id)
        except RoostError as exc:
            await self.error(exc.message, exc.status)


@router.websocket("/api/v1/streaming")
@router.websocket("/api/v1/streaming/")
async def websocket(ws: WebSocket) -> None:
    protocol = ws.headers.get("sec-websocket-protocol")
    header = ws.headers.get("authorization", "")
    raw = ws.query_params.get("access_token") or (
        header[7:].strip() if header[:7].lower() == "bearer " else None) or protocol
    registry = live_streams.of(ws.app)
    try:
        actor = await _actor(ws.app, raw)
        ticket = registry.admit(_who(actor, ws.client.host if ws.client else None))
    except RoostError as exc:
        # Mastodon refuses the upgrade with the HTTP status and {"error": ...}; where the server
        # lacks ASGI's denial-response extension, closing before accepting is a plain 403.
        if "websocket.http.response" in ws.scope.get("extensions", {}):
            await ws.send_denial_response(JSONResponse({"error": exc.message}, status_code=exc.status))
        else:
            await ws.close(code=1008, reason=exc.message[:120])
        return
    socket = _Socket(ws, actor)
    try:
        await ws.accept(subprotocol=protocol if protocol and protocol == raw else None)
        first = ws.query_params.get("stream")
        if first:
            try:
                await socket.subscribe(first, ws.query_params.get("tag"), ws.query_params.get("list"))
            except RoostError as exc:
                await socket.error(exc.message, exc.status)
        await _serve(ws, socket)
    except WebSocketDisconnect:
        pass
    finally:
        await socket.close()
        ticket.release()


async def _serve(ws: WebSocket, socket: _Socket) -> None:
    """Read client messages until the client leaves (uvicorn pings an idle connection)."""
    while True:
        await socket.handle(await ws.receive_text())
