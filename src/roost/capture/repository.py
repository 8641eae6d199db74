"""Capture queries: a person's current feedback on a post and rating of an answer."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from roost.models import AssistantRating, StatusFeedback


async def feedback(session: AsyncSession, account_id: int, status_id: int) -> StatusFeedback | None:
    return await session.get(StatusFeedback, (account_id, status_id))


async def rating(session: AsyncSession, account_id: int, status_id: int) -> AssistantRating | None:
    return await session.get(AssistantRating, (account_id, status_id))
