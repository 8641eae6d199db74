"""Real worker processes: killed mid-job, stopped with SIGTERM, sharing one queue, woken by NOTIFY."""

from __future__ import annotations

import asyncio
import collections
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from roost.jobs import enqueue
from roost.jobs.worker import Worker
from roost.models.jobs import Job
from tests.jobs.jobsite import PG_URL, REPO, count_effects, worker_command


def start_worker(db, *args: str) -> subprocess.Popen:
    proc = subprocess.Popen(worker_command(db.url, *args), cwd=REPO, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    return proc


async def wait_ready(proc: subprocess.Popen, timeout: float = 30) -> None:
    line = await asyncio.wait_for(asyncio.to_thread(proc.stdout.readline), timeout)
    assert line.strip() == "ready", (line, proc.stderr.read() if proc.poll() is not None else "")


async def wait_for(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not await predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.05)


async def job_rows(db) -> list[Job]:
    async with db.session() as s:
        return list((await s.scalars(select(Job))).all())


@pytest.fixture
def procs():
    started: list[subprocess.Popen] = []
    yield started
    for p in started:
        if p.poll() is None:
            p.kill()
        p.wait()


async def test_worker_killed_mid_job_the_job_completes_once_and_its_fan_out_too(
        fresh_db, tmp_path, procs):
    marker = tmp_path / "started"
    async with fresh_db.unit_of_work() as s:
        enqueue(s, "test.crashy", k="crash", marker=str(marker), children=5)
    proc = start_worker(fresh_db, "--lease", "1", "--poll", "0.1")
    procs.append(proc)

    await wait_for(lambda: asyncio.sleep(0, marker.exists()), 30, "the job to start")
    os.kill(proc.pid, signal.SIGKILL)  # mid-job: effect written and children enqueued, uncommitted
    proc.wait()
    assert await count_effects(fresh_db) == 0
    [row] = await job_rows(fresh_db)
    assert row.state == "running" and row.attempts == 1

    survivor = Worker(fresh_db, lease_seconds=1, schedules=False)

    async def drained() -> bool:
        await survivor.drain()
        return not await job_rows(fresh_db)

    await wait_for(drained, 15, "the survivor to finish the job")
    assert await count_effects(fresh_db, "crash") == 1
    for i in range(5):
        assert await count_effects(fresh_db, f"crash/{i}") == 1
    assert await count_effects(fresh_db) == 6


async def test_sigterm_releases_a_running_job_for_another_worker(fresh_db, tmp_path, procs):
    marker = tmp_path / "started"
    async with fresh_db.unit_of_work() as s:
        enqueue(s, "test.crashy", k="term", marker=str(marker))
    proc = start_worker(fresh_db, "--lease", "60", "--poll", "0.1", "--grace", "0.5")
    procs.append(proc)
    await wait_ready(proc)
    await wait_for(lambda: asyncio.sleep(0, marker.exists()), 30, "the job to start")

    proc.send_signal(signal.SIGTERM)
    assert await asyncio.to_thread(proc.wait, 10) == 0
    [row] = await job_rows(fresh_db)
    # Released, not left to a 60s lease: queued at once, and the interrupted try does not count.
    assert (row.state, row.locked_by, row.attempts) == ("queued", None, 0)
    assert await count_effects(fresh_db) == 0
    assert await Worker(fresh_db, schedules=False).drain() == 1
    assert await count_effects(fresh_db, "term") == 1


async def test_two_worker_processes_drain_500_jobs_each_run_once(fresh_db, tmp_path, procs):
    logs = [tmp_path / "run-a.log", tmp_path / "run-b.log"]
    # On PostgreSQL only NOTIFY can wake them quickly (a 60s poll); SQLite has no NOTIFY.
    poll = "60" if PG_URL else "0.05"
    for log in logs:
        procs.append(start_worker(fresh_db, "--poll", poll, "--concurrency", "4",
                                  "--runlog", str(log)))
    for p in procs:
        await wait_ready(p)

    started = time.monotonic()
    async with fresh_db.unit_of_work() as s:
        for i in range(500):
            enqueue(s, "test.effect", k=f"j{i}", pause=0.002)

    async def all_done() -> bool:
        async with fresh_db.session() as s:
            return not await s.scalar(select(func.count()).select_from(Job))

    await wait_for(all_done, 90, "500 jobs to drain")
    elapsed = time.monotonic() - started
    for p in procs:
        p.send_signal(signal.SIGTERM)
    for p in procs:
        assert await asyncio.to_thread(p.wait, 15) == 0

    runs = [log.read_text().split() if log.exists() else [] for log in logs]
    counts = collections.Counter(runs[0] + runs[1])
    assert len(counts) == 500 and set(counts.values()) == {1}, "a job ran twice"
    assert all(runs), f"both processes should have taken jobs: {[len(r) for r in runs]}"
    assert await count_effects(fresh_db) == 500
    async with fresh_db.session() as s:
        from sqlalchemy import text

        distinct = (await s.execute(text("SELECT count(DISTINCT k) FROM test_effects"))).scalar_one()
    assert distinct == 500
    print(f"500 jobs, 2 processes: {elapsed:.2f}s, split {[len(r) for r in runs]}")


@pytest.mark.skipif(not PG_URL, reason="LISTEN/NOTIFY is PostgreSQL only")
async def test_notify_wakes_a_worker_in_another_process(fresh_db, procs):
    proc = start_worker(fresh_db, "--poll", "60")
    procs.append(proc)
    await wait_ready(proc)
    await asyncio.sleep(0.3)  # let its first (empty) claim pass; from now on it sleeps 60s
    started = time.monotonic()
    async with fresh_db.unit_of_work() as s:
        enqueue(s, "test.effect", k="woken")

    async def done() -> bool:
        return await count_effects(fresh_db, "woken") == 1

    await wait_for(done, 10, "the other process to run the job")
    assert time.monotonic() - started < 5
