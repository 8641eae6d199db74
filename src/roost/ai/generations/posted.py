"""`ai.generation_posted`: when a post carries generated images, the generation and the pick
behind them go into the event log with the post (public on the firehose for a public post)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from roost import events
from roost.events import schemas as ev
from roost.models import Candidate, Generation, MediaAttachment, Status


async def record_posted(session: AsyncSession, status: Status,
                        media: list[MediaAttachment]) -> None:
    """Record one event per generation among the post's attachments. No query without any."""
    by_generation: dict[int, list[MediaAttachment]] = {}
    for m in media:
        if m.ai_generation_id is not None:
            by_generation.setdefault(m.ai_generation_id, []).append(m)
    if not by_generation:
        return
    ids = sorted(by_generation)
    generations = (await session.scalars(select(Generation).where(Generation.id.in_(ids)))).all()
    candidates: dict[int, list[Candidate]] = {}
    for c in (await session.scalars(select(Candidate).where(Candidate.generation_id.in_(ids))
                                    .order_by(Candidate.index))).all():
        candidates.setdefault(c.generation_id, []).append(c)
    public = status.visibility == "public"
    for gen in sorted(generations, key=lambda g: g.id):
        own = by_generation[gen.id]
        offered = candidates.get(gen.id, [])
        events.record(session, ev.AiGenerationPosted(
            status_id=str(status.id), account_id=str(status.account_id),
            generation_id=str(gen.id), prompt=gen.prompt if public else "",
            provider=gen.provider_name, model=gen.provider_model, seed=gen.seed, style=gen.style,
            aspect_ratio=gen.aspect_ratio,
            remix_of=str(gen.remix_of_status_id) if gen.remix_of_status_id else None,
            shown=[str(c.id) for c in offered],
            picked=[str(c.id) for c in offered if c.picked_at is not None],
            posted=[str(m.ai_candidate_id) for m in own if m.ai_candidate_id is not None],
            media_ids=[str(m.id) for m in own]),
            actor_id=status.account_id, subject_id=status.id,
            public=status.visibility in ("public", "unlisted"))
