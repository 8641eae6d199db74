"""Enqueueing, retries with backoff, giving up, timeouts, and the operators' helpers."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from roost.jobs import enqueue
from roost.jobs.queue import failed_jobs, retry_failed
from roost.jobs.worker import MAX_BACKOFF_S, Worker, backoff
from roost.kit.clock import utcnow
from roost.models.jobs import Job
from tests.jobs.jobsite import FAILS, count_effects


async def jobs_of(db, name=None) -> list[Job]:
    async with db.session() as s:
        stmt = select(Job).order_by(Job.id)
        if name:
            stmt = stmt.where(Job.name == name)
        return list((await s.scalars(stmt)).all())


async def make_due(db) -> None:
    """Let the retry delay pass (the test does not wait minutes)."""
    async with db.unit_of_work() as s:
        await s.execute(update(Job).where(Job.state == "queued").values(run_at=utcnow()))


async def test_enqueue_is_part_of_the_transaction(fresh_db):
    with pytest.raises(RuntimeError):
        async with fresh_db.unit_of_work() as s:
            enqueue(s, "test.effect", k="rolled-back")
            await s.flush()  # the row is written...
            raise RuntimeError("the change failed")  # ...and goes with the rollback
    assert await jobs_of(fresh_db) == []

    async with fresh_db.unit_of_work() as s:
        enqueue(s, "test.effect", k="kept")
    [row] = await jobs_of(fresh_db)
    assert (row.name, row.args, row.state, row.attempts) == ("test.effect", {"k": "kept"}, "queued", 0)

    assert await Worker(fresh_db, schedules=False).drain() == 1
    assert await count_effects(fresh_db, "kept") == 1
    assert await jobs_of(fresh_db) == []  # done jobs leave the table


async def test_enqueue_checks_name_and_args(fresh_db):
    async with fresh_db.session() as s:
        with pytest.raises(KeyError):
            enqueue(s, "test.no_such_job", k="x")
        with pytest.raises(TypeError):
            enqueue(s, "test.effect", k=object())


async def test_delayed_job_waits_for_its_time(fresh_db):
    async with fresh_db.unit_of_work() as s:
        enqueue(s, "test.effect", k="later", delay=3600)
    worker = Worker(fresh_db, schedules=False)
    assert await worker.drain() == 0
    await make_due(fresh_db)
    assert await worker.drain() == 1


def test_backoff_grows_exponentially_to_a_cap():
    table = [backoff(n, jitter=False) for n in range(1, 9)]
    assert table == [2, 8, 32, 128, 512, 2048, 3600, 3600]
    assert table[-1] == MAX_BACKOFF_S
    for n in (1, 4, 10):
        for _ in range(50):
            assert backoff(n, jitter=False) <= backoff(n) <= backoff(n, jitter=False) * 1.2


async def test_failure_retries_with_backoff_then_succeeds(fresh_db):
    FAILS["a"] = 2
    async with fresh_db.unit_of_work() as s:
        enqueue(s, "test.flaky", k="a")
    worker = Worker(fresh_db, schedules=False)

    [job] = await worker.claim(1)
    before = utcnow()
    assert await worker.run_one(job, heartbeat=False) == "retry"
    [row] = await jobs_of(fresh_db)
    assert row.state == "queued" and row.attempts == 1 and row.locked_by is None
    assert "RuntimeError: flaky a" in row.last_error
    delay = (row.run_at - before).total_seconds()
    assert 2 * 0.95 <= delay <= 2 * 1.2 + 1
    assert await count_effects(fresh_db) == 0  # the failed attempt's writes were rolled back
    assert await worker.claim(1) == []  # not due yet

    await make_due(fresh_db)
    [job] = await worker.claim(1)
    assert await worker.run_one(job, heartbeat=False) == "retry"
    [row] = await jobs_of(fresh_db)
    assert row.attempts == 2
    assert (row.run_at - utcnow()) > timedelta(seconds=7)  # the second wait is longer

    await make_due(fresh_db)
    [job] = await worker.claim(1)
    assert await worker.run_one(job, heartbeat=False) == "done"
    assert await count_effects(fresh_db, "a") == 1
    assert await jobs_of(fresh_db) == []


async def test_gives_up_after_max_attempts_and_keeps_the_row(fresh_db):
    FAILS["b"] = 99
    async with fresh_db.unit_of_work() as s:
        enqueue(s, "test.flaky", k="b")  # max_attempts=3
    worker = Worker(fresh_db, schedules=False)
    results = []
    for _ in range(3):
        await make_due(fresh_db)
        [job] = await worker.claim(1)
        results.append(await worker.run_one(job, heartbeat=False))
    assert results == ["retry", "retry", "failed"]
    [row] = await jobs_of(fresh_db)
    assert row.state == "failed" and row.attempts == 3 and row.finished_at is not None
    assert "flaky b" in row.last_error
    await make_due(fresh_db)
    assert await worker.claim(1) == []  # failed jobs are never claimed again

    async with fresh_db.session() as s:
        assert [j.id for j in await failed_jobs(s)] == [row.id]
    FAILS["b"] = 0
    async with fresh_db.unit_of_work() as s:
        assert await retry_failed(s, row.id) == 1
    assert await worker.drain() == 1
    assert await count_effects(fresh_db, "b") == 1


async def test_a_job_that_overruns_its_timeout_fails_and_is_retried(fresh_db):
    async with fresh_db.unit_of_work() as s:
        enqueue(s, "test.sleepy", k="slow")  # timeout=0.3s, sleeps 5s
    worker = Worker(fresh_db, schedules=False)
    [job] = await worker.claim(1)
    assert await worker.run_one(job) == "retry"
    [row] = await jobs_of(fresh_db)
    assert row.last_error == "timed out after 0.3s" and row.state == "queued"
    assert await count_effects(fresh_db) == 0
