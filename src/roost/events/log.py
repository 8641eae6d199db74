"""Append typed events to the log inside the caller's transaction.

Rows are buffered on the session and inserted just before commit. On PostgreSQL the insert
takes a transaction-scoped advisory lock first, so sequence numbers become visible in the order
they were assigned: a reader that has seen seq N will never later find a smaller one appear.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from sqlalchemy import insert, text
from sqlalchemy.ext.asyncio import AsyncSession

from roost.db import after_commit, before_commit
from roost.events.schemas import EventData
from roost.kit.clock import utcnow
from roost.models.events import Event

log = logging.getLogger("roost.events")

EVENT_LOG_LOCK = 7_300_001  # advisory lock key that orders event-log writers on PostgreSQL

Listener = Callable[[list[dict]], Awaitable[None]]
_listeners: list[Listener] = []


def subscribe(listener: Listener) -> None:
    """Be told, after each commit, about the events it wrote (realtime and firehose hook in here)."""
    if listener not in _listeners:
        _listeners.append(listener)


def record(session: AsyncSession, data: EventData, *, actor_id: int | None,
           subject_id: int | None = None, public: bool = False) -> None:
    buffer: list[dict] = session.info.setdefault("events", [])
    buffer.append({
        "type": data.type,
        "actor_id": actor_id,
        "subject_id": subject_id,
        "public": public,
        "data": data.model_dump(mode="json"),
        "created_at": utcnow(),
    })
    before_commit(session, "events", _write_buffered)


async def _write_buffered(session: AsyncSession) -> None:
    rows: list[dict] = session.info.pop("events", [])
    if not rows:
        return
    if session.bind.dialect.name == "postgresql":  # type: ignore[union-attr]
        await session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": EVENT_LOG_LOCK})
    result = await session.execute(insert(Event).returning(Event.seq, sort_by_parameter_order=True), rows)
    seqs = [r[0] for r in result]
    for row, seq in zip(rows, seqs, strict=True):
        row["seq"] = seq
    if _listeners:
        async def announce() -> None:
            for listener in list(_listeners):
                try:
                    await listener(rows)
                except Exception:
                    log.exception("event listener failed")

        after_commit(session, announce)
