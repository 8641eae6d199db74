"""Starting, cancelling and picking image generations; remix lineage; daily quotas.

A generation is a row that moves queued → running → done | failed, or → cancelled while queued or
running. start_generation() inserts it and enqueues `ai.generate` in the caller's transaction;
tasks.py draws the images. pick() turns candidates into the person's own unattached media, which
go into POST /api/v1/statuses media_ids[] as usual: a status carrying them is an AI post."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from roost import events, runtime
from roost.ai import registry
from roost.db import commit
from roost.ai.generations import repository as repo
from roost.ai.moderation.service import moderate_prompt
from roost.ai.providers.base import ASPECT_RATIOS, MAX_CANDIDATES, MAX_SEED, STYLES
from roost.events import schemas as ev
from roost.jobs import enqueue
from roost.kit.clock import utcnow
from roost.kit.errors import Invalid, NotFound, RateLimited
from roost.kit.ids import new_id, parse_id
from roost.media import service as media_service
from roost.media import storage
from roost.models import Account, Candidate, Generation, MediaAttachment, Status, User
from roost.posts import repository as posts_repo

GENERATE = "ai.generate"
MAX_PROMPT = 1000
MAX_LINEAGE = 40  # ancestors walked, and descendant levels


@dataclass
class Quota:
    limit: int | None      # None: exempt (admins)
    used: int
    resets_at: datetime

    @property
    def remaining(self) -> int | None:
        return None if self.limit is None else max(0, self.limit - self.used)


async def quota(session: AsyncSession, account: Account) -> Quota:
    now = utcnow()
    day = datetime.combine(now.date(), time(0), tzinfo=timezone.utc)
    used = await repo.count_since(session, account.id, day)
    role = await session.scalar(select(User.role).where(User.account_id == account.id))
    limit = None if role == "admin" else runtime.settings().ai_daily_generations
    return Quota(limit, used, day + timedelta(days=1))


def _check(prompt: str, n: int, seed: int | None, style: str | None, aspect_ratio: str) -> str:
    text = (prompt or "").strip()
    if not text:
        raise Invalid("Validation failed: the prompt is empty")
    if len(text) > MAX_PROMPT:
        raise Invalid(f"Validation failed: the prompt is too long (maximum is {MAX_PROMPT} "
                      "characters)")
    if not 1 <= n <= MAX_CANDIDATES:
        raise Invalid(f"Validation failed: n must be between 1 and {MAX_CANDIDATES}")
    if seed is not None and not 0 <= seed <= MAX_SEED:
        raise Invalid(f"Validation failed: seed must be between 0 and {MAX_SEED}")
    if style is not None and style not in STYLES:
        raise Invalid(f"Validation failed: style must be one of {', '.join(STYLES)}")
    if aspect_ratio not in ASPECT_RATIOS:
        raise Invalid(f"Validation failed: aspect_ratio must be one of {', '.join(ASPECT_RATIOS)}")
    return text


async def start_generation(session: AsyncSession, account: Account, prompt: str, n: int = 4,
                           seed: int | None = None, style: str | None = None,
                           aspect_ratio: str = "1:1", remix_of: str | int | None = None,
                           ) -> Generation:
    """Validate, check the quota and `remix_of`, moderate the prompt, then insert the queued
    generation and enqueue its job in the caller's transaction. A refused prompt commits the
    caller's unit of work (holding only the logged decision) before raising Invalid."""
    text = _check(prompt, n, seed, style, aspect_ratio)
    q = await quota(session, account)
    if q.limit is not None and q.used >= q.limit:
        err = RateLimited(f"You have used your {q.limit} image generations for today; more are "
                          f"available from {q.resets_at:%Y-%m-%d %H:%M} UTC")
        err.headers = {"Retry-After": str(max(1, int((q.resets_at - utcnow()).total_seconds())))}
        raise err
    source: Status | None = None
    if remix_of is not None and remix_of != "":
        source = await posts_repo.get_readable(session, parse_id(remix_of), account.id)
        if source is None:
            raise NotFound()
        if await repo.generation_of_status(session, source.id) is None:
            raise Invalid("Validation failed: only AI posts can be remixed")
    generation_id = new_id()
    verdict = await moderate_prompt(session, account, text, generation_id)
    if verdict.decision == "refused":
        # Keep the logged decision (moderators read it): commit the unit of work, which has
        # written nothing else, then refuse.
        await commit(session)
        raise Invalid(verdict.reason)  # "This prompt was refused: it contains ..."
    info = registry.image_generator(runtime.settings()).info
    gen = Generation(id=generation_id, account_id=account.id, prompt=text, style=style,
                     aspect_ratio=aspect_ratio,
                     seed=seed if seed is not None else secrets.randbelow(MAX_SEED + 1), n=n,
                     provider_name=info.name, provider_model=info.model,
                     provider_label=info.label, state="queued",
                     remix_of_status_id=source.id if source else None, attempts=0)
    session.add(gen)
    await session.flush()
    enqueue(session, GENERATE, generation_id=gen.id)
    events.record(session, ev.AiGenerationStarted(
        generation_id=str(gen.id), account_id=str(account.id), n=n, seed=gen.seed, style=style,
        aspect_ratio=aspect_ratio, provider=info.name,
        remix_of=str(source.id) if source else None), actor_id=account.id, subject_id=gen.id)
    return gen


async def get(session: AsyncSession, account: Account, generation_id: str | int) -> Generation:
    """The person's own generation (anyone else's: NotFound)."""
    gen = await repo.get_own(session, account.id, parse_id(generation_id))
    if gen is None:
        raise NotFound()
    return gen


async def cancel_generation(session: AsyncSession, account: Account,
                            generation_id: str | int) -> Generation:
    """Cancel while queued or running (the job then does nothing, or drops what it drew)."""
    gen = await get(session, account, generation_id)
    if gen.state in ("queued", "running"):
        before = gen.state
        gen.state, gen.finished_at = "cancelled", utcnow()
        await session.flush()
        events.record(session, ev.AiGenerationCancelled(
            generation_id=str(gen.id), account_id=str(account.id), state_before=before),
            actor_id=account.id, subject_id=gen.id)
    return gen


def description(gen: Generation) -> str:
    text = f"AI-generated image ({gen.provider_label}): {gen.prompt}"
    return text[:media_service.MAX_DESCRIPTION]


async def pick(session: AsyncSession, account: Account, generation_id: str | int,
               candidate_ids: list[str | int]) -> list[MediaAttachment]:
    """Turn candidates into the person's own unattached media, in the order given."""
    gen = await get(session, account, generation_id)
    if gen.state != "done":
        raise Invalid(f"Validation failed: the generation is {gen.state}, not done")
    ids = [parse_id(c) for c in candidate_ids]
    if not ids:
        raise Invalid("Validation failed: candidate_ids can't be blank")
    if len(set(ids)) != len(ids):
        raise Invalid("Validation failed: candidate_ids has duplicates")
    rows = await repo.candidates(session, gen.id)
    by_id = {c.id: c for c in rows}
    if any(i not in by_id for i in ids):
        raise Invalid("Validation failed: unknown candidate")
    store = storage.get_storage()
    now = utcnow()
    media: list[MediaAttachment] = []
    for i in ids:
        media.append(await _media_from(session, store, account, gen, by_id[i]))
        by_id[i].picked_at = by_id[i].picked_at or now
    await session.flush()
    picked = {c.id for c in rows if c.picked_at is not None}
    events.record(session, ev.AiCandidatesPicked(
        generation_id=str(gen.id), account_id=str(account.id), picked=[str(i) for i in ids],
        discarded=[str(c.id) for c in rows if c.id not in picked],
        media_ids=[str(m.id) for m in media]), actor_id=account.id, subject_id=gen.id)
    return media


async def _media_from(session: AsyncSession, store: storage.Storage, account: Account,
                      gen: Generation, cand: Candidate) -> MediaAttachment:
    """A copy of the candidate's files as an attachment (its own files: the attachment's clean-up
    must never remove the candidate's)."""
    src, thumb = store.local_file(cand.file_path), store.local_file(cand.thumbnail_path)
    if src is None or thumb is None:
        raise NotFound("The candidate's image is gone")
    media_id = new_id()
    path, thumb_path = storage.attachment_paths(media_id, cand.file_path.rsplit(".", 1)[-1],
                                                cand.thumbnail_path.rsplit(".", 1)[-1])
    data, thumb_data = src.read_bytes(), thumb.read_bytes()
    row = MediaAttachment(
        id=media_id, account_id=account.id, type="image", content_type=cand.content_type,
        file_path=path, thumbnail_path=thumb_path, file_size=len(data), width=cand.width,
        height=cand.height, thumb_width=cand.thumb_width, thumb_height=cand.thumb_height,
        blurhash=cand.blurhash, description=description(gen), focus_x=0.0, focus_y=0.0,
        ai_generation_id=gen.id, ai_candidate_id=cand.id)

    async def flush() -> None:
        session.add(row)
        await session.flush()

    await media_service._save_all(store, [(path, data), (thumb_path, thumb_data)], flush)
    cand.media_attachment_id = row.id
    return row


async def lineage(session: AsyncSession, viewer: Account | None, status_id: str | int,
                  ) -> tuple[list[Status], list[Status]]:
    """(ancestors, oldest first; descendants, level by level) of an AI post's remix family,
    only those the viewer may read."""
    viewer_id = viewer.id if viewer else None
    status = await posts_repo.get_readable(session, parse_id(status_id), viewer_id)
    if status is None:
        raise NotFound()
    up: list[int] = []
    seen = {status.id}
    cur = status.id
    for _ in range(MAX_LINEAGE):
        gen = await repo.generation_of_status(session, cur)
        if gen is None or gen.remix_of_status_id is None or gen.remix_of_status_id in seen:
            break
        cur = gen.remix_of_status_id
        seen.add(cur)
        up.append(cur)
    down: list[int] = []
    frontier = [status.id]
    for _ in range(MAX_LINEAGE):
        found = [i for i in await repo.remix_status_ids(session, frontier) if i not in seen]
        if not found:
            break
        seen.update(found)
        down += sorted(found)
        frontier = found
    ancestors = await posts_repo.readable_many(session, list(reversed(up)), viewer_id)
    descendants = await posts_repo.readable_many(session, down, viewer_id)
    return ancestors, descendants
