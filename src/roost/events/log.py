"""Append typed events to the log inside the caller's transaction.

`record()` buffers rows on the session; they are inserted at the very end of the transaction, just
before COMMIT (a SQLAlchemy before-commit listener, so no commit path can skip them). On
PostgreSQL the insert first takes a transaction-scoped advisory lock, held until the commit is
visible, so sequence numbers become visible in the order they were assigned: a reader that has
seen seq N will never later find a smaller one appear. SQLite has one writer at a time, which gives
the same guarantee. A rolled-back transaction writes nothing.

Each row also carries `consent`, the actor's training consent when it was recorded: taken from a
per-session cache (`remember_consent`, which the consent service fills when it changes a level),
else from the actor's Account already loaded in the session, the rest batch-loaded in one query at
flush time, never one query per event.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from sqlalchemy import delete, event, func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, SessionTransaction

from roost import runtime
from roost.db import after_commit
from roost.events.schemas import EventData
from roost.jobs import every, job
from roost.kit.clock import utcnow
from roost.models.accounts import Account
from roost.models.events import Event

log = logging.getLogger("roost.events")

EVENT_LOG_LOCK = 7_300_001  # advisory lock key that orders event-log writers on PostgreSQL

Listener = Callable[[list[dict]], Awaitable[None]]
_listeners: list[Listener] = []


def subscribe(listener: Listener) -> None:
    """Be told, after each commit, about the events it wrote (realtime and firehose hook in here)."""
    if listener not in _listeners:
        _listeners.append(listener)


def unsubscribe(listener: Listener) -> None:
    if listener in _listeners:
        _listeners.remove(listener)


def record(session: AsyncSession, data: EventData, *, actor_id: int | None,
           subject_id: int | None = None, public: bool = False) -> None:
    """Append `data` to the log when this unit of work commits. `actor_id` is the account that
    caused it (None for the system), `subject_id` the main row it is about, `public` whether it may
    appear in public feeds such as the firehose."""
    if not session.sync_session.in_transaction():
        session.sync_session.begin()  # no I/O; ties the buffer to this transaction's outcome
    buffer: list[dict] = session.info.setdefault("events", [])
    buffer.append({
        "type": data.type,
        "actor_id": actor_id,
        "subject_id": subject_id,
        "public": public,
        "data": data.model_dump(mode="json"),
        "created_at": utcnow(),
    })


def remember_consent(session: AsyncSession, account_id: int, level: str) -> None:
    """The actor's training consent from now on in this unit of work, for the events it records."""
    session.info.setdefault("consent_levels", {})[account_id] = level


def _fill_consent(session: Session, rows: list[dict]) -> None:
    known: dict[int, str] = session.info.pop("consent_levels", None) or {}
    missing = {r["actor_id"] for r in rows if r["actor_id"] is not None} - set(known)
    for account_id in list(missing):  # the actor is usually loaded already (its token's account)
        loaded = session.identity_map.get(Account.__mapper__.identity_key_from_primary_key((account_id,)))
        if loaded is not None and "training_consent" in loaded.__dict__:
            known[account_id] = loaded.training_consent
            missing.discard(account_id)
    if missing:
        result = session.execute(select(Account.id, Account.training_consent)
                                 .where(Account.id.in_(sorted(missing))))
        known = {**dict(result.all()), **known}
    for row in rows:
        row["consent"] = known.get(row["actor_id"]) if row["actor_id"] is not None else None


@event.listens_for(Session, "before_commit")
def _write_buffered(session: Session) -> None:
    """Runs inside the async session's greenlet, so it may execute SQL synchronously."""
    if session.in_nested_transaction():  # a SAVEPOINT release: the outer commit writes them
        return
    rows: list[dict] = session.info.pop("events", None) or []
    if not rows:
        return
    _fill_consent(session, rows)
    if session.bind.dialect.name == "postgresql":  # type: ignore[union-attr]
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": EVENT_LOG_LOCK})
    result = session.execute(insert(Event).returning(Event.seq, sort_by_parameter_order=True), rows)
    for row, (seq,) in zip(rows, result.all(), strict=True):
        row["seq"] = seq
    if _listeners:
        async def announce() -> None:
            for listener in list(_listeners):
                try:
                    await listener(rows)
                except Exception:
                    log.exception("event listener failed")

        after_commit(session, announce)  # type: ignore[arg-type] - only .info is used


@event.listens_for(Session, "after_soft_rollback")
def _drop_buffered(session: Session, previous: SessionTransaction) -> None:
    if previous.parent is None:  # the whole unit of work was rolled back
        session.info.pop("events", None)
        session.info.pop("consent_levels", None)


async def prune(session: AsyncSession, *, older_than: datetime) -> int:
    """Delete the oldest events, those recorded before `older_than`, always as a prefix of the
    log (up to the newest such seq), so readers never see a hole in the middle."""
    upto = await session.scalar(select(func.max(Event.seq)).where(Event.created_at < older_than))
    if upto is None:
        return 0
    result = await session.execute(delete(Event).where(Event.seq <= upto))
    return result.rowcount


@job("events.prune")
async def prune_old(session: AsyncSession) -> None:
    days = runtime.settings().event_retention_days
    if days > 0:
        await prune(session, older_than=utcnow() - timedelta(days=days))


every(24 * 3600, "events.prune")
