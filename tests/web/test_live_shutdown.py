"""A server with an open /live stream stops at once (realtime/streams.py's Server ends the
streams before uvicorn waits for open responses). Its own module: starting and stopping a server
rebinds the process's runtime, which another module's live server must not see mid-run."""

from __future__ import annotations

import threading
import time

import httpx

from tests.compat.conftest import start_live_server, stop_live_server


def test_open_streams_end_when_the_server_stops(tmp_path):
    live = start_live_server(tmp_path / "stopping")
    got: dict = {}

    def hold_open() -> None:
        with httpx.Client(base_url=live.url, timeout=30) as c, \
                c.stream("GET", "/live?timeline=public") as r:
            got["status"] = r.status_code
            for line in r.iter_lines():
                got.setdefault("lines", []).append(line)
        got["ended"] = time.monotonic()

    reader = threading.Thread(target=hold_open, daemon=True)
    reader.start()
    for _ in range(100):
        if "event: ready" in got.get("lines", []):
            break
        time.sleep(0.05)
    assert got["status"] == 200 and "event: ready" in got["lines"]
    started = time.monotonic()
    stop_live_server(live)
    assert not live.thread.is_alive(), "the server waited for the open stream"
    reader.join(5)
    assert "ended" in got and got["ended"] - started < 5
