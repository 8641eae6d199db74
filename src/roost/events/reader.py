"""Reading the event log in order, cheaply: every read is a range scan of the primary key.

Keep the last `seq` you processed and ask for what comes after it. Sequence numbers only grow and
become visible in order (see log.py), so nothing will later appear behind your cursor; there may be
holes (a transaction that failed at COMMIT used its number), which are never filled.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from roost.db import Database
from roost.events.schemas import REGISTRY, EventData
from roost.models.events import Event


async def read_after(session: AsyncSession, seq: int, limit: int = 500, *,
                     types: Iterable[str] | None = None, public_only: bool = False) -> list[Event]:
    """Up to `limit` events with a sequence number above `seq`, oldest first. `types` keeps only
    those types; `public_only` keeps only events recorded as public (for public feeds)."""
    stmt = select(Event).where(Event.seq > seq).order_by(Event.seq).limit(max(1, limit))
    if types is not None:
        stmt = stmt.where(Event.type.in_(list(types)))
    if public_only:
        stmt = stmt.where(Event.public.is_(True))
    return list((await session.scalars(stmt)).all())


async def latest_seq(session: AsyncSession) -> int:
    """The newest sequence number, or 0 for an empty log (start here to read only new events)."""
    return (await session.scalar(select(func.max(Event.seq)))) or 0


async def iter_after(db: Database, seq: int, *, batch: int = 500,
                     types: Iterable[str] | None = None,
                     public_only: bool = False) -> AsyncIterator[Event]:
    """Every event after `seq` up to the newest at the time each batch is read, in order, one short
    read transaction per batch (exports, backfills). Resume from the last `seq` you handled."""
    types = list(types) if types is not None else None
    while True:
        async with db.session() as session:
            rows = await read_after(session, seq, batch, types=types, public_only=public_only)
        for row in rows:
            yield row
        if len(rows) < batch:
            return
        seq = rows[-1].seq


def parse(row: Event) -> EventData:
    """The typed payload of a stored event (raises if it no longer matches its schema)."""
    return REGISTRY[row.type].model_validate(row.data)
