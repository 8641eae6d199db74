"""`image-text`: the images of consented public posts with their alt text, or the prompt that
generated them."""

from __future__ import annotations

import pyarrow as pa
from sqlalchemy import select

from roost.datasets.context import IMAGE, Config, Context, Row, chunks, image_struct
from roost.datasets.kinds import Kind
from roost.kit.ids import parse_id
from roost.media import storage
from roost.models import Event, Generation, MediaAttachment

SCHEMA = pa.schema([
    ("image", IMAGE), ("text", pa.string()), ("text_source", pa.string()),
    ("media_id", pa.string()), ("status_id", pa.string()), ("author", pa.string()),
    ("language", pa.string()), ("width", pa.int32()), ("height", pa.int32()),
    ("content_type", pa.string()), ("ai_generated", pa.bool_()),
])
FIELDS = {
    "image": "the image (a `datasets.Image()`: its bytes and a file name)",
    "text": "its alt text, or for an AI image without one the prompt, scrubbed",
    "text_source": "`alt` or `prompt`", "media_id": "the attachment's id on the instance",
    "status_id": "the post it belongs to", "author": "the author's pseudonym in this build",
    "language": "the post's language", "width": "pixels", "height": "pixels",
    "content_type": "the file's media type",
    "ai_generated": "whether Roost generated it (its prompt is then known)",
}


def keys(event: Event) -> list[str]:
    return [f"media:{m}" for m in event.data.get("media_ids") or []]


async def rows(ctx: Context, items: list[str], to_seq: int) -> list[Row]:
    ids = sorted({i for i in (parse_id(k.split(":", 1)[1]) for k in items) if i is not None})
    media: list[MediaAttachment] = []
    for part in chunks(ids):
        media += (await ctx.session.scalars(select(MediaAttachment).where(
            MediaAttachment.id.in_(part), MediaAttachment.type == "image"))).all()
    await ctx.load_statuses(m.status_id for m in media if m.status_id)
    media = [m for m in media if m.status_id and ctx.post_usable(m.status_id)]
    prompts: dict[int, str] = {}
    gen_ids = sorted({m.ai_generation_id for m in media if m.ai_generation_id})
    for part in chunks(gen_ids):
        prompts.update((await ctx.session.execute(
            select(Generation.id, Generation.prompt).where(Generation.id.in_(part)))).all())
    await ctx.prepare_text([m.description or "" for m in media] + list(prompts.values()))
    store = storage.get_storage()
    out: list[Row] = []
    for m in sorted(media, key=lambda m: m.id):
        text, source = m.description, "alt"
        if not (text or "").strip() and m.ai_generation_id in prompts:
            text, source = prompts[m.ai_generation_id], "prompt"
        path = store.local_file(m.file_path)
        if not (text or "").strip() or path is None or not path.is_file():
            continue
        status = ctx.status(m.status_id)
        out.append(Row("default", f"media:{m.id}", (status.account_id,), {
            "image": image_struct(path.read_bytes(), f"{m.id}.{m.file_path.rsplit('.', 1)[-1]}"),
            "text": ctx.scrub(text), "text_source": source, "media_id": str(m.id),
            "status_id": str(status.id), "author": ctx.pseudonym(status.account_id),
            "language": status.language, "width": m.width, "height": m.height,
            "content_type": m.content_type, "ai_generated": m.ai_generation_id is not None},
            at=status.created_at))
    return out


KIND = Kind(
    name="image-text", needs="public_posts",
    summary="Images from consented public posts with their alt text or generation prompt.",
    consent=("The post carrying the image passes the `posts` test: public, not excluded, not "
             "deleted, by an active author who allows `public_posts` (or `all`) at build time. "
             "Images without alt text or prompt are left out."),
    types=("post.created", "post.edited"),
    configs=(Config("default", SCHEMA, FIELDS, rows_per_file=2_000),),
    keys=keys, rows=rows, task_categories=("image-to-text", "text-to-image"))
