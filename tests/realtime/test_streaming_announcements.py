"""Announcements on the user stream (Mastodon's `announcement`, `announcement.reaction` and
`announcement.delete`): the services publish after commit on the process's broker (Redis with
ROOST_TEST_REDIS_URL), and each user stream renders what it hears for its viewer."""

from __future__ import annotations

import asyncio
import json
from urllib.parse import quote

from roost import realtime
from roost.models import Account
from roost.api.mastodon import streaming_events as se
from roost.announcements import service as announcements
from roost.realtime.broker import RedisBroker
from tests.openapi import check_schema


async def _settled(broker, channel: str) -> None:
    if isinstance(broker, RedisBroker):  # let SUBSCRIBE reach Redis before anything is published
        for _ in range(100):
            numsub = await broker.redis.pubsub_numsub(f"roost:live:{channel}")
            if numsub and numsub[0][1]:
                return
            await asyncio.sleep(0.02)


async def _told(db, viewer, sub) -> list[tuple[str, str]]:
    """What alice's user stream says about the next broker message."""
    message = await sub.next(timeout=3.0)
    assert message is not None, "nothing was published"
    async with db.read_session() as session:
        return await se.render(session, viewer, se.Stream("user"), [message[1]])


async def test_publish_react_and_withdraw_reach_the_user_stream(api, make, db, app):
    alice, bob = await make.account(), await make.account()
    stream = se.Stream("user")
    assert realtime.ANNOUNCEMENTS in se.channels(stream, int(alice.id))
    assert realtime.ANNOUNCEMENTS not in se.channels(se.Stream("user:notification"), int(alice.id))
    broker = realtime.broker()
    async with broker.subscribe([realtime.ANNOUNCEMENTS]) as sub:
        await _settled(broker, realtime.ANNOUNCEMENTS)
        async with db.unit_of_work() as session:
            draft = (await announcements.create(session, "not yet", publish=False)).id
        async with db.unit_of_work() as session:
            aid = (await announcements.create(session, "Maintenance at 10:00 #ops")).id

        async with db.session() as session:
            viewer = await session.get(Account, int(alice.id))
        [(event, data)] = await _told(db, viewer, sub)  # the draft said nothing
        shown = json.loads(data)
        assert event == "announcement" and shown["id"] == str(aid)
        assert "Maintenance" in shown["content"] and shown["read"] is False
        check_schema("Announcement", shown)

        r = await api.put(f"/api/v1/announcements/{aid}/reactions/{quote('👍')}", headers=bob.headers)
        assert r.status_code == 200
        assert await _told(db, viewer, sub) == [
            ("announcement.reaction", json.dumps({"name": "👍", "count": 1, "announcement_id": str(aid)},
                                                 separators=(",", ":")))]

        async with db.unit_of_work() as session:
            await announcements.publish(session, draft)
        [(event, data)] = await _told(db, viewer, sub)
        assert event == "announcement" and json.loads(data)["id"] == str(draft)

        async with db.unit_of_work() as session:
            await announcements.unpublish(session, aid)
        assert await _told(db, viewer, sub) == [("announcement.delete", str(aid))]
        async with db.unit_of_work() as session:
            await announcements.remove(session, draft)
        assert await _told(db, viewer, sub) == [("announcement.delete", str(draft))]


async def test_nothing_is_published_when_the_write_rolls_back(db):
    broker = realtime.broker()
    async with broker.subscribe([realtime.ANNOUNCEMENTS]) as sub:
        await _settled(broker, realtime.ANNOUNCEMENTS)
        try:
            async with db.unit_of_work() as session:
                await announcements.create(session, "never mind")
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
        assert await sub.next(timeout=0.3) is None
