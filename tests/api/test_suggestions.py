"""Follow suggestions and the profile directory through the API."""

from __future__ import annotations

from sqlalchemy import update

from roost.events import latest_seq, read_after
from roost.models import Account
from tests.openapi import check_schema
from tests.querycount import counting_queries


async def set_discoverable(api, person, value: bool) -> None:
    r = await api.patch("/api/v1/accounts/update_credentials",
                        json={"discoverable": value}, headers=person.headers)
    assert r.status_code == 200 and r.json()["discoverable"] is value


async def test_friends_of_friends_first_then_popular_active_people(api, make):
    me, friend1, friend2 = await make.account(), await make.account(), await make.account()
    fof_both, fof_one, popular, idle = (await make.account(), await make.account(),
                                        await make.account(), await make.account())
    for f in (friend1, friend2):
        await make.follow(me, f)
        await make.follow(f, fof_both)
    await make.follow(friend1, fof_one)
    await make.post(popular, "I post")
    await make.follow(friend1, popular)  # also a friend of a friend: counted once, there
    await make.follow(friend2, idle)
    await make.follow(friend1, me)  # you are never suggested to yourself

    r = await api.get("/api/v2/suggestions", headers=me.headers)
    assert r.status_code == 200
    body = r.json()
    for s in body:
        check_schema("Suggestion", s)
    got = [(s["account"]["id"], s["sources"]) for s in body]
    assert got[0] == (fof_both.id, ["friends_of_friends"])
    ids = [i for i, _ in got]
    assert me.id not in ids and friend1.id not in ids and friend2.id not in ids
    assert {fof_one.id, popular.id, idle.id} <= set(ids)

    # someone with no friends gets the popular, recently active people
    loner = await make.account()
    got = [(s["account"]["id"], s["sources"]) for s in
           (await api.get("/api/v2/suggestions", headers=loner.headers)).json()]
    assert (popular.id, ["most_followed"]) in got and idle.id not in [i for i, _ in got]

    v1 = (await api.get("/api/v1/suggestions?limit=1", headers=me.headers)).json()
    assert [a["id"] for a in v1] == [fof_both.id]
    check_schema("Account", v1[0])


async def test_suggestions_exclude_blocked_muted_suspended_hidden_and_dismissed(api, make, db):
    me, friend = await make.account(), await make.account()
    blocked, blocker, muted, suspended, private, requested, dismissed, kept = [
        await make.account() for _ in range(8)]
    await make.follow(me, friend)
    for p in (blocked, blocker, muted, suspended, private, requested, dismissed, kept):
        await make.follow(friend, p)
    await api.post(f"/api/v1/accounts/{blocked.id}/block", headers=me.headers)
    await api.post(f"/api/v1/accounts/{me.id}/block", headers=blocker.headers)
    await api.post(f"/api/v1/accounts/{muted.id}/mute", headers=me.headers)
    await set_discoverable(api, private, False)
    async with db.unit_of_work() as session:
        await session.execute(update(Account).where(Account.id == int(requested.id)).values(locked=True))
    await api.post(f"/api/v1/accounts/{requested.id}/follow", headers=me.headers)
    async with db.unit_of_work() as session:
        from roost.accounts import service as accounts

        await accounts.suspend(session, None, await session.get(Account, int(suspended.id)))
    async with db.session() as s:
        start = await latest_seq(s)
    r = await api.delete(f"/api/v1/suggestions/{dismissed.id}", headers=me.headers)
    assert r.status_code == 200 and r.json() == {}
    assert (await api.delete(f"/api/v1/suggestions/{dismissed.id}", headers=me.headers)).status_code == 200
    assert (await api.delete("/api/v1/suggestions/123", headers=me.headers)).status_code == 404
    async with db.session() as s:
        rows = await read_after(s, start, 10)
    assert [(r.type, r.data["target_account_id"]) for r in rows] == [("suggestion.dismissed", dismissed.id)]

    ids = [s["account"]["id"] for s in (await api.get("/api/v2/suggestions", headers=me.headers)).json()]
    assert kept.id in ids
    for gone in (blocked, blocker, muted, suspended, private, requested, dismissed, me, friend):
        assert gone.id not in ids


async def test_suggestions_need_a_user_token(api, make):
    person = await make.account()
    assert (await api.get("/api/v2/suggestions")).status_code == 401
    token = await make.token(person, ["write"])
    r = await api.get("/api/v2/suggestions", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 403


async def test_directory_orders_and_hides_non_discoverable_and_blocked(api, make, db):
    old, quiet, hidden, new = [await make.account() for _ in range(4)]
    await make.post(quiet, "a while ago")
    await make.post(old, "just now")
    await set_discoverable(api, hidden, False)

    r = await api.get("/api/v1/directory?order=active&local=true")
    assert r.status_code == 200
    ids = [a["id"] for a in r.json()]
    assert hidden.id not in ids
    assert ids.index(old.id) < ids.index(quiet.id) < ids.index(new.id)  # never posted: last
    for a in r.json():
        check_schema("Account", a)

    ids = [a["id"] for a in (await api.get("/api/v1/directory?order=new")).json()]
    assert ids.index(new.id) < ids.index(quiet.id) < ids.index(old.id)

    r = await api.get("/api/v1/directory?order=new&limit=1&offset=1")
    assert [a["id"] for a in r.json()] == [ids[1]] and 'rel="prev"' in r.headers["link"]

    await api.post(f"/api/v1/accounts/{old.id}/block", headers=new.headers)
    ids = [a["id"] for a in (await api.get("/api/v1/directory", headers=new.headers)).json()]
    assert old.id not in ids and new.id in ids


async def test_suggestions_and_directory_cost_a_fixed_number_of_queries(api, app, make):
    me, friend = await make.account(), await make.account()
    await make.follow(me, friend)
    await api.get("/api/v1/accounts/verify_credentials", headers=me.headers)  # first use of the token

    async def cost(extra: int) -> tuple[int, int]:
        for _ in range(extra):
            await make.follow(friend, await make.account())
        with counting_queries(app) as s:
            a = await api.get("/api/v2/suggestions", headers=me.headers)
        with counting_queries(app) as d:
            b = await api.get("/api/v1/directory", headers=me.headers)
        return s.n, d.n, len(a.json()), len(b.json())

    s1, d1, n1, m1 = await cost(1)
    s2, d2, n2, m2 = await cost(5)
    assert n2 > n1 and m2 > m1
    assert (s1, d1) == (s2, d2)
