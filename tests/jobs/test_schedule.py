"""Periodic jobs: at most once per interval across processes, and the failed-job purge."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import select

from roost.db import Database
from roost.jobs import every
from roost.jobs.schedule import SCHEDULE
from roost.jobs.worker import Worker
from roost.kit.clock import utcnow
from roost.models.jobs import Job
from tests.jobs.jobsite import count_effects


@pytest.fixture
def only_test_schedule():
    """Run the scheduler with just one test schedule, then put the real ones back."""
    saved = dict(SCHEDULE)
    SCHEDULE.clear()
    every(60, "test.effect", k="tick")
    yield
    SCHEDULE.clear()
    SCHEDULE.update(saved)


async def queued(db, name="test.effect") -> list[Job]:
    async with db.session() as s:
        return list((await s.scalars(select(Job).where(Job.name == name))).all())


async def test_periodic_job_is_enqueued_once_per_interval(fresh_db, only_test_schedule):
    from roost.jobs.schedule import tick

    t0 = utcnow()
    assert await tick(fresh_db, now=t0) == ["test.effect"]
    assert await tick(fresh_db, now=t0 + timedelta(seconds=30)) == []
    [job] = await queued(fresh_db)
    assert job.args == {"k": "tick"}

    # Due again, but the last run has not happened yet: no second copy piles up.
    assert await tick(fresh_db, now=t0 + timedelta(seconds=61)) == []
    assert len(await queued(fresh_db)) == 1

    await Worker(fresh_db, schedules=False).drain()
    assert await tick(fresh_db, now=t0 + timedelta(seconds=90)) == []  # next due at 121s
    assert await tick(fresh_db, now=t0 + timedelta(seconds=122)) == ["test.effect"]


async def test_many_processes_ticking_at_once_enqueue_it_once(fresh_db, only_test_schedule):
    from roost.jobs.schedule import tick

    others = [Database(fresh_db.url) for _ in range(4)]  # separate engines, as separate processes
    now = utcnow()
    try:
        results = await asyncio.gather(*(tick(db, now=now) for db in others for _ in range(3)))
    finally:
        for db in others:
            await db.dispose()
    assert sum(len(r) for r in results) == 1
    assert len(await queued(fresh_db)) == 1


async def test_worker_runs_the_schedule(fresh_db, only_test_schedule):
    worker = Worker(fresh_db, poll_interval=0.05, schedule_interval=0.05)
    loop = asyncio.create_task(worker.run_forever())
    try:
        for _ in range(100):
            if await count_effects(fresh_db, "tick"):
                break
            await asyncio.sleep(0.05)
    finally:
        worker.stop()
        await asyncio.wait_for(loop, 5)
    assert await count_effects(fresh_db, "tick") == 1  # interval 60s: once


async def test_purge_failed_forgets_failed_jobs_after_30_days(fresh_db):
    now = utcnow()
    async with fresh_db.unit_of_work() as s:
        for name, age in (("old", 31), ("recent", 29)):
            s.add(Job(name="test.effect", args={"k": name}, state="failed", attempts=8,
                      finished_at=now - timedelta(days=age), last_error="boom"))
        s.add(Job(name="test.effect", args={"k": "waiting"}, state="queued",
                  run_at=now + timedelta(days=60)))
        from roost.jobs import enqueue

        enqueue(s, "jobs.purge_failed")
    await Worker(fresh_db, schedules=False).drain()
    left = sorted(j.args["k"] for j in await queued(fresh_db))
    assert left == ["recent", "waiting"]


def test_purge_failed_is_registered_daily():
    assert SCHEDULE["jobs.purge_failed"].seconds == 24 * 3600
