"""Give each running process its own id nibble, so ids made in the same millisecond by two
processes can never collide. PostgreSQL: a session advisory lock on one of 16 slots, held for
the life of the process. SQLite: an exclusive lock on one of 16 files in the data directory.
With more than 16 processes the nibble falls back to random (and a warning is logged)."""

from __future__ import annotations

import fcntl
import logging
import os
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from roost.kit import ids

log = logging.getLogger("roost")

SLOT_LOCK_BASE = 7_300_100
SLOTS = 16


class SlotHold:
    def __init__(self, slot: int, release: Any) -> None:
        self.slot = slot
        self._release = release

    async def release(self) -> None:
        await self._release()


async def claim(engine: AsyncEngine, data_dir: Path) -> SlotHold | None:
    if engine.dialect.name == "postgresql":
        return await _claim_pg(engine)
    return _claim_file(data_dir)


async def _claim_pg(engine: AsyncEngine) -> SlotHold | None:
    conn = await engine.connect()
    for slot in range(SLOTS):
        got = (await conn.execute(text("SELECT pg_try_advisory_lock(:k)"),
                                  {"k": SLOT_LOCK_BASE + slot})).scalar()
        await conn.commit()  # the session lock outlives the transaction; don't sit idle in one
        if got:
            ids.set_process_slot(slot)

            async def release() -> None:
                try:
                    await conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": SLOT_LOCK_BASE + slot})
                    await conn.commit()
                finally:
                    await conn.close()

            return SlotHold(slot, release)
    await conn.close()
    log.warning("more than %s Roost processes share this database; ids fall back to a random "
                "process nibble", SLOTS)
    return None


def _claim_file(data_dir: Path) -> SlotHold | None:
    folder = data_dir / "run"
    folder.mkdir(parents=True, exist_ok=True)
    for slot in range(SLOTS):
        fd = os.open(folder / f"id-slot-{slot}.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            continue
        ids.set_process_slot(slot)

        async def release(fd: int = fd) -> None:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

        return SlotHold(slot, release)
    log.warning("more than %s Roost processes share %s; ids fall back to a random process nibble",
                SLOTS, data_dir)
    return None
