from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from roost.jobs import job
from roost.scheduled import service


@job("scheduled.publish")
async def publish(session: AsyncSession, *, scheduled_status_id: int) -> None:
    await service.publish(session, scheduled_status_id)
