"""Queries for the assistant: its answers, who may be answered, and what of a thread it may read."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from roost.kit.clock import utcnow
from roost.models import AssistantAnswer, AssistantRegeneration, Block, Mention, Mute, Status
from roost.posts import repository as posts_repo

OPEN = ("public", "unlisted")


async def answer_for(session: AsyncSession, question_id: int) -> AssistantAnswer | None:
    return await session.scalar(
        select(AssistantAnswer).where(AssistantAnswer.question_status_id == question_id))


async def answered_since(session: AsyncSession, asker_id: int, since: datetime) -> int:
    return await session.scalar(
        select(func.count()).select_from(AssistantAnswer).where(
            AssistantAnswer.asker_account_id == asker_id, AssistantAnswer.state == "answered",
            AssistantAnswer.created_at >= since)) or 0


async def answer_of_reply(session: AsyncSession, reply_status_id: int) -> AssistantAnswer | None:
    return await session.scalar(select(AssistantAnswer).where(
        AssistantAnswer.reply_status_id == reply_status_id, AssistantAnswer.state == "answered"))


async def pending_regeneration(session: AsyncSession,
                               reply_status_id: int) -> AssistantRegeneration | None:
    return await session.scalar(select(AssistantRegeneration).where(
        AssistantRegeneration.reply_status_id == reply_status_id,
        AssistantRegeneration.state == "pending").limit(1))


async def used_since(session: AsyncSession, asker_id: int, since: datetime) -> int:
    """The asker's share of the hourly budget: answers given and "try again"s asked (failed ones
    included: the model ran) since `since`."""
    regenerated = await session.scalar(
        select(func.count()).select_from(AssistantRegeneration).where(
            AssistantRegeneration.asker_account_id == asker_id,
            AssistantRegeneration.created_at >= since)) or 0
    return await answered_since(session, asker_id, since) + regenerated


async def is_mentioned(session: AsyncSession, status_id: int, account_id: int) -> bool:
    return await session.scalar(select(Mention.id).where(
        Mention.status_id == status_id, Mention.account_id == account_id).limit(1)) is not None


async def refusal(session: AsyncSession, asker_id: int, assistant_id: int) -> str | None:
    """"blocked" or "muted" when either has blocked or muted the other, else None."""
    pair = or_(and_(Block.account_id == asker_id, Block.target_account_id == assistant_id),
               and_(Block.account_id == assistant_id, Block.target_account_id == asker_id))
    if await session.scalar(select(Block.id).where(pair).limit(1)) is not None:
        return "blocked"
    now = utcnow()
    muted = or_(and_(Mute.account_id == asker_id, Mute.target_account_id == assistant_id),
                and_(Mute.account_id == assistant_id, Mute.target_account_id == asker_id))
    if await session.scalar(select(Mute.id).where(
            muted, or_(Mute.expires_at.is_(None), Mute.expires_at > now)).limit(1)) is not None:
        return "muted"
    return None


async def context(session: AsyncSession, question: Status, asker_id: int, assistant_id: int,
                  limit: int) -> list[Status]:
    """The question's ancestors, oldest first (at most `limit`, the nearest), that the answer may
    draw on: readable by the asker and by the assistant, and — unless the answer is a direct
    message to the asker, who can read them — public or unlisted, so that an answer shown to
    the assistant's followers or to everyone never repeats a followers-only or direct post."""
    ancestors, _ = await posts_repo.thread_context(session, question, asker_id, limit=512)
    ancestors = ancestors[-limit:] if limit else []
    ok = await posts_repo.readable_ids(session, [s.id for s in ancestors], assistant_id)
    return [s for s in ancestors if s.id in ok
            and (question.visibility == "direct" or s.visibility in OPEN)]
