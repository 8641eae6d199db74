"""Followed hashtags and exclusive lists in the Redis home feeds (skipped without
ROOST_TEST_REDIS_URL): what the fan-out jobs put into, and take out of, each feed."""

from __future__ import annotations

import pytest

from roost.timelines import feeds
from tests.conftest import REDIS_URL
from tests.timelines.test_feeds import _feed, _read_home, _set_inactive

pytestmark = pytest.mark.skipif(not REDIS_URL, reason="needs ROOST_TEST_REDIS_URL")


@pytest.fixture
def redis(app):  # noqa: ANN001
    return app.state.redis


async def test_tag_fan_out_reaches_active_tag_followers_with_a_feed(api, make, db, redis, run_jobs):
    author, reader, quiet, muting, no_feed = [await make.account() for _ in range(5)]
    for p in (reader, quiet, muting, no_feed):
        r = await api.post("/api/v1/tags/birds/follow", headers=p.headers)
        assert r.status_code == 200
    for p in (reader, quiet, muting):
        assert await _read_home(api, p) == []
    assert (await api.post(f"/api/v1/accounts/{author.id}/mute", headers=muting.headers)).status_code == 200
    await _set_inactive(db, quiet, 30)
    await run_jobs()

    post = await make.post(author, "a #Birds post")
    unlisted = await make.post(author, "quiet #birds", visibility="unlisted")
    await make.post(author, "no tag")
    await run_jobs()
    assert await _feed(redis, reader) == [post.id]
    assert await _feed(redis, quiet) == [] and await _feed(redis, muting) == []
    assert not await redis.exists(feeds.feed_key(no_feed.account.id))
    assert await _read_home(api, reader) == [post.id]
    assert unlisted.id not in await _read_home(api, no_feed)

    # a rebuilt feed has it too (home_from_db merges followed tags)
    await redis.delete(feeds.feed_key(reader.account.id))
    assert await _read_home(api, reader) == [post.id]
    assert await _feed(redis, reader) == [post.id]


async def test_exclusive_list_members_are_not_fanned_out(api, make, redis, run_jobs):
    alice, bob, carol = await make.account(), await make.account(), await make.account()
    await make.follow(alice, bob)
    await make.follow(alice, carol)
    assert await _read_home(api, alice) == []
    r = await api.post("/api/v1/lists", json={"title": "bob only", "exclusive": True},
                       headers=alice.headers)
    lst = r.json()
    assert (await api.post(f"/api/v1/lists/{lst['id']}/accounts", json={"account_ids": [bob.id]},
                           headers=alice.headers)).status_code == 200
    await run_jobs()
    c1, b1 = await make.post(carol, "carol"), await make.post(bob, "bob")
    await run_jobs()
    assert await _feed(redis, alice) == [c1.id]

    # leaving the exclusive list merges bob's posts (newer than the feed's oldest) back in
    r = await api.put(f"/api/v1/lists/{lst['id']}", json={"exclusive": False}, headers=alice.headers)
    assert r.status_code == 200
    await run_jobs()
    assert await _feed(redis, alice) == [b1.id, c1.id]
    # and entering it again purges them
    await api.put(f"/api/v1/lists/{lst['id']}", json={"exclusive": True}, headers=alice.headers)
    await run_jobs()
    assert await _feed(redis, alice) == [c1.id]
