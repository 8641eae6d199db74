"""Leases: a lapsed claim is taken over, a lost lease rolls back its writes, heartbeats keep a
long job's lease, and a job whose worker keeps dying ends up failed."""

from __future__ import annotations

import asyncio
import time

from sqlalchemy import select, update

from roost.jobs import enqueue
from roost.jobs.worker import Worker
from roost.models.jobs import Job
from tests.jobs.jobsite import GATES, count_effects


async def enqueue_one(db, name: str, **args) -> None:
    async with db.unit_of_work() as s:
        enqueue(s, name, **args)


async def the_job(db) -> Job | None:
    async with db.session() as s:
        return (await s.scalars(select(Job))).one_or_none()


async def test_lapsed_lease_is_taken_over_and_the_effect_lands_once(fresh_db):
    await enqueue_one(fresh_db, "test.effect", k="x")
    dead = Worker(fresh_db, lease_seconds=0.3, schedules=False, name="dead")
    [claimed] = await dead.claim(5)  # ...and then this worker "dies"
    alive = Worker(fresh_db, lease_seconds=30, schedules=False, name="alive")
    assert await alive.claim(5) == []  # the lease still holds
    await asyncio.sleep(0.4)

    [retaken] = await alive.claim(5)
    assert retaken.id == claimed.id and retaken.attempts == 2 and retaken.locked_by == "alive"
    assert await alive.run_one(retaken, heartbeat=False) == "done"
    # The dead worker wakes up and runs its stale claim: its writes are rolled back.
    assert await dead.run_one(claimed, heartbeat=False) == "lost"
    assert await count_effects(fresh_db, "x") == 1
    assert await the_job(fresh_db) is None


async def test_a_lost_lease_rolls_back_the_first_workers_writes(fresh_db):
    GATES["y"] = asyncio.Event()
    await enqueue_one(fresh_db, "test.gated", k="y")
    slow = Worker(fresh_db, lease_seconds=0.3, heartbeat_seconds=60, schedules=False, name="slow")
    [job] = await slow.claim(1)
    first = asyncio.create_task(slow.run_one(job))  # waits at the gate past its lease
    await asyncio.sleep(0.4)
    other = Worker(fresh_db, lease_seconds=30, schedules=False, name="other")
    [taken] = await other.claim(1)
    assert taken.id == job.id

    GATES["y"].set()  # the first run now writes its effect and tries to finish
    assert await first == "lost"
    assert await count_effects(fresh_db, "y") == 0
    assert (await the_job(fresh_db)).locked_by == "other"  # untouched by the loser
    assert await other.run_one(taken, heartbeat=False) == "done"
    assert await count_effects(fresh_db, "y") == 1


async def test_heartbeat_keeps_a_long_job_leased(fresh_db):
    await enqueue_one(fresh_db, "test.effect", k="long", pause=2.5)
    w = Worker(fresh_db, lease_seconds=0.8, heartbeat_seconds=0.1, schedules=False, name="w")
    [job] = await w.claim(1)
    run = asyncio.create_task(w.run_one(job))
    thief = Worker(fresh_db, schedules=False, name="thief")
    for _ in range(10):  # well past the 0.8s lease
        await asyncio.sleep(0.2)
        assert await thief.claim(1) == []
    assert await run == "done"
    assert await count_effects(fresh_db, "long") == 1


async def test_heartbeat_notices_a_lost_lease_and_stops_the_job(fresh_db):
    await enqueue_one(fresh_db, "test.effect", k="stolen", pause=30)
    w = Worker(fresh_db, lease_seconds=5, heartbeat_seconds=0.1, schedules=False, name="w")
    [job] = await w.claim(1)
    run = asyncio.create_task(w.run_one(job))
    await asyncio.sleep(0.2)
    # What another worker's claim does once a lease has lapsed (say, heartbeats could not reach
    # the database for a while): the row now belongs to that claim.
    async with fresh_db.unit_of_work() as s:
        await s.execute(update(Job).values(locked_by="thief", attempts=Job.attempts + 1))
    started = time.monotonic()
    assert await run == "lost"
    assert time.monotonic() - started < 2  # not the 30s the handler would have slept
    assert await count_effects(fresh_db) == 0
    assert (await the_job(fresh_db)).locked_by == "thief"


async def test_a_job_whose_worker_dies_on_the_last_attempt_is_failed(fresh_db):
    await enqueue_one(fresh_db, "test.flaky", k="z")  # max_attempts=3
    for n in range(3):
        w = Worker(fresh_db, lease_seconds=0.1, schedules=False, name=f"doomed{n}")
        [job] = await w.claim(1)
        assert job.attempts == n + 1
        await asyncio.sleep(0.15)  # ...and it dies without a word
    survivor = Worker(fresh_db, schedules=False)
    assert await survivor.claim(1) == []
    row = await the_job(fresh_db)
    assert row.state == "failed" and row.locked_by is None
    assert "lease expired" in row.last_error
