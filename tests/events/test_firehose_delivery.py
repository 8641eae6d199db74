"""Firehose delivery guarantees against real servers: exactly once across a server restart (same
database), a farewell line when the server stops, a slow consumer disconnected with its reason and
last seq, and the per-address connection cap."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time

import httpx
import pytest
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from roost.config import Settings
from roost.main import create_app
from roost.realtime.endpoints import registry
from roost.realtime.streams import Server as StreamsServer
from tests.browser.conftest import Api
from tests.compat import conftest as compat
from tests.events.test_firehose import PATH, only_events, post, read_http


def stop_keeping_db(live: compat.LiveServer) -> None:
    live.server.should_exit = True
    live.thread.join(timeout=15)


async def test_exactly_once_across_reconnects_and_a_restart(tmp_path, monkeypatch):
    # Servers start and stop in a thread: with PostgreSQL they create and drop their database
    # with asyncio.run, which cannot run inside this test's loop.
    first = await asyncio.to_thread(compat.start_live_server, tmp_path,
                                    firehose_heartbeat_seconds=0.3, firehose_poll_seconds=0.2)
    second = None
    try:
        api = Api(first)
        ann = await api.user("ann")
        before = [await post(api, ann, f"before {i}") for i in range(4)]
        # A consumer reads two events, goes away, and a live one is open when the server stops.
        part = only_events(await read_http(first, "cursor=0&types=post.created", count=2))
        cursor = part[-1]["seq"]
        async with httpx.AsyncClient(base_url=first.url, timeout=10) as client:
            async with client.stream("GET", f"{PATH}?cursor={cursor}&types=post.created") as r:
                lines = r.aiter_lines()
                got = []
                while len(got) < 2:
                    msg = json.loads(await asyncio.wait_for(anext(lines), 10))
                    if msg["type"] == "post.created":
                        got.append(msg)
                stopper = asyncio.get_running_loop().run_in_executor(None, stop_keeping_db, first)
                rest = [json.loads(line) async for line in lines if line]
                await stopper
        farewell = rest[-1]
        assert farewell["type"] == "disconnect" and farewell["reason"] == "server stopping"
        assert farewell["seq"] >= got[-1]["seq"]
        cursor = farewell["seq"]

        monkeypatch.setattr(compat, "_create_pg_db", lambda: first.settings.database_url)
        second = await asyncio.to_thread(
            compat.start_live_server, tmp_path, database_url=first.settings.database_url,
            firehose_heartbeat_seconds=0.3, firehose_poll_seconds=0.2)
        api = Api(second)
        after = [await post(api, ann, f"after {i}") for i in range(3)]
        resumed = only_events(await read_http(second, f"cursor={cursor}&types=post.created",
                                              count=3))
        ids = [m["data"]["status_id"] for m in part + got + resumed]
        assert ids == before + after
        seqs = [m["seq"] for m in part + got + resumed]
        assert seqs == sorted(set(seqs))
    finally:
        await asyncio.to_thread(compat.stop_live_server, second or first)


class SmallBufferH11(H11Protocol):
    def connection_made(self, transport) -> None:  # noqa: ANN001
        super().connection_made(transport)
        transport.set_write_buffer_limits(high=2048)


def start_with_small_buffers(tmp_path, **overrides) -> compat.LiveServer:
    """A live server with small send buffers (the kernel's, inherited from the listening socket,
    and the transport's), so a consumer that stops reading blocks the server's sends after a few
    kilobytes rather than a few hundred."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    db_url = (compat._create_pg_db() if compat.PG_URL
              else f"sqlite+aiosqlite:///{tmp_path / 'slow.db'}")
    settings = Settings(data_dir=tmp_path, database_url=db_url, redis_url=compat.REDIS_URL,
                        domain=f"127.0.0.1:{port}", rate_limits_enabled=False,
                        workers_in_process=True, ai_assistant_enabled=False, **overrides)
    server = StreamsServer(uvicorn.Config(create_app(settings), log_level="critical",
                                          lifespan="on", http=SmallBufferH11))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.time() + 30
    while not server.started and time.time() < deadline:
        time.sleep(0.05)
    live = compat.LiveServer(f"http://127.0.0.1:{port}", port, settings, server, thread)
    httpx.get(f"{live.url}/api/v1/timelines/public", timeout=10)
    return live


async def test_a_slow_consumer_is_disconnected_with_the_reason_and_last_seq(tmp_path):
    live = await asyncio.to_thread(start_with_small_buffers, tmp_path, firehose_send_timeout=0.3,
                                   firehose_buffer=5)
    try:
        api = Api(live)
        users = [await api.user("bulk") for _ in range(2)]
        text, each = "x" * 450, 30  # ~40 KB of lines: twice what the small buffers hold

        async def write(user, n: int) -> list[str]:
            return [await post(api, user, f"{text} {n} {i}") for i in range(each)]

        ids = [i for batch in await asyncio.gather(*(write(u, n) for n, u in enumerate(users)))
               for i in batch]
        total = len(ids)
        assert total == 2 * each
        # A raw client with a tiny receive window reads the headers, then nothing for a while.
        reader, writer = await _small_window_connection(live.port)
        writer.write(f"GET {PATH}?cursor=0&types=post.created HTTP/1.1\r\n"
                     f"Host: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
        await writer.drain()
        # It reads again only once the server gave up on it (however long the server took to
        # fill the buffers: a loaded machine is slow), within the farewell's grace.
        await asyncio.wait_for(_dropped_as_slow(live), 20)
        body = await asyncio.wait_for(reader.read(), 15)
        writer.close()
        head, _, chunked = body.partition(b"\r\n\r\n")
        assert b" 200 " in head.split(b"\r\n")[0]
        lines = [json.loads(line) for line in _dechunk(chunked).splitlines() if line]
        farewell = lines[-1]
        assert farewell["type"] == "disconnect"
        assert farewell["reason"].startswith("slow consumer")
        got = only_events(lines)
        assert 0 < len(got) < total
        assert farewell["seq"] == got[-1]["seq"]
        # Resuming from the farewell's seq brings the rest, each once.
        rest = only_events(await read_http(live, f"cursor={farewell['seq']}&types=post.created",
                                           count=total - len(got)))
        delivered = [m["data"]["status_id"] for m in got + rest]
        assert sorted(delivered) == sorted(ids)  # each once (concurrent writers: any order)
        seqs = [m["seq"] for m in got + rest]
        assert seqs == sorted(set(seqs))
    finally:
        await asyncio.to_thread(compat.stop_live_server, live)


async def _dropped_as_slow(live: compat.LiveServer) -> None:
    """Until the server has ended an open firehose stream as too slow."""
    streams = registry(live.server.config.app)
    while not any(c.ended and c.reason.startswith("slow consumer") for c in list(streams.open)):
        await asyncio.sleep(0.01)


async def _small_window_connection(port: int):  # noqa: ANN202
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.setblocking(False)
    await asyncio.get_running_loop().sock_connect(sock, ("127.0.0.1", port))
    return await asyncio.open_connection(sock=sock, limit=1024)  # stops reading past 2 KiB


def _dechunk(data: bytes) -> bytes:
    out, rest = b"", data
    while rest:
        size_line, _, rest = rest.partition(b"\r\n")
        size = int(size_line.split(b";")[0] or b"0", 16)
        if size == 0:
            break
        out += rest[:size]
        rest = rest[size + 2:]
    return out


@pytest.fixture
def capped(tmp_path):
    live = compat.start_live_server(tmp_path, firehose_per_ip=2)
    yield live
    compat.stop_live_server(live)


async def test_connections_per_address_are_capped(capped):
    async with httpx.AsyncClient(base_url=capped.url, timeout=10) as client:
        async with client.stream("GET", PATH) as one, client.stream("GET", PATH) as two:
            assert one.status_code == two.status_code == 200
            third = await client.get(PATH)
            assert third.status_code == 429
        # Closed streams give their places back.
        for _ in range(50):
            async with client.stream("GET", PATH) as again:
                if again.status_code == 200:
                    break
            await asyncio.sleep(0.1)
        assert again.status_code == 200
