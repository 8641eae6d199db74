"""GET /api/v1/roost/firehose — the public firehose as newline-delimited JSON, or over WebSocket
at the same path. Query: `cursor` (the last seq handled; absent: from now), `types` (comma
separated), `account_id`. No sign-in; `firehose_per_ip` connections per address.

A consumer that leaves a message unaccepted for `firehose_send_timeout` seconds is disconnected:
it gets, if it still reads, a last `{"type": "disconnect", "reason": ..., "seq": N}` (N: the last
seq sent to it; WebSocket: also close code 1008 with the reason) and resumes with that cursor."""

from __future__ import annotations

import asyncio
import contextlib
import json

from fastapi import APIRouter, Request, WebSocket
from starlette.responses import JSONResponse, Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocketDisconnect, WebSocketState

from roost.kit.errors import RoostError
from roost.realtime import firehose
from roost.realtime import streams as live_streams

router = APIRouter(tags=["firehose"])

PATH = "/api/v1/roost/firehose"
FAREWELL_TIMEOUT = 2.0  # seconds to hand the last line to a consumer that is being dropped


def registry(app) -> live_streams.Streams:  # noqa: ANN001
    state = app.state
    reg = getattr(state, "firehose_streams", None)
    if reg is None:
        settings = state.settings
        reg = state.firehose_streams = live_streams.Streams(
            per_person=settings.firehose_per_ip, most=max(16, settings.max_connections // 2))
    return reg


def _consumer(app, cursor: str | None, types: str | None,  # noqa: ANN001
              account_id: str | None) -> firehose.Consumer:
    s = app.state.settings
    return firehose.Consumer(app.state.db, firehose.parse_cursor(cursor),
                             firehose.parse_filters(types, account_id),
                             heartbeat=s.firehose_heartbeat_seconds, poll=s.firehose_poll_seconds,
                             buffer=s.firehose_buffer)


def _line(msg: dict) -> bytes:
    return json.dumps(msg, separators=(",", ":")).encode() + b"\n"


class NdjsonStream(Response):
    """Sends the consumer's messages one line each; a send blocked past the timeout ends it."""

    media_type = "application/x-ndjson"

    def __init__(self, consumer: firehose.Consumer, ticket: live_streams.Ticket,
                 reg: live_streams.Streams, send_timeout: float) -> None:
        self.status_code, self.background = 200, None
        self.raw_headers = [(b"content-type", b"application/x-ndjson"),
                            (b"cache-control", b"no-store"), (b"x-accel-buffering", b"no")]
        self.consumer, self.ticket, self.reg, self.send_timeout = consumer, ticket, reg, send_timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        consumer = self.consumer
        try:
            await send({"type": "http.response.start", "status": 200,
                        "headers": self.raw_headers})
            with self.reg.tracking(consumer):  # type: ignore[arg-type]
                watcher = asyncio.create_task(_watch_disconnect(receive, consumer))
                try:
                    closing = await _pump(consumer, send, self.send_timeout)
                finally:
                    watcher.cancel()
                if closing and not consumer.gone:
                    with contextlib.suppress(TimeoutError, OSError):
                        await asyncio.wait_for(send({
                            "type": "http.response.body", "body": _line(consumer.farewell()),
                            "more_body": False}), FAREWELL_TIMEOUT)
        finally:
            self.ticket.release()


async def _watch_disconnect(receive: Receive, consumer: firehose.Consumer) -> None:
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            consumer.gone = True
            consumer.end("client disconnected")
            return


async def _pump(consumer: firehose.Consumer, send: Send, timeout: float) -> bool:
    """Send until the stream ends, a batch of lines per write; True when a farewell should follow."""
    async with contextlib.aclosing(consumer.batches()) as batches:
        async for batch in batches:
            try:
                await asyncio.wait_for(send({"type": "http.response.body",
                                             "body": b"".join(_line(m) for m in batch),
                                             "more_body": True}), timeout)
            except TimeoutError:
                consumer.end(f"slow consumer: a message waited more than {timeout:g} seconds")
                return True
            except OSError:
                return False
            if consumer.ended:
                break
    return True


@router.get(PATH, include_in_schema=True)
async def firehose_http(request: Request, cursor: str | None = None, types: str | None = None,
                        account_id: str | None = None) -> Response:
    reg = registry(request.app)
    try:
        consumer = _consumer(request.app, cursor, types, account_id)
        ticket = reg.admit(f"ip:{request.client.host if request.client else '?'}")
    except RoostError as exc:
        return JSONResponse({"error": str(exc)}, status_code=exc.status)
    return NdjsonStream(consumer, ticket, reg, request.app.state.settings.firehose_send_timeout)


@router.websocket(PATH)
async def firehose_ws(websocket: WebSocket, cursor: str | None = None, types: str | None = None,
                      account_id: str | None = None) -> None:
    app = websocket.app
    reg = registry(app)
    try:
        consumer = _consumer(app, cursor, types, account_id)
        ticket = reg.admit(f"ip:{websocket.client.host if websocket.client else '?'}")
    except RoostError as exc:
        await websocket.close(code=1008, reason=str(exc)[:120])
        return
    timeout = app.state.settings.firehose_send_timeout
    try:
        await websocket.accept()
        with reg.tracking(consumer):  # type: ignore[arg-type]
            watcher = asyncio.create_task(_watch_ws(websocket, consumer))
            try:
                async with contextlib.aclosing(consumer.batches()) as batches:
                    await _send_ws(websocket, consumer, batches, timeout)
            except (WebSocketDisconnect, OSError, RuntimeError):
                consumer.gone = True
            finally:
                watcher.cancel()
            if not consumer.gone and websocket.application_state == WebSocketState.CONNECTED:
                farewell = consumer.farewell()
                with contextlib.suppress(TimeoutError, OSError, RuntimeError, WebSocketDisconnect):
                    await asyncio.wait_for(websocket.send_text(json.dumps(farewell)),
                                           FAREWELL_TIMEOUT)
                    await asyncio.wait_for(websocket.close(
                        code=1008 if farewell["reason"].startswith("slow") else 1001,
                        reason=f"{farewell['reason'][:90]}; seq {farewell['seq']}"),
                        FAREWELL_TIMEOUT)
    finally:
        ticket.release()


async def _send_ws(websocket: WebSocket, consumer: firehose.Consumer, batches,  # noqa: ANN001
                   timeout: float) -> None:
    async for batch in batches:
        for msg in batch:
            try:
                await asyncio.wait_for(websocket.send_text(json.dumps(msg, separators=(",", ":"))),
                                       timeout)
            except TimeoutError:
                consumer.end(f"slow consumer: a message waited more than {timeout:g} seconds")
                return
            consumer.delivered = msg["seq"]
        if consumer.ended:
            return


async def _watch_ws(websocket: WebSocket, consumer: firehose.Consumer) -> None:
    """Reads (and ignores) what the consumer sends, to notice when it goes away."""
    try:
        while True:
            message = await websocket.receive()
            if message["type"] == "websocket.disconnect":
                break
    except (WebSocketDisconnect, RuntimeError):
        pass
    consumer.gone = True
    consumer.end("client disconnected")
