"""The realtime broker: in-process always, Redis pub/sub with ROOST_TEST_REDIS_URL; and that
the services publish only once their unit of work commits."""

from __future__ import annotations

import asyncio

import pytest

from roost import realtime
from roost.realtime.broker import InProcessBroker, RedisBroker
from tests.conftest import REDIS_URL

needs_redis = pytest.mark.skipif(not REDIS_URL, reason="needs ROOST_TEST_REDIS_URL")


async def _redis_client():
    import redis.asyncio as aioredis

    client = aioredis.from_url(REDIS_URL, decode_responses=False)
    await client.ping()
    return client


@pytest.fixture(params=["memory", pytest.param("redis", marks=needs_redis)])
async def brokers(request):
    """Two brokers that reach each other (two processes, as far as Redis is concerned), or the
    same in-process broker twice."""
    if request.param == "memory":
        b = InProcessBroker()
        yield b, b
        await b.close()
        return
    clients = [await _redis_client(), await _redis_client()]
    a, b = RedisBroker(clients[0]), RedisBroker(clients[1])
    yield a, b
    for x in (a, b):
        await x.close()
    for c in clients:
        await c.aclose()


async def _next(sub, timeout: float = 3.0):
    return await sub.next(timeout=timeout)


async def _settle(broker) -> None:
    """Let a Redis SUBSCRIBE reach the server before publishing (in-process: nothing to do)."""
    if isinstance(broker, RedisBroker):
        for _ in range(50):
            if await broker.redis.pubsub_numsub("roost:live:t:1") and \
                    (await broker.redis.pubsub_numsub("roost:live:t:1"))[0][1]:
                return
            await asyncio.sleep(0.02)


async def test_publish_reaches_subscribers_of_that_channel_only(brokers):
    pub, hub = brokers
    async with hub.subscribe(["t:1"]) as one, hub.subscribe(["t:1", "t:2"]) as both, \
            hub.subscribe(["t:3"]) as other:
        await _settle(hub)
        await pub.publish("t:1", {"event": "update", "id": "5"})
        await pub.publish("t:2", {"event": "update", "id": "6"})
        assert await _next(one) == ("t:1", {"event": "update", "id": "5"})
        assert await _next(both) == ("t:1", {"event": "update", "id": "5"})
        assert await _next(both) == ("t:2", {"event": "update", "id": "6"})
        assert await other.next(timeout=0.2) is None
        assert await one.next(timeout=0.2) is None
    assert hub.local_subscribers() == 0


async def test_watched_names_the_channels_with_subscribers(brokers):
    pub, hub = brokers
    assert await pub.watched("t:") == set()
    async with hub.subscribe(["t:1", "x:9"]):
        await _settle(hub)
        assert await pub.watched("t:") == {"1"}
    for _ in range(50):  # Redis: the UNSUBSCRIBE goes out in its own task
        if await pub.watched("t:") == set():
            break
        await asyncio.sleep(0.02)
    assert await pub.watched("t:") == set()


async def test_a_slow_subscriber_is_dropped_not_buffered(brokers):
    pub, hub = brokers
    async with hub.subscribe(["t:1"], queue_size=3) as sub:
        await _settle(hub)
        for i in range(5):
            await pub.publish("t:1", {"event": "update", "id": str(i)})
        for _ in range(100):
            if sub.dropped:
                break
            await asyncio.sleep(0.02)
        assert sub.dropped and sub.queue.qsize() <= 1
        with pytest.raises(StopAsyncIteration):
            await _next(sub)


async def test_in_process_broker_knows_when_nobody_listens():
    b = InProcessBroker()
    assert b.idle()
    async with b.subscribe(["t:1"]):
        assert not b.idle()
    assert b.idle()


async def test_closing_the_broker_ends_every_subscription():
    b = InProcessBroker()
    sub = await b.subscribe(["t:1"]).open()
    waiting = asyncio.create_task(sub.next())
    await asyncio.sleep(0)
    await b.close()
    with pytest.raises(StopAsyncIteration):
        await asyncio.wait_for(waiting, 1)
    await b.publish("t:1", {"event": "update", "id": "1"})  # after close: ignored, no error


async def test_iterating_a_subscription(brokers):
    pub, hub = brokers
    sub = hub.subscribe(["t:1"])
    got = []

    async def read():
        async for item in sub:
            got.append(item)
            if len(got) == 2:
                break

    reader = asyncio.create_task(read())
    for _ in range(50):
        if sub.opened:
            break
        await asyncio.sleep(0.01)
    await _settle(hub)
    await pub.publish("t:1", {"event": "update", "id": "1"})
    await pub.publish("t:1", {"event": "delete", "id": "1"})
    await asyncio.wait_for(reader, 3)
    await sub.close()
    assert [m["event"] for _, m in got] == ["update", "delete"]


# ---- publishing after commit -------------------------------------------------------------------
async def test_a_rolled_back_write_publishes_nothing(app, db):
    async with realtime.broker().subscribe(["t:1"]) as sub:
        with pytest.raises(RuntimeError):
            async with db.unit_of_work() as session:
                realtime.publish_after_commit(session, [("t:1", {"event": "update", "id": "1"})])
                raise RuntimeError("rolled back")
        assert await sub.next(timeout=0.3) is None
        async with db.unit_of_work() as session:
            realtime.publish_after_commit(session, [("t:1", {"event": "update", "id": "2"})])
            assert await sub.next(timeout=0.05) is None  # not before the commit
        assert await _next(sub) == ("t:1", {"event": "update", "id": "2"})


async def _active(api, *people) -> None:
    """Someone watching their home has just used the app (a stream's page marks them active)."""
    for p in people:
        assert (await api.get("/api/v1/accounts/verify_credentials", headers=p.headers)).status_code == 200


async def test_new_post_reaches_public_home_and_tag_channels(app, api, make, run_jobs):
    alice, bob, carol = await make.account(), await make.account(), await make.account()
    await make.follow(bob, alice)
    await _active(api, bob, carol)
    channels = [realtime.PUBLIC, realtime.PUBLIC_LOCAL, realtime.hashtag("cats"),
                realtime.timeline(bob.account.id), realtime.timeline(carol.account.id)]
    async with realtime.broker().subscribe(channels) as sub:
        post = await make.post(alice, "hello #Cats")
        assert await sub.next(timeout=0.2) is None  # published by the fan-out job
        await run_jobs()
        got = {ch for ch, m in sub.pending(20) if m == {"event": "update", "id": str(post.id)}}
        assert got == {realtime.PUBLIC, realtime.PUBLIC_LOCAL, realtime.hashtag("cats"),
                       realtime.timeline(bob.account.id)}  # carol follows nobody

        private = await make.post(alice, "followers only", visibility="private")
        await run_jobs()
        got = {ch for ch, m in sub.pending(20) if m["id"] == str(private.id)}
        assert got == {realtime.timeline(bob.account.id)}


async def test_nothing_is_looked_up_for_homes_nobody_watches(app, make, run_jobs):
    alice, bob = await make.account(), await make.account()
    await make.follow(bob, alice)
    async with realtime.broker().subscribe([realtime.PUBLIC]) as sub:
        await make.post(alice, "anyone there?")
        await run_jobs()
        assert [ch for ch, _ in sub.pending(20)] == [realtime.PUBLIC]
    assert await realtime.broker().watched(realtime.TIMELINE_PREFIX) == set()


async def test_a_like_publishes_a_notification_and_a_delete_publishes_delete(app, api, make,
                                                                             run_jobs):
    alice, bob = await make.account(), await make.account()
    await make.follow(bob, alice)
    await _active(api, bob)
    post = await make.post(alice, "like me")
    await run_jobs()
    channels = [realtime.notifications(alice.account.id), realtime.timeline(bob.account.id),
                realtime.PUBLIC]
    async with realtime.broker().subscribe(channels) as sub:
        r = await api.post(f"/api/v1/statuses/{post.id}/favourite", headers=bob.headers)
        assert r.status_code == 200
        await run_jobs()
        (channel, msg), = sub.pending(10)
        assert channel == realtime.notifications(alice.account.id) and msg["event"] == "notification"
        r = await api.delete(f"/api/v1/statuses/{post.id}", headers=alice.headers)
        assert r.status_code == 200
        await run_jobs()
        got = {ch for ch, m in sub.pending(10) if m == {"event": "delete", "id": str(post.id)}}
        assert got == {realtime.timeline(bob.account.id), realtime.PUBLIC}
