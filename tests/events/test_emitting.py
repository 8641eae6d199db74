"""The service paths emit their events, through the API, with actor, subject and visibility."""

from __future__ import annotations

from roost.events import latest_seq, parse, read_after


async def events_since(db, seq: int) -> list:
    async with db.session() as s:
        return await read_after(s, seq, 1000)


async def mark(db) -> int:
    async with db.session() as s:
        return await latest_seq(s)


async def test_post_like_repost_delete_and_follow_emit_events(api, db, make):
    alice, bob = await make.account(), await make.account()
    start = await mark(db)

    r = await api.post("/api/v1/statuses", json={"status": "hello #roost"}, headers=alice.headers)
    assert r.status_code == 200
    sid = r.json()["id"]
    assert (await api.post(f"/api/v1/statuses/{sid}/favourite", headers=bob.headers)).status_code == 200
    r = await api.post(f"/api/v1/statuses/{sid}/reblog", headers=bob.headers)
    assert r.status_code == 200
    repost_id = r.json()["id"]
    r = await api.post(f"/api/v1/accounts/{alice.id}/follow", headers=bob.headers)
    assert r.status_code == 200
    assert (await api.delete(f"/api/v1/statuses/{sid}", headers=alice.headers)).status_code == 200

    rows = await events_since(db, start)
    assert [r.type for r in rows] == ["post.created", "post.liked", "post.reposted",
                                      "graph.followed", "post.deleted"]
    assert [r.seq for r in rows] == sorted(r.seq for r in rows)
    created, liked, reposted, followed, deleted = rows
    assert (created.actor_id, created.subject_id, created.public) == (int(alice.id), int(sid), True)
    data = parse(created)
    assert (data.status_id, data.account_id, data.visibility) == (sid, alice.id, "public")
    assert data.text == "hello #roost" and data.tags == ["roost"]
    assert liked.actor_id == int(bob.id) and parse(liked).status_id == sid
    assert reposted.actor_id == int(bob.id)
    assert (parse(reposted).repost_id, parse(reposted).status_id) == (repost_id, sid)
    assert followed.actor_id == int(bob.id)
    assert (parse(followed).account_id, parse(followed).target_account_id) == (bob.id, alice.id)
    assert deleted.actor_id == int(alice.id) and parse(deleted).status_id == sid


async def test_private_posts_are_not_public_events_and_carry_no_text(api, db, make):
    alice = await make.account()
    start = await mark(db)
    r = await api.post("/api/v1/statuses", json={"status": "secret", "visibility": "direct"},
                       headers=alice.headers)
    assert r.status_code == 200
    [row] = await events_since(db, start)
    assert row.type == "post.created" and row.public is False
    assert parse(row).text == "" and parse(row).visibility == "direct"
    async with db.session() as s:
        assert await read_after(s, start, public_only=True) == []


async def test_a_refused_request_emits_nothing(api, db, make):
    alice, bob = await make.account(), await make.account()
    sid = (await api.post("/api/v1/statuses", json={"status": "mine"}, headers=alice.headers)).json()["id"]
    start = await mark(db)
    assert (await api.delete(f"/api/v1/statuses/{sid}", headers=bob.headers)).status_code in (403, 404)
    assert (await api.post("/api/v1/statuses", json={"status": " "}, headers=alice.headers)).status_code == 422
    assert await events_since(db, start) == []
