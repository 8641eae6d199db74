"""`posts`: consented public posts with their language, thread context and engagement counts.
Exact and near-duplicate texts are removed (datasets/dedup.py); the earliest post is kept."""

from __future__ import annotations

import pyarrow as pa
from sqlalchemy import select

from roost.datasets import dedup
from roost.datasets.context import Config, Context, Row, chunks
from roost.datasets.kinds import Kind
from roost.kit.ids import parse_id
from roost.models import Event, MediaAttachment, StatusTag, Tag

SCHEMA = pa.schema([
    ("id", pa.string()), ("text", pa.string()), ("spoiler_text", pa.string()),
    ("language", pa.string()), ("created_at", pa.timestamp("us", tz="UTC")),
    ("author", pa.string()), ("reply_to_id", pa.string()), ("thread_id", pa.string()),
    ("parent_text", pa.string()), ("tags", pa.list_(pa.string())), ("has_media", pa.bool_()),
    ("edited", pa.bool_()), ("replies_count", pa.int32()), ("reblogs_count", pa.int32()),
    ("favourites_count", pa.int32()),
])
FIELDS = {
    "id": "the post's id on the instance (to honour later deletions, e.g. from the firehose)",
    "text": "the post's text as written (its latest edit), personal data scrubbed",
    "spoiler_text": "its content warning, scrubbed",
    "language": "ISO 639-1 code given by the author or client, if any",
    "created_at": "when it was posted (UTC)",
    "author": "the author's pseudonym in this build",
    "reply_to_id": "the post it replies to, when that post is in this build's scope (usable)",
    "thread_id": "the first post of its thread",
    "parent_text": "the text of the post it replies to, when that one may be used too",
    "tags": "its hashtags, lower case",
    "has_media": "whether it has attachments",
    "edited": "whether it was edited",
    "replies_count": "replies when built", "reblogs_count": "reposts when built",
    "favourites_count": "likes when built",
}


def keys(event: Event) -> list[str]:
    return [f"status:{event.data['status_id']}"]


async def rows(ctx: Context, items: list[str], to_seq: int) -> list[Row]:
    ids = sorted({i for i in (parse_id(k.split(":", 1)[1]) for k in items) if i is not None})
    await ctx.load_statuses(ids)
    usable = [ctx.status(i) for i in ids if ctx.post_usable(i)]
    await ctx.load_statuses(s.in_reply_to_id for s in usable if s.in_reply_to_id)
    texts = [s.text for s in usable] + [s.spoiler_text for s in usable]
    texts += [ctx.status(s.in_reply_to_id).text for s in usable
              if s.in_reply_to_id and ctx.post_usable(s.in_reply_to_id)]
    await ctx.prepare_text(texts)
    tags = await _tags(ctx, [s.id for s in usable])
    media = await _with_media(ctx, [s.id for s in usable])
    out: list[Row] = []
    scrubbed = [ctx.scrub(s.text) for s in usable]
    drop = dedup.duplicates(scrubbed)  # in id order: the earliest of a group stays
    for n, s in enumerate(usable):
        if n in drop:
            continue
        parent = s.in_reply_to_id if ctx.post_usable(s.in_reply_to_id) else None
        out.append(Row("default", f"status:{s.id}", (s.account_id,), {
            "id": str(s.id), "text": scrubbed[n], "spoiler_text": ctx.scrub(s.spoiler_text),
            "language": s.language, "created_at": s.created_at, "author": ctx.pseudonym(s.account_id),
            "reply_to_id": str(parent) if parent else None,
            "thread_id": str(s.thread_id) if s.thread_id else None,
            "parent_text": ctx.scrub(ctx.status(parent).text) if parent else None,
            "tags": tags.get(s.id, []), "has_media": s.id in media, "edited": s.edited_at is not None,
            "replies_count": s.replies_count, "reblogs_count": s.reblogs_count,
            "favourites_count": s.favourites_count}, at=s.created_at))
    return out


async def _tags(ctx: Context, ids: list[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for part in chunks(ids):
        for sid, name in (await ctx.session.execute(
                select(StatusTag.status_id, Tag.name).join(Tag, Tag.id == StatusTag.tag_id)
                .where(StatusTag.status_id.in_(part)).order_by(Tag.name))).all():
            out.setdefault(sid, []).append(name)
    return out


async def _with_media(ctx: Context, ids: list[int]) -> set[int]:
    out: set[int] = set()
    for part in chunks(ids):
        out |= set((await ctx.session.scalars(select(MediaAttachment.status_id).where(
            MediaAttachment.status_id.in_(part)))).all())
    return out


KIND = Kind(
    name="posts", needs="public_posts",
    summary="Public posts whose authors consented, with language, thread context and engagement.",
    consent=("Each post's author allows `public_posts` (or `all`) when the dataset is built; the "
             "post is public, not excluded from training, not deleted, and its author's account is "
             "neither deleted nor suspended. Replies keep their parent's text only when the parent "
             "passes the same test."),
    types=("post.created", "post.edited"), configs=(Config("default", SCHEMA, FIELDS),),
    keys=keys, rows=rows, task_categories=("text-generation",), deduplicated=True)
