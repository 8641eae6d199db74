"""64-bit, time-sortable ids: 48 bits of milliseconds, 4 bits of process, 12 bits of sequence."""

from __future__ import annotations

import os
import secrets
import threading
import time
from datetime import datetime

_lock = threading.Lock()
_process = secrets.randbelow(16)
_last_ms = 0
_seq = 0
_pid = os.getpid()


def set_process_slot(slot: int) -> None:
    """Use a process nibble that no other live process holds (see roost.idslots)."""
    global _process, _pid
    if not 0 <= slot < 16:
        raise ValueError("slot must be 0..15")
    with _lock:
        _process, _pid = slot, os.getpid()


def new_id(at: datetime | None = None) -> int:
    global _last_ms, _seq, _process, _pid
    if at is not None:
        return (int(at.timestamp() * 1000) << 16) | (secrets.randbelow(1 << 16))
    with _lock:
        if os.getpid() != _pid:  # forked: choose another process nibble
            _pid, _process = os.getpid(), secrets.randbelow(16)
        ms = int(time.time() * 1000)
        if ms <= _last_ms:
            ms = _last_ms
            _seq += 1
            if _seq >= 4096:
                ms += 1
                _seq = 0
        else:
            _seq = secrets.randbelow(1024)
        _last_ms = ms
        return (ms << 16) | (_process << 12) | _seq


def id_floor(at: datetime) -> int:
    """Smallest id that could have been made at `at`: for time-based paging."""
    return int(at.timestamp() * 1000) << 16


def id_time(id_: int) -> datetime:
    from datetime import UTC

    return datetime.fromtimestamp((id_ >> 16) / 1000, tz=UTC)


def parse_id(value: str | int | None) -> int | None:
    """Parse an id from the API; None for anything that is not one (which finds nothing)."""
    if value is None:
        return None
    if isinstance(value, int):
        return value
    v = value.strip()
    if not (v.isascii() and v.isdigit()) or len(v) > 19:  # "³".isdigit() is true
        return None
    n = int(v)
    return n if n < (1 << 63) else None
