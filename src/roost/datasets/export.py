"""`roost datasets export-events`: the event log as Parquet, partitioned by day (Hive style:
OUT/events/day=YYYY-MM-DD/part-SEQ.parquet), for Spark, Ray, DuckDB or Polars when one machine
is not enough (docs/subsystems/datasets.md)."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from roost.db import Database
from roost.events.reader import iter_after

SCHEMA = pa.schema([
    ("seq", pa.int64()), ("type", pa.string()), ("actor_id", pa.int64()),
    ("subject_id", pa.int64()), ("public", pa.bool_()), ("consent", pa.string()),
    ("data", pa.string()), ("created_at", pa.timestamp("us", tz="UTC")),
])
FLUSH = 50_000


async def export_events(db: Database, out: Path, *, after: int = 0) -> tuple[int, int]:
    """Write every event after `after`; returns (events, last seq). `data` is the event's JSON.
    Each file holds one day's events from one run, named after its first sequence number, so a
    later run with `after` = the last seq adds files and never rewrites one."""
    days: dict[str, list[dict]] = {}
    count, last = 0, after

    def flush() -> None:
        for day, rows in days.items():
            folder = out / "events" / f"day={day}"
            folder.mkdir(parents=True, exist_ok=True)
            pq.write_table(pa.Table.from_pylist(rows, schema=SCHEMA),
                           folder / f"part-{rows[0]['seq']:012d}.parquet", compression="zstd")
        days.clear()

    async for e in iter_after(db, after, batch=2_000):
        days.setdefault(e.created_at.date().isoformat(), []).append({
            "seq": e.seq, "type": e.type, "actor_id": e.actor_id, "subject_id": e.subject_id,
            "public": e.public, "consent": e.consent, "data": json.dumps(e.data),
            "created_at": e.created_at})
        count, last = count + 1, e.seq
        if count % FLUSH == 0:
            flush()
    flush()
    return count, last
