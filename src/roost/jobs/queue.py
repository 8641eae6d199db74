"""Durable jobs as rows, enqueued in the caller's transaction.

Why rows and not a library: the queue must live in the same database as the data (so a job is
enqueued atomically with the change that causes it) and work on both SQLite and PostgreSQL.
The well-kept options are tied to one of them (procrastinate and pgqueuer need PostgreSQL; arq,
rq, dramatiq and celery need Redis or a broker and cannot join our transaction). So we use the
proven pattern: jobs are rows claimed with `FOR UPDATE SKIP LOCKED` on PostgreSQL (several
worker processes share the table) and under SQLite's single writer lock on SQLite.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from roost.db import after_commit, before_commit
from roost.kit.clock import utcnow
from roost.models.jobs import Job

Handler = Callable[..., Awaitable[None]]


class JobSpec:
    def __init__(self, name: str, fn: Handler, max_attempts: int, timeout: float) -> None:
        self.name, self.fn, self.max_attempts, self.timeout = name, fn, max_attempts, timeout


REGISTRY: dict[str, JobSpec] = {}
_wakers: list[Callable[[], None]] = []


def job(name: str, *, max_attempts: int = 8, timeout: float = 120.0) -> Callable[[Handler], Handler]:
    """Register `async def handler(session, **args)`. It runs in its own unit of work; it must treat
    missing rows as done and be safe to run again after a crash (the claim is a lease)."""

    def wrap(fn: Handler) -> Handler:
        REGISTRY[name] = JobSpec(name, fn, max_attempts, timeout)
        return fn

    return wrap


def on_enqueue(waker: Callable[[], None]) -> None:
    _wakers.append(waker)


def remove_waker(waker: Callable[[], None]) -> None:
    if waker in _wakers:
        _wakers.remove(waker)


def enqueue(session: AsyncSession, name: str, *, run_at: datetime | None = None, **args: Any) -> Job:
    if name not in REGISTRY:
        raise KeyError(f"unknown job {name!r}")
    row = Job(name=name, args=args, state="queued", run_at=run_at or utcnow(),
              max_attempts=REGISTRY[name].max_attempts)
    session.add(row)
    after_commit(session, _wake_all, key="jobs.wake")
    if session.bind.dialect.name == "postgresql":  # type: ignore[union-attr]
        before_commit(session, "jobs.notify", _notify_workers)
    return row


async def _wake_all() -> None:
    for w in list(_wakers):
        w()


async def _notify_workers(session: AsyncSession) -> None:
    """Wake worker processes listening on the 'roost_jobs' channel (delivered at commit)."""
    await session.execute(text("NOTIFY roost_jobs"))
