"""Graph jobs."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from roost.graph import service
from roost.jobs import job


@job("graph.expire_mute")
async def expire_mute(session: AsyncSession, *, account_id: int, target_account_id: int) -> None:
    """Scheduled at a timed mute's end; a mute renewed since then is left alone."""
    await service.expire_mute(session, account_id, target_account_id)
