"""Generation clean-up: candidates do not stay forever.

- ai.expire_candidates (daily) removes the candidates (rows and files) of generations started more
  than ROOST_AI_CANDIDATE_RETENTION_DAYS ago (0 keeps them). Picked images are not lost: picking
  copied them into the person's own media. The generation row and its events stay.
- media.sweep also walks `generations/`: files no candidate row holds (an attempt whose
  transaction failed after writing them) are removed there."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from roost import runtime
from roost.ai.generations import repository as repo
from roost.ai.generations.tasks import PREFIX
from roost.jobs import job
from roost.jobs.schedule import every
from roost.kit.clock import utcnow
from roost.media.tasks import delete_with_files, sweep_prefix

EXPIRE = "ai.expire_candidates"


@job(EXPIRE, max_attempts=3)
async def expire(session: AsyncSession) -> None:
    await expire_candidates(session)


every(timedelta(hours=24).total_seconds(), EXPIRE)
sweep_prefix(PREFIX, repo.candidate_paths_of)


async def expire_candidates(session: AsyncSession) -> int:
    """Delete old candidates; their files go after commit. How many rows went."""
    days = runtime.settings().ai_candidate_retention_days
    if days == 0:
        return 0
    cutoff = utcnow() - timedelta(days=days)
    return await delete_with_files(session, lambda limit: repo.expired_candidates(session, cutoff, limit))
