"""The worker: claims due jobs, runs each in its own unit of work, retries with backoff.

A claim is a lease: `locked_by` names the worker, `attempts` numbers the claim, `locked_until`
says when it lapses. A heartbeat extends the lease while the handler runs. The handler's writes and
the job's removal from the queue commit together, and only if this claim still holds the lease
(`DELETE ... WHERE id AND locked_by AND attempts`), so a job whose worker died or stalled is run
again by another worker and its database effects land exactly once.
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
import secrets
import socket
import traceback
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from roost.db import Database, commit, rollback
from roost.jobs import schedule
from roost.jobs.queue import CHANNEL, REGISTRY, JobSpec, on_enqueue, remove_waker
from roost.kit.clock import utcnow
from roost.models.jobs import Job

log = logging.getLogger("roost.jobs")

BASE_BACKOFF_S = 2.0
BACKOFF_FACTOR = 4.0
MAX_BACKOFF_S = 3600.0
JITTER = 0.2  # up to +20%, so jobs that failed together do not retry in lockstep


def backoff(attempts: int, *, jitter: bool = True) -> float:
    """Seconds to wait after failed attempt number `attempts` (1-based)."""
    delay = min(MAX_BACKOFF_S, BASE_BACKOFF_S * BACKOFF_FACTOR ** max(0, attempts - 1))
    return delay * (1 + random.random() * JITTER) if jitter else delay


class Worker:
    """Runs jobs. `run_forever()` in the web process or a `roost worker` process; `drain()` in
    tests and one-off commands. `stop()` ends `run_forever()` gracefully: running jobs get
    `shutdown_grace` seconds to finish, the rest are released for another worker at once."""

    def __init__(self, db: Database, *, concurrency: int = 4, poll_interval: float = 1.0,
                 lease_seconds: float = 60.0, heartbeat_seconds: float | None = None,
                 shutdown_grace: float = 8.0, schedules: bool = True,
                 schedule_interval: float = 10.0, listen: bool = True,
                 name: str | None = None) -> None:
        self.db = db
        self.concurrency = concurrency
        self.poll_interval = poll_interval
        self.lease = timedelta(seconds=lease_seconds)
        self.heartbeat = heartbeat_seconds if heartbeat_seconds is not None else lease_seconds / 3
        self.shutdown_grace = shutdown_grace
        self.schedules = schedules
        self.schedule_interval = schedule_interval
        self.listen = listen and not db.is_sqlite
        self.name = name or f"{socket.gethostname()[:60]}:{os.getpid()}:{secrets.token_hex(4)}"
        self.processed = 0  # jobs this worker completed
        self.listening = asyncio.Event()  # set while LISTEN is active (PostgreSQL)
        self._wake = asyncio.Event()
        self._stopping = False
        self._tasks: set[asyncio.Task] = set()
        self._refill_at = max(1, concurrency // 2)  # claim in batches as slots free up
        self._last_sweep = None

    def wake(self) -> None:
        self._wake.set()

    def stop(self) -> None:
        self._stopping = True
        self._wake.set()

    # Claiming

    def _skip_locked(self, stmt: Any) -> Any:
        return stmt if self.db.is_sqlite else stmt.with_for_update(skip_locked=True)

    async def claim(self, limit: int) -> list[Job]:
        """Lease up to `limit` due jobs: queued ones whose time has come, and running ones whose
        lease lapsed (their worker died). A lapsed job on its last attempt is marked failed."""
        now = utcnow()
        async with self.db.session() as session:
            if self._last_sweep is None or (now - self._last_sweep).total_seconds() >= 1:
                self._last_sweep = now
                lapsed = self._skip_locked(select(Job.id).where(
                    Job.state == "running", Job.locked_until < now,
                    Job.attempts >= Job.max_attempts))
                await session.execute(
                    update(Job).where(Job.id.in_(lapsed.scalar_subquery()))
                    .values(state="failed", finished_at=now, locked_by=None, locked_until=None,
                            last_error="lease expired: the worker was lost during the last attempt")
                    .execution_options(synchronize_session=False))
            ready = self._skip_locked(
                select(Job.id)
                .where(((Job.state == "queued") & (Job.run_at <= now))
                       | ((Job.state == "running") & (Job.locked_until < now)))
                .order_by(Job.run_at, Job.id)
                .limit(limit))
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
        jobs.sort(key=lambda j: (j.run_at, j.id))
        return jobs

    def _mine(self, job: Job) -> Any:
        """The condition that this claim of `job` still holds the lease."""
        return (Job.id == job.id) & (Job.locked_by == self.name) & (Job.attempts == job.attempts)

    # Running

    async def run_one(self, job: Job, *, heartbeat: bool = True) -> str:
        """Run a claimed job. Returns "done", "retry", "failed" or "lost" (the lease went to
        another worker, so this run's writes were rolled back). When cancelled (shutdown) the job
        is released for another worker and CancelledError propagates."""
        spec = REGISTRY.get(job.name)
        stop_beat = asyncio.Event()
        async with self.db.session() as session:
            work = asyncio.create_task(self._execute(spec, job, session))
            beat = (asyncio.create_task(self._heartbeat(job, stop_beat))
                    if heartbeat and not self.db.shared_connection else None)
            try:
                waiting = {work, beat} if beat else {work}
                await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
            except asyncio.CancelledError:
                stop_beat.set()
                work.cancel()
                await asyncio.gather(work, return_exceptions=True)
                await _quietly(rollback(session))
                await self._with_retries(self._release, job)
                raise
            stop_beat.set()
            try:
                if not work.done():  # the heartbeat ended first: the lease was lost
                    work.cancel()
                    await asyncio.gather(work, return_exceptions=True)
                    await _quietly(rollback(session))
                    log.warning("job %s #%s lost its lease; another worker owns it", job.name, job.id)
                    return "lost"
                exc = work.exception()
                if exc is None:
                    if not work.result():  # the DELETE found no row of ours
                        await rollback(session)
                        return "lost"
                    try:
                        await commit(session)
                    except Exception as commit_exc:  # noqa: BLE001 - e.g. "database is locked"
                        exc = commit_exc
                    else:
                        self.processed += 1
                        return "done"
                await _quietly(rollback(session))
                err = "".join(traceback.format_exception_only(type(exc), exc)).strip()
                if isinstance(exc, TimeoutError):
                    err = f"timed out after {spec.timeout if spec else 0:g}s"
                log.warning("job %s #%s failed (attempt %s/%s): %s", job.name, job.id,
                            job.attempts, job.max_attempts, err)
                return await self._with_retries(self._record_failure, job, err) or "retry"
            finally:
                if beat is not None:
                    await asyncio.gather(beat, return_exceptions=True)

    async def _execute(self, spec: JobSpec | None, job: Job, session: AsyncSession) -> bool:
        """The handler, then the job's removal; True when this claim still owned the job."""
        if spec is None:
            raise LookupError(f"no handler registered for job {job.name!r}")
        await asyncio.wait_for(spec.fn(session, **job.args), timeout=spec.timeout)
        gone = await session.execute(delete(Job).where(self._mine(job))
                                     .execution_options(synchronize_session=False))
        return gone.rowcount == 1

    async def _heartbeat(self, job: Job, stop: asyncio.Event) -> None:
        """Extend the lease until `stop` is set; return early only when the lease is lost."""
        while True:
            try:
                await asyncio.wait_for(stop.wait(), timeout=self.heartbeat)
                return
            except TimeoutError:
                pass
            try:
                async with self.db.unit_of_work() as session:
                    held = await session.execute(
                        update(Job).where(self._mine(job), Job.state == "running")
                        .values(locked_until=utcnow() + self.lease)
                        .execution_options(synchronize_session=False))
                if held.rowcount == 0 and not stop.is_set():
                    return
            except DBAPIError as exc:  # SQLite busy, or the database briefly away: try again
                log.warning("heartbeat for job #%s failed: %s", job.id, exc.orig)

    async def _record_failure(self, job: Job, err: str) -> str:
        give_up = job.attempts >= job.max_attempts
        values: dict = {"last_error": err[:4000], "locked_by": None, "locked_until": None}
        if give_up:
            values.update(state="failed", finished_at=utcnow())
        else:
            values.update(state="queued", run_at=utcnow() + timedelta(seconds=backoff(job.attempts)))
        async with self.db.unit_of_work() as session:
            await session.execute(update(Job).where(self._mine(job)).values(**values)
                                  .execution_options(synchronize_session=False))
        return "failed" if give_up else "retry"

    async def _release(self, job: Job) -> None:
        """Give an interrupted job back: queued again at once, and this attempt does not count."""
        async with self.db.unit_of_work() as session:
            await session.execute(
                update(Job).where(self._mine(job))
                .values(state="queued", run_at=utcnow(), locked_by=None, locked_until=None,
                        attempts=Job.attempts - 1)
                .execution_options(synchronize_session=False))

    async def _with_retries(self, fn: Callable[..., Awaitable[Any]], *args: Any) -> Any:
        """Bookkeeping writes survive a busy SQLite; if they still fail, the lease lapses and
        another claim picks the job up."""
        for attempt in range(3):
            try:
                return await fn(*args)
            except DBAPIError as exc:
                log.warning("job bookkeeping failed (%s), try %s", exc.orig, attempt + 1)
                await asyncio.sleep(0.2 * (attempt + 1))
        return None

    # Loops

    async def drain(self, max_rounds: int = 1000) -> int:
        """Run every job that is due now, including those the jobs enqueue, one at a time
        (tests, `roost worker --drain`). Returns how many ran."""
        ran = 0
        for _ in range(max_rounds):
            jobs = await self.claim(self.concurrency)
            if not jobs:
                return ran
            for j in jobs:
                await self.run_one(j)
                ran += 1
        return ran

    async def run_forever(self) -> None:
        on_enqueue(self.wake)
        listener = asyncio.create_task(self._listen()) if self.listen else None
        loop = asyncio.get_running_loop()
        next_tick = loop.time()
        try:
            while not self._stopping:
                self._wake.clear()  # before claiming: a wake-up during the claim is not lost
                if self.schedules and loop.time() >= next_tick:
                    next_tick = loop.time() + self.schedule_interval
                    await self._guard("scheduling periodic jobs", schedule.tick(self.db))
                free = self.concurrency - len(self._tasks)
                jobs = await self._guard("claiming jobs", self.claim(free)) if free > 0 else None
                for j in jobs or []:
                    t = asyncio.create_task(self.run_one(j))
                    self._tasks.add(t)
                    t.add_done_callback(self._finished)
                if jobs is None and free > 0:  # the claim failed: pause before trying again
                    await asyncio.sleep(self.poll_interval)
                    continue
                if self._stopping:
                    break
                try:
                    await asyncio.wait_for(self._wake.wait(), timeout=self.poll_interval)
                except TimeoutError:
                    pass
        finally:
            remove_waker(self.wake)
            if listener is not None:
                listener.cancel()
                await asyncio.gather(listener, return_exceptions=True)
            await self._wind_down()

    def _finished(self, task: asyncio.Task) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("job task crashed", exc_info=task.exception())
        if self.concurrency - len(self._tasks) >= self._refill_at:
            self._wake.set()  # enough slots are free to claim a batch

    async def _wind_down(self) -> None:
        """Let running jobs finish within the grace period (none when cancelled), then cancel
        the rest, which releases their jobs."""
        pending = set(self._tasks)
        if pending and self._stopping and self.shutdown_grace > 0:
            _, pending = await asyncio.wait(pending, timeout=self.shutdown_grace)
        for t in pending:
            t.cancel()
        await asyncio.gather(*pending, return_exceptions=True)

    async def _guard(self, what: str, op: Awaitable[Any]) -> Any:
        """Run a loop step; a database error (SQLite busy under web writes, PostgreSQL restarting)
        is logged and the loop goes on."""
        try:
            return await op
        except DBAPIError as exc:
            log.warning("%s failed: %s", what, exc.orig)
        except Exception:  # noqa: BLE001 - the loop must survive anything a step raises
            log.exception("%s failed", what)
        return None

    async def _listen(self) -> None:
        """PostgreSQL LISTEN on a dedicated connection outside any transaction (a listener in an
        open transaction gets nothing until it ends), so other processes' enqueues wake us."""
        import asyncpg

        dsn = self.db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        while not self._stopping:
            conn = None
            try:
                conn = await asyncpg.connect(dsn)
                await conn.add_listener(CHANNEL, lambda *_: self.wake())
                self.listening.set()
                self.wake()  # catch up on anything enqueued while we were not listening
                while not self._stopping:
                    await asyncio.sleep(15)
                    await conn.execute("SELECT 1")  # notice a dead connection
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001
                log.warning("job LISTEN connection lost (%s); retrying", exc)
                await asyncio.sleep(2)
            finally:
                self.listening.clear()
                if conn is not None:
                    conn.terminate()


async def _quietly(op: Awaitable[Any]) -> None:
    try:
        await op
    except Exception:  # noqa: BLE001 - cleanup after a failure must not mask it
        log.debug("cleanup failed", exc_info=True)
