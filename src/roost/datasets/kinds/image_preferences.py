"""`image-preferences`: which of the generated candidates a person kept and which they passed over,
as pairs in the format of public preference datasets such as Pick-a-Pic (caption, image_0,
image_1, label_0, label_1), with the model and its parameters."""

from __future__ import annotations

import hashlib

import pyarrow as pa
from sqlalchemy import select

from roost.consent.rules import may_use
from roost.datasets.context import IMAGE, Config, Context, Row, chunks, image_struct
from roost.datasets.kinds import Kind
from roost.media import storage
from roost.models import Candidate, Event, Generation

SCHEMA = pa.schema([
    ("caption", pa.string()), ("image_0", IMAGE), ("image_1", IMAGE),
    ("label_0", pa.float32()), ("label_1", pa.float32()),
    ("generation_id", pa.string()), ("user", pa.string()), ("model", pa.string()),
    ("provider", pa.string()), ("style", pa.string()), ("aspect_ratio", pa.string()),
    ("seed_0", pa.int64()), ("seed_1", pa.int64()), ("created_at", pa.timestamp("us", tz="UTC")),
])
FIELDS = {
    "caption": "the prompt, personal data scrubbed",
    "image_0": "one candidate (a `datasets.Image()`)", "image_1": "the other candidate",
    "label_0": "1.0 when image_0 was chosen over image_1, else 0.0",
    "label_1": "1.0 when image_1 was chosen over image_0, else 0.0",
    "generation_id": "the generation on the instance", "user": "the person's pseudonym",
    "model": "the image model", "provider": "the provider that ran it",
    "style": "the style preset asked for, if any", "aspect_ratio": "e.g. 1:1",
    "seed_0": "the seed that drew image_0", "seed_1": "the seed that drew image_1",
    "created_at": "when the choice was made (UTC)",
}


def keys(event: Event) -> list[str]:
    return [f"pick:{event.seq}"]


async def rows(ctx: Context, items: list[str], to_seq: int) -> list[Row]:
    picks = await ctx.events_by_seq(int(k.split(":", 1)[1]) for k in items)
    latest: dict[str, Event] = {}  # a generation picked from twice: its last choice counts
    for e in sorted(picks.values(), key=lambda e: e.seq):
        latest[e.data["generation_id"]] = e
    await ctx.load_accounts(e.actor_id for e in latest.values())
    chosen = [e for e in latest.values()
              if ctx.allows(e.actor_id, "all") and may_use(e.consent or "none", "all")]
    gens: dict[int, Generation] = {}
    cands: dict[int, Candidate] = {}
    gen_ids = sorted(int(e.data["generation_id"]) for e in chosen)
    for part in chunks(gen_ids):
        gens.update((g.id, g) for g in (await ctx.session.scalars(
            select(Generation).where(Generation.id.in_(part)))).all())
        cands.update((c.id, c) for c in (await ctx.session.scalars(
            select(Candidate).where(Candidate.generation_id.in_(part)))).all())
    await ctx.prepare_text(g.prompt for g in gens.values())
    store = storage.get_storage()
    images: dict[int, bytes | None] = {}

    def image(c: Candidate) -> bytes | None:
        if c.id not in images:
            path = store.local_file(c.file_path)
            images[c.id] = path.read_bytes() if path is not None else None
        return images[c.id]

    out: list[Row] = []
    for e in sorted(chosen, key=lambda e: e.seq):
        gen = gens.get(int(e.data["generation_id"]))
        if gen is None or gen.account_id != e.actor_id:
            continue
        caption = ctx.scrub(gen.prompt)
        for p in e.data["picked"]:
            for d in e.data["discarded"]:
                good, bad = cands.get(int(p)), cands.get(int(d))
                if good is None or bad is None or image(good) is None or image(bad) is None:
                    continue
                # which side the chosen image is on: fixed per pair and build, not always left
                flip = hashlib.sha256(f"{ctx.salt}:{good.id}:{bad.id}".encode()).digest()[0] & 1
                first, second = (bad, good) if flip else (good, bad)
                out.append(Row("default", f"pick:{e.seq}", (gen.account_id,), {
                    "caption": caption,
                    "image_0": image_struct(image(first), f"{first.id}.png"),
                    "image_1": image_struct(image(second), f"{second.id}.png"),
                    "label_0": 1.0 if first is good else 0.0,
                    "label_1": 1.0 if second is good else 0.0,
                    "generation_id": str(gen.id), "user": ctx.pseudonym(gen.account_id),
                    "model": gen.provider_model, "provider": gen.provider_name,
                    "style": gen.style, "aspect_ratio": gen.aspect_ratio,
                    "seed_0": first.seed, "seed_1": second.seed, "created_at": e.created_at},
                    at=e.created_at))
    return out


KIND = Kind(
    name="image-preferences", needs="all",
    summary="Pairs of generated images, the one a person chose and one they passed over.",
    consent=("The person who generated and chose allows `all` (picks, feedback and annotations) "
             "when the dataset is built, allowed it when they chose (the event's recorded "
             "consent), and their account is neither deleted nor suspended."),
    types=("ai.candidates_picked",),
    configs=(Config("default", SCHEMA, FIELDS, rows_per_file=2_000),),
    keys=keys, rows=rows, task_categories=("text-to-image",))
