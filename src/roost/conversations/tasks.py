from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from roost.conversations import service
from roost.jobs import job


@job("conversations.update")
async def update(session: AsyncSession, *, status_id: int) -> None:
    """A direct post was created: add it to its participants' conversations."""
    await service.add_status(session, status_id)


@job("conversations.status_deleted")
async def status_deleted(session: AsyncSession, *, status_id: int) -> None:
    """A direct post was deleted: move its conversations back to an earlier post, or remove them."""
    await service.remove_status(session, status_id)
