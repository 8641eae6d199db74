"""Periodic jobs: `every(seconds, "domain.verb", **args)` enqueues a registered job at most once
per interval, however many worker processes run.

Each periodic job has a row in `job_schedules` holding when it is next due. Every worker calls
`tick()` now and then; the process whose conditional `UPDATE ... WHERE next_run_at <= now` changes
the row enqueues the job in the same transaction. On PostgreSQL a second process's UPDATE waits for
the first one's row lock and then finds the condition false; on SQLite writers are serialised.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from roost.db import Database
from roost.db import insert as db_insert
from roost.jobs.queue import REGISTRY, enqueue, job
from roost.kit.clock import utcnow
from roost.models.jobs import Job, JobSchedule

log = logging.getLogger("roost.jobs")

FAILED_JOB_RETENTION_DAYS = 30


@dataclass(frozen=True)
class Periodic:
    name: str
    seconds: float
    args: dict[str, Any] = field(default_factory=dict)


SCHEDULE: dict[str, Periodic] = {}


def every(seconds: float, name: str, **args: Any) -> None:
    """Run job `name` every `seconds` (the first time at the first tick after it is registered).
    Call it at import time, next to the @job handler. One schedule per job name."""
    if seconds < 1:
        raise ValueError("a periodic job needs an interval of at least a second")
    SCHEDULE[name] = Periodic(name, float(seconds), dict(args))


async def tick(db: Database, *, now: datetime | None = None) -> list[str]:
    """Enqueue every periodic job that is due. Returns the names enqueued by this call."""
    if not SCHEDULE:
        return []
    now = now or utcnow()
    enqueued: list[str] = []
    async with db.unit_of_work() as session:
        await _ensure_rows(session, now)
        for p in sorted(SCHEDULE.values(), key=lambda p: p.name):  # one lock order everywhere
            if p.name not in REGISTRY:
                log.error("periodic job %r has no handler; skipped", p.name)
                continue
            claimed = await session.execute(
                update(JobSchedule)
                .where(JobSchedule.name == p.name, JobSchedule.next_run_at <= now)
                .values(next_run_at=now + timedelta(seconds=p.seconds), last_enqueued_at=now)
                .execution_options(synchronize_session=False))
            if claimed.rowcount != 1:
                continue
            pending = await session.scalar(
                select(func.count()).select_from(Job)
                .where(Job.name == p.name, Job.state.in_(("queued", "running"))))
            if not pending:  # a slow or failing run does not pile up copies
                enqueue(session, p.name, **p.args)
                enqueued.append(p.name)
    return enqueued


async def _ensure_rows(session: AsyncSession, now: datetime) -> None:
    rows = [{"name": name, "next_run_at": now} for name in sorted(SCHEDULE)]
    await session.execute(db_insert(session, JobSchedule).values(rows).on_conflict_do_nothing(
        index_elements=["name"]))


@job("jobs.purge_failed")
async def purge_failed(session: AsyncSession, *, days: int = FAILED_JOB_RETENTION_DAYS) -> None:
    """Forget failed jobs once operators have had `days` to look at them."""
    cutoff = utcnow() - timedelta(days=days)
    await session.execute(delete(Job).where(Job.state == "failed", Job.finished_at < cutoff))


every(24 * 3600, "jobs.purge_failed")
