"""The worker: claims due jobs, runs each in its own unit of work, retries with backoff.

A claim is a lease (`locked_until`). The job's own writes and its removal from the queue commit
together, and only if this worker still holds the lease, so a job whose worker died is run again
by another and its effects land exactly once.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import traceback
from datetime import timedelta

from sqlalchemy import delete, select, text, update

from roost.db import Database, commit, rollback
from roost.jobs.queue import REGISTRY, on_enqueue, remove_waker
from roost.kit.clock import utcnow
from roost.models.jobs import Job

log = logging.getLogger("roost.jobs")

BASE_BACKOFF_S = 2.0
MAX_BACKOFF_S = 3600.0


def backoff(attempts: int) -> float:
    return min(MAX_BACKOFF_S, BASE_BACKOFF_S * (4 ** max(0, attempts - 1)))


class Worker:
    def __init__(self, db: Database, *, concurrency: int = 4, poll_interval: float = 1.0,
                 lease_seconds: float = 300.0, name: str | None = None) -> None:
        self.db = db
        self.concurrency = concurrency
        self.poll_interval = poll_interval
        self.lease = timedelta(seconds=lease_seconds)
        self.name = name or f"{socket.gethostname()}:{os.getpid()}:{id(self):x}"
        self._wake = asyncio.Event()
        self._stopping = False
        self.processed = 0

    def wake(self) -> None:
        self._wake.set()

    async def claim(self, limit: int) -> list[Job]:
        now = utcnow()
        async with self.db.session() as session:
            ready = (
                select(Job.id)
                .where(
                    ((Job.state == "queued") & (Job.run_at <= now))
                    | ((Job.state == "running") & (Job.locked_until < now))
                )
                .order_by(Job.run_at, Job.id)
                .limit(limit)
            )
            if not self.db.is_sqlite:
                ready = ready.with_for_update(skip_locked=True)
            stmt = (
                update(Job)
                .where(Job.id.in_(ready.scalar_subquery()))
                .values(state="running", locked_by=self.name, locked_until=now + self.lease,
                        attempts=Job.attempts + 1)
                .returning(Job)
                .execution_options(synchronize_session=False)
            )
            jobs = list((await session.execute(stmt)).scalars())
            await commit(session)
            return jobs

    async def run_one(self, job: Job) -> bool:
        """Run a claimed job. True when it finished (done or given up)."""
        spec = REGISTRY.get(job.name)
        async with self.db.session() as session:
            try:
                if spec is None:
                    raise LookupError(f"no handler registered for job {job.name!r}")
                await asyncio.wait_for(spec.fn(session, **job.args), timeout=spec.timeout)
                gone = await session.execute(
                    delete(Job).where(Job.id == job.id, Job.locked_by == self.name)
                )
                if gone.rowcount != 1:  # lease lost to another worker: it owns the job now
                    await rollback(session)
                    return False
                await commit(session)
                self.processed += 1
                return True
            except Exception as exc:  # noqa: BLE001 - every failure is recorded and retried
                await rollback(session)
                err = "".join(traceback.format_exception_only(type(exc), exc)).strip()
                log.warning("job %s #%s failed (attempt %s): %s", job.name, job.id, job.attempts, err)
                return await self._record_failure(job, err)

    async def _record_failure(self, job: Job, err: str) -> bool:
        give_up = job.attempts >= job.max_attempts
        values: dict = {"last_error": err[:4000], "locked_by": None, "locked_until": None}
        if give_up:
            values.update(state="failed", finished_at=utcnow())
        else:
            values.update(state="queued", run_at=utcnow() + timedelta(seconds=backoff(job.attempts)))
        async with self.db.unit_of_work() as session:
            await session.execute(
                update(Job).where(Job.id == job.id, Job.locked_by == self.name).values(**values)
            )
        return give_up

    async def drain(self, max_rounds: int = 1000) -> int:
        """Run every job that is due now, including the ones those jobs enqueue (tests, CLI)."""
        done = 0
        for _ in range(max_rounds):
            jobs = await self.claim(self.concurrency)
            if not jobs:
                return done
            for j in jobs:
                await self.run_one(j)
                done += 1
        return done

    async def run_forever(self) -> None:
        on_enqueue(self.wake)
        listener = asyncio.create_task(self._listen()) if not self.db.is_sqlite else None
        sem = asyncio.Semaphore(self.concurrency)
        running: set[asyncio.Task] = set()
        try:
            while not self._stopping:
                free = self.concurrency - len(running)
                jobs = await self._safe_claim(free) if free > 0 else []
                for j in jobs:
                    await sem.acquire()
                    t = asyncio.create_task(self.run_one(j))
                    running.add(t)
                    t.add_done_callback(lambda t: (running.discard(t), sem.release()))
                if len(jobs) < free or free == 0:
                    self._wake.clear()
                    try:
                        await asyncio.wait_for(self._wake.wait(), timeout=self.poll_interval)
                    except TimeoutError:
                        pass
        finally:
            remove_waker(self.wake)
            if listener:
                listener.cancel()
            if running:
                await asyncio.gather(*running, return_exceptions=True)

    async def _safe_claim(self, n: int) -> list[Job]:
        try:
            return await self.claim(n)
        except Exception:  # noqa: BLE001 - the database may be briefly away; keep polling
            log.exception("claiming jobs failed")
            await asyncio.sleep(self.poll_interval)
            return []

    async def _listen(self) -> None:
        """PostgreSQL LISTEN, so other processes' enqueues wake this worker at once."""
        while not self._stopping:
            try:
                async with self.db.engine.connect() as conn:
                    raw = await conn.get_raw_connection()
                    driver = raw.driver_connection
                    await driver.add_listener("roost_jobs", lambda *_: self.wake())
                    while not self._stopping:
                        await asyncio.sleep(30)
                        await conn.execute(text("SELECT 1"))
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001
                log.warning("job LISTEN connection lost; retrying")
                await asyncio.sleep(5)

    def stop(self) -> None:
        self._stopping = True
        self._wake.set()
