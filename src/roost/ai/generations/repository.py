"""Generation queries."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from roost.models import Account, Candidate, Generation, MediaAttachment, Status


async def get_own(session: AsyncSession, account_id: int, generation_id: int | None,
                  ) -> Generation | None:
    if generation_id is None:
        return None
    return (await session.scalars(select(Generation).where(
        Generation.id == generation_id, Generation.account_id == account_id))).one_or_none()


async def candidates(session: AsyncSession, generation_id: int) -> list[Candidate]:
    return list((await session.scalars(select(Candidate).where(
        Candidate.generation_id == generation_id).order_by(Candidate.index))).all())


async def delete_candidates(session: AsyncSession, generation_id: int) -> list[str]:
    """Remove a generation's candidate rows; the file paths they held."""
    rows = await candidates(session, generation_id)
    paths = [p for c in rows for p in (c.file_path, c.thumbnail_path)]
    await session.execute(delete(Candidate).where(Candidate.generation_id == generation_id))
    return paths


async def count_since(session: AsyncSession, account_id: int, since: datetime) -> int:
    """Generations the person started since `since`, failed ones not counted."""
    return await session.scalar(select(func.count()).select_from(Generation).where(
        Generation.account_id == account_id, Generation.created_at >= since,
        Generation.state != "failed")) or 0


async def generation_of_status(session: AsyncSession, status_id: int) -> Generation | None:
    """The generation behind a status's first AI attachment (None: not an AI post)."""
    return (await session.scalars(
        select(Generation).join(MediaAttachment, MediaAttachment.ai_generation_id == Generation.id)
        .where(MediaAttachment.status_id == status_id)
        .order_by(MediaAttachment.position).limit(1))).one_or_none()


async def remix_status_ids(session: AsyncSession, source_ids: list[int]) -> list[int]:
    """Statuses carrying media from generations that remix one of `source_ids`."""
    if not source_ids:
        return []
    return list((await session.scalars(
        select(MediaAttachment.status_id).distinct()
        .join(Generation, MediaAttachment.ai_generation_id == Generation.id)
        .where(Generation.remix_of_status_id.in_(source_ids),
               MediaAttachment.status_id.is_not(None)))).all())


async def candidate_paths_of(session: AsyncSession, generation_ids: list[int]) -> set[str]:
    """The candidate files (images and thumbnails) that rows of these generations hold."""
    rows = await session.execute(select(Candidate.file_path, Candidate.thumbnail_path).where(
        Candidate.generation_id.in_(generation_ids)))
    return {p for row in rows for p in row}


async def expired_candidates(session: AsyncSession, cutoff: datetime, limit: int,
                             ) -> list[Candidate]:
    """Candidates of generations started before `cutoff`, oldest first."""
    return list((await session.scalars(
        select(Candidate).join(Generation, Candidate.generation_id == Generation.id)
        .where(Generation.created_at < cutoff).order_by(Candidate.id).limit(limit))).all())


async def details(session: AsyncSession, generation_ids: list[int]) -> dict[int, dict]:
    """What a post shows about its generations, by generation id: prompt, parameters, provider,
    and the remixed post (its author's username only when that post is public or quiet public,
    since this is shown to every viewer). One query."""
    if not generation_ids:
        return {}
    source = aliased(Status)
    author = aliased(Account)
    rows = await session.execute(
        select(Generation, source.visibility, author.username)
        .outerjoin(source, source.id == Generation.remix_of_status_id)
        .outerjoin(author, author.id == source.account_id)
        .where(Generation.id.in_(generation_ids)))
    out: dict[int, dict] = {}
    for gen, visibility, username in rows:
        remix = None
        if gen.remix_of_status_id is not None:
            public = visibility in ("public", "unlisted")
            remix = {"id": str(gen.remix_of_status_id),
                     "username": username if public else None}
        out[gen.id] = {"prompt": gen.prompt, "seed": gen.seed, "style": gen.style,
                       "aspect_ratio": gen.aspect_ratio,
                       "provider": {"name": gen.provider_name, "model": gen.provider_model,
                                    "label": gen.provider_label},
                       "remix_of": remix}
    return out


async def candidate_facts(session: AsyncSession, candidate_ids: list[int],
                          ) -> dict[int, tuple[int, bool]]:
    """(seed, sensitive) of each candidate, by id. One query."""
    if not candidate_ids:
        return {}
    rows = await session.execute(select(Candidate.id, Candidate.seed, Candidate.sensitive)
                                 .where(Candidate.id.in_(candidate_ids)))
    return {cid: (seed, bool(sensitive)) for cid, seed, sensitive in rows}
