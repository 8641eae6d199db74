"""`roost serve` as a real process: it migrates, answers the Mastodon API, stops on SIGTERM."""

from __future__ import annotations

import asyncio
import secrets
import signal
import subprocess
import urllib.request

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from tests.cli.helpers import (APPLYING, PG_URL, REDIS_URL, clean_env, free_port, roost, run,
                               wait_for_json)


def serve(env: dict[str, str], port: int, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(roost("serve", "--port", str(port), *extra), env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def stop(proc: subprocess.Popen) -> str:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
    try:
        out, _ = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
        raise AssertionError(f"roost serve did not stop within 30 s of SIGTERM:\n{out}") from None
    return out


def test_serve_answers_and_stops_cleanly_on_sigterm(tmp_path):
    port = free_port()
    proc = serve(clean_env(tmp_path / "data"), port)
    try:
        instance = wait_for_json(f"http://127.0.0.1:{port}/api/v1/instance/", proc)
        # Without ROOST_DOMAIN, links point where the server listens.
        assert instance["uri"] == f"127.0.0.1:{port}"
        public = wait_for_json(f"http://127.0.0.1:{port}/api/v1/timelines/public", proc)
        assert public == []
        # the web app is served by the same process
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/") as page:
            html = page.read().decode()
        assert page.status == 200 and 'href="/signup"' in html and 'href="/login"' in html
    finally:
        out = stop(proc)
    assert proc.returncode == 0, out
    assert APPLYING in out
    assert f"Roost is running at http://127.0.0.1:{port}" in out
    assert f"Web app:       http://127.0.0.1:{port}/  (open it in a browser" in out
    assert "Jobs:          in this process" in out
    assert out.rstrip().endswith("Roost stopped.")
    assert "Traceback" not in out
    assert (tmp_path / "data" / "roost.db").exists()


def test_serve_keeps_a_configured_domain_and_can_leave_jobs_to_workers(tmp_path):
    port = free_port()
    proc = serve(clean_env(tmp_path / "data", ROOST_DOMAIN="social.example", ROOST_HTTPS="true"),
                 port, "--no-workers")
    try:
        instance = wait_for_json(f"http://127.0.0.1:{port}/api/v1/instance", proc)
        assert instance["uri"] == "social.example"
    finally:
        out = stop(proc)
    assert proc.returncode == 0, out
    assert "Roost is running at https://social.example" in out
    assert "not run here: start `roost worker`" in out


async def _database(action: str, name: str) -> None:
    admin = create_async_engine(PG_URL, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as conn:
            if action == "create":
                await conn.execute(text(f'CREATE DATABASE "{name}"'))
            else:
                await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        await admin.dispose()


@pytest.mark.skipif(not PG_URL, reason="needs ROOST_TEST_DATABASE_URL (PostgreSQL)")
def test_serve_on_a_fresh_postgresql_database(tmp_path):
    name = f"roost_cli_{secrets.token_hex(4)}"
    asyncio.run(_database("create", name))
    try:
        url = f"{PG_URL.rpartition('/')[0]}/{name}"
        extra = {"ROOST_DATABASE_URL": url}
        if REDIS_URL:
            extra["ROOST_REDIS_URL"] = REDIS_URL
        env = clean_env(tmp_path / "data", **extra)
        created = run(roost("admin", "create-user", "pgadmin", "--email", "pg@example.com",
                            "--password", "long enough", "--admin"), env)
        assert created.returncode == 0, created.stderr
        assert APPLYING in created.stderr

        port = free_port()
        proc = serve(env, port)
        try:
            instance = wait_for_json(f"http://127.0.0.1:{port}/api/v1/instance", proc)
            assert instance["stats"]["user_count"] == 2  # the admin, and the assistant (a bot)
            bot = wait_for_json(f"http://127.0.0.1:{port}/api/v1/accounts/lookup?acct=assistant",
                                proc)
            assert bot["bot"] is True
        finally:
            out = stop(proc)
        assert proc.returncode == 0, out
        assert "PostgreSQL at 127.0.0.1:5432/" + name in out
        assert "Database schema is up to date." in out
        assert not (tmp_path / "data" / "roost.db").exists()
    finally:
        asyncio.run(_database("drop", name))
