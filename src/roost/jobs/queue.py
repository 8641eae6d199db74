"""Durable jobs as rows, enqueued in the caller's transaction.

Why rows and not a library: a job must be enqueued atomically with the change that causes it, so
the queue has to live in the same database and join the same transaction, and Roost runs on both
SQLite (the default) and PostgreSQL. No well-kept library does both:
- procrastinate, pgqueuer, pq and graphile-style queues are PostgreSQL only (LISTEN/NOTIFY,
  SKIP LOCKED, their own connections or drivers), so they cannot serve a SQLite install;
- huey's SQLite storage is SQLite only and uses its own connection, not our transaction;
- celery, rq, arq, dramatiq, taskiq and saq need a broker (Redis, RabbitMQ) and cannot commit with
  our data: a crash between the commit and the broker publish loses the job (or publishes a job
  for a change that was rolled back), which is exactly the bug a transactional outbox exists for.
So we follow the proven pattern (Takahē, Oban, good_job, solid_queue): jobs are rows claimed with
`FOR UPDATE SKIP LOCKED` on PostgreSQL, where several worker processes share the table, and under
SQLite's single writer lock on SQLite. Claims are leases; see worker.py and docs/subsystems/jobs.md.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from roost.db import after_commit, before_commit
from roost.kit.clock import utcnow
from roost.models.jobs import Job

Handler = Callable[..., Awaitable[None]]
CHANNEL = "roost_jobs"  # PostgreSQL NOTIFY channel that wakes worker processes


class JobSpec:
    def __init__(self, name: str, fn: Handler, max_attempts: int, timeout: float) -> None:
        self.name, self.fn, self.max_attempts, self.timeout = name, fn, max_attempts, timeout


REGISTRY: dict[str, JobSpec] = {}
_wakers: list[Callable[[], None]] = []


def job(name: str, *, max_attempts: int = 8, timeout: float = 120.0) -> Callable[[Handler], Handler]:
    """Register `async def handler(session, **args)`. It runs in its own unit of work, committed
    together with the job's removal from the queue. It must treat missing rows as done and be safe
    to run again: a crash or a lost lease runs it again (its database writes land once; anything it
    does outside the database, such as Redis, must be idempotent)."""
    if max_attempts < 1 or timeout <= 0:
        raise ValueError("max_attempts must be >= 1 and timeout > 0")

    def wrap(fn: Handler) -> Handler:
        REGISTRY[name] = JobSpec(name, fn, max_attempts, timeout)
        return fn

    return wrap


def on_enqueue(waker: Callable[[], None]) -> None:
    """Call `waker` after any unit of work in this process that enqueued a job commits."""
    if waker not in _wakers:
        _wakers.append(waker)


def remove_waker(waker: Callable[[], None]) -> None:
    if waker in _wakers:
        _wakers.remove(waker)


def enqueue(session: AsyncSession, name: str, *, run_at: datetime | None = None,
            delay: float | None = None, **args: Any) -> Job:
    """Add a job to the caller's transaction: it exists if and only if the transaction commits.
    `args` must be JSON (ids, not objects)."""
    spec = REGISTRY.get(name)
    if spec is None:
        raise KeyError(f"unknown job {name!r}")
    json.dumps(args)  # fail here, in the caller, rather than at commit
    when = run_at or utcnow()
    if delay:
        when += timedelta(seconds=delay)
    row = Job(name=name, args=args, state="queued", run_at=when, attempts=0,
              max_attempts=spec.max_attempts)
    session.add(row)
    after_commit(session, _wake_all, key="jobs.wake")
    if session.bind.dialect.name == "postgresql":  # type: ignore[union-attr]
        before_commit(session, "jobs.notify", _notify_workers)
    return row


async def _wake_all() -> None:
    for w in list(_wakers):
        w()


async def _notify_workers(session: AsyncSession) -> None:
    """Wake worker processes listening on the channel (PostgreSQL delivers it at commit)."""
    await session.execute(text(f"NOTIFY {CHANNEL}"))


# Operators' helpers (also used by the CLI).

async def failed_jobs(session: AsyncSession, limit: int = 100) -> list[Job]:
    stmt = (select(Job).where(Job.state == "failed")
            .order_by(Job.finished_at.desc(), Job.id.desc()).limit(limit))
    return list((await session.scalars(stmt)).all())


async def retry_failed(session: AsyncSession, job_id: int | None = None) -> int:
    """Queue failed jobs again (one, or all with `job_id=None`) with a fresh set of attempts."""
    stmt = update(Job).where(Job.state == "failed")
    if job_id is not None:
        stmt = stmt.where(Job.id == job_id)
    result = await session.execute(
        stmt.values(state="queued", attempts=0, run_at=utcnow(), finished_at=None)
        .execution_options(synchronize_session=False))
    if result.rowcount:
        after_commit(session, _wake_all, key="jobs.wake")
        if session.bind.dialect.name == "postgresql":  # type: ignore[union-attr]
            before_commit(session, "jobs.notify", _notify_workers)
    return result.rowcount
