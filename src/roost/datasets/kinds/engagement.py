"""`engagement`: each post a feed served to a person, at which position and from which feed, joined
with what that person did with it within ENGAGEMENT_WINDOW: like, reply, repost, open, show
more, show less. The training set for feed ranking."""

from __future__ import annotations

from datetime import timedelta

import pyarrow as pa

from roost.consent.rules import may_use
from roost.datasets.context import Config, Context, Row
from roost.datasets.kinds import Kind
from roost.models import Event

ENGAGEMENT_WINDOW = timedelta(hours=24)
OUTCOMES = ("post.liked", "post.reposted", "post.created", "status.opened", "status.feedback")

SCHEMA = pa.schema([
    ("viewer", pa.string()), ("status_id", pa.string()), ("author", pa.string()),
    ("text", pa.string()), ("language", pa.string()), ("feed", pa.string()),
    ("position", pa.int32()), ("surface", pa.string()),
    ("shown_at", pa.timestamp("us", tz="UTC")), ("liked", pa.bool_()), ("replied", pa.bool_()),
    ("reposted", pa.bool_()), ("opened", pa.bool_()), ("show_more", pa.bool_()),
    ("show_less", pa.bool_()),
])
FIELDS = {
    "viewer": "the person the feed was served to (pseudonym)", "status_id": "the post shown",
    "author": "its author's pseudonym", "text": "its text, scrubbed", "language": "its language",
    "feed": "home, public, local, tag:NAME, list:ID, ...",
    "position": "0 is the top of the feed; null when the page's place was not known",
    "surface": "`api` or `web`", "shown_at": "when the page was served (UTC)",
    "liked": "the viewer liked it within 24 hours", "replied": "replied to it within 24 hours",
    "reposted": "reposted it within 24 hours", "opened": "opened its thread or an image",
    "show_more": "asked for more like it (and did not take it back)",
    "show_less": "asked for less like it (and did not take it back)",
}


def keys(event: Event) -> list[str]:
    return [f"impression:{event.seq}"]


def _target(e: Event) -> str | None:
    if e.type == "post.created":
        return e.data.get("in_reply_to_id")
    return e.data.get("status_id")


async def rows(ctx: Context, items: list[str], to_seq: int) -> list[Row]:
    shown = await ctx.events_by_seq(int(k.split(":", 1)[1]) for k in items)
    await ctx.load_accounts(e.actor_id for e in shown.values())
    shown = {s: e for s, e in shown.items()
             if ctx.allows(e.actor_id, "all") and may_use(e.consent or "none", "all")}
    await ctx.load_statuses(int(i) for e in shown.values() for i in e.data["status_ids"])
    after = min(shown, default=0)
    # what each viewer did afterwards, per post: {(viewer, status id): [events]}
    followed: dict[tuple[int, str], list[Event]] = {}
    for e in await ctx.events_of(OUTCOMES, after=after, upto=to_seq, actors={
            e.actor_id for e in shown.values()}):
        target = _target(e)
        if target:
            followed.setdefault((e.actor_id, target), []).append(e)
    await ctx.prepare_text(s.text for s in ctx.statuses.values() if s is not None)
    out: list[Row] = []
    for seq, e in sorted(shown.items()):
        viewer = e.actor_id
        for n, sid in enumerate(e.data["status_ids"]):
            if not ctx.post_usable(int(sid)):
                continue
            status = ctx.status(int(sid))
            then = [f for f in followed.get((viewer, sid), ())
                    if f.seq > seq and f.created_at <= e.created_at + ENGAGEMENT_WINDOW]
            signal = None  # the last show more / less that was not taken back
            for f in then:
                if f.type == "status.feedback":
                    signal = None if f.data.get("undone") else f.data.get("signal")
            out.append(Row("default", f"impression:{seq}", (viewer, status.account_id), {
                "viewer": ctx.pseudonym(viewer), "status_id": sid,
                "author": ctx.pseudonym(status.account_id), "text": ctx.scrub(status.text),
                "language": status.language, "feed": e.data["feed"],
                "position": start + n if (start := e.data.get("first_position", 0)) >= 0 else None,
                "surface": e.data.get("surface", "api"), "shown_at": e.created_at,
                "liked": any(f.type == "post.liked" for f in then),
                "replied": any(f.type == "post.created" for f in then),
                "reposted": any(f.type == "post.reposted" for f in then),
                "opened": any(f.type == "status.opened" for f in then),
                "show_more": signal == "more", "show_less": signal == "less"}, at=e.created_at))
    return out


KIND = Kind(
    name="engagement", needs="all",
    summary="Posts served in feeds, with position and what the viewer did next: for ranking.",
    consent=("The viewer allows `all` when the dataset is built and did when the feed was served "
             "(the impression's recorded consent); each post shown passes the `posts` test "
             "(public, not excluded, not deleted, its author allows `public_posts`). Posts that "
             "do not are left out of the row set, not just blanked."),
    types=("feed.impression",), configs=(Config("default", SCHEMA, FIELDS),),
    keys=keys, rows=rows, task_categories=("tabular-classification",))
