"""`status` notifications for followers who asked for them (follow with notify: true)."""

from __future__ import annotations

from tests.openapi import check_schema


async def _statuses(api, person) -> list[str]:
    items = (await api.get("/api/v1/notifications", headers=person.headers)).json()
    for n in items:
        if n["type"] == "status":
            check_schema("Notification", n)
    return [n["status"]["id"] for n in items if n["type"] == "status"]


async def _subscribe(api, follower, target, **extra) -> None:
    r = await api.post(f"/api/v1/accounts/{target.id}/follow", headers=follower.headers,
                       json={"notify": True, **extra})
    assert r.status_code == 200 and r.json()["notifying"] is True


async def _post(api, person, **body) -> str:
    r = await api.post("/api/v1/statuses", json={"status": "news", **body}, headers=person.headers)
    assert r.status_code == 200, r.text
    return r.json()["id"]


async def test_subscribers_hear_of_new_posts_and_own_threads(api, make, run_jobs):
    alice, bob, carol, other = (await make.account(), await make.account(), await make.account(),
                                await make.account())
    await _subscribe(api, bob, alice)
    await make.follow(carol, alice)  # follows without notify
    public = await _post(api, alice)
    private = await _post(api, alice, visibility="private")
    unlisted = await _post(api, alice, visibility="unlisted")
    thread = await _post(api, alice, in_reply_to_id=public)
    stranger_post = await _post(api, other)
    await _post(api, alice, in_reply_to_id=stranger_post)  # a reply to someone else
    await _post(api, alice, visibility="direct")
    await api.post(f"/api/v1/statuses/{stranger_post}/reblog", headers=alice.headers)
    await run_jobs()
    assert await _statuses(api, bob) == [thread, unlisted, private, public]
    assert await _statuses(api, carol) == []


async def test_notify_can_be_turned_on_and_off_on_an_existing_follow(api, make, run_jobs):
    alice, bob = await make.account(), await make.account()
    await make.follow(bob, alice)
    await _post(api, alice)
    await run_jobs()
    await _subscribe(api, bob, alice)
    second = await _post(api, alice)
    await run_jobs()
    assert await _statuses(api, bob) == [second]
    r = await api.post(f"/api/v1/accounts/{alice.id}/follow", headers=bob.headers, json={"notify": False})
    assert r.json()["notifying"] is False
    await _post(api, alice)
    await run_jobs()
    assert await _statuses(api, bob) == [second]


async def test_muted_blocked_and_other_languages_are_not_notified(api, make, run_jobs):
    alice, muter, blocker, german = (await make.account(), await make.account(), await make.account(),
                                     await make.account())
    for person in (muter, blocker):
        await _subscribe(api, person, alice)
    await _subscribe(api, german, alice, languages=["de"])
    await api.post(f"/api/v1/accounts/{alice.id}/mute", headers=muter.headers,
                   json={"notifications": False})
    await api.post(f"/api/v1/accounts/{alice.id}/block", headers=blocker.headers)
    english = await _post(api, alice, language="en")
    deutsch = await _post(api, alice, language="de")
    await run_jobs()
    assert await _statuses(api, muter) == []
    assert await _statuses(api, blocker) == []
    assert english and await _statuses(api, german) == [deutsch]


async def test_scheduled_posts_notify_when_published(api, make, db, run_jobs):
    from datetime import UTC, datetime, timedelta

    from tests.timetravel import travel

    alice, bob = await make.account(), await make.account()
    await _subscribe(api, bob, alice)
    at = (datetime.now(UTC) + timedelta(minutes=30)).isoformat()
    r = await api.post("/api/v1/statuses", json={"status": "later", "scheduled_at": at},
                       headers=alice.headers)
    assert r.status_code == 200 and "params" in r.json()
    await run_jobs()
    assert await _statuses(api, bob) == []
    await travel(db, 1801)
    await run_jobs()
    published = await _statuses(api, bob)
    assert len(published) == 1
    status = (await api.get(f"/api/v1/statuses/{published[0]}")).json()
    assert status["content"] == "<p>later</p>"
