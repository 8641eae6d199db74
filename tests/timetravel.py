"""Let time pass for the rows that wait on it: polls' expiry, scheduled posts and queued jobs are
moved into the past by the same amount, so the next `run_jobs()` finds them due."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from roost.db import Database
from roost.models import Job, Poll, ScheduledStatus


async def travel(db: Database, seconds: float) -> None:
    back = timedelta(seconds=seconds)
    async with db.unit_of_work() as session:
        for poll in (await session.execute(select(Poll))).scalars():
            poll.expires_at -= back
        for row in (await session.execute(select(ScheduledStatus))).scalars():
            row.scheduled_at -= back
        for job in (await session.execute(select(Job).where(Job.state == "queued"))).scalars():
            job.run_at -= back
