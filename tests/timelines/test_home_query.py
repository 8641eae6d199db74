"""The database home query against a plain Python answer, for every kind of page. On PostgreSQL
the windows are shrunk to milliseconds so one page needs several widening rounds."""

from __future__ import annotations

import asyncio

import pytest

from roost.kit.paging import PageParams
from roost.models import Account
from roost.timelines import repository as repo


@pytest.fixture
def tiny_windows(monkeypatch):  # noqa: ANN001
    monkeypatch.setattr(repo, "WINDOWS_MS", (25, 80, 250, None))
    monkeypatch.setattr(repo, "LATERAL_BUDGET", 0)


async def test_home_from_db_pages_match_the_plain_answer(api, make, db, run_jobs, tiny_windows):
    alice, bob, carol, stranger = [await make.account() for _ in range(4)]
    await make.follow(alice, bob)
    await make.follow(alice, carol)
    expected = []
    for i in range(30):
        author = (alice, bob, carol, stranger)[i % 4]
        post = await make.post(author, f"n{i}")
        if author is not stranger:
            expected.append(post.id)
        await asyncio.sleep(0.005 if i % 7 else 0.1)  # ids spread over several windows
    expected.sort(reverse=True)

    async with db.session() as s:
        viewer = await s.get(Account, alice.account.id)

        async def home(**kw) -> list[int]:  # noqa: ANN003
            return [st.id for st in await repo.home_from_db(s, viewer, PageParams(**kw))]

        assert await home(limit=40) == expected
        assert await home(limit=5) == expected[:5]
        assert await home(max_id=expected[3], limit=7) == expected[4:11]
        assert await home(max_id=expected[20], limit=40) == expected[21:]
        assert await home(since_id=expected[9], limit=4) == expected[:4]
        assert await home(since_id=expected[9], max_id=expected[2], limit=40) == expected[3:9]
        assert await home(min_id=expected[12], limit=4) == expected[8:12]
        assert await home(min_id=expected[-1], limit=3) == expected[-4:-1]
        assert await home(min_id=expected[12], max_id=expected[10], limit=40) == [expected[11]]
        assert await home(min_id=expected[0], limit=5) == []
        assert await home(max_id=expected[-1], limit=5) == []
        # walking the whole timeline in small pages
        walked, page = [], PageParams(limit=3)
        while rows := await home(max_id=page.max_id, limit=page.limit):
            walked += rows
            page = PageParams(max_id=rows[-1], limit=3)
        assert walked == expected


async def test_rebuild_ids_are_the_home_rows_ids(api, make, db, run_jobs, tiny_windows):
    """A feed rebuild reads only ids (home_ids_from_db): the same statuses, in the same order,
    as the full home query, home rules and hiding included, across widening windows."""
    alice, bob, carol, muted, stranger = [await make.account() for _ in range(5)]
    for who in (bob, carol, muted):
        await make.follow(alice, who)
    await api.post(f"/api/v1/accounts/{muted.id}/mute", headers=alice.headers)
    expected = []
    for i in range(12):
        await asyncio.sleep(0.005 if i % 5 else 0.1)
        expected.append((await make.post((alice, bob, carol)[i % 3], f"n{i}")).id)
        await make.post(muted, f"muted {i}")
        await make.post(stranger, f"stranger {i}")
    theirs = await make.post(stranger, "someone else's")
    await make.post(bob, "a reply alice should not see", in_reply_to_id=theirs.id)
    await make.post(stranger, "private", visibility="private")
    expected.append((await make.post(carol, "followers only", visibility="private")).id)
    expected.sort(reverse=True)

    async with db.session() as s:
        viewer = await s.get(Account, alice.account.id)
        rows = await repo.home_from_db(s, viewer, PageParams(limit=800))
        assert [r.id for r in rows] == expected
        assert await repo.home_ids_from_db(s, viewer, 800) == expected
        assert await repo.home_ids_from_db(s, viewer, 4) == expected[:4]
