"""Lists through the Mastodon API: CRUD, members, the list timeline, exclusive lists and home,
unfollow removing members, scopes, events. Runs on SQLite, and on PostgreSQL + Redis (where home
reads go through the Redis feeds)."""

from __future__ import annotations

import re

from sqlalchemy import select

from roost.models import Event
from tests.openapi import check_schema
from tests.querycount import counting_queries


async def _post(api, person, text="hello", **fields) -> dict:  # noqa: ANN001
    r = await api.post("/api/v1/statuses", json={"status": text, **fields}, headers=person.headers)
    assert r.status_code == 200, r.text
    return r.json()


async def _new_list(api, person, title="Friends", **fields) -> dict:  # noqa: ANN001
    r = await api.post("/api/v1/lists", json={"title": title, **fields}, headers=person.headers)
    assert r.status_code == 200, r.text
    return r.json()


async def _add(api, person, list_id, *members) -> None:  # noqa: ANN001
    r = await api.post(f"/api/v1/lists/{list_id}/accounts",
                       json={"account_ids": [m.id for m in members]}, headers=person.headers)
    assert r.status_code == 200 and r.json() == {}, r.text


async def _timeline(api, person, list_id, **params) -> list[str]:  # noqa: ANN001
    r = await api.get(f"/api/v1/timelines/list/{list_id}", params=params, headers=person.headers)
    assert r.status_code == 200, r.text
    return [s["id"] for s in r.json()]


async def _home(api, person) -> list[str]:  # noqa: ANN001
    r = await api.get("/api/v1/timelines/home", headers=person.headers)
    assert r.status_code == 200, r.text
    return [s["id"] for s in r.json()]


async def _events(db, type_: str) -> list[dict]:  # noqa: ANN001
    async with db.session() as s:
        return list((await s.execute(select(Event.data).where(Event.type == type_)
                                     .order_by(Event.seq))).scalars())


def _links(response) -> dict[str, str]:  # noqa: ANN001
    return {rel: url for url, rel in re.findall(r'<([^>]+)>; rel="(\w+)"',
                                               response.headers.get("link", ""))}


# ---- who may call ------------------------------------------------------------------------------
async def test_lists_need_a_user_with_list_scopes(api, make):
    alice = await make.account()
    assert (await api.get("/api/v1/lists")).status_code == 401
    assert (await api.post("/api/v1/lists", json={"title": "x"})).status_code == 401
    read = {"Authorization": f"Bearer {await make.token(alice, ['read:lists'])}"}
    statuses = {"Authorization": f"Bearer {await make.token(alice, ['read:statuses', 'write:statuses'])}"}
    assert (await api.get("/api/v1/lists", headers=statuses)).status_code == 403
    assert (await api.get("/api/v1/lists", headers=read)).status_code == 200
    r = await api.post("/api/v1/lists", json={"title": "x"}, headers=read)
    assert r.status_code == 403 and "error" in r.json()
    lst = await _new_list(api, alice)
    assert (await api.get(f"/api/v1/timelines/list/{lst['id']}", headers=statuses)).status_code == 403
    assert (await api.get(f"/api/v1/timelines/list/{lst['id']}", headers=read)).status_code == 200


# ---- CRUD --------------------------------------------------------------------------------------
async def test_create_show_update_delete(api, make, db):
    alice, bob = await make.account(), await make.account()
    lst = await _new_list(api, alice, "Friends")
    assert set(lst) == {"id", "title", "replies_policy", "exclusive"}
    assert lst["title"] == "Friends" and lst["replies_policy"] == "list" and lst["exclusive"] is False

    r = await api.get(f"/api/v1/lists/{lst['id']}", headers=alice.headers)
    assert r.status_code == 200 and r.json() == lst
    # someone else's list does not exist for bob
    assert (await api.get(f"/api/v1/lists/{lst['id']}", headers=bob.headers)).status_code == 404
    assert (await api.get("/api/v1/lists", headers=bob.headers)).json() == []

    r = await api.put(f"/api/v1/lists/{lst['id']}", headers=alice.headers,
                      data={"title": "Close friends", "replies_policy": "followed", "exclusive": "true"})
    assert r.status_code == 200, r.text
    assert r.json() == {"id": lst["id"], "title": "Close friends", "replies_policy": "followed",
                        "exclusive": True}
    # only what is given changes
    r = await api.put(f"/api/v1/lists/{lst['id']}", headers=alice.headers, json={"exclusive": False})
    assert r.json()["title"] == "Close friends" and r.json()["exclusive"] is False
    assert (await api.put(f"/api/v1/lists/{lst['id']}", headers=bob.headers,
                          json={"title": "mine"})).status_code == 404

    second = await _new_list(api, alice, "Work", replies_policy="none")
    r = await api.get("/api/v1/lists", headers=alice.headers)
    assert [x["id"] for x in r.json()] == [lst["id"], second["id"]]

    assert (await api.delete(f"/api/v1/lists/{lst['id']}", headers=bob.headers)).status_code == 404
    r = await api.delete(f"/api/v1/lists/{lst['id']}", headers=alice.headers)
    assert r.status_code == 200 and r.json() == {}
    assert (await api.get(f"/api/v1/lists/{lst['id']}", headers=alice.headers)).status_code == 404
    assert [x["id"] for x in (await api.get("/api/v1/lists", headers=alice.headers)).json()] == [second["id"]]

    assert [e["title"] for e in await _events(db, "list.created")] == ["Friends", "Work"]
    assert [(e["title"], e["exclusive"]) for e in await _events(db, "list.updated")] == [
        ("Close friends", True), ("Close friends", False)]
    assert await _events(db, "list.deleted") == [{"list_id": lst["id"], "account_id": alice.id}]


async def test_bad_input(api, make):
    alice = await make.account()
    for body in ({}, {"title": "   "}, {"title": "x" * 300}, {"title": "ok", "replies_policy": "all"}):
        r = await api.post("/api/v1/lists", json=body, headers=alice.headers)
        assert r.status_code == 422 and "error" in r.json(), body
    lst = await _new_list(api, alice)
    r = await api.put(f"/api/v1/lists/{lst['id']}", json={"title": ""}, headers=alice.headers)
    assert r.status_code == 422
    for bad in ("nope", "99999999", "1" * 30):
        assert (await api.get(f"/api/v1/lists/{bad}", headers=alice.headers)).status_code == 404
        assert (await api.get(f"/api/v1/timelines/list/{bad}", headers=alice.headers)).status_code == 404
        assert (await api.get(f"/api/v1/lists/{bad}/accounts", headers=alice.headers)).status_code == 404


async def test_at_most_fifty_lists(api, make):
    alice = await make.account()
    for n in range(50):
        await _new_list(api, alice, f"l{n}")
    r = await api.post("/api/v1/lists", json={"title": "one more"}, headers=alice.headers)
    assert r.status_code == 422


# ---- members -----------------------------------------------------------------------------------
async def test_members_must_be_followed(api, make, db):
    alice, bob, carol = await make.account(), await make.account(), await make.account()
    await make.follow(alice, bob)
    lst = await _new_list(api, alice)
    url = f"/api/v1/lists/{lst['id']}/accounts"

    r = await api.post(url, json={"account_ids": [carol.id]}, headers=alice.headers)
    assert r.status_code == 404  # not followed
    r = await api.post(url, json={"account_ids": [bob.id, carol.id]}, headers=alice.headers)
    assert r.status_code == 404  # all or nothing
    assert (await api.get(url, headers=alice.headers)).json() == []
    r = await api.post(url, json={"account_ids": ["123456789"]}, headers=alice.headers)
    assert r.status_code == 404

    await _add(api, alice, lst["id"], bob)
    r = await api.post(url, json={"account_ids": [bob.id]}, headers=alice.headers)
    assert r.status_code == 422  # already a member, as Mastodon
    await _add(api, alice, lst["id"], alice)  # oneself is allowed, as Mastodon
    assert (await api.post(url, data={"account_ids[]": [bob.id]}, headers=bob.headers)).status_code == 404

    r = await api.get(url, headers=alice.headers)
    assert [a["id"] for a in r.json()] == [alice.id, bob.id]
    r = await api.get(f"/api/v1/accounts/{bob.id}/lists", headers=alice.headers)
    assert r.status_code == 200 and [x["id"] for x in r.json()] == [lst["id"]]
    assert (await api.get(f"/api/v1/accounts/{bob.id}/lists", headers=bob.headers)).json() == []
    assert (await api.get("/api/v1/accounts/999999/lists", headers=alice.headers)).status_code == 404

    # removal: form or query parameters; non-members are ignored
    r = await api.request("DELETE", url, params={"account_ids[]": [bob.id, carol.id]},
                          headers=alice.headers)
    assert r.status_code == 200 and r.json() == {}
    assert [a["id"] for a in (await api.get(url, headers=alice.headers)).json()] == [alice.id]
    assert await _events(db, "list.accounts_added") == [
        {"list_id": lst["id"], "account_id": alice.id, "account_ids": [bob.id]},
        {"list_id": lst["id"], "account_id": alice.id, "account_ids": [alice.id]}]
    assert await _events(db, "list.accounts_removed") == [
        {"list_id": lst["id"], "account_id": alice.id, "account_ids": [bob.id], "reason": "removed"}]


async def test_member_paging_and_limit_zero(api, make, app):
    alice = await make.account()
    people = [await make.account() for _ in range(5)]
    for p in people:
        await make.follow(alice, p)
    lst = await _new_list(api, alice)
    await _add(api, alice, lst["id"], *people)
    url = f"/api/v1/lists/{lst['id']}/accounts"

    r = await api.get(url, params={"limit": 2}, headers=alice.headers)
    first = [a["id"] for a in r.json()]
    assert len(first) == 2
    links = _links(r)
    assert "max_id=" in links["next"] and "min_id=" in links["prev"]
    seen = list(first)
    while True:
        r = await api.get(links["next"], headers=alice.headers)
        if not r.json():
            break
        seen += [a["id"] for a in r.json()]
        links = _links(r)
    assert sorted(seen) == sorted(p.id for p in people) and len(seen) == 5

    with counting_queries(app) as counted:
        r = await api.get(url, params={"limit": 0}, headers=alice.headers)
    assert len(r.json()) == 5 and "link" not in r.headers
    small = await _new_list(api, alice, "small")
    await _add(api, alice, small["id"], people[0])
    with counting_queries(app) as one:
        r = await api.get(f"/api/v1/lists/{small['id']}/accounts", params={"limit": 0},
                          headers=alice.headers)
    assert len(r.json()) == 1 and counted.n == one.n  # no query per member


async def test_unfollow_and_block_remove_from_lists(api, make, db):
    alice, bob, carol = await make.account(), await make.account(), await make.account()
    await make.follow(alice, bob)
    await make.follow(alice, carol)
    one, two = await _new_list(api, alice, "one"), await _new_list(api, alice, "two")
    await _add(api, alice, one["id"], bob, carol)
    await _add(api, alice, two["id"], bob)

    assert (await api.post(f"/api/v1/accounts/{bob.id}/unfollow", headers=alice.headers)).status_code == 200
    for lst, left in ((one, [carol.id]), (two, [])):
        r = await api.get(f"/api/v1/lists/{lst['id']}/accounts", headers=alice.headers)
        assert [a["id"] for a in r.json()] == left
    removed = await _events(db, "list.accounts_removed")
    assert sorted(e["list_id"] for e in removed) == sorted([one["id"], two["id"]])
    assert {e["reason"] for e in removed} == {"unfollowed"}

    # carol blocks alice: the follow ends both ways, so does the membership
    assert (await api.post(f"/api/v1/accounts/{alice.id}/block", headers=carol.headers)).status_code == 200
    assert (await api.get(f"/api/v1/lists/{one['id']}/accounts", headers=alice.headers)).json() == []


# ---- the list timeline -------------------------------------------------------------------------
async def test_list_timeline_shows_members_posts_and_reposts(api, make, run_jobs):
    alice, bob, carol, dan = (await make.account(), await make.account(), await make.account(),
                              await make.account())
    for p in (bob, carol, dan):
        await make.follow(alice, p)
    lst = await _new_list(api, alice)
    await _add(api, alice, lst["id"], bob, carol)

    b1 = await _post(api, bob, "bob public")
    c1 = await _post(api, carol, "carol private", visibility="private")
    await _post(api, dan, "dan is not in the list")
    await _post(api, bob, f"@{alice.account.username} direct", visibility="direct")
    d2 = await _post(api, dan, "dan again")
    rb = (await api.post(f"/api/v1/statuses/{d2['id']}/reblog", headers=carol.headers)).json()
    await run_jobs()

    assert await _timeline(api, alice, lst["id"]) == [rb["id"], c1["id"], b1["id"]]
    # paging: newest first, max_id / min_id / since_id
    assert await _timeline(api, alice, lst["id"], limit=1) == [rb["id"]]
    assert await _timeline(api, alice, lst["id"], max_id=rb["id"]) == [c1["id"], b1["id"]]
    assert await _timeline(api, alice, lst["id"], min_id=b1["id"], limit=1) == [c1["id"]]
    assert await _timeline(api, alice, lst["id"], since_id=c1["id"]) == [rb["id"]]
    r = await api.get(f"/api/v1/timelines/list/{lst['id']}", params={"limit": 2},
                      headers=alice.headers)
    assert f"max_id={c1['id']}" in _links(r)["next"]

    # reposts follow show_reblogs of alice's follow
    assert (await api.post(f"/api/v1/accounts/{carol.id}/follow", headers=alice.headers,
                           json={"reblogs": False})).status_code == 200
    assert await _timeline(api, alice, lst["id"]) == [c1["id"], b1["id"]]
    # someone else cannot read it
    assert (await api.get(f"/api/v1/timelines/list/{lst['id']}", headers=bob.headers)).status_code == 404


async def test_list_timeline_hides_muted_blocked_and_deleted(api, make, run_jobs):
    alice, bob, carol = await make.account(), await make.account(), await make.account()
    await make.follow(alice, bob)
    await make.follow(alice, carol)
    lst = await _new_list(api, alice)
    await _add(api, alice, lst["id"], bob, carol)
    b1 = await _post(api, bob, "bob")
    c1 = await _post(api, carol, "carol")
    gone = await _post(api, carol, "soon gone")
    assert (await api.delete(f"/api/v1/statuses/{gone['id']}", headers=carol.headers)).status_code == 200
    await run_jobs()
    assert await _timeline(api, alice, lst["id"]) == [c1["id"], b1["id"]]

    assert (await api.post(f"/api/v1/accounts/{bob.id}/mute", headers=alice.headers)).status_code == 200
    assert await _timeline(api, alice, lst["id"]) == [c1["id"]]
    assert (await api.post(f"/api/v1/accounts/{bob.id}/unmute", headers=alice.headers)).status_code == 200
    assert (await api.post(f"/api/v1/accounts/{alice.id}/block", headers=carol.headers)).status_code == 200
    assert await _timeline(api, alice, lst["id"]) == [b1["id"]]


async def test_replies_policy(api, make, run_jobs):
    alice, bob, carol, dan = (await make.account(), await make.account(), await make.account(),
                              await make.account())
    for p in (bob, carol):
        await make.follow(alice, p)  # dan is not followed
    lst = await _new_list(api, alice)
    await _add(api, alice, lst["id"], bob)
    root_c, root_d, root_a = (await _post(api, carol, "c"), await _post(api, dan, "d"),
                              await _post(api, alice, "a"))
    root_b = await _post(api, bob, "b")
    to_carol = await _post(api, bob, "to carol", in_reply_to_id=root_c["id"])
    to_dan = await _post(api, bob, "to dan", in_reply_to_id=root_d["id"])
    to_alice = await _post(api, bob, "to alice", in_reply_to_id=root_a["id"])
    to_self = await _post(api, bob, "to self", in_reply_to_id=root_b["id"])
    await run_jobs()
    always = [to_self["id"], to_alice["id"]]

    async def policy(name: str) -> list[str]:
        r = await api.put(f"/api/v1/lists/{lst['id']}", json={"replies_policy": name},
                          headers=alice.headers)
        assert r.status_code == 200
        return [i for i in await _timeline(api, alice, lst["id"]) if i != root_b["id"]]

    assert await policy("none") == always
    assert await policy("list") == always
    await make.follow(alice, dan)
    await _add(api, alice, lst["id"], carol)
    got = await policy("list")  # carol is a member now; dan is followed but not a member
    assert to_carol["id"] in got and to_dan["id"] not in got
    got = await policy("followed")
    assert set(always + [to_carol["id"], to_dan["id"]]) <= set(got)


async def test_list_timeline_has_no_n_plus_one(api, make, app, run_jobs):
    alice = await make.account()
    people = [await make.account() for _ in range(6)]
    for p in people:
        await make.follow(alice, p)
    lst = await _new_list(api, alice)
    await _add(api, alice, lst["id"], *people[:2])
    for p in people[:2]:
        await _post(api, p, "one")
    await run_jobs()
    with counting_queries(app) as small:
        assert len(await _timeline(api, alice, lst["id"])) == 2
    await _add(api, alice, lst["id"], *people[2:])
    for p in people:
        await _post(api, p, "two")
    await run_jobs()
    with counting_queries(app) as big:
        assert len(await _timeline(api, alice, lst["id"])) == 8
    assert big.n == small.n


# ---- exclusive lists and home ------------------------------------------------------------------
async def test_exclusive_list_members_leave_home(api, make, run_jobs):
    alice, bob, carol = await make.account(), await make.account(), await make.account()
    await make.follow(alice, bob)
    await make.follow(alice, carol)
    assert await _home(api, alice) == []  # builds the Redis feed where there is one
    b1, c1 = await _post(api, bob, "bob 1"), await _post(api, carol, "carol 1")
    await run_jobs()
    assert await _home(api, alice) == [c1["id"], b1["id"]]

    lst = await _new_list(api, alice, exclusive=True)
    await _add(api, alice, lst["id"], bob)
    await run_jobs()
    assert await _home(api, alice) == [c1["id"]]
    b2, c2 = await _post(api, bob, "bob 2"), await _post(api, carol, "carol 2")
    await run_jobs()
    assert await _home(api, alice) == [c2["id"], c1["id"]]
    assert await _timeline(api, alice, lst["id"]) == [b2["id"], b1["id"]]

    # a non-exclusive list changes nothing in home
    other = await _new_list(api, alice, "plain")
    await _add(api, alice, other["id"], carol)
    await run_jobs()
    assert await _home(api, alice) == [c2["id"], c1["id"]]

    # no longer exclusive: bob's posts are back in home
    r = await api.put(f"/api/v1/lists/{lst['id']}", json={"exclusive": False}, headers=alice.headers)
    assert r.status_code == 200
    await run_jobs()
    assert await _home(api, alice) == [c2["id"], b2["id"], c1["id"], b1["id"]]

    # exclusive again, then the list goes away: back again
    await api.put(f"/api/v1/lists/{lst['id']}", json={"exclusive": True}, headers=alice.headers)
    await run_jobs()
    assert await _home(api, alice) == [c2["id"], c1["id"]]
    assert (await api.delete(f"/api/v1/lists/{lst['id']}", headers=alice.headers)).status_code == 200
    await run_jobs()
    assert await _home(api, alice) == [c2["id"], b2["id"], c1["id"], b1["id"]]


async def test_removed_from_exclusive_list_returns_to_home(api, make, run_jobs):
    alice, bob = await make.account(), await make.account()
    await make.follow(alice, bob)
    assert await _home(api, alice) == []
    lst = await _new_list(api, alice, exclusive=True)
    await _add(api, alice, lst["id"], bob)
    b1 = await _post(api, bob, "hidden from home")
    await run_jobs()
    assert await _home(api, alice) == []
    r = await api.request("DELETE", f"/api/v1/lists/{lst['id']}/accounts",
                          json={"account_ids": [bob.id]}, headers=alice.headers)
    assert r.status_code == 200
    await run_jobs()
    assert await _home(api, alice) == [b1["id"]]


async def test_list_shapes_match_the_schema(api, make):
    alice, bob = await make.account(), await make.account()
    await make.follow(alice, bob)
    lst = await _new_list(api, alice)
    await _add(api, alice, lst["id"], bob)
    await _post(api, bob, "x")
    for name, url in (("List", f"/api/v1/lists/{lst['id']}"),
                      ("List", f"/api/v1/accounts/{bob.id}/lists"),
                      ("List", "/api/v1/lists"),
                      ("Account", f"/api/v1/lists/{lst['id']}/accounts"),
                      ("Status", f"/api/v1/timelines/list/{lst['id']}")):
        r = await api.get(url, headers=alice.headers)
        assert r.status_code == 200, (url, r.text)
        body = r.json()
        for item in body if isinstance(body, list) else [body]:
            check_schema(name, item)
        assert body, url
