"""`conversations`: threads with the assistant as chat messages, people's ratings of its answers
as prompt/completion/label rows, and preference pairs where an answer was regenerated.

Three configs (subsets): `messages`, `feedback` and `preferences`."""

from __future__ import annotations

import re

import pyarrow as pa

from roost.consent.rules import may_use
from roost.datasets.context import Config, Context, Row
from roost.datasets.kinds import Kind
from roost.models import Event, Status

MAX_TURNS = 20
LEADING_MENTIONS = re.compile(r"^(?:\s*@[\w.@-]+)+\s*")
MESSAGE = pa.struct([("role", pa.string()), ("content", pa.string())])
TS = pa.timestamp("us", tz="UTC")

MESSAGES = pa.schema([
    ("id", pa.string()), ("messages", pa.list_(MESSAGE)), ("user", pa.string()),
    ("model", pa.string()), ("provider", pa.string()), ("kind", pa.string()),
    ("created_at", TS),
])
FEEDBACK = pa.schema([
    ("prompt", pa.string()), ("completion", pa.string()), ("label", pa.bool_()),
    ("reason", pa.string()), ("rater", pa.string()), ("user", pa.string()),
    ("reply_id", pa.string()), ("created_at", TS),
])
PREFERENCES = pa.schema([
    ("prompt", pa.string()), ("chosen", pa.string()), ("rejected", pa.string()),
    ("user", pa.string()), ("model", pa.string()), ("provider", pa.string()),
    ("reply_id", pa.string()), ("created_at", TS),
])
CONFIGS = (
    Config("messages", MESSAGES, {
        "id": "the assistant's answer (a post id on the instance)",
        "messages": "the thread up to that answer: {role: user | assistant, content}, oldest first",
        "user": "the asker's pseudonym", "model": "the model that answered",
        "provider": "the provider that ran it", "kind": "`text` or `image`",
        "created_at": "when it answered (UTC)"}),
    Config("feedback", FEEDBACK, {
        "prompt": "the question", "completion": "the assistant's answer",
        "label": "true: rated helpful; false: not helpful",
        "reason": "the reason given with the rating, if any, scrubbed",
        "rater": "the rater's pseudonym", "user": "the asker's pseudonym",
        "reply_id": "the answer's post id", "created_at": "when it was rated (UTC)"}),
    Config("preferences", PREFERENCES, {
        "prompt": "the question", "chosen": "the answer kept after regenerating",
        "rejected": "the answer that was replaced", "user": "the asker's pseudonym",
        "model": "the model", "provider": "the provider", "reply_id": "the answer's post id",
        "created_at": "when it was regenerated (UTC)"}),
)
PREFIX = {"ai.assistant_replied": "reply", "ai.assistant_rated": "rating",
          "ai.assistant_regenerated": "regen"}


def keys(event: Event) -> list[str]:
    return [f"{PREFIX[event.type]}:{event.seq}"]


def _content(ctx: Context, status: Status) -> str:
    return ctx.scrub(LEADING_MENTIONS.sub("", status.text or "")).strip()


def _asked(ctx: Context, question_id: int | None, asker_id: int) -> bool:
    """The question may be used: a public, usable post by the asker, who allows `all`."""
    q = ctx.status(question_id)
    return (q is not None and q.account_id == asker_id and ctx.post_usable(q.id)
            and ctx.allows(asker_id, "all"))


async def rows(ctx: Context, items: list[str], to_seq: int) -> list[Row]:
    events = await ctx.events_by_seq(int(k.split(":", 1)[1]) for k in items)
    replied = [e for e in events.values() if e.type == "ai.assistant_replied"]
    rated = [e for e in events.values() if e.type == "ai.assistant_rated"]
    regens = [e for e in events.values() if e.type == "ai.assistant_regenerated"]
    # which question each rated answer answered
    answers = {int(e.data["reply_status_id"]): e for e in replied}
    for e in await ctx.events_about(["ai.assistant_replied"],
                                    [int(r.data["reply_status_id"]) for r in rated], upto=to_seq):
        answers[int(e.data["reply_status_id"])] = e
    # a rating counts only while it is the rater's last word on that answer
    later = await ctx.events_of(["ai.assistant_rated"], after=min((e.seq for e in rated), default=0),
                                upto=to_seq, actors={e.actor_id for e in rated})
    last = {(e.actor_id, e.data["reply_status_id"]): e.seq for e in later}
    rated = [e for e in rated if last.get((e.actor_id, e.data["reply_status_id"]), e.seq) == e.seq
             and e.data["rating"] in ("helpful", "not_helpful")]

    await ctx.load_accounts([int(e.data["asker_id"]) for e in answers.values()]
                            + [e.actor_id for e in rated + regens])
    await _load_threads(ctx, list(answers.values()) + regens)
    await ctx.prepare_text([s.text for s in ctx.statuses.values() if s is not None]
                           + [e.data.get("reason") or "" for e in rated]
                           + [e.data["text"] + " " + e.data["previous_text"] for e in regens])
    out: list[Row] = []
    for e in sorted(replied, key=lambda e: e.seq):
        asker = int(e.data["asker_id"])
        thread = _thread(ctx, int(e.data["reply_status_id"]), asker)
        if thread is None:
            continue
        messages = [{"role": "assistant" if s.account_id != asker else "user",
                     "content": _content(ctx, s)} for s in thread]
        out.append(Row("messages", f"reply:{e.seq}", (asker,), {
            "id": e.data["reply_status_id"], "messages": messages, "user": ctx.pseudonym(asker),
            "model": e.data["model"], "provider": e.data["provider"], "kind": e.data["kind"],
            "created_at": e.created_at}, at=e.created_at))
    for e in sorted(rated, key=lambda e: e.seq):
        answer = answers.get(int(e.data["reply_status_id"]))
        if answer is None or not ctx.allows(e.actor_id, "all") \
                or not may_use(e.consent or "none", "all"):
            continue
        asker = int(answer.data["asker_id"])
        question, reply = (ctx.status(int(answer.data["question_status_id"])),
                           ctx.status(int(answer.data["reply_status_id"])))
        if not _asked(ctx, int(answer.data["question_status_id"]), asker) \
                or reply is None or reply.deleted_at is not None:
            continue
        out.append(Row("feedback", f"rating:{e.seq}", (asker, e.actor_id), {
            "prompt": _content(ctx, question), "completion": _content(ctx, reply),
            "label": e.data["rating"] == "helpful",
            "reason": ctx.scrub(e.data.get("reason")) or None, "rater": ctx.pseudonym(e.actor_id),
            "user": ctx.pseudonym(asker), "reply_id": e.data["reply_status_id"],
            "created_at": e.created_at}, at=e.created_at))
    for e in sorted(regens, key=lambda e: e.seq):
        asker = e.actor_id
        if not may_use(e.consent or "none", "all") \
                or not _asked(ctx, int(e.data["question_status_id"]), asker):
            continue
        question = ctx.status(int(e.data["question_status_id"]))
        out.append(Row("preferences", f"regen:{e.seq}", (asker,), {
            "prompt": _content(ctx, question),
            "chosen": ctx.scrub(LEADING_MENTIONS.sub("", e.data["text"])).strip(),
            "rejected": ctx.scrub(LEADING_MENTIONS.sub("", e.data["previous_text"])).strip(),
            "user": ctx.pseudonym(asker), "model": e.data["model"], "provider": e.data["provider"],
            "reply_id": e.data["reply_status_id"], "created_at": e.created_at}, at=e.created_at))
    return out


async def _load_threads(ctx: Context, events: list[Event]) -> None:
    """The answers, their questions and the thread above them, one level per query."""
    frontier = {int(e.data[k]) for e in events for k in ("reply_status_id", "question_status_id")
                if e.data.get(k)}
    for _ in range(MAX_TURNS):
        await ctx.load_statuses(frontier)
        frontier = {s.in_reply_to_id for s in (ctx.status(i) for i in frontier)
                    if s is not None and s.in_reply_to_id and s.in_reply_to_id not in ctx.statuses}
        if not frontier:
            return


def _thread(ctx: Context, reply_id: int, asker: int) -> list[Status] | None:
    """The answer and the alternating asker/assistant posts above it, oldest first; None when the
    answer or its question may not be used. The walk stops at a post by anyone else, or one of
    the asker's that may not be used."""
    reply = ctx.status(reply_id)
    if reply is None or reply.deleted_at is not None or not _asked(ctx, reply.in_reply_to_id, asker):
        return None
    thread = [reply, ctx.status(reply.in_reply_to_id)]
    while len(thread) < MAX_TURNS:
        above = ctx.status(thread[-1].in_reply_to_id)
        want_assistant = thread[-1].account_id == asker
        if above is None or above.deleted_at is not None:
            break
        if want_assistant and not ctx.is_assistant(above.account_id):
            break
        if not want_assistant and not _asked(ctx, above.id, asker):
            break
        thread.append(above)
    if ctx.is_assistant(thread[-1].account_id):  # a chat starts with the person
        thread.pop()
    return list(reversed(thread))


KIND = Kind(
    name="conversations", needs="all",
    summary=("Threads with the assistant as chat messages, ratings of its answers, and "
             "preference pairs from regenerated answers."),
    consent=("The person who asked allows `all` when the dataset is built and every one of their "
             "posts in the thread is public, not excluded and not deleted; a rating also needs "
             "the rater to allow `all`, now and when they rated (the event's recorded consent); "
             "a regenerated pair needs the asker's `all` now and when they regenerated. Leading "
             "@mentions are dropped from messages."),
    types=tuple(PREFIX), configs=CONFIGS, keys=keys, rows=rows,
    task_categories=("text-generation",))
