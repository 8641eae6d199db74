"""Notifications through the Mastodon API: what creates them, filters, paging, dismissing,
what hides them, the unread count, and the number of queries a page costs."""

from __future__ import annotations

import re

from roost.accounts import service as accounts
from roost.models import Account
from roost.api.mastodon import content
from tests.querycount import counting_queries


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _links(response) -> dict[str, str]:  # noqa: ANN001
    return {rel: url for url, rel in re.findall(r'<([^>]+)>; rel="(\w+)"', response.headers["link"])}


async def _list(api, person, **params) -> list[dict]:  # noqa: ANN001
    r = await api.get("/api/v1/notifications", params=params, headers=person.headers)
    assert r.status_code == 200, r.text
    return r.json()


async def _busy_morning(api, make, run_jobs):  # noqa: ANN001, ANN202
    """Bob mentions Alice, Carol favourites and reblogs her post."""
    alice, bob, carol = await make.account("alice"), await make.account("bob"), await make.account("carol")
    post = await make.post(alice, "my post")
    mention = await make.post(bob, "hi @alice")
    assert (await api.post(f"/api/v1/statuses/{post.id}/favourite", headers=carol.headers)).status_code == 200
    assert (await api.post(f"/api/v1/statuses/{post.id}/reblog", headers=carol.headers)).status_code == 200
    await run_jobs()
    return alice, bob, carol, post, mention


async def test_mention_favourite_reblog(api, make, run_jobs):
    alice, bob, carol, post, mention = await _busy_morning(api, make, run_jobs)
    items = await _list(api, alice)
    assert [n["type"] for n in items] == ["reblog", "favourite", "mention"]
    reblog, favourite, mentioned = items
    assert reblog["account"]["id"] == carol.id and reblog["status"]["id"] == str(post.id)
    assert favourite["status"]["favourites_count"] == 1
    assert mentioned["account"]["username"] == "bob" and mentioned["status"]["id"] == str(mention.id)
    assert reblog["group_key"] == f"reblog-{post.id}" and favourite["group_key"] == f"favourite-{post.id}"
    assert mentioned["group_key"] == f"ungrouped-{mentioned['id']}"  # grouping: test_notifications_v2
    for n in items:
        assert n["created_at"].endswith("Z")
    # Nobody else was notified, and nobody is notified about themselves.
    assert await _list(api, bob) == [] and await _list(api, carol) == []


async def test_follow_follow_request_and_status_types(api, make, run_jobs):
    alice, locked, bob = await make.account(), await make.account(locked=True), await make.account()
    assert (await api.post(f"/api/v1/accounts/{alice.id}/follow", headers=bob.headers,
                           json={"notify": True})).status_code == 200
    assert (await api.post(f"/api/v1/accounts/{locked.id}/follow", headers=bob.headers)).status_code == 200
    await run_jobs()
    post = await make.post(alice, "news for subscribers")
    await run_jobs()
    items = await _list(api, bob)
    assert [(n["type"], n["status"]["id"]) for n in items] == [("status", str(post.id))]
    follow = await _list(api, alice)
    assert [n["type"] for n in follow] == ["follow"] and "status" not in follow[0]
    request = await _list(api, locked)
    assert [n["type"] for n in request] == ["follow_request"] and "status" not in request[0]
    assert request[0]["account"]["id"] == bob.id


async def test_filters(api, make, run_jobs):
    alice, bob, carol, *_ = await _busy_morning(api, make, run_jobs)
    assert [n["type"] for n in await _list(api, alice, **{"types[]": ["mention", "favourite"]})] == [
        "favourite", "mention"]
    assert [n["type"] for n in await _list(api, alice, **{"exclude_types[]": ["reblog"]})] == [
        "favourite", "mention"]
    assert [n["type"] for n in await _list(api, alice, types="mention")] == ["mention"]
    assert await _list(api, alice, **{"types[]": "poll"}) == []
    assert await _list(api, alice, **{"types[]": "no-such-type"}) == []
    assert [n["type"] for n in await _list(api, alice, account_id=carol.id)] == ["reblog", "favourite"]
    assert await _list(api, alice, account_id="nonsense") == []


async def test_get_one(api, make, run_jobs):
    alice, bob, *_ = await _busy_morning(api, make, run_jobs)
    first = (await _list(api, alice))[0]
    r = await api.get(f"/api/v1/notifications/{first['id']}", headers=alice.headers)
    assert r.status_code == 200 and r.json() == first
    assert (await api.get(f"/api/v1/notifications/{first['id']}", headers=bob.headers)).status_code == 404
    assert (await api.get("/api/v1/notifications/12345", headers=alice.headers)).status_code == 404
    assert (await api.get("/api/v1/notifications/abc", headers=alice.headers)).status_code == 404


async def test_dismiss_and_clear(api, make, run_jobs):
    alice, bob, *_ = await _busy_morning(api, make, run_jobs)
    items = await _list(api, alice)
    r = await api.post(f"/api/v1/notifications/{items[0]['id']}/dismiss", headers=bob.headers)
    assert r.status_code == 404  # not Bob's to dismiss
    r = await api.post(f"/api/v1/notifications/{items[0]['id']}/dismiss", headers=alice.headers)
    assert r.status_code == 200 and r.json() == {}
    assert [n["id"] for n in await _list(api, alice)] == [n["id"] for n in items[1:]]
    r = await api.post(f"/api/v1/notifications/{items[0]['id']}/dismiss", headers=alice.headers)
    assert r.status_code == 404
    r = await api.post("/api/v1/notifications/clear", headers=bob.headers)
    assert r.status_code == 200 and len(await _list(api, alice)) == 2  # Bob cleared only his own
    r = await api.post("/api/v1/notifications/clear", headers=alice.headers)
    assert r.status_code == 200 and await _list(api, alice) == []


async def test_paging(api, make, run_jobs):
    alice = await make.account()
    fans = [await make.account() for _ in range(5)]
    post = await make.post(alice, "like me")
    for fan in fans:
        await api.post(f"/api/v1/statuses/{post.id}/favourite", headers=fan.headers)
    await run_jobs()
    everything = [n["id"] for n in await _list(api, alice)]
    assert len(everything) == 5
    r = await api.get("/api/v1/notifications", params={"limit": 2}, headers=alice.headers)
    assert [n["id"] for n in r.json()] == everything[:2]
    links = _links(r)
    assert f"max_id={everything[1]}" in links["next"] and f"min_id={everything[0]}" in links["prev"]
    r = await api.get(links["next"].removeprefix("http://roost.test"), headers=alice.headers)
    assert [n["id"] for n in r.json()] == everything[2:4]
    assert "limit=2" in _links(r)["next"]
    r = await api.get("/api/v1/notifications", params={"min_id": everything[4], "limit": 2},
                      headers=alice.headers)
    assert [n["id"] for n in r.json()] == everything[2:4]
    r = await api.get("/api/v1/notifications", params={"since_id": everything[2]},
                      headers=alice.headers)
    assert [n["id"] for n in r.json()] == everything[:2]


async def test_hidden_when_status_gone_or_sender_blocked_muted_suspended(api, make, run_jobs, db):
    alice, bob, carol, post, mention = await _busy_morning(api, make, run_jobs)
    dave = await make.account()
    await make.post(dave, "@alice hello from dave")
    await run_jobs()
    assert len(await _list(api, alice)) == 4
    # Bob deletes his mention.
    assert (await api.delete(f"/api/v1/statuses/{mention.id}", headers=bob.headers)).status_code == 200
    assert [n["type"] for n in await _list(api, alice)] == ["mention", "reblog", "favourite"]
    # A mute that keeps notifications hides nothing; one that hides them does.
    await api.post(f"/api/v1/accounts/{dave.id}/mute", headers=alice.headers, json={"notifications": False})
    assert len(await _list(api, alice)) == 3
    await api.post(f"/api/v1/accounts/{dave.id}/mute", headers=alice.headers, json={"notifications": True})
    assert [n["type"] for n in await _list(api, alice)] == ["reblog", "favourite"]
    # Blocking Carol hides hers.
    await api.post(f"/api/v1/accounts/{carol.id}/block", headers=alice.headers)
    assert await _list(api, alice) == []
    await api.post(f"/api/v1/accounts/{carol.id}/unblock", headers=alice.headers)
    await api.post(f"/api/v1/accounts/{dave.id}/unmute", headers=alice.headers)
    assert len(await _list(api, alice)) == 3
    # A suspended sender disappears too.
    async with db.unit_of_work() as s:
        await accounts.suspend(s, None, await s.get(Account, dave.account.id))
    assert [n["type"] for n in await _list(api, alice)] == ["reblog", "favourite"]


async def test_unread_count_uses_the_marker(api, make, run_jobs):
    alice, bob, carol, *_ = await _busy_morning(api, make, run_jobs)
    r = await api.get("/api/v1/notifications/unread_count", headers=alice.headers)
    assert r.status_code == 200 and r.json() == {"count": 3}
    items = await _list(api, alice)
    await api.post("/api/v1/markers", headers=alice.headers,
                   json={"notifications": {"last_read_id": items[1]["id"]}})
    assert (await api.get("/api/v1/notifications/unread_count", headers=alice.headers)).json() == {"count": 1}
    r = await api.get("/api/v1/notifications/unread_count", params={"types[]": "favourite"},
                      headers=alice.headers)
    assert r.json() == {"count": 0}
    await api.post("/api/v1/markers", headers=alice.headers,
                   json={"notifications": {"last_read_id": "0"}})
    r = await api.get("/api/v1/notifications/unread_count", params={"limit": 2}, headers=alice.headers)
    assert r.json() == {"count": 2}
    # limit is clamped like every other limit (one helper), not refused
    for limit, count in (("many", 3), ("-4", 1), (str(10**30), 3)):
        r = await api.get("/api/v1/notifications/unread_count", params={"limit": limit},
                          headers=alice.headers)
        assert r.status_code == 200 and r.json() == {"count": count}, limit


async def test_authorisation(api, make, run_jobs):
    alice, *_ = await _busy_morning(api, make, run_jobs)
    some_id = (await _list(api, alice))[0]["id"]
    for method, path in (("get", "/api/v1/notifications"), ("get", f"/api/v1/notifications/{some_id}"),
                         ("get", "/api/v1/notifications/unread_count"),
                         ("post", f"/api/v1/notifications/{some_id}/dismiss"),
                         ("post", "/api/v1/notifications/clear")):
        assert (await api.request(method, path)).status_code == 401, path
    statuses_only = await make.token(alice, ["read:statuses", "write:statuses"])
    assert (await api.get("/api/v1/notifications", headers=_auth(statuses_only))).status_code == 403
    read_only = await make.token(alice, ["read:notifications"])
    assert (await api.get("/api/v1/notifications", headers=_auth(read_only))).status_code == 200
    for path in (f"/api/v1/notifications/{some_id}/dismiss", "/api/v1/notifications/clear"):
        assert (await api.post(path, headers=_auth(read_only))).status_code == 403
    assert len(await _list(api, alice)) == 3


async def test_a_page_costs_a_fixed_number_of_queries(api, make, run_jobs, app):
    alice = await make.account()
    fans = [await make.account() for _ in range(12)]
    post = await make.post(alice, "popular")
    for fan in fans[:3]:
        await make.post(fan, f"@{alice.account.username} hey")
        await api.post(f"/api/v1/statuses/{post.id}/favourite", headers=fan.headers)
    await run_jobs()

    async def queries_for_page() -> int:
        content.clear()  # statuses rendered before are cached: count a cold page
        with counting_queries(app) as counted:
            r = await api.get("/api/v1/notifications", headers=alice.headers)
        assert r.status_code == 200
        return counted.n

    assert len(await _list(api, alice)) == 6  # (also marks Alice active, which writes once)
    small = await queries_for_page()
    for fan in fans[3:]:
        await make.post(fan, f"@{alice.account.username} hey")
        await api.post(f"/api/v1/statuses/{post.id}/favourite", headers=fan.headers)
    await run_jobs()
    assert len(await _list(api, alice)) == 24
    assert await queries_for_page() == small
