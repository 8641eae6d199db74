"""Media clean-up, two periodic jobs:
- media.expire (hourly) removes uploads nobody posted within a day, rows and files;
- media.sweep (daily) removes files no row refers to: left behind when a transaction failed after
  its files were written, or when an account was deleted. It walks the whole media tree, which
  costs about 60 µs a file on a local disk, so it runs rarely."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from roost.db import after_commit
from roost.jobs import job
from roost.jobs.schedule import every
from roost.kit.clock import utcnow
from roost.media import repository as repo
from roost.media import storage

EXPIRE, SWEEP = "media.expire", "media.sweep"
EXPIRE_EVERY, SWEEP_EVERY = timedelta(hours=1), timedelta(hours=24)
UNATTACHED_TTL = timedelta(hours=24)
ORPHAN_GRACE = timedelta(hours=1)  # never touch files younger than this: their row may be on its way
BATCH = 500
MAX_BATCHES = 20

# Other domains that store files under their own prefix say which of them rows still use:
# prefix -> (session, owner ids) -> the paths in use. The owner id is the number a file's name
# starts with (see storage.owner_id).
KnownPaths = Callable[[AsyncSession, list[int]], Awaitable[set[str]]]
OTHER_PREFIXES: dict[str, KnownPaths] = {}


def sweep_prefix(prefix: str, known: KnownPaths) -> None:
    """Have media.sweep also remove orphaned files under `prefix`."""
    OTHER_PREFIXES[prefix] = known


@job(EXPIRE, max_attempts=3)
async def expire(session: AsyncSession) -> None:
    await expire_unattached(session)


@job(SWEEP, max_attempts=3, timeout=1800.0)
async def sweep(session: AsyncSession) -> None:
    # Walk the disk before the first query: on SQLite a transaction holds the write lock.
    await remove_orphans(session, await old_files())


every(EXPIRE_EVERY.total_seconds(), EXPIRE)
every(SWEEP_EVERY.total_seconds(), SWEEP)


async def expire_unattached(session: AsyncSession) -> int:
    """Delete uploads older than a day that no live post uses; their files go after commit."""
    cutoff = utcnow() - UNATTACHED_TTL
    return await delete_with_files(session, lambda limit: repo.expired_unattached(session, cutoff, limit))


async def delete_with_files(session: AsyncSession,
                            load: Callable[[int], Awaitable[Sequence[Any]]]) -> int:
    """Delete the rows `load(limit)` returns, batch after batch (at most MAX_BATCHES), and their
    `file_path`/`thumbnail_path` files after commit. How many rows went."""
    paths: list[str] = []
    removed = 0
    for _ in range(MAX_BATCHES):
        rows = await load(BATCH)
        for row in rows:
            paths += [p for p in (row.file_path, row.thumbnail_path) if p]
            await session.delete(row)
        await session.flush()
        removed += len(rows)
        if len(rows) < BATCH:
            break
    if paths:
        store = storage.get_storage()

        async def remove_files() -> None:
            for p in paths:
                await store.delete(p)

        after_commit(session, remove_files)
    return removed


async def old_files() -> dict[str, list[str]]:
    """Stored files older than the grace period, by prefix."""
    store = storage.get_storage()
    cutoff = utcnow() - ORPHAN_GRACE
    return {prefix: [f.path for f in await store.scan(prefix) if f.modified_at < cutoff]
            for prefix in (*storage.PREFIXES, *OTHER_PREFIXES)}


async def remove_orphans(session: AsyncSession, candidates: dict[str, list[str]]) -> int:
    """Delete the candidate files that no row refers to."""
    store = storage.get_storage()
    removed = 0
    for prefix, old in candidates.items():
        for start in range(0, len(old), BATCH):
            batch = old[start:start + BATCH]
            ids = sorted({i for i in map(storage.owner_id, batch) if i is not None})
            if not ids:
                known: set[str] = set()
            elif prefix == "attachments":
                known = await repo.attachment_paths_of(session, ids)
            elif prefix in OTHER_PREFIXES:
                known = await OTHER_PREFIXES[prefix](session, ids)
            else:
                known = await repo.profile_paths_of(session, ids)
            for path in batch:
                if path not in known:
                    await store.delete_any(path)
                    removed += 1
    return removed
