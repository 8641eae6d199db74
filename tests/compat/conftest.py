"""A real Roost server on a loopback port, for real Mastodon clients (Mastodon.py, toot) and
schemathesis. It runs on a fresh database (committed for real, not rolled back): a temp SQLite
file, or a fresh PostgreSQL database when ROOST_TEST_DATABASE_URL is set."""

from __future__ import annotations

import asyncio
import os
import secrets
import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import uvicorn
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from roost.config import Settings
from roost.main import create_app
from roost.realtime.streams import Server as StreamsServer

PG_URL = os.environ.get("ROOST_TEST_DATABASE_URL") or None
REDIS_URL = os.environ.get("ROOST_TEST_REDIS_URL") or None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run(coro):  # noqa: ANN001, ANN202
    return asyncio.run(coro)


@dataclass
class LiveServer:
    url: str
    port: int
    settings: Settings
    server: uvicorn.Server
    thread: threading.Thread


def _create_pg_db() -> str:
    name = f"roost_live_{secrets.token_hex(4)}"

    async def go() -> None:
        eng = create_async_engine(PG_URL, isolation_level="AUTOCOMMIT")
        async with eng.connect() as conn:
            await conn.execute(text(f'CREATE DATABASE "{name}"'))
        await eng.dispose()

    _run(go())
    return f"{PG_URL.rpartition('/')[0]}/{name}"


def _drop_pg_db(url: str) -> None:
    name = url.rpartition("/")[2]

    async def go() -> None:
        eng = create_async_engine(PG_URL, isolation_level="AUTOCOMMIT")
        async with eng.connect() as conn:
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await eng.dispose()

    _run(go())


def start_live_server(data_dir: Path, **overrides) -> LiveServer:
    port = free_port()
    db_url = _create_pg_db() if PG_URL else f"sqlite+aiosqlite:///{data_dir / 'live.db'}"
    values = dict(data_dir=data_dir, database_url=db_url, redis_url=REDIS_URL,
                  domain=f"127.0.0.1:{port}", rate_limits_enabled=False, workers_in_process=True,
                  ai_assistant_enabled=False)
    values.update(overrides)
    settings = Settings(**values)
    app = create_app(settings)
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    server = StreamsServer(config)  # ends live streams on stop (realtime/streams.py)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 30
    while time.time() < deadline:
        if server.started:
            break
        time.sleep(0.05)
    else:
        raise RuntimeError("live server did not start")
    httpx.get(f"{url}/api/v1/timelines/public", timeout=10)
    return LiveServer(url, port, settings, server, thread)


def stop_live_server(live: LiveServer) -> None:
    live.server.should_exit = True
    live.thread.join(timeout=15)
    if PG_URL:
        _drop_pg_db(live.settings.database_url)


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    live = start_live_server(tmp_path_factory.mktemp("live"))
    yield live
    stop_live_server(live)


MASTO_JS = "6.10.4"  # the masto.js Elk and Phanpy build on (both on masto 6)
JS_DIR = Path(__file__).parent / "js"


@pytest.fixture(scope="session")
def masto_js():
    """Run tests/compat/js/masto_flow.mjs with masto.js installed from the npm registry into
    tests/compat/js/node_modules (git-ignored). Skipped, saying why, without node/npm or when the
    registry cannot be reached."""
    import json
    import shutil
    import subprocess

    if not (shutil.which("node") and shutil.which("npm")):
        pytest.skip("masto.js: node and npm are not installed")
    installed = JS_DIR / "node_modules" / "masto" / "package.json"
    if not installed.exists() or json.loads(installed.read_text())["version"] != MASTO_JS:
        r = subprocess.run(["npm", "install", "--no-save", "--no-audit", "--no-fund",
                            "--no-package-lock", f"masto@{MASTO_JS}"], cwd=JS_DIR,
                           capture_output=True, text=True, timeout=180)
        if r.returncode != 0:
            pytest.skip(f"masto.js: npm could not install masto@{MASTO_JS}: {r.stderr[-300:]}")

    def run(url: str, token: str, friend_id: str) -> dict:
        r = subprocess.run(["node", "masto_flow.mjs", url, token, friend_id], cwd=JS_DIR,
                           capture_output=True, text=True, timeout=120)
        assert r.returncode == 0, r.stderr[-2000:]
        return json.loads(r.stdout.strip().splitlines()[-1])

    return run
