from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from roost.models import Event, MediaAttachment
from roost.scheduled.service import MAX_DAILY
from tests.api.test_status_edits import _png
from tests.openapi import check_schema
from tests.timetravel import travel


def _at(minutes: float, days: int = 0) -> str:
    return (datetime.now(UTC) + timedelta(days=days, minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%S.000Z")


async def _schedule(api, person, minutes: float = 60, **body) -> dict:
    r = await api.post("/api/v1/statuses", headers=person.headers,
                       json={"status": "later", "scheduled_at": _at(minutes), **body})
    assert r.status_code == 200, r.text
    return r.json()


async def _types(db) -> list[str]:
    async with db.session() as s:
        return list((await s.execute(select(Event.type).order_by(Event.seq))).scalars())


async def test_schedule_list_and_publish_with_media(api, make, db, run_jobs):
    alice, bob = await make.account(), await make.account()
    await make.follow(bob, alice)
    media = (await api.post("/api/v2/media", files={"file": ("a.png", _png(), "image/png")},
                            data={"description": "alt"}, headers=alice.headers)).json()
    sched = await _schedule(api, alice, status="with a picture", media_ids=[media["id"]],
                            spoiler_text="cw", visibility="unlisted", language="en")
    check_schema("ScheduledStatus", sched)
    assert sched["params"]["text"] == "with a picture"
    assert sched["params"]["visibility"] == "unlisted" and sched["params"]["spoiler_text"] == "cw"
    assert sched["params"]["media_ids"] == [media["id"]]
    assert [m["id"] for m in sched["media_attachments"]] == [media["id"]]
    assert sched["params"]["scheduled_at"] is None and sched["params"]["with_rate_limit"] is False

    listed = (await api.get("/api/v1/scheduled_statuses", headers=alice.headers)).json()
    assert [s["id"] for s in listed] == [sched["id"]]
    one = (await api.get(f"/api/v1/scheduled_statuses/{sched['id']}", headers=alice.headers)).json()
    assert one == sched
    assert (await api.get(f"/api/v1/scheduled_statuses/{sched['id']}", headers=bob.headers)).status_code == 404
    assert (await api.get("/api/v1/scheduled_statuses", headers=bob.headers)).json() == []
    assert (await api.get("/api/v1/accounts/{}/statuses".format(alice.id))).json() == []

    # The media is taken: it cannot go on another post meanwhile.
    r = await api.post("/api/v1/statuses", json={"status": "x", "media_ids": [media["id"]]},
                       headers=alice.headers)
    assert r.status_code == 422 and "scheduled" in r.json()["error"]

    await run_jobs()
    assert (await api.get(f"/api/v1/accounts/{alice.id}/statuses")).json() == []
    await travel(db, 3601)
    await run_jobs()
    posted = (await api.get(f"/api/v1/accounts/{alice.id}/statuses", headers=bob.headers)).json()
    assert len(posted) == 1
    status = posted[0]
    assert status["content"] == "<p>with a picture</p>" and status["spoiler_text"] == "cw"
    assert status["visibility"] == "unlisted" and status["language"] == "en"
    assert [m["description"] for m in status["media_attachments"]] == ["alt"]
    assert status["application"]["name"] == "Test client"
    home = (await api.get("/api/v1/timelines/home", headers=bob.headers)).json()
    assert [s["id"] for s in home] == [status["id"]]  # fanned out as any post
    assert (await api.get("/api/v1/scheduled_statuses", headers=alice.headers)).json() == []
    assert (await api.get(f"/api/v1/scheduled_statuses/{sched['id']}",
                          headers=alice.headers)).status_code == 404
    types = await _types(db)
    assert types.index("post.scheduled") < types.index("post.created") < types.index("post.unscheduled")
    async with db.session() as s:
        m = await s.get(MediaAttachment, int(media["id"]))
        assert m.scheduled_status_id is None and m.status_id == int(status["id"])


async def test_scheduled_poll_and_reply(api, make, db, run_jobs):
    alice, bob = await make.account(), await make.account()
    parent = (await api.post("/api/v1/statuses", json={"status": "root"}, headers=bob.headers)).json()
    sched = await _schedule(api, alice, status="vote later", in_reply_to_id=parent["id"],
                            poll={"options": ["a", "b"], "expires_in": 600, "multiple": True})
    check_schema("ScheduledStatus", sched)
    assert sched["params"]["poll"] == {"options": ["a", "b"], "expires_in": 600, "multiple": True,
                                       "hide_totals": False}
    assert sched["params"]["in_reply_to_id"] == int(parent["id"])
    await travel(db, 3601)
    await run_jobs()
    posted = (await api.get(f"/api/v1/accounts/{alice.id}/statuses")).json()[0]
    assert posted["in_reply_to_id"] == parent["id"]
    assert posted["poll"]["multiple"] is True and posted["poll"]["expired"] is False
    expires = datetime.fromisoformat(posted["poll"]["expires_at"].replace("Z", "+00:00"))
    assert timedelta(seconds=590) < expires - datetime.now(UTC) <= timedelta(seconds=600)


async def test_a_scheduled_reply_whose_parent_is_gone_is_dropped(api, make, db, run_jobs):
    alice = await make.account()
    parent = (await api.post("/api/v1/statuses", json={"status": "root"}, headers=alice.headers)).json()
    await _schedule(api, alice, in_reply_to_id=parent["id"])
    await api.delete(f"/api/v1/statuses/{parent['id']}", headers=alice.headers)
    await travel(db, 3601)
    await run_jobs()
    assert (await api.get(f"/api/v1/accounts/{alice.id}/statuses")).json() == []
    assert (await api.get("/api/v1/scheduled_statuses", headers=alice.headers)).json() == []
    async with db.session() as s:
        last = (await s.execute(select(Event).where(Event.type == "post.unscheduled"))).scalars().one()
    assert last.data["reason"] == "dropped"


async def test_too_soon_bad_and_past_times(api, make):
    alice = await make.account()
    r = await api.post("/api/v1/statuses", headers=alice.headers,
                       json={"status": "soon", "scheduled_at": _at(4)})
    assert r.status_code == 422 and "5 minutes" in r.json()["error"]
    for bad in ("tomorrowish", "9999-12-31T23:59:59-05:00", "2030-02-30T10:00:00Z"):
        r = await api.post("/api/v1/statuses", headers=alice.headers,
                           json={"status": "when", "scheduled_at": bad})
        assert r.status_code == 422, bad
    r = await api.post("/api/v1/statuses", headers=alice.headers,
                       json={"status": "far", "scheduled_at": "9999-12-31T23:00:00Z"})
    assert r.status_code == 200 and r.json()["scheduled_at"] == "9999-12-31T23:00:00.000Z"
    # A time already past publishes at once, as Mastodon does.
    r = await api.post("/api/v1/statuses", headers=alice.headers,
                       json={"status": "now", "scheduled_at": _at(-10)})
    assert r.status_code == 200 and r.json()["content"] == "<p>now</p>"
    # The post itself is checked when it is scheduled.
    r = await api.post("/api/v1/statuses", headers=alice.headers,
                       json={"status": "", "scheduled_at": _at(60)})
    assert r.status_code == 422 and "blank" in r.json()["error"]
    r = await api.post("/api/v1/statuses", headers=alice.headers,
                       json={"status": "q", "scheduled_at": _at(60), "poll": {"options": ["a"],
                                                                              "expires_in": 600}})
    assert r.status_code == 422


async def test_form_body_and_idempotency(api, make):
    alice = await make.account()
    h = {**alice.headers, "Idempotency-Key": "sched-1"}
    a = await api.post("/api/v1/statuses", headers=h, data={"status": "form", "scheduled_at": _at(30),
                                                            "poll[options][]": ["x", "y"],
                                                            "poll[expires_in]": "300"})
    b = await api.post("/api/v1/statuses", headers=h, data={"status": "form", "scheduled_at": _at(30)})
    assert a.status_code == b.status_code == 200
    assert a.json()["id"] == b.json()["id"]
    assert a.json()["params"]["poll"]["options"] == ["x", "y"]
    assert len((await api.get("/api/v1/scheduled_statuses", headers=alice.headers)).json()) == 1
    # Once the scheduled post is cancelled, the key is free for a post made now.
    await api.delete(f"/api/v1/scheduled_statuses/{a.json()['id']}", headers=alice.headers)
    c = await api.post("/api/v1/statuses", headers=h, json={"status": "now then"})
    d = await api.post("/api/v1/statuses", headers=h, json={"status": "now then"})
    assert c.status_code == 200 and c.json()["content"] == "<p>now then</p>"
    assert d.json()["id"] == c.json()["id"]


async def test_update_time_and_delete(api, make, db, run_jobs):
    alice, bob = await make.account(), await make.account()
    media = (await api.post("/api/v2/media", files={"file": ("a.png", _png(), "image/png")},
                            headers=alice.headers)).json()
    sched = await _schedule(api, alice, 30, media_ids=[media["id"]])
    later = _at(120)
    r = await api.put(f"/api/v1/scheduled_statuses/{sched['id']}", headers=alice.headers,
                      json={"scheduled_at": later})
    assert r.status_code == 200 and r.json()["scheduled_at"] == later
    r = await api.put(f"/api/v1/scheduled_statuses/{sched['id']}", headers=alice.headers,
                      json={"scheduled_at": _at(2)})
    assert r.status_code == 422
    assert (await api.put(f"/api/v1/scheduled_statuses/{sched['id']}", headers=bob.headers,
                          json={"scheduled_at": later})).status_code == 404

    await travel(db, 31 * 60)  # the first time has passed: the old job must not publish it
    await run_jobs()
    assert (await api.get(f"/api/v1/accounts/{alice.id}/statuses")).json() == []
    assert len((await api.get("/api/v1/scheduled_statuses", headers=alice.headers)).json()) == 1

    assert (await api.delete(f"/api/v1/scheduled_statuses/{sched['id']}",
                             headers=bob.headers)).status_code == 404
    r = await api.delete(f"/api/v1/scheduled_statuses/{sched['id']}", headers=alice.headers)
    assert r.status_code == 200 and r.json() == {}
    async with db.session() as s:
        rows = (await s.execute(select(Event).where(Event.subject_id == int(sched["id"]))
                                .order_by(Event.seq))).scalars().all()
    assert [(e.type, e.data.get("rescheduled", e.data.get("reason"))) for e in rows] == [
        ("post.scheduled", False), ("post.scheduled", True), ("post.unscheduled", "cancelled")]
    assert not any(e.public for e in rows)
    await travel(db, 120 * 60)
    await run_jobs()
    assert (await api.get(f"/api/v1/accounts/{alice.id}/statuses")).json() == []
    # Its media is free again.
    r = await api.post("/api/v1/statuses", json={"status": "x", "media_ids": [media["id"]]},
                       headers=alice.headers)
    assert r.status_code == 200


async def test_daily_limit_and_paging(api, make):
    alice = await make.account()
    ids = []
    for i in range(MAX_DAILY):
        ids.append((await _schedule(api, alice, 0, status=f"n{i}",
                                    scheduled_at=_at(60 * 24 * 3 + i))).get("id"))
    r = await api.post("/api/v1/statuses", headers=alice.headers,
                       json={"status": "one too many", "scheduled_at": _at(60 * 24 * 3 + 30)})
    assert r.status_code == 422 and f"{MAX_DAILY}" in r.json()["error"]
    r = await api.post("/api/v1/statuses", headers=alice.headers,
                       json={"status": "another day", "scheduled_at": _at(60 * 24 * 5)})
    assert r.status_code == 200

    page = await api.get("/api/v1/scheduled_statuses?limit=10", headers=alice.headers)
    assert len(page.json()) == 10 and 'rel="next"' in page.headers["link"]
    nxt = await api.get(f"/api/v1/scheduled_statuses?limit=40&max_id={page.json()[-1]['id']}",
                        headers=alice.headers)
    assert len(nxt.json()) == MAX_DAILY + 1 - 10


async def test_scopes(api, make):
    alice = await make.account()
    assert (await api.get("/api/v1/scheduled_statuses")).status_code == 401
    token = await make.token(alice, ["read"])
    h = {"Authorization": f"Bearer {token}"}
    assert (await api.get("/api/v1/scheduled_statuses", headers=h)).status_code == 200
    assert (await api.delete("/api/v1/scheduled_statuses/1", headers=h)).status_code == 403


async def test_total_limit(api, make, db):
    from roost.models import Account
    from roost.posts.service import NewPost
    from roost.scheduled import service

    alice = await make.account()
    async with db.unit_of_work() as session:  # MAX_TOTAL posts, MAX_DAILY a day
        author = await session.get(Account, alice.account.id)
        for i in range(service.MAX_TOTAL):
            await service.schedule_post(session, author, NewPost(text=f"n{i}"),
                                        _at(60 * 24 * (1 + i // MAX_DAILY)))
    r = await api.post("/api/v1/statuses", headers=alice.headers,
                       json={"status": "one too many", "scheduled_at": _at(60 * 24 * 40)})
    assert r.status_code == 422 and f"limit of {service.MAX_TOTAL} scheduled posts" in r.json()["error"]
    first = (await api.get("/api/v1/scheduled_statuses?limit=1", headers=alice.headers)).json()[0]
    r = await api.put(f"/api/v1/scheduled_statuses/{first['id']}", headers=alice.headers,
                      json={"scheduled_at": _at(60 * 24 * 40)})
    assert r.status_code == 200  # moving one is not adding one
