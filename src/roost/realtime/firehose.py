"""The public firehose: every public event of the log, in order, resumable from a cursor.

A consumer gives the last `seq` it handled (`cursor`, exclusive) and gets every public event after
it, then waits for new ones. Everything is read from the event log by sequence number, never from
a notification's payload: the log's ordering guarantee (events/log.py: a reader that has seen seq N
never later finds a smaller one appear) makes "seq > cursor" exact, so nothing is lost or repeated
across reconnects and restarts. A commit in this process wakes the tails at once; events written by
other processes (a `roost worker`) are found by polling every `firehose_poll_seconds`.

Messages (one JSON object each): `{"seq", "type", "created_at", "account", "data"}`, plus
`"tombstone": {"kind", "id"}` on deletions; `{"type": "heartbeat", "seq": N}` every
`firehose_heartbeat_seconds` (N: the position reached, a valid cursor even when filters hid the
events up to it); `{"type": "disconnect", "reason", "seq"}` last, when the server ends the stream.
See docs/subsystems/firehose.md."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from roost import events
from roost.events.schemas import REGISTRY
from roost.kit.errors import Invalid
from roost.models import Account, Note
from roost.models.events import Event
from roost.models.posts import Status

PAGE = 200  # events read per query

# Deletions, as tombstones: the kind of thing removed and the data field naming it.
TOMBSTONES = {"post.deleted": ("status", "status_id"), "account.deleted": ("account", "account_id"),
              "post.unreposted": ("repost", "repost_id"), "note.deleted": ("note", "note_id")}
# Account lifecycle events a moderator may cause: their `account` is the account concerned
# (the subject), so who moderated is not published.
ABOUT_SUBJECT = ("account.approved", "account.suspended", "account.deleted")
# Events that carry a post's text (or the prompt of its images): (the post's id field, the text
# field). Replayed after the post was deleted, the text is withheld.
WITH_TEXT = {"post.created": ("status_id", "text"), "post.edited": ("status_id", "text"),
             "ai.generation_posted": ("status_id", "prompt")}
# The same for a note's text, once the note is deleted (roost.notes).
WITH_NOTE_TEXT = {"note.created": "note_id"}


@dataclass(frozen=True)
class Filters:
    types: tuple[str, ...] | None = None
    account_id: int | None = None


def parse_filters(types: str | None, account_id: str | None) -> Filters:
    """`types`: comma-separated event types (each must exist); `account_id`: the acting account."""
    wanted: tuple[str, ...] | None = None
    if types:
        wanted = tuple(sorted({t.strip() for t in types.split(",") if t.strip()}))
        unknown = [t for t in wanted if t not in REGISTRY]
        if unknown:
            raise Invalid(f"Validation failed: unknown event type {unknown[0]}")
    actor: int | None = None
    if account_id:
        if not account_id.isdigit():
            raise Invalid("Validation failed: account_id must be an id")
        actor = int(account_id)
    return Filters(wanted, actor)


def parse_cursor(cursor: str | None) -> int | None:
    """None: start from now. Otherwise the last seq handled (0: from the oldest kept event)."""
    if cursor is None or cursor == "":
        return None
    if not cursor.isdigit():
        raise Invalid("Validation failed: cursor must be a sequence number")
    return int(cursor)


async def head(session: AsyncSession) -> int:
    return await events.latest_seq(session)


async def read_page(session: AsyncSession, cursor: int, filters: Filters,
                    limit: int = PAGE) -> tuple[list[dict], int]:
    """The public events after `cursor` matching `filters` (at most `limit`), as messages, and the
    position reached: the new cursor, past events the filters hid."""
    top = await head(session)
    if top <= cursor:
        return [], cursor
    key = (_database_token(session), cursor, top, filters, limit)
    hit = _pages.get(key)
    if hit is not None and hit[0] > time.monotonic():
        return hit[1], hit[2]
    stmt = (select(Event.seq, Event.type, Event.actor_id, Event.subject_id, Event.data,
                   Event.created_at).where(Event.seq > cursor, Event.seq <= top, Event.public.is_(True))
            .order_by(Event.seq).limit(max(1, limit)))
    if filters.types is not None:
        stmt = stmt.where(Event.type.in_(filters.types))
    if filters.account_id is not None:
        stmt = stmt.where(or_(
            and_(Event.actor_id == filters.account_id, Event.type.not_in(ABOUT_SUBJECT)),
            and_(Event.subject_id == filters.account_id, Event.type.in_(ABOUT_SUBJECT))))
    rows = list((await session.execute(stmt)).all())
    position = rows[-1].seq if len(rows) >= limit else top
    messages = await _messages(session, rows)
    if len(_pages) >= PAGES_KEPT:
        _pages.clear()
    _pages[key] = (time.monotonic() + PAGE_TTL, messages, position)
    return messages, position


# Consumers at the same place (many tails following the head, or catching up together) share
# their pages for a moment: the events up to `top` never change, and names or deletions a second
# old are as good as new. Callers must not modify the messages.
_pages: dict[tuple, tuple[float, list[dict], int]] = {}
PAGE_TTL, PAGES_KEPT = 2.0, 256


_tokens = itertools.count(1)


def _database_token(session: AsyncSession) -> int:
    """A number for the session's Database, unique in this process (tests run several)."""
    db = session.info.get("db")
    if db is None:
        return 0
    token = getattr(db, "_firehose_token", None)
    if token is None:
        token = db._firehose_token = next(_tokens)
    return token


async def _messages(session: AsyncSession, rows: list) -> list[dict]:
    actor_ids = {_account_of(r) for r in rows} - {None}
    accounts: dict[int, dict] = {}
    if actor_ids:
        for id_, username in (await session.execute(
                select(Account.id, Account.username).where(Account.id.in_(actor_ids)))).all():
            accounts[id_] = {"id": str(id_), "username": username, "acct": username}
    status_ids = {int(r.data[WITH_TEXT[r.type][0]]) for r in rows if r.type in WITH_TEXT}
    gone: set[int] = set()
    if status_ids:
        gone = set((await session.scalars(select(Status.id).where(
            Status.id.in_(status_ids), Status.deleted_at.is_not(None)))).all())
    note_ids = {int(r.data[WITH_NOTE_TEXT[r.type]]) for r in rows if r.type in WITH_NOTE_TEXT}
    notes_gone: set[int] = set()
    if note_ids:
        notes_gone = set((await session.scalars(select(Note.id).where(
            Note.id.in_(note_ids), Note.deleted_at.is_not(None)))).all())
    out = []
    for r in rows:
        data = r.data
        if r.type in WITH_TEXT:
            id_field, text_field = WITH_TEXT[r.type]
            if int(data[id_field]) in gone and data.get(text_field):
                data = {**data, text_field: ""}  # deleted since: the text is not handed on
        if (r.type in WITH_NOTE_TEXT and int(data[WITH_NOTE_TEXT[r.type]]) in notes_gone
                and data.get("text")):
            data = {**data, "text": ""}
        msg = {"seq": r.seq, "type": r.type, "created_at": _iso(r.created_at),
               "account": accounts.get(_account_of(r)),  # type: ignore[arg-type]
               "data": data}
        if r.type in TOMBSTONES:
            kind, key = TOMBSTONES[r.type]
            msg["tombstone"] = {"kind": kind, "id": data[key]}
        out.append(msg)
    return out


def _account_of(row) -> int | None:  # noqa: ANN001 - an Event row
    return row.subject_id if row.type in ABOUT_SUBJECT else row.actor_id


def _iso(value) -> str:  # noqa: ANN001
    return value.isoformat().replace("+00:00", "Z")


# --- waking live tails -------------------------------------------------------------------------

_waiting: set[asyncio.Event] = set()


async def _on_commit(rows: list[dict]) -> None:
    """Told by the event log after each commit in this process: wake the tails if anything public
    was written (they then read the log; the rows themselves are not trusted)."""
    if any(r.get("public") for r in rows):
        for ev in list(_waiting):
            ev.set()


events.subscribe(_on_commit)


# --- one consumer ------------------------------------------------------------------------------

@dataclass(eq=False)
class Consumer:
    """One open firehose: yields messages from `cursor`, then follows the log until ended."""

    db: object
    cursor: int | None
    filters: Filters
    heartbeat: float
    poll: float
    buffer: int
    delivered: int = 0  # the seq of the last event message sent, or the position of a heartbeat
    reason: str = "server stopping"
    gone: bool = False  # the consumer went away: nothing more is sent
    _wake: asyncio.Event = field(default_factory=asyncio.Event)
    _ended: bool = False

    def end(self, reason: str = "server stopping") -> None:
        """Make the stream finish (the server is stopping); called by Streams.end_all."""
        self.reason = reason
        self._ended = True
        self._wake.set()

    @property
    def ended(self) -> bool:
        return self._ended

    async def batches(self) -> AsyncIterator[list[dict]]:
        """Lists of messages to send together (at most `buffer` events read ahead). Once the
        caller asks for the next list, the previous one counts as delivered."""
        _waiting.add(self._wake)
        try:
            if self.cursor is None:
                async with self.db.read_session() as session:
                    self.cursor = await head(session)
            self.delivered = self.cursor
            yield [{"type": "heartbeat", "seq": self.cursor}]
            beat = time.monotonic() + self.heartbeat
            limit = min(PAGE, self.buffer)
            while not self._ended:
                self._wake.clear()
                async with self.db.read_session() as session:
                    page, position = await read_page(session, self.cursor, self.filters, limit)
                if page:
                    yield page
                    self.delivered = page[-1]["seq"]
                    if self._ended:
                        return
                caught_up = len(page) < limit
                self.cursor = position
                if time.monotonic() >= beat:
                    yield [{"type": "heartbeat", "seq": self.cursor}]
                    self.delivered = self.cursor
                    beat = time.monotonic() + self.heartbeat
                if not caught_up:
                    continue  # catching up: read on at once
                wait = max(0.0, min(self.poll, beat - time.monotonic()))
                try:
                    await asyncio.wait_for(self._wake.wait(), wait)
                except TimeoutError:
                    pass
        finally:
            _waiting.discard(self._wake)

    def farewell(self) -> dict:
        return {"type": "disconnect", "reason": self.reason, "seq": self.delivered}
