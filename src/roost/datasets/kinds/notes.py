"""`notes`: notes that add context to posts, with their ratings (helpful or not)."""

from __future__ import annotations

import pyarrow as pa

from roost.consent.rules import may_use
from roost.datasets.context import Config, Context, Row
from roost.datasets.kinds import Kind
from roost.models import Event

RATING = pa.struct([("rater", pa.string()), ("helpful", pa.bool_()), ("reason", pa.string())])
SCHEMA = pa.schema([
    ("note_id", pa.string()), ("text", pa.string()), ("author", pa.string()),
    ("status_id", pa.string()), ("status_text", pa.string()),
    ("created_at", pa.timestamp("us", tz="UTC")), ("ratings", pa.list_(RATING)),
    ("helpful", pa.int32()), ("not_helpful", pa.int32()),
])
FIELDS = {
    "note_id": "the note on the instance", "text": "the note, personal data scrubbed",
    "author": "the note author's pseudonym",
    "status_id": "the post it is about, when that post may be used (else null)",
    "status_text": "that post's text, when it may be used",
    "created_at": "when the note was written (UTC)",
    "ratings": "each rater's last rating {rater, helpful, reason}, from raters who allow `all`",
    "helpful": "ratings saying helpful", "not_helpful": "ratings saying not helpful",
}


def keys(event: Event) -> list[str]:
    return [f"note:{event.seq}"]


async def rows(ctx: Context, items: list[str], to_seq: int) -> list[Row]:
    created = await ctx.events_by_seq(int(k.split(":", 1)[1]) for k in items)
    notes = {e.data["note_id"]: e for e in created.values()}
    later = await ctx.events_of(["note.deleted", "note.rated"], after=min(created, default=0),
                                upto=to_seq)
    deleted = {e.data["note_id"] for e in later if e.type == "note.deleted"}
    ratings: dict[str, dict[int, Event]] = {}
    for e in later:
        if e.type == "note.rated" and e.data["note_id"] in notes:
            ratings.setdefault(e.data["note_id"], {})[e.actor_id] = e  # the last one counts
    await ctx.load_accounts([e.actor_id for e in notes.values()]
                            + [a for r in ratings.values() for a in r])
    await ctx.load_statuses(int(e.data["status_id"]) for e in notes.values())
    await ctx.prepare_text([e.data["text"] for e in notes.values()]
                           + [s.text for s in ctx.statuses.values() if s is not None]
                           + [r.data.get("reason") or "" for rs in ratings.values()
                              for r in rs.values()])
    out: list[Row] = []
    for e in sorted(notes.values(), key=lambda e: e.seq):
        if e.data["note_id"] in deleted or not ctx.allows(e.actor_id, "all") \
                or not may_use(e.consent or "none", "all"):
            continue
        kept = [r for rater, r in sorted(ratings.get(e.data["note_id"], {}).items())
                if not r.data.get("removed") and ctx.allows(rater, "all")
                and may_use(r.consent or "none", "all")]
        sid = int(e.data["status_id"])
        usable = ctx.post_usable(sid)
        out.append(Row("default", f"note:{e.seq}", (e.actor_id, *(r.actor_id for r in kept)), {
            "note_id": e.data["note_id"], "text": ctx.scrub(e.data["text"]),
            "author": ctx.pseudonym(e.actor_id), "status_id": str(sid) if usable else None,
            "status_text": ctx.scrub(ctx.status(sid).text) if usable else None,
            "created_at": e.created_at,
            "ratings": [{"rater": ctx.pseudonym(r.actor_id), "helpful": bool(r.data["helpful"]),
                         "reason": ctx.scrub(r.data.get("reason")) or None} for r in kept],
            "helpful": sum(1 for r in kept if r.data["helpful"]),
            "not_helpful": sum(1 for r in kept if not r.data["helpful"])}, at=e.created_at))
    return out


KIND = Kind(
    name="notes", needs="all",
    summary="Notes adding context to posts, with helpful / not helpful ratings.",
    consent=("The note's author allows `all` (annotations) when the dataset is built and did when "
             "writing it (the event's recorded consent); deleted notes are left out; a rating is "
             "kept only if its rater allows `all` now and did when rating; the post's text is "
             "included only when the post passes the `posts` test."),
    types=("note.created",), configs=(Config("default", SCHEMA, FIELDS),),
    keys=keys, rows=rows, task_categories=("text-classification",))
