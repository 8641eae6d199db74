"""The Redis home feeds themselves, against a real Redis (skipped without ROOST_TEST_REDIS_URL):
fan-out rules, idempotence, the cap, rebuild, the celebrity merge, follow/unfollow upkeep."""

from __future__ import annotations

from datetime import timedelta

import pytest
import redis.asyncio as aioredis
from sqlalchemy import update

from roost import runtime
from roost.kit.clock import utcnow
from roost.kit.paging import PageParams
from roost.models import Account, User
from roost.timelines import feeds, service
from tests.conftest import REDIS_URL

pytestmark = pytest.mark.skipif(not REDIS_URL, reason="needs ROOST_TEST_REDIS_URL")


@pytest.fixture
def redis(app):  # noqa: ANN001
    return app.state.redis


async def _feed(redis, person) -> list[int]:  # noqa: ANN001
    """The feed's status ids, newest first (without the sentinel)."""
    return [int(m) for m in await redis.zrevrange(feeds.feed_key(person.account.id), 0, -1)
            if m != b"0"]


async def _read_home(api, person, **params) -> list[int]:  # noqa: ANN001
    r = await api.get("/api/v1/timelines/home", params=params, headers=person.headers)
    assert r.status_code == 200, r.text
    return [int(s["id"]) for s in r.json()]


async def _set_inactive(db, person, days: int) -> None:  # noqa: ANN001
    async with db.unit_of_work() as s:
        await s.execute(update(User).where(User.id == person.user.id)
                        .values(last_active_at=utcnow() - timedelta(days=days)))


async def test_reading_home_builds_a_feed_with_a_ttl(api, make, redis, run_jobs):
    alice, bob = await make.account(), await make.account()
    await make.follow(alice, bob)
    old = await make.post(bob, "before alice's first read")
    await run_jobs()
    key = feeds.feed_key(alice.account.id)
    assert not await redis.exists(key)

    assert await _read_home(api, alice) == [old.id]
    assert await redis.zscore(key, "0") == feeds.READY
    assert await _feed(redis, alice) == [old.id]
    ttl = await redis.ttl(key)
    assert 13 * 86400 < ttl <= runtime.settings().fan_out_active_days * 86400


async def test_fan_out_reaches_active_followers_with_a_feed(api, make, db, redis, run_jobs):
    author, active, no_feed, gone_quiet = (await make.account(), await make.account(),
                                           await make.account(), await make.account())
    for f in (active, no_feed, gone_quiet):
        await make.follow(f, author)
    await _read_home(api, active)
    await _read_home(api, gone_quiet)
    await _read_home(api, author)
    await api.get("/api/v1/timelines/public", headers=no_feed.headers)  # active, but no feed
    await _set_inactive(db, gone_quiet, 30)
    await run_jobs()  # the follows' merge jobs

    post = await make.post(author, "hello followers")
    await run_jobs()
    assert await _feed(redis, active) == [post.id]
    assert await _feed(redis, author) == [post.id]
    assert not await redis.exists(feeds.feed_key(no_feed.account.id))
    assert await _feed(redis, gone_quiet) == []
    # the inactive follower still sees it: the read path filters, and rebuilds when needed
    await redis.delete(feeds.feed_key(gone_quiet.account.id))
    assert await _read_home(api, gone_quiet) == [post.id]


async def test_fan_out_in_several_batches_reaches_everyone(api, make, db, redis, run_jobs,
                                                           monkeypatch):
    """Targets come from one query, FETCH at a time, cut into batches of BATCH, each batch one
    Redis call, several in flight: everyone who should get the post gets it, whichever batch
    they fall in."""
    monkeypatch.setattr(feeds, "FETCH", 3)  # 9 followers: 3 round trips, each cut in 2 + 1
    monkeypatch.setattr(feeds, "BATCH", 2)
    monkeypatch.setattr(feeds, "IN_FLIGHT", 2)
    author = await make.account()
    people = [await make.account() for _ in range(9)]
    for f in people:
        await make.follow(f, author)
        await _read_home(api, f)
    await _read_home(api, author)
    muter, quiet, blocker = people[1], people[4], people[7]  # spread over the batches
    await api.post(f"/api/v1/accounts/{author.id}/mute", headers=muter.headers)
    await _set_inactive(db, quiet, 30)
    await run_jobs()
    post = await make.post(author, "to every batch")
    await run_jobs()
    await api.post(f"/api/v1/accounts/{author.id}/block", headers=blocker.headers)
    private = await make.post(author, "followers only", visibility="private")
    await run_jobs()
    for f in people:
        expected = {muter.id: [], quiet.id: [], blocker.id: []}.get(f.id, [private.id, post.id])
        assert await _feed(redis, f) == expected, f.account.username
    assert await _feed(redis, author) == [private.id, post.id]

    # deleting it removes it from every live feed, batch by batch
    assert (await api.delete(f"/api/v1/statuses/{post.id}", headers=author.headers)).status_code == 200
    await run_jobs()
    for f in people:
        assert post.id not in await _feed(redis, f)
    assert await _feed(redis, author) == [private.id]


async def test_fan_out_interrupted_then_retried_lands_once_everywhere(api, make, db, redis,
                                                                      run_jobs, monkeypatch):
    """Redis fails after the first batch: the job fails, nothing is lost, and the retry (the
    same job, run again by the worker) completes the fan-out without duplicating anything."""
    from sqlalchemy import select

    from roost.models.jobs import Job

    monkeypatch.setattr(feeds, "BATCH", 2)
    monkeypatch.setattr(feeds, "IN_FLIGHT", 1)
    author = await make.account()
    people = [await make.account() for _ in range(5)]
    for f in [*people, author]:
        if f is not author:
            await make.follow(f, author)
        await _read_home(api, f)
    await run_jobs()
    pushed: list[list[str]] = []
    real_push = feeds._push

    async def flaky_push(redis_, keys, status_id):  # noqa: ANN001
        if len(pushed) == 2:
            raise ConnectionError("Redis went away")
        pushed.append(keys)
        return await real_push(redis_, keys, status_id)

    monkeypatch.setattr(feeds, "_push", flaky_push)
    post = await make.post(author, "through a failure")
    await run_jobs()
    async with db.session() as s:
        job = (await s.execute(select(Job).where(Job.name == "timelines.fan_out"))).scalar_one()
    assert job.state == "queued" and job.attempts == 1 and "Redis went away" in job.last_error
    reached = [f for f in people if await _feed(redis, f) == [post.id]]
    assert len(reached) == 2  # the author's own feed and the first batch of two
    assert await _feed(redis, author) == [post.id]

    monkeypatch.setattr(feeds, "_push", real_push)  # Redis is back; the retry is due
    async with db.unit_of_work() as s:
        await s.execute(update(Job).where(Job.id == job.id).values(run_at=utcnow()))
    assert await run_jobs() >= 1
    for f in [author, *people]:
        key = feeds.feed_key(f.account.id)
        assert await _feed(redis, f) == [post.id]
        assert await redis.zcard(key) == 2  # the post once, and the sentinel
    # and running it yet again changes nothing
    async with db.session() as s:
        await feeds.fan_out(s, redis, post.id)
    for f in [author, *people]:
        assert await _feed(redis, f) == [post.id]


async def test_followers_only_and_direct_posts_reach_only_who_may_see_them(api, make, redis,
                                                                          run_jobs):
    author, follower, mentioned_follower, stranger, mentioned_stranger = [
        await make.account() for _ in range(5)]
    await make.follow(follower, author)
    await make.follow(mentioned_follower, author)
    for p in (author, follower, mentioned_follower, stranger, mentioned_stranger):
        await _read_home(api, p)
    await run_jobs()
    private = await make.post(author, "followers only", visibility="private")
    dm = await make.post(author, f"@{mentioned_follower.account.username} "
                                 f"@{mentioned_stranger.account.username} psst", visibility="direct")
    unlisted = await make.post(author, "unlisted", visibility="unlisted")
    await run_jobs()
    assert await _feed(redis, follower) == [unlisted.id, private.id]
    assert await _feed(redis, mentioned_follower) == [unlisted.id, dm.id, private.id]
    assert await _feed(redis, stranger) == []
    assert await _feed(redis, mentioned_stranger) == []  # not a follower: no home delivery
    assert await _feed(redis, author) == [unlisted.id, dm.id, private.id]
    assert await _read_home(api, follower) == [unlisted.id, private.id]
    assert await _read_home(api, stranger) == []


async def test_fan_out_is_idempotent(api, make, db, redis, run_jobs):
    alice, bob = await make.account(), await make.account()
    await make.follow(alice, bob)
    await _read_home(api, alice)
    post = await make.post(bob, "once")
    await run_jobs()
    async with db.session() as s:
        await feeds.fan_out(s, redis, post.id)
        await feeds.fan_out(s, redis, post.id)
    assert await _feed(redis, alice) == [post.id]
    assert await _read_home(api, alice) == [post.id]
    async with db.session() as s:  # unknown ids are done, not errors
        await feeds.fan_out(s, redis, 12345)
        await feeds.unfan(s, redis, 12345, 67890)


async def test_fan_out_skips_who_should_not_get_it(api, make, db, redis, run_jobs):
    author, fan, muter, blocker, other, no_reblogs = [await make.account() for _ in range(6)]
    for f in (fan, muter, blocker, no_reblogs):
        await make.follow(f, author)
    r = await api.post(f"/api/v1/accounts/{author.id}/follow", json={"reblogs": False},
                       headers=no_reblogs.headers)
    assert r.json()["showing_reblogs"] is False
    assert (await api.post(f"/api/v1/accounts/{author.id}/mute", headers=muter.headers)).status_code == 200
    everyone = (fan, muter, blocker, no_reblogs)
    for f in everyone:
        await _read_home(api, f)
    await run_jobs()

    public = await make.post(author, "public")
    private = await make.post(author, "private", visibility="private")
    dm = await make.post(author, f"@{fan.account.username} hi", visibility="direct")
    theirs = await make.post(other, "by someone else")
    reply_to_other = await make.post(author, "reply", in_reply_to_id=theirs.id)
    self_reply = await make.post(author, "self reply", in_reply_to_id=public.id)
    async with db.unit_of_work() as s:
        from roost.posts import service as posts

        repost = await posts.repost(s, await s.get(Account, author.account.id), theirs.id)
    await run_jobs()
    assert (await api.post(f"/api/v1/accounts/{author.id}/block", headers=blocker.headers)).status_code == 200
    late = await make.post(author, "after the block")
    await run_jobs()

    assert await _feed(redis, fan) == [late.id, repost.id, self_reply.id, dm.id, private.id,
                                       public.id]
    assert await _feed(redis, muter) == []
    assert await _feed(redis, blocker) == []  # the block ended the follow and purged the feed
    assert await _feed(redis, no_reblogs) == [late.id, self_reply.id, private.id, public.id]
    assert reply_to_other.id not in await _feed(redis, fan)


@pytest.mark.parametrize("settings_overrides", [{"home_feed_size": 50}])
async def test_feed_is_capped(api, make, redis, run_jobs):
    """A push trims a feed back to its size once it holds more than size + slack entries
    (trimming lazily saves Redis work); what it keeps is always the newest."""
    alice, bob = await make.account(), await make.account()
    await make.follow(alice, bob)
    await _read_home(api, alice)
    slack = feeds.trim_slack()
    assert slack == 3
    posts = []
    for i in range(60):
        posts.append((await make.post(bob, f"n{i}")).id)
        await run_jobs()
        feed = await _feed(redis, alice)
        assert feed == sorted(posts, reverse=True)[:len(feed)]
        assert len(feed) == (len(posts) if len(posts) <= 50 + slack else 50 + (len(posts) - 50) % (slack + 1))
    assert await redis.zscore(feeds.feed_key(alice.account.id), "0") == feeds.READY
    assert await redis.zcard(feeds.feed_key(alice.account.id)) == 50 + 10 % (slack + 1) + 1


async def test_rebuild_of_a_missing_feed_and_the_lock(api, make, db, redis, run_jobs):
    alice, bob = await make.account(), await make.account()
    await make.follow(alice, bob)
    posts = [(await make.post(bob, f"n{i}")).id for i in range(3)]
    await run_jobs()
    key = feeds.feed_key(alice.account.id)
    # someone else is rebuilding: this read is served from the database and builds nothing
    await redis.set(feeds.lock_key(alice.account.id), "someone", ex=30)
    assert await _read_home(api, alice) == posts[::-1]
    assert not await redis.exists(key)
    await redis.delete(feeds.lock_key(alice.account.id))
    # a half-built feed (a rebuild that died) is rebuilt too
    await redis.zadd(key, {"0": feeds.BUILDING, str(posts[0]): posts[0]})
    assert await _read_home(api, alice) == posts[::-1]
    assert await redis.zscore(key, "0") == feeds.READY
    assert await _feed(redis, alice) == posts[::-1]
    assert not await redis.exists(feeds.lock_key(alice.account.id))


async def test_posts_hidden_since_fan_out_are_dropped_at_read(api, make, db, redis, run_jobs):
    alice, bob = await make.account(), await make.account()
    await make.follow(alice, bob)
    await _read_home(api, alice)
    keep = await make.post(bob, "keep")
    gone = await make.post(bob, "gone")
    await run_jobs()
    assert await _feed(redis, alice) == [gone.id, keep.id]
    async with db.unit_of_work() as s:  # deleted without the unfan job having run yet
        from roost.posts import service as posts

        await posts.delete_post(s, await s.get(Account, bob.account.id), gone.id)
    assert await _read_home(api, alice) == [keep.id]
    await run_jobs()
    assert await _feed(redis, alice) == [keep.id]


async def test_many_hidden_entries_do_not_shorten_a_page(api, make, redis, run_jobs):
    alice, bob, carol = await make.account(), await make.account(), await make.account()
    await make.follow(alice, bob)
    await make.follow(alice, carol)
    await _read_home(api, alice)
    bobs = [(await make.post(bob, f"b{i}")).id for i in range(5)]
    carols = [(await make.post(carol, f"c{i}")).id for i in range(70)]
    await run_jobs()
    assert len(await _feed(redis, alice)) == 75
    await api.post(f"/api/v1/accounts/{carol.id}/mute", headers=alice.headers)
    assert await _read_home(api, alice, limit=5) == bobs[::-1]
    assert carols  # all 70 entries are still in the feed, skipped page after page
    assert len(await _feed(redis, alice)) == 75


@pytest.mark.parametrize("settings_overrides", [{"fan_out_max_followers": 2}])
async def test_celebrity_posts_are_not_fanned_out(api, make, db, redis, run_jobs):
    star, alice, x, y = [await make.account() for _ in range(4)]
    for fan in (alice, x, y):
        await make.follow(fan, star)
    await _read_home(api, alice)
    await _read_home(api, star)
    post = await make.post(star, "to the crowd")
    await run_jobs()
    assert await _feed(redis, alice) == []
    assert await _feed(redis, star) == [post.id]  # the author's own feed still gets it
    assert await _read_home(api, alice) == [post.id]
    async with db.session() as s:
        viewer = await s.get(Account, alice.account.id)
        assert [p.id for p in await service.home(s, viewer, PageParams(limit=5))] == [post.id]
        assert [p.id for p in await feeds.read_home(s, redis, viewer, PageParams(limit=5))] == [
            post.id]


async def test_follow_merges_and_unfollow_purges(api, make, redis, run_jobs):
    alice, bob, carol = [await make.account() for _ in range(3)]
    await make.follow(alice, carol)
    await _read_home(api, alice)
    c = await make.post(carol, "carol")
    b1 = await make.post(bob, "bob 1")
    b2 = await make.post(bob, "bob 2")
    await run_jobs()
    assert await _feed(redis, alice) == [c.id]
    await make.follow(alice, bob)
    await run_jobs()
    assert await _feed(redis, alice) == [b2.id, b1.id, c.id]
    repost = (await api.post(f"/api/v1/statuses/{c.id}/reblog", headers=bob.headers)).json()
    await run_jobs()
    assert await _feed(redis, alice) == [int(repost["id"]), b2.id, b1.id, c.id]

    assert (await api.post(f"/api/v1/accounts/{bob.id}/unfollow", headers=alice.headers)).status_code == 200
    await run_jobs()
    assert await _feed(redis, alice) == [c.id]
    assert await _read_home(api, alice) == [c.id]


async def test_block_purges_both_ways(api, make, redis, run_jobs):
    alice, bob = await make.account(), await make.account()
    await make.follow(alice, bob)
    await make.follow(bob, alice)
    await _read_home(api, alice)
    await _read_home(api, bob)
    a, b = await make.post(alice, "a"), await make.post(bob, "b")
    await run_jobs()
    assert await _feed(redis, alice) == [b.id, a.id]
    assert await _feed(redis, bob) == [b.id, a.id]
    assert (await api.post(f"/api/v1/accounts/{bob.id}/block", headers=alice.headers)).status_code == 200
    await run_jobs()
    assert await _feed(redis, alice) == [a.id]
    assert await _feed(redis, bob) == [b.id]


async def test_redis_failure_falls_back_to_the_database(api, make, run_jobs):
    alice = await make.account()
    post = await make.post(alice, "still here")
    await run_jobs()
    broken = aioredis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.2)
    saved = runtime.current.redis
    runtime.current.redis = broken
    try:
        assert await _read_home(api, alice) == [post.id]
    finally:
        runtime.current.redis = saved
        await broken.aclose()
