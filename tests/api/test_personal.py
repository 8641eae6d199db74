"""Private notes, endorsements, domain blocks, familiar followers, and the endpoints that answer
as Mastodon does when a feature is off (Web Push, notification filtering), through the API."""

from __future__ import annotations

from sqlalchemy import select

from roost.models import Event


async def _events(db, type_: str) -> list[dict]:  # noqa: ANN001
    async with db.session() as s:
        return list((await s.execute(select(Event.data).where(Event.type == type_)
                                     .order_by(Event.seq))).scalars())


async def _rel(api, viewer, target) -> dict:  # noqa: ANN001
    r = await api.get("/api/v1/accounts/relationships", params={"id[]": str(target.account.id)},
                      headers=viewer.headers)
    return r.json()[0]


async def test_private_note_shows_in_relationship_only_to_its_writer(api, make, db):
    alice, bob = await make.account(), await make.account()
    url = f"/api/v1/accounts/{bob.account.id}/note"
    r = await api.post(url, data={"comment": "  met at the conference  "}, headers=alice.headers)
    assert r.status_code == 200 and r.json()["note"] == "met at the conference"
    assert (await _rel(api, alice, bob))["note"] == "met at the conference"
    assert (await _rel(api, bob, alice))["note"] == ""
    r = await api.post(url, json={"comment": "changed"}, headers=alice.headers)
    assert r.json()["note"] == "changed"
    assert (await api.post(url, data={"comment": ""}, headers=alice.headers)).json()["note"] == ""
    assert (await api.post(url, data={"comment": "x" * 2001}, headers=alice.headers)).status_code == 422
    assert (await api.post(url, data={"comment": "x"})).status_code == 401
    assert (await api.post("/api/v1/accounts/999/note", data={"comment": "x"},
                           headers=alice.headers)).status_code == 404
    events = await _events(db, "graph.note_set")
    assert len(events) == 3 and "comment" not in events[0]  # the note stays private


async def test_endorsements_need_a_follow_and_go_with_it(api, make, db):
    alice, bob, carol = await make.account(), await make.account(), await make.account()
    pin = f"/api/v1/accounts/{bob.account.id}/pin"
    assert (await api.post(pin, headers=alice.headers)).status_code == 422  # not following
    await make.follow(alice, bob)
    r = await api.post(pin, headers=alice.headers)
    assert r.status_code == 200 and r.json()["endorsed"] is True
    assert (await api.post(pin, headers=alice.headers)).status_code == 200  # again: no change
    mine = (await api.get("/api/v1/endorsements", headers=alice.headers)).json()
    assert [a["id"] for a in mine] == [str(bob.account.id)]
    public = await api.get(f"/api/v1/accounts/{alice.account.id}/endorsements")
    assert [a["id"] for a in public.json()] == [str(bob.account.id)]
    # a viewer blocked by bob does not see him featured
    await api.post(f"/api/v1/accounts/{carol.account.id}/block", headers=bob.headers)
    seen = await api.get(f"/api/v1/accounts/{alice.account.id}/endorsements", headers=carol.headers)
    assert seen.json() == []
    r = await api.post(f"/api/v1/accounts/{bob.account.id}/unendorse", headers=alice.headers)
    assert r.json()["endorsed"] is False
    await api.post(f"/api/v1/accounts/{bob.account.id}/endorse", headers=alice.headers)
    await api.post(f"/api/v1/accounts/{bob.account.id}/unfollow", headers=alice.headers)
    assert (await api.get("/api/v1/endorsements", headers=alice.headers)).json() == []
    assert len(await _events(db, "graph.endorsed")) == 2
    assert len(await _events(db, "graph.unendorsed")) == 2


async def test_domain_blocks_are_kept_and_listed(api, make, db):
    alice = await make.account()
    for domain in ("spam.example", "SPAM.example", "other.example"):
        r = await api.post("/api/v1/domain_blocks", data={"domain": domain}, headers=alice.headers)
        assert r.status_code == 200 and r.json() == {}
    r = await api.get("/api/v1/domain_blocks", params={"limit": 1}, headers=alice.headers)
    assert r.json() == ["other.example"] and 'rel="next"' in r.headers["link"]
    all_ = (await api.get("/api/v1/domain_blocks", headers=alice.headers)).json()
    assert all_ == ["other.example", "spam.example"]
    r = await api.request("DELETE", "/api/v1/domain_blocks", data={"domain": "spam.example"},
                          headers=alice.headers)
    assert r.status_code == 200
    assert (await api.get("/api/v1/domain_blocks", headers=alice.headers)).json() == ["other.example"]
    bad = await api.post("/api/v1/domain_blocks", data={"domain": "not a domain"},
                         headers=alice.headers)
    assert bad.status_code == 422
    assert [e["domain"] for e in await _events(db, "graph.domain_blocked")] == [
        "spam.example", "other.example"]


async def test_familiar_followers(api, make):
    me, friend, other, target = [await make.account() for _ in range(4)]
    await make.follow(me, friend)
    await make.follow(friend, target)
    await make.follow(other, target)  # I do not follow other
    r = await api.get("/api/v1/accounts/familiar_followers",
                      params={"id[]": [str(target.account.id), "123"]}, headers=me.headers)
    assert r.status_code == 200
    assert [(x["id"], [a["id"] for a in x["accounts"]]) for x in r.json()] == [
        (str(target.account.id), [str(friend.account.id)])]
    assert (await api.get("/api/v1/accounts/familiar_followers")).status_code == 401


async def test_push_and_notification_policy_answer_as_when_switched_off(api, make):
    alice = await make.account()
    h = alice.headers
    assert (await api.get("/api/v1/push/subscription", headers=h)).status_code == 404
    r = await api.post("/api/v1/push/subscription", headers=h, data={
        "subscription[endpoint]": "https://push.example/1", "subscription[keys][p256dh]": "k",
        "subscription[keys][auth]": "a"})
    assert r.status_code == 422 and "Web Push" in r.json()["error"]
    assert (await api.delete("/api/v1/push/subscription", headers=h)).json() == {}
    policy = (await api.get("/api/v2/notifications/policy", headers=h)).json()
    assert policy["for_not_following"] == "accept" and policy["summary"]["pending_requests_count"] == 0
    ok = await api.patch("/api/v2/notifications/policy", json={"for_new_accounts": "accept"}, headers=h)
    assert ok.status_code == 200
    no = await api.patch("/api/v2/notifications/policy", json={"for_new_accounts": "drop"}, headers=h)
    assert no.status_code == 422
    assert (await api.get("/api/v1/notifications/requests", headers=h)).json() == []
    assert (await api.get("/api/v1/notifications/requests/merged", headers=h)).json() == {"merged": True}
    assert (await api.get("/api/v1/notifications/requests/1", headers=h)).status_code == 404


async def test_several_statuses_at_once_keep_order_and_visibility(api, make):
    alice, bob = await make.account(), await make.account()
    a = await make.post(alice, "one")
    b = await make.post(alice, "two")
    private = await make.post(alice, "followers only", visibility="private")
    r = await api.get("/api/v1/statuses", params={"id[]": [str(b.id), str(private.id), str(a.id),
                                                          "nope"]}, headers=bob.headers)
    assert r.status_code == 200 and [s["id"] for s in r.json()] == [str(b.id), str(a.id)]
    many = await api.get("/api/v1/statuses", params={"id[]": [str(a.id)] * 21})
    assert many.status_code == 422


async def test_instance_languages_and_version(api):
    langs = (await api.get("/api/v1/instance/languages")).json()
    assert {"code": "en", "name": "English"} in langs and len(langs) > 150
    v2 = (await api.get("/api/v2/instance")).json()
    assert v2["api_versions"] == {"mastodon": 2}
    assert v2["thumbnail"]["url"] and v2["configuration"]["translation"]["enabled"] is False
