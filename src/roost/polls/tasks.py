from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from roost.jobs import job
from roost.polls import service


@job("polls.close")
async def close(session: AsyncSession, *, poll_id: int) -> None:
    """Runs at the poll's expiry; a poll edited since to close later is left for its new job."""
    await service.close(session, poll_id)
