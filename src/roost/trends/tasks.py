from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from roost.jobs import every, job
from roost.trends import service

REFRESH_SECONDS = 600


@job("trends.refresh")
async def refresh(session: AsyncSession) -> None:
    await service.refresh(session)


every(REFRESH_SECONDS, "trends.refresh")
