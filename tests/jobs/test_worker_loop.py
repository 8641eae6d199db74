"""The in-process worker loop: woken after commit, stopped gracefully, and surviving a busy SQLite."""

from __future__ import annotations

import asyncio
import time

import pytest
from sqlalchemy import event, select, text

from roost.db import Database
from roost.jobs import enqueue
from roost.jobs.worker import Worker
from roost.models.jobs import Job
from tests.jobs.jobsite import GATES, PG_URL, count_effects


async def rows(db) -> list[Job]:
    async with db.session() as s:
        return list((await s.scalars(select(Job))).all())


async def until(predicate, timeout: float = 5) -> None:
    deadline = time.monotonic() + timeout
    while not await predicate():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.02)


async def test_commit_wakes_the_in_process_worker_at_once(fresh_db):
    worker = Worker(fresh_db, poll_interval=60, schedules=False, listen=False)
    loop = asyncio.create_task(worker.run_forever())
    await asyncio.sleep(0.3)  # past its first claim; it now sleeps up to 60s
    started = time.monotonic()
    async with fresh_db.unit_of_work() as s:
        enqueue(s, "test.effect", k="now")
    await until(lambda: _effects_equal(fresh_db, "now", 1))
    assert time.monotonic() - started < 2
    worker.stop()
    await asyncio.wait_for(loop, 5)


async def _effects_equal(db, k, n) -> bool:
    return await count_effects(db, k) == n


async def test_stop_lets_running_jobs_finish_within_the_grace(fresh_db):
    async with fresh_db.unit_of_work() as s:
        enqueue(s, "test.effect", k="finish", pause=0.4)
    worker = Worker(fresh_db, poll_interval=0.05, shutdown_grace=5, schedules=False)
    loop = asyncio.create_task(worker.run_forever())
    await until(lambda: _count_running(fresh_db, 1))
    worker.stop()
    await asyncio.wait_for(loop, 5)
    assert await count_effects(fresh_db, "finish") == 1
    assert await rows(fresh_db) == []


async def _count_running(db, n) -> bool:
    return len([r for r in await rows(db) if r.state == "running"]) == n


@pytest.mark.parametrize("how", ["stop", "cancel"])
async def test_jobs_still_running_at_shutdown_are_released(fresh_db, how):
    GATES["held"] = asyncio.Event()  # never opened
    async with fresh_db.unit_of_work() as s:
        enqueue(s, "test.gated", k="held")
        enqueue(s, "test.effect", k="quick")
    worker = Worker(fresh_db, poll_interval=0.05, shutdown_grace=0.2, lease_seconds=600,
                    schedules=False)
    loop = asyncio.create_task(worker.run_forever())
    await until(lambda: _effects_equal(fresh_db, "quick", 1))
    await until(lambda: _count_running(fresh_db, 1))
    started = time.monotonic()
    if how == "stop":
        worker.stop()
        await asyncio.wait_for(loop, 5)
    else:  # what happens when the web server's shutdown times out and cancels the worker
        loop.cancel()
        with pytest.raises(asyncio.CancelledError):
            await loop
    assert time.monotonic() - started < 3
    [row] = await rows(fresh_db)
    assert (row.name, row.state, row.locked_by, row.attempts) == ("test.gated", "queued", None, 0)
    GATES["held"].set()
    assert await Worker(fresh_db, schedules=False).drain() == 1  # no 600s lease to wait out
    assert await count_effects(fresh_db, "held") == 1


@pytest.mark.skipif(bool(PG_URL), reason="SQLite's single writer lock")
async def test_claim_loop_survives_database_is_locked(fresh_db, caplog):
    impatient = Database(fresh_db.url)  # the worker gives up on the lock after 50ms

    @event.listens_for(impatient.engine.sync_engine, "connect")
    def _short_busy_timeout(dbapi_conn, _record):  # noqa: ANN001
        dbapi_conn.cursor().execute("PRAGMA busy_timeout=50")

    async with fresh_db.unit_of_work() as s:
        enqueue(s, "test.effect", k="patient")
    worker = Worker(impatient, poll_interval=0.05, schedules=False)
    async with fresh_db.engine.connect() as web:  # a long web write holds the lock
        await web.execute(text("INSERT INTO test_effects (k) VALUES ('web')"))
        loop = asyncio.create_task(worker.run_forever())
        await asyncio.sleep(0.6)  # several claims fail with "database is locked"
        assert not loop.done()
        await web.commit()
    assert "database is locked" in caplog.text  # the claims really did fail meanwhile
    await until(lambda: _effects_equal(fresh_db, "patient", 1))
    worker.stop()
    await asyncio.wait_for(loop, 5)
    assert loop.exception() is None
    await impatient.dispose()
