"""Mastodon.py's polls and scheduled posts against a real Roost server (jobs run in the server;
time is moved forward in the server's database)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from mastodon import Mastodon
from mastodon.errors import MastodonAPIError, MastodonNotFoundError

from roost.db import Database
from tests.compat.mastodon_py import create_app, register, wait_for
from tests.timetravel import travel


@pytest.fixture(scope="module")
def client_app(live_server):
    return create_app(live_server, "compat-polls")


def _travel(live_server, seconds: float) -> None:
    async def go() -> None:
        db = Database(live_server.settings.effective_database_url)
        try:
            await travel(db, seconds)
        finally:
            await db.dispose()

    asyncio.run(go())



def test_poll_post_vote_and_close(live_server, client_app):
    alice = register(live_server, client_app, "mpp_alice")
    bob = register(live_server, client_app, "mpp_bob")
    limits = Mastodon(api_base_url=live_server.url).instance()["configuration"]["polls"]
    assert limits["max_options"] == 4 and limits["min_expiration"] == 300

    poll = alice.make_poll(["red", "green", "blue"], expires_in=600, multiple=True)
    post = alice.status_post("Favourite colours?", poll=poll)
    assert [o["title"] for o in post["poll"]["options"]] == ["red", "green", "blue"]
    assert post["poll"]["multiple"] is True

    voted = bob.poll_vote(post["poll"]["id"], [0, 2])
    assert voted["voted"] is True and voted["own_votes"] == [0, 2]
    assert [o["votes_count"] for o in voted["options"]] == [1, 0, 1]
    assert voted["voters_count"] == 1
    with pytest.raises(MastodonAPIError):
        alice.poll_vote(post["poll"]["id"], [1])  # not in one's own poll
    with pytest.raises(MastodonAPIError):
        bob.poll_vote(post["poll"]["id"], [9])
    assert alice.poll(post["poll"]["id"])["votes_count"] == 2

    _travel(live_server, 601)
    closed = wait_for(lambda: [n for n in bob.notifications() if n["type"] == "poll"], bool, timeout=15)
    assert closed and closed[0]["status"]["id"] == post["id"]
    assert closed[0]["status"]["poll"]["expired"] is True
    assert [n for n in alice.notifications() if n["type"] == "poll"]
    with pytest.raises(MastodonAPIError):
        bob.poll_vote(post["poll"]["id"], [1])


def test_scheduled_post(live_server, client_app):
    carol = register(live_server, client_app, "mpp_carol")
    when = datetime.now(UTC) + timedelta(hours=1)
    sched = carol.status_post("Posted later", scheduled_at=when,
                              poll=carol.make_poll(["now", "later"], expires_in=3600))
    assert "params" in sched and sched["params"]["text"] == "Posted later"
    assert [s["id"] for s in carol.scheduled_statuses()] == [sched["id"]]
    moved = carol.scheduled_status_update(sched["id"], when + timedelta(hours=1))
    assert moved["scheduled_at"] > sched["scheduled_at"]
    assert carol.scheduled_status(sched["id"])["id"] == sched["id"]

    doomed = carol.status_post("Never posted", scheduled_at=when)
    carol.scheduled_status_delete(doomed["id"])
    with pytest.raises(MastodonNotFoundError):
        carol.scheduled_status(doomed["id"])

    with pytest.raises(MastodonAPIError):
        carol.status_post("Too soon", scheduled_at=datetime.now(UTC) + timedelta(minutes=1))

    _travel(live_server, 2 * 3600 + 1)
    me = carol.me()
    posted = wait_for(lambda: carol.account_statuses(me["id"]), bool, timeout=15)
    assert [s["content"] for s in posted] == ["<p>Posted later</p>"]
    assert [o["title"] for o in posted[0]["poll"]["options"]] == ["now", "later"]
    assert carol.scheduled_statuses() == []
