"""The event log: written with the transaction, numbered in commit order, never a gap filled
behind a reader, cheap to read in order."""

from __future__ import annotations

import asyncio
import random
from datetime import timedelta

import pytest
from sqlalchemy import event, insert, select, update
from sqlalchemy.orm import Session
from sqlalchemy.util import await_only

from roost.db import Database, rollback
from roost.events import latest_seq, parse, read_after, record, subscribe, unsubscribe
from roost.events.log import prune
from roost.events.reader import iter_after
from roost.events.schemas import Followed, PostLiked
from roost.kit.clock import utcnow
from roost.models.events import Event
from tests.jobs.jobsite import PG_URL


def liked(n, actor=1) -> PostLiked:
    return PostLiked(status_id=str(n), account_id=str(actor))


async def all_seqs(db) -> list[int]:
    async with db.session() as s:
        return list((await s.scalars(select(Event.seq).order_by(Event.seq))).all())


@pytest.fixture
def pause_in_commit():
    """Lets a test hold a transaction inside COMMIT, after its events are inserted:
    `session.info["test_pause"]` = seconds, or (reached, gate) events."""

    def _pause(session: Session) -> None:
        pause = session.info.pop("test_pause", None)
        if isinstance(pause, float):
            await_only(asyncio.sleep(pause))
        elif pause is not None:
            reached, gate = pause
            reached.set()
            await_only(gate.wait())

    event.listen(Session, "before_commit", _pause)  # after the event log's own listener
    yield
    event.remove(Session, "before_commit", _pause)


async def test_events_are_written_with_the_transaction(fresh_db):
    with pytest.raises(RuntimeError):
        async with fresh_db.unit_of_work() as s:
            record(s, liked(1), actor_id=7)
            raise RuntimeError("the change failed")
    assert await all_seqs(fresh_db) == []

    async with fresh_db.unit_of_work() as s:
        record(s, liked(2), actor_id=7, subject_id=2, public=True)
    async with fresh_db.session() as s:
        [row] = await read_after(s, 0)
    assert (row.type, row.actor_id, row.subject_id, row.public) == ("post.liked", 7, 2, True)
    assert row.data == {"status_id": "2", "account_id": "1"}
    assert parse(row) == liked(2)
    assert row.created_at.tzinfo is not None


async def test_a_rolled_back_unit_of_work_forgets_its_events(fresh_db):
    async with fresh_db.session() as s:
        record(s, liked(1), actor_id=1)
        await rollback(s)
        record(s, liked(2), actor_id=1)
        await s.commit()  # even a plain commit, not roost.db.commit, writes the log
    async with fresh_db.session() as s:
        assert [parse(r) for r in await read_after(s, 0)] == [liked(2)]


async def test_sequence_numbers_increase_in_commit_order(fresh_db):
    for n in range(5):
        async with fresh_db.unit_of_work() as s:
            record(s, liked(n), actor_id=1)
            record(s, Followed(account_id=str(n), target_account_id="9"), actor_id=n)
    async with fresh_db.session() as s:
        rows = await read_after(s, 0)
        assert await latest_seq(s) == rows[-1].seq
    seqs = [r.seq for r in rows]
    assert seqs == sorted(seqs) and len(set(seqs)) == 10
    assert [r.type for r in rows] == ["post.liked", "graph.followed"] * 5
    assert [r.data.get("status_id") for r in rows[::2]] == ["0", "1", "2", "3", "4"]


async def test_listeners_hear_committed_events_only(fresh_db):
    heard: list[dict] = []

    async def listener(rows):
        heard.extend(rows)

    subscribe(listener)
    try:
        with pytest.raises(RuntimeError):
            async with fresh_db.unit_of_work() as s:
                record(s, liked(1), actor_id=1)
                raise RuntimeError
        assert heard == []
        async with fresh_db.unit_of_work() as s:
            record(s, liked(2), actor_id=1)
    finally:
        unsubscribe(listener)
    assert [h["type"] for h in heard] == ["post.liked"]
    assert heard[0]["seq"] == (await all_seqs(fresh_db))[0]


async def test_a_later_writer_waits_for_an_earlier_one_to_commit(fresh_db, pause_in_commit):
    reached, gate = asyncio.Event(), asyncio.Event()

    async def first():
        async with fresh_db.unit_of_work() as s:
            s.info["test_pause"] = (reached, gate)
            record(s, liked(1), actor_id=1)

    async def second():
        async with fresh_db.unit_of_work() as s:
            record(s, liked(2), actor_id=2)

    t1 = asyncio.create_task(first())
    await asyncio.wait_for(reached.wait(), 5)  # first has its seq and is inside COMMIT
    t2 = asyncio.create_task(second())
    await asyncio.sleep(0.3)
    assert not t2.done()  # it cannot take a number until the first is visible
    if PG_URL:  # (SQLite readers queue behind the writer instead)
        async with fresh_db.session() as s:
            assert await read_after(s, 0) == []
    gate.set()
    await asyncio.wait_for(asyncio.gather(t1, t2), 10)
    async with fresh_db.session() as s:
        assert [parse(r) for r in await read_after(s, 0)] == [liked(1), liked(2)]


@pytest.mark.skipif(not PG_URL, reason="SQLite has one writer at a time")
async def test_without_the_lock_a_reader_would_miss_an_event(fresh_db):
    """The hazard the advisory lock prevents, and proof that the check in the next test sees it:
    numbers taken outside the lock commit out of order and a polling reader skips one."""
    row = {"type": "post.liked", "public": True, "data": {}, "created_at": utcnow()}
    async with fresh_db.session() as early:
        await early.execute(insert(Event).values(**row))  # takes seq a, not yet committed
        async with fresh_db.session() as late:
            await late.execute(insert(Event).values(**row))  # takes a + 1 and commits first
            await late.commit()
        async with fresh_db.session() as reader:
            cursor = (await read_after(reader, 0))[-1].seq
        await early.commit()
    async with fresh_db.session() as reader:
        assert await read_after(reader, cursor) == []
    assert len(await all_seqs(fresh_db)) == 2  # one of them was never seen


async def test_concurrent_writers_never_fill_a_gap_behind_a_reader(fresh_db, pause_in_commit):
    writers, per_writer = (8, 40) if PG_URL else (4, 15)
    done = asyncio.Event()

    async def writer(w: int, db: Database) -> None:
        for i in range(per_writer):
            async with db.unit_of_work() as s:
                s.info["test_pause"] = random.random() * 0.004
                for j in range(random.randint(1, 3)):
                    record(s, liked(f"{w}.{i}.{j}", actor=w), actor_id=w)

    async def reader() -> list[int]:
        seen, cursor = [], 0
        while True:
            finished = done.is_set()
            async with fresh_db.session() as s:
                rows = await read_after(s, cursor, 1000)
            seen.extend(r.seq for r in rows)
            cursor = seen[-1] if seen else 0
            if finished and not rows:
                return seen
            await asyncio.sleep(0.001)

    poll = asyncio.create_task(reader())
    await asyncio.gather(*(writer(w, fresh_db) for w in range(writers)))
    done.set()
    seen = await asyncio.wait_for(poll, 30)
    everything = await all_seqs(fresh_db)
    assert len(everything) >= writers * per_writer
    assert seen == everything  # in order, and nothing appeared behind the reader's cursor


async def test_read_after_filters_and_pages(fresh_db):
    async with fresh_db.unit_of_work() as s:
        for n in range(6):
            record(s, liked(n), actor_id=1, public=n % 2 == 0)
        record(s, Followed(account_id="1", target_account_id="2"), actor_id=1, public=True)
    async with fresh_db.session() as s:
        first = await read_after(s, 0, 4)
        rest = await read_after(s, first[-1].seq, 100)
        public = await read_after(s, 0, public_only=True)
        follows = await read_after(s, 0, types=["graph.followed"])
        assert await read_after(s, await latest_seq(s)) == []
    assert [parse(r).status_id for r in first] == ["0", "1", "2", "3"]
    assert len(rest) == 3
    assert [r.data.get("status_id") for r in public] == ["0", "2", "4", None]
    assert [r.type for r in follows] == ["graph.followed"]
    streamed = [r.seq async for r in iter_after(fresh_db, 0, batch=2)]
    assert streamed == await all_seqs(fresh_db)


async def test_latest_seq_of_an_empty_log_is_zero(fresh_db):
    async with fresh_db.session() as s:
        assert await latest_seq(s) == 0


async def test_prune_removes_a_prefix_and_numbers_are_never_reused(fresh_db):
    async with fresh_db.unit_of_work() as s:
        for n in range(4):
            record(s, liked(n), actor_id=1)
    seqs = await all_seqs(fresh_db)
    async with fresh_db.unit_of_work() as s:  # the first three are old
        await s.execute(update(Event).where(Event.seq <= seqs[2])
                        .values(created_at=utcnow() - timedelta(days=100)))
    async with fresh_db.unit_of_work() as s:
        assert await prune(s, older_than=utcnow() - timedelta(days=30)) == 3
    assert await all_seqs(fresh_db) == seqs[3:]

    async with fresh_db.unit_of_work() as s:  # empty the log entirely...
        assert await prune(s, older_than=utcnow() + timedelta(days=1)) == 1
    async with fresh_db.unit_of_work() as s:
        record(s, liked(9), actor_id=1)
    assert (await all_seqs(fresh_db))[0] > seqs[-1]  # ...numbering still moves forward
