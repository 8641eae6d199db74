"""Follows, follow requests, blocks and mutes through the Mastodon API."""

from __future__ import annotations

import asyncio
import re

from sqlalchemy import event, select, update

from roost.kit.clock import utcnow
from roost.models import Account, Event, Follow, Mute, Notification


async def _account(db, person) -> Account:  # noqa: ANN001
    async with db.session() as s:
        return await s.get(Account, person.account.id)


async def _notifications(db, person) -> list[tuple[str, int]]:  # noqa: ANN001
    async with db.session() as s:
        rows = await s.execute(select(Notification.type, Notification.from_account_id)
                               .where(Notification.account_id == person.account.id))
        return [tuple(r) for r in rows.all()]


async def _events(db, type_: str) -> list[dict]:  # noqa: ANN001
    async with db.session() as s:
        return list((await s.execute(select(Event.data).where(Event.type == type_)
                                     .order_by(Event.seq))).scalars())


async def _rel(api, viewer, target) -> dict:  # noqa: ANN001
    r = await api.get("/api/v1/accounts/relationships", params={"id[]": target.id},
                      headers=viewer.headers)
    assert r.status_code == 200, r.text
    return r.json()[0]


# ---- follow -------------------------------------------------------------------------------------

async def test_follow_unlocked_is_immediate(api, make, db, run_jobs):
    alice, bob = await make.account(), await make.account()
    r = await api.post(f"/api/v1/accounts/{bob.id}/follow", headers=alice.headers)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["id"] == bob.id
    assert body["following"] is True and body["requested"] is False
    assert body["showing_reblogs"] is True and body["notifying"] is False
    assert body["languages"] is None and body["followed_by"] is False
    assert set(body) >= {"blocking", "blocked_by", "muting", "muting_notifications",
                         "muting_expires_at", "requested_by", "domain_blocking", "endorsed", "note"}

    assert (await _account(db, alice)).following_count == 1
    assert (await _account(db, bob)).followers_count == 1
    assert (await _rel(api, bob, alice))["followed_by"] is True
    await run_jobs()
    assert await _notifications(db, bob) == [("follow", alice.account.id)]
    assert await _events(db, "graph.followed") == [
        {"account_id": alice.id, "target_account_id": bob.id}]

    # following again changes nothing but the options
    again = await api.post(f"/api/v1/accounts/{bob.id}/follow", headers=alice.headers)
    assert again.json()["following"] is True
    assert (await _account(db, bob)).followers_count == 1
    assert len(await _events(db, "graph.followed")) == 1


async def test_refollow_updates_options(api, make, db):
    alice, bob = await make.account(), await make.account()
    r = await api.post(f"/api/v1/accounts/{bob.id}/follow", headers=alice.headers,
                       json={"reblogs": False, "notify": True, "languages": ["en", "DE"]})
    assert r.json()["showing_reblogs"] is False and r.json()["notifying"] is True
    assert r.json()["languages"] == ["en", "de"]
    r = await api.post(f"/api/v1/accounts/{bob.id}/follow", headers=alice.headers,
                       data={"notify": "false"})
    body = r.json()
    assert body["following"] is True and body["notifying"] is False
    assert body["showing_reblogs"] is False and body["languages"] == ["en", "de"]
    r = await api.post(f"/api/v1/accounts/{bob.id}/follow", headers=alice.headers,
                       json={"reblogs": True, "languages": []})
    assert r.json()["showing_reblogs"] is True and r.json()["languages"] is None
    bad = await api.post(f"/api/v1/accounts/{bob.id}/follow", headers=alice.headers,
                         json={"languages": ["not a language"]})
    assert bad.status_code == 422 and "error" in bad.json()
    assert (await _account(db, alice)).following_count == 1


async def test_follow_bad_targets(api, make, db):
    alice, gone = await make.account(), await make.account()
    r = await api.post(f"/api/v1/accounts/{alice.id}/follow", headers=alice.headers)
    assert r.status_code == 422 and "yourself" in r.json()["error"]
    for bad in ("12345", "abc", "99999999999999999999"):
        r = await api.post(f"/api/v1/accounts/{bad}/follow", headers=alice.headers)
        assert r.status_code == 404, bad
        assert r.json() == {"error": "Record not found"}
    async with db.unit_of_work() as s:
        await s.execute(update(Account).where(Account.id == gone.account.id)
                        .values(suspended_at=utcnow()))
    r = await api.post(f"/api/v1/accounts/{gone.id}/follow", headers=alice.headers)
    assert r.status_code == 404
    r = await api.get("/api/v1/accounts/relationships", params={"id[]": gone.id},
                      headers=alice.headers)
    assert r.json() == []
    r = await api.get("/api/v1/accounts/relationships",
                      params={"id[]": gone.id, "with_suspended": "true"}, headers=alice.headers)
    assert [x["id"] for x in r.json()] == [gone.id]
    assert (await _account(db, alice)).following_count == 0


async def test_follow_across_a_block_is_forbidden(api, make):
    alice, bob = await make.account(), await make.account()
    assert (await api.post(f"/api/v1/accounts/{alice.id}/block", headers=bob.headers)).status_code == 200
    r = await api.post(f"/api/v1/accounts/{bob.id}/follow", headers=alice.headers)
    assert r.status_code == 403 and "blocked" in r.json()["error"]
    r = await api.post(f"/api/v1/accounts/{alice.id}/follow", headers=bob.headers)
    assert r.status_code == 403
    assert (await _rel(api, alice, bob))["following"] is False


async def test_unfollow(api, make, db, run_jobs):
    alice, bob = await make.account(), await make.account()
    await api.post(f"/api/v1/accounts/{bob.id}/follow", headers=alice.headers)
    await run_jobs()
    r = await api.post(f"/api/v1/accounts/{bob.id}/unfollow", headers=alice.headers)
    assert r.status_code == 200 and r.json()["following"] is False
    assert (await _account(db, alice)).following_count == 0
    assert (await _account(db, bob)).followers_count == 0
    assert await _notifications(db, bob) == []  # the follow took its notification with it
    assert len(await _events(db, "graph.unfollowed")) == 1
    # unfollowing again is harmless and never goes below zero
    r = await api.post(f"/api/v1/accounts/{bob.id}/unfollow", headers=alice.headers)
    assert r.status_code == 200
    assert (await _account(db, bob)).followers_count == 0
    assert len(await _events(db, "graph.unfollowed")) == 1


async def test_remove_from_followers(api, make, db):
    alice, bob = await make.account(), await make.account()
    await make.follow(alice, bob)
    r = await api.post(f"/api/v1/accounts/{alice.id}/remove_from_followers", headers=bob.headers)
    assert r.status_code == 200
    assert r.json()["followed_by"] is False
    assert (await _rel(api, alice, bob))["following"] is False
    assert (await _account(db, bob)).followers_count == 0
    assert (await _account(db, alice)).following_count == 0


# ---- follow requests ----------------------------------------------------------------------------

async def test_locked_account_gets_a_request_and_authorizes_it(api, make, db, run_jobs):
    alice, bob = await make.account(), await make.account(locked=True)
    r = await api.post(f"/api/v1/accounts/{bob.id}/follow", headers=alice.headers,
                       json={"notify": True})
    assert r.status_code == 200
    assert r.json()["following"] is False and r.json()["requested"] is True
    assert r.json()["notifying"] is True
    assert (await _account(db, bob)).followers_count == 0
    await run_jobs()
    assert await _notifications(db, bob) == [("follow_request", alice.account.id)]
    assert len(await _events(db, "graph.follow_requested")) == 1

    listed = await api.get("/api/v1/follow_requests", headers=bob.headers)
    assert [a["id"] for a in listed.json()] == [alice.id]
    assert (await _rel(api, bob, alice))["requested_by"] is True

    # neither a third person nor the requester can accept it
    carol = await make.account()
    r = await api.post(f"/api/v1/follow_requests/{alice.id}/authorize", headers=carol.headers)
    assert r.status_code == 404
    r = await api.post(f"/api/v1/follow_requests/{bob.id}/authorize", headers=alice.headers)
    assert r.status_code == 404
    assert (await _rel(api, alice, bob))["requested"] is True

    r = await api.post(f"/api/v1/follow_requests/{alice.id}/authorize", headers=bob.headers)
    assert r.status_code == 200, r.text
    assert r.json()["id"] == alice.id
    assert r.json()["followed_by"] is True and r.json()["requested_by"] is False
    rel = await _rel(api, alice, bob)
    assert rel["following"] is True and rel["requested"] is False and rel["notifying"] is True
    assert (await _account(db, bob)).followers_count == 1
    assert (await _account(db, alice)).following_count == 1
    assert (await api.get("/api/v1/follow_requests", headers=bob.headers)).json() == []
    await run_jobs()
    assert await _notifications(db, bob) == []  # the request's notification is settled
    assert await _events(db, "graph.followed") == [
        {"account_id": alice.id, "target_account_id": bob.id}]
    r = await api.post(f"/api/v1/follow_requests/{alice.id}/authorize", headers=bob.headers)
    assert r.status_code == 404


async def test_reject_and_withdraw_requests(api, make, db, run_jobs):
    alice, bob = await make.account(), await make.account(locked=True)
    await api.post(f"/api/v1/accounts/{bob.id}/follow", headers=alice.headers)
    await run_jobs()
    r = await api.post(f"/api/v1/follow_requests/{alice.id}/reject", headers=bob.headers)
    assert r.status_code == 200 and r.json()["requested_by"] is False
    assert (await _rel(api, alice, bob))["requested"] is False
    assert await _notifications(db, bob) == []
    assert await _events(db, "graph.follow_request_rejected") == [
        {"account_id": alice.id, "target_account_id": bob.id}]
    assert (await api.post(f"/api/v1/follow_requests/{alice.id}/reject",
                           headers=bob.headers)).status_code == 404

    # a new request, withdrawn by unfollowing
    await api.post(f"/api/v1/accounts/{bob.id}/follow", headers=alice.headers)
    r = await api.post(f"/api/v1/accounts/{bob.id}/unfollow", headers=alice.headers)
    assert r.json()["requested"] is False
    assert (await api.get("/api/v1/follow_requests", headers=bob.headers)).json() == []
    assert len(await _events(db, "graph.follow_request_withdrawn")) == 1


# ---- blocks -------------------------------------------------------------------------------------

async def test_block_ends_follows_both_ways_and_hides_posts(api, make, db):
    alice, bob = await make.account(), await make.account()
    await make.follow(alice, bob)
    await make.follow(bob, alice)
    alice_post = await make.post(alice, "from alice")
    bob_post = await make.post(bob, "from bob")

    r = await api.post(f"/api/v1/accounts/{bob.id}/block", headers=alice.headers)
    assert r.status_code == 200
    body = r.json()
    assert body["blocking"] is True and body["following"] is False and body["followed_by"] is False
    rel = await _rel(api, bob, alice)
    assert rel["blocked_by"] is True and rel["following"] is False
    for person in (alice, bob):
        acc = await _account(db, person)
        assert (acc.followers_count, acc.following_count) == (0, 0)
    assert (await api.get(f"/api/v1/statuses/{bob_post.id}", headers=alice.headers)).status_code == 404
    assert (await api.get(f"/api/v1/statuses/{alice_post.id}", headers=bob.headers)).status_code == 404
    assert (await api.get(f"/api/v1/statuses/{bob_post.id}")).status_code == 200  # others still see it
    assert [a["id"] for a in (await api.get("/api/v1/blocks", headers=alice.headers)).json()] == [bob.id]
    assert len(await _events(db, "graph.blocked")) == 1
    assert len(await _events(db, "graph.unfollowed")) == 2

    r = await api.post(f"/api/v1/accounts/{bob.id}/unblock", headers=alice.headers)
    assert r.json()["blocking"] is False and r.json()["following"] is False
    assert (await api.get(f"/api/v1/statuses/{alice_post.id}", headers=bob.headers)).status_code == 200
    assert (await api.get("/api/v1/blocks", headers=alice.headers)).json() == []
    assert len(await _events(db, "graph.unblocked")) == 1


async def test_block_removes_pending_requests(api, make):
    alice, bob = await make.account(), await make.account(locked=True)
    await api.post(f"/api/v1/accounts/{bob.id}/follow", headers=alice.headers)
    await api.post(f"/api/v1/accounts/{alice.id}/block", headers=bob.headers)
    assert (await api.get("/api/v1/follow_requests", headers=bob.headers)).json() == []
    assert (await _rel(api, alice, bob))["requested"] is False


# ---- mutes --------------------------------------------------------------------------------------

async def test_mute_with_duration_expires(api, make, db, run_jobs):
    alice, bob = await make.account(), await make.account()
    r = await api.post(f"/api/v1/accounts/{bob.id}/mute", headers=alice.headers,
                       json={"duration": 1, "notifications": False})
    assert r.status_code == 200
    body = r.json()
    assert body["muting"] is True and body["muting_notifications"] is False
    assert body["muting_expires_at"] is not None
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", body["muting_expires_at"])
    listed = (await api.get("/api/v1/mutes", headers=alice.headers)).json()
    assert [a["id"] for a in listed] == [bob.id]
    assert listed[0]["mute_expires_at"] == body["muting_expires_at"]
    assert await _events(db, "graph.muted") != []

    await asyncio.sleep(1.1)
    # expired: absent everywhere, even before the clean-up job runs
    assert (await _rel(api, alice, bob))["muting"] is False
    assert (await api.get("/api/v1/mutes", headers=alice.headers)).json() == []
    await run_jobs()
    async with db.session() as s:
        assert (await s.execute(select(Mute))).scalars().all() == []
    assert len(await _events(db, "graph.unmuted")) == 1


async def test_mute_indefinitely_then_unmute(api, make, db, run_jobs):
    alice, bob = await make.account(), await make.account()
    r = await api.post(f"/api/v1/accounts/{bob.id}/mute", headers=alice.headers, data={"duration": "60"})
    assert r.json()["muting_expires_at"] is not None
    r = await api.post(f"/api/v1/accounts/{bob.id}/mute", headers=alice.headers)  # re-mute: forever
    body = r.json()
    assert body["muting"] is True and body["muting_notifications"] is True
    assert body["muting_expires_at"] is None
    await run_jobs()  # the first mute's expiry job (not due yet) must not end the new one
    assert (await _rel(api, alice, bob))["muting"] is True
    assert (await _rel(api, bob, alice))["muting"] is False  # one-way
    r = await api.post(f"/api/v1/accounts/{bob.id}/unmute", headers=alice.headers)
    assert r.json()["muting"] is False
    assert (await api.get("/api/v1/mutes", headers=alice.headers)).json() == []
    bad = await api.post(f"/api/v1/accounts/{bob.id}/mute", headers=alice.headers, json={"duration": -5})
    assert bad.status_code == 422
    bad = await api.post(f"/api/v1/accounts/{bob.id}/mute", headers=alice.headers,
                         json={"duration": "soon"})
    assert bad.status_code == 400 and "error" in bad.json()


# ---- relationships ------------------------------------------------------------------------------

async def test_relationships_for_several_ids_in_fixed_queries(api, make, app):
    me = await make.account()
    others = [await make.account(locked=(i == 1)) for i in range(8)]
    await make.follow(me, others[0])
    await make.follow(me, others[1])  # locked: a request
    await make.follow(others[2], me)
    await api.post(f"/api/v1/accounts/{others[3].id}/block", headers=me.headers)
    await api.post(f"/api/v1/accounts/{others[4].id}/mute", headers=me.headers)
    await api.post(f"/api/v1/accounts/{me.id}/block", headers=others[5].headers)

    statements: list[str] = []

    def count(*args) -> None:  # noqa: ANN002
        statements.append(args[2])

    async def ask(ids: list[str]) -> list[dict]:
        statements.clear()
        engine = app.state.db.engine.sync_engine
        event.listen(engine, "before_cursor_execute", count)
        try:
            r = await api.get("/api/v1/accounts/relationships", params={"id[]": ids},
                              headers=me.headers)
        finally:
            event.remove(engine, "before_cursor_execute", count)
        assert r.status_code == 200
        return r.json()

    ids = [o.id for o in others] + ["123", others[0].id]  # unknown and repeated ids
    rels = await ask(ids)
    assert [r["id"] for r in rels] == [o.id for o in others]
    by = {r["id"]: r for r in rels}
    assert by[others[0].id]["following"] is True
    assert by[others[1].id]["requested"] is True and by[others[1].id]["following"] is False
    assert by[others[2].id]["followed_by"] is True
    assert by[others[3].id]["blocking"] is True
    assert by[others[4].id]["muting"] is True and by[others[4].id]["muting_notifications"] is True
    assert by[others[5].id]["blocked_by"] is True
    assert not any(by[others[6].id][k] for k in ("following", "followed_by", "blocking", "muting"))
    many = len(statements)
    assert many > 0
    await ask([others[0].id])
    assert len(statements) == many  # the same number of queries for one id as for eight

    r = await api.get("/api/v1/accounts/relationships", params={"id": others[0].id},
                      headers=me.headers)
    assert [x["id"] for x in r.json()] == [others[0].id]
    r = await api.get("/api/v1/accounts/relationships", headers=me.headers)
    assert r.status_code == 200 and r.json() == []


# ---- lists and paging ---------------------------------------------------------------------------

async def test_followers_paging_with_link_headers(api, make):
    star = await make.account()
    fans = [await make.account() for _ in range(5)]
    for fan in fans:
        await make.follow(fan, star)
    newest_first = [f.id for f in reversed(fans)]

    r = await api.get(f"/api/v1/accounts/{star.id}/followers", params={"limit": 2})
    assert r.status_code == 200
    assert [a["id"] for a in r.json()] == newest_first[:2]
    links = dict((rel, url) for url, rel in re.findall(r'<([^>]+)>; rel="(\w+)"', r.headers["link"]))
    assert "max_id=" in links["next"] and "min_id=" in links["prev"]

    r2 = await api.get(links["next"])
    assert [a["id"] for a in r2.json()] == newest_first[2:4]
    links2 = dict((rel, url) for url, rel in re.findall(r'<([^>]+)>; rel="(\w+)"', r2.headers["link"]))
    r3 = await api.get(links2["next"])
    assert [a["id"] for a in r3.json()] == newest_first[4:]
    back = await api.get(links2["prev"])
    assert [a["id"] for a in back.json()] == newest_first[:2]

    following = await api.get(f"/api/v1/accounts/{fans[0].id}/following")
    assert [a["id"] for a in following.json()] == [star.id]
    assert following.json()[0]["followers_count"] == 5


async def test_lists_hidden_from_a_blocked_viewer(api, make):
    alice, bob, carol = await make.account(), await make.account(), await make.account()
    await make.follow(carol, alice)
    await api.post(f"/api/v1/accounts/{bob.id}/block", headers=alice.headers)
    assert (await api.get(f"/api/v1/accounts/{alice.id}/followers", headers=bob.headers)).json() == []
    assert (await api.get(f"/api/v1/accounts/{alice.id}/followers")).json()[0]["id"] == carol.id
    assert (await api.get("/api/v1/accounts/1234/followers")).status_code == 404
    assert (await api.get("/api/v1/accounts/nope/following")).status_code == 404


# ---- who may do what ----------------------------------------------------------------------------

WRITES = [("follow", "write:follows"), ("unfollow", "write:follows"),
          ("remove_from_followers", "write:follows"), ("block", "write:blocks"),
          ("unblock", "write:blocks"), ("mute", "write:mutes"), ("unmute", "write:mutes")]
READS = [("/api/v1/accounts/relationships", "read:follows"), ("/api/v1/blocks", "read:blocks"),
         ("/api/v1/mutes", "read:mutes"), ("/api/v1/follow_requests", "read:follows")]


async def test_anonymous_gets_401(api, make):
    bob = await make.account()
    for verb, _ in WRITES:
        r = await api.post(f"/api/v1/accounts/{bob.id}/{verb}")
        assert r.status_code == 401, verb
        assert r.json() == {"error": "The access token is invalid"}
    for verb in ("authorize", "reject"):
        assert (await api.post(f"/api/v1/follow_requests/{bob.id}/{verb}")).status_code == 401
    for path, _ in READS:
        assert (await api.get(path)).status_code == 401, path
    assert (await api.get(f"/api/v1/accounts/{bob.id}/followers")).status_code == 200


async def test_scopes(api, make):
    alice, bob = await make.account(), await make.account()
    read_only = {"Authorization": f"Bearer {await make.token(alice, ['read'])}"}
    for verb, _ in WRITES:
        assert (await api.post(f"/api/v1/accounts/{bob.id}/{verb}",
                               headers=read_only)).status_code == 403, verb
    assert (await api.post(f"/api/v1/follow_requests/{bob.id}/authorize",
                           headers=read_only)).status_code == 403
    for path, _ in READS:
        assert (await api.get(path, headers=read_only)).status_code == 200, path

    for verb, scope in WRITES:  # each write needs its own scope, and that one suffices
        token = {"Authorization": f"Bearer {await make.token(alice, [scope])}"}
        assert (await api.post(f"/api/v1/accounts/{bob.id}/{verb}", headers=token)).status_code == 200
        other = "write:mutes" if scope != "write:mutes" else "write:blocks"
        token = {"Authorization": f"Bearer {await make.token(alice, [other])}"}
        assert (await api.post(f"/api/v1/accounts/{bob.id}/{verb}", headers=token)).status_code == 403
    for path, scope in READS:
        other = "read:statuses"
        token = {"Authorization": f"Bearer {await make.token(alice, [other])}"}
        assert (await api.get(path, headers=token)).status_code == 403, path
    legacy = {"Authorization": f"Bearer {await make.token(alice, ['follow'])}"}  # deprecated scope
    assert (await api.post(f"/api/v1/accounts/{bob.id}/block", headers=legacy)).status_code == 200
    assert (await api.get("/api/v1/blocks", headers=legacy)).status_code == 200


async def test_follow_helper_counts_once(make, db):
    alice, bob = await make.account(), await make.account()
    await make.follow(alice, bob)
    await make.follow(alice, bob)
    async with db.session() as s:
        assert len((await s.execute(select(Follow))).scalars().all()) == 1
    assert (await _account(db, bob)).followers_count == 1


async def test_home_feed_jobs_enqueued_when_timelines_provides_them(api, make, db):
    from roost.jobs import job
    from roost.jobs.queue import REGISTRY
    from roost.models import Job

    async def noop(session, **_) -> None:  # noqa: ANN001, ANN003
        return None

    added = [n for n in ("timelines.merge_account", "timelines.purge_account") if n not in REGISTRY]
    for name in added:  # until the timelines domain registers them itself
        job(name)(noop)
    try:
        alice, bob = await make.account(), await make.account()
        await api.post(f"/api/v1/accounts/{bob.id}/follow", headers=alice.headers)
        await api.post(f"/api/v1/accounts/{bob.id}/block", headers=alice.headers)
    finally:
        for name in added:
            REGISTRY.pop(name, None)
    async with db.session() as s:
        rows = (await s.execute(select(Job.name, Job.args)
                                .where(Job.name.like("timelines.%_account")))).all()
    a, b = alice.account.id, bob.account.id
    got = sorted((name, args["account_id"], args["target_account_id"]) for name, args in rows)
    assert got == sorted([("timelines.merge_account", a, b), ("timelines.purge_account", a, b),
                          ("timelines.purge_account", b, a)])
