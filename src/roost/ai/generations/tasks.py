"""`ai.generate`: draw a generation's images, stamp provenance, moderate, store the candidates.

Safe to run again: a retry after a crash first removes any candidates an earlier attempt left
(rows keyed by (generation, index)), so it never duplicates them; after MAX_ATTEMPTS crashed
attempts the generation fails. A cancelled or missing
generation is done. Candidates are drawn one at a time (candidate i with seed + i, as a batch
would), and the generation's state is read again between them, so cancelling a running
generation stops the drawing after the current image. All the drawing together is bounded by
ROOST_AI_GENERATION_TIMEOUT; past it the generation fails with a clear error (the provider's
thread finishes its current image on its own and is ignored). A ProviderError (a remote server
down, refusing, or answering nonsense; a local model that cannot load) fails the generation at
once with the provider's readable reason."""

from __future__ import annotations

import asyncio
import dataclasses
import io
import time

from PIL import Image
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from roost import events, runtime
from roost.ai import content_credentials, provenance, registry
from roost.ai.generations import repository as repo
from roost.ai.generations.service import GENERATE
from roost.ai.moderation.service import moderate_image
from roost.ai.providers.base import MAX_SEED, GeneratedImage, ImageRequest, ProviderError
from roost.db import after_commit, database_of
from roost.events import schemas as ev
from roost.jobs import job
from roost.kit.clock import utcnow
from roost.kit.ids import new_id
from roost.media import processing, storage
from roost.models import Account, Candidate, Generation

PREFIX = "generations"
MAX_ATTEMPTS = 3


@job(GENERATE, max_attempts=MAX_ATTEMPTS + 1, timeout=900.0)
async def generate(session: AsyncSession, generation_id: int) -> None:
    # The job's own unit of work is not touched until the images are drawn: on SQLite it takes
    # the write lock at its first statement, which would lock out every other writer (and the
    # step below) for the whole drawing. `running` is committed at once, in its own short unit of
    # work, so pollers see it.
    request = await _start(session, generation_id)
    if request is None:
        return
    settings = runtime.settings()
    failure = None
    try:
        images = await _draw(session, generation_id, request, settings.ai_generation_timeout)
    except ProviderError as exc:  # server down, refused, bad answer: the reason, no retry
        images, failure = None, str(exc)
    gen = await session.get(Generation, generation_id)
    if gen is None or gen.state != "running":  # cancelled meanwhile: keep nothing
        return
    if failure is not None:
        return _fail(gen, failure)
    if images is None:
        return _fail(gen, f"The image generator took longer than "
                          f"{settings.ai_generation_timeout:g} seconds")
    store = storage.get_storage()
    stale = await repo.delete_candidates(session, gen.id)  # left by a crashed attempt
    if stale:
        after_commit(session, _remover(store, stale))
    account = await session.get(Account, gen.account_id)
    shown: list[Candidate] = []
    refused = 0
    for index, image in enumerate(images):
        values = provenance.fields(generator=gen.provider_name, model=gen.provider_model,
                                   prompt=gen.prompt, seed=image.seed, instance=settings.domain)
        data = provenance.write_png(image.png, values)
        if content_credentials.enabled(settings):  # a signed C2PA manifest as well
            data = await asyncio.to_thread(content_credentials.sign, data, values, settings)
        candidate_id = new_id()
        verdict = await moderate_image(session, account, data, candidate_id)
        if verdict.decision == "refused":
            refused += 1
            continue
        shown.append(await _store(session, store, gen, candidate_id, index, image, data,
                                  verdict.decision == "sensitive"))
    gen.state, gen.finished_at = "done", utcnow()
    if not shown:
        gen.error = "Every image was refused by moderation"
    elif refused:
        gen.error = f"{refused} of {len(images)} images were refused by moderation"
    await session.flush()
    events.record(session, ev.AiCandidatesShown(
        generation_id=str(gen.id), account_id=str(gen.account_id),
        candidate_ids=[str(c.id) for c in shown], refused=refused),
        actor_id=gen.account_id, subject_id=gen.id)


async def _start(session: AsyncSession, generation_id: int) -> ImageRequest | None:
    """Mark the generation running (committed); None when there is nothing to draw."""
    async with database_of(session).unit_of_work() as own:
        gen = await own.get(Generation, generation_id)
        if gen is None or gen.state not in ("queued", "running"):
            return None
        if gen.attempts >= MAX_ATTEMPTS:  # every attempt died mid-way: stop, and say so
            _fail(gen, f"The image generator failed {MAX_ATTEMPTS} times")
            return None
        gen.state, gen.started_at, gen.attempts = "running", utcnow(), gen.attempts + 1
        return ImageRequest(gen.prompt, gen.n, gen.seed, gen.style, gen.aspect_ratio)


async def _draw(session: AsyncSession, generation_id: int, request: ImageRequest,
                timeout: float) -> list[GeneratedImage] | None:
    """The candidates, one provider call each; [] once cancelled, None past the timeout."""
    deadline = time.monotonic() + timeout
    images: list[GeneratedImage] = []
    for i in range(request.n):
        one = dataclasses.replace(request, n=1, seed=(request.seed + i) % (MAX_SEED + 1))
        try:
            images += await asyncio.wait_for(registry.generate_images(one, runtime.settings()),
                                             timeout=max(0.0, deadline - time.monotonic()))
        except TimeoutError:
            return None
        if i + 1 < request.n and await _state(session, generation_id) != "running":
            return []
    return images


async def _state(session: AsyncSession, generation_id: int) -> str | None:
    """The state as committed now (a fresh read, not this job's unit of work)."""
    async with database_of(session).read_session() as fresh:
        return await fresh.scalar(select(Generation.state).where(Generation.id == generation_id))


def _fail(gen: Generation, error: str) -> None:
    gen.state, gen.finished_at, gen.error = "failed", utcnow(), error


def _prepare(data: bytes) -> tuple[processing.Encoded, str]:
    with Image.open(io.BytesIO(data)) as im:
        im.load()
        still = im.convert("RGB")
    return processing._thumbnail(still), processing.blurhash_of(still)


async def _store(session: AsyncSession, store: storage.Storage, gen: Generation, candidate_id: int,
                 index: int, image: GeneratedImage, data: bytes, sensitive: bool) -> Candidate:
    """Write the stamped PNG as it is (metadata kept) and a thumbnail, then the row."""
    thumb, blurhash = await asyncio.to_thread(_prepare, data)
    dirs, token = storage._random_dirs()
    base = f"{PREFIX}/{dirs}/{gen.id}-{index}-{token}"
    path, thumb_path = f"{base}.png", f"{base}-small.{thumb.ext}"
    row = Candidate(id=candidate_id, generation_id=gen.id, index=index, seed=image.seed,
                    width=image.width, height=image.height, thumb_width=thumb.width,
                    thumb_height=thumb.height, content_type="image/png", file_path=path,
                    thumbnail_path=thumb_path, file_size=len(data), blurhash=blurhash,
                    sensitive=sensitive)
    await store.save(path, data)
    await store.save(thumb_path, thumb.data)
    session.add(row)
    return row


def _remover(store: storage.Storage, paths: list[str]):  # noqa: ANN202
    async def remove() -> None:
        for p in paths:
            await store.delete(p)
    return remove
