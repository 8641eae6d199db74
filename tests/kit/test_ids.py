from __future__ import annotations

import os

from roost import idslots
from roost.kit import ids


def test_ids_are_unique_sorted_and_decode_their_time():
    made = [ids.new_id() for _ in range(50_000)]
    assert len(set(made)) == len(made)
    assert made == sorted(made)
    assert abs(ids.id_time(made[-1]).timestamp() - __import__("time").time()) < 5


def test_parse_id_refuses_non_ids():
    assert ids.parse_id("123") == 123
    for bad in ("", "abc", "-1", "1e5", "9" * 30, "١٢٣", None):
        assert ids.parse_id(bad) is None


async def test_processes_get_distinct_slots(tmp_path, engine):
    first = await idslots.claim(engine, tmp_path)
    second = await idslots.claim(engine, tmp_path)
    try:
        assert first is not None and second is not None
        assert first.slot != second.slot
    finally:
        await second.release()
        await first.release()
    again = await idslots.claim(engine, tmp_path)
    assert again is not None and again.slot == first.slot
    await again.release()


def test_slot_lock_files_stay_private(tmp_path):
    hold = idslots._claim_file(tmp_path)
    assert hold is not None
    mode = os.stat(tmp_path / "run" / f"id-slot-{hold.slot}.lock").st_mode & 0o777
    assert mode == 0o600
