"""Hashtags through the Mastodon API: looking one up, following (and the followed tags' posts in
home, from the database and through the Redis feeds), featuring on a profile."""

from __future__ import annotations

import re

from sqlalchemy import select

from roost.models import Event, Tag
from tests.openapi import check_schema
from tests.querycount import counting_queries


async def _post(api, person, text="hello", **fields) -> dict:  # noqa: ANN001
    r = await api.post("/api/v1/statuses", json={"status": text, **fields}, headers=person.headers)
    assert r.status_code == 200, r.text
    return r.json()


async def _home(api, person, **params) -> list[str]:  # noqa: ANN001
    r = await api.get("/api/v1/timelines/home", params=params, headers=person.headers)
    assert r.status_code == 200, r.text
    return [s["id"] for s in r.json()]


async def _events(db, type_: str) -> list[dict]:  # noqa: ANN001
    async with db.session() as s:
        return list((await s.execute(select(Event.data).where(Event.type == type_)
                                     .order_by(Event.seq))).scalars())


def _links(response) -> dict[str, str]:  # noqa: ANN001
    return {rel: url for url, rel in re.findall(r'<([^>]+)>; rel="(\w+)"',
                                               response.headers.get("link", ""))}


# ---- a tag -------------------------------------------------------------------------------------
async def test_show_tag(api, make):
    alice = await make.account()
    await _post(api, alice, "about #Cats")
    r = await api.get("/api/v1/tags/cats")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["name"] == "Cats" and body["url"].endswith("/tags/cats") and body["id"]
    assert "following" not in body  # anonymous
    check_schema("Tag", body)
    r = await api.get("/api/v1/tags/CATS", headers=alice.headers)
    assert r.json()["following"] is False and r.json()["featuring"] is False
    # invalid names
    for bad in ("123", "no-dash", "%20", "x" * 101):
        assert (await api.get(f"/api/v1/tags/{bad}")).status_code == 404, bad


async def test_a_tag_nobody_used_is_answered_as_mastodon_4_3_does(api, make, db):
    """Mastodon answers an unsaved tag: id "", the name as asked, an empty week; nothing stored."""
    alice = await make.account()
    r = await api.get("/api/v1/tags/NeverUsed")
    assert r.status_code == 200, r.text
    body = r.json()
    check_schema("Tag", body)
    assert body["id"] == "" and body["name"] == "NeverUsed" and body["url"].endswith("/tags/neverused")
    assert len(body["history"]) == 7 and {d["uses"] for d in body["history"]} == {"0"}
    assert "following" not in body
    r = await api.get("/api/v1/tags/neverused", headers=alice.headers)
    assert r.json()["following"] is False and r.json()["featuring"] is False
    r = await api.post("/api/v1/tags/neverused/unfollow", headers=alice.headers)
    assert r.status_code == 200 and r.json()["following"] is False and r.json()["id"] == ""
    async with db.session() as s:
        assert (await s.execute(select(Tag).where(Tag.name == "neverused"))).first() is None


async def test_follow_and_unfollow_a_tag(api, make, db):
    alice = await make.account()
    assert (await api.post("/api/v1/tags/cats/follow")).status_code == 401
    read_only = {"Authorization": f"Bearer {await make.token(alice, ['read'])}"}
    assert (await api.post("/api/v1/tags/cats/follow", headers=read_only)).status_code == 403

    r = await api.post("/api/v1/tags/Cats/follow", headers=alice.headers)
    assert r.status_code == 200, r.text
    assert r.json()["name"] == "Cats" and r.json()["following"] is True
    check_schema("Tag", r.json())
    assert (await api.post("/api/v1/tags/cats/follow", headers=alice.headers)).json()["following"]
    assert (await api.get("/api/v1/tags/cats", headers=alice.headers)).json()["following"] is True
    assert (await api.post("/api/v1/tags/no-such/follow", headers=alice.headers)).status_code == 404

    r = await api.get("/api/v1/followed_tags", headers=alice.headers)
    assert r.status_code == 200 and [t["name"] for t in r.json()] == ["Cats"]
    assert r.json()[0]["following"] is True

    r = await api.post("/api/v1/tags/cats/unfollow", headers=alice.headers)
    assert r.status_code == 200 and r.json()["following"] is False
    assert (await api.get("/api/v1/followed_tags", headers=alice.headers)).json() == []
    r = await api.post("/api/v1/tags/never-met/unfollow", headers=alice.headers)
    assert r.status_code == 404  # not a hashtag

    assert await _events(db, "tag.followed") == [{"account_id": alice.id, "tag": "cats"}]
    assert await _events(db, "tag.unfollowed") == [{"account_id": alice.id, "tag": "cats"}]


async def test_followed_tags_paging(api, make, app):
    alice = await make.account()
    names = [f"topic{c}" for c in "abcde"]
    for n in names:
        assert (await api.post(f"/api/v1/tags/{n}/follow", headers=alice.headers)).status_code == 200
    r = await api.get("/api/v1/followed_tags", params={"limit": 2}, headers=alice.headers)
    seen = [t["name"] for t in r.json()]
    assert seen == ["topice", "topicd"]
    while True:
        r = await api.get(_links(r)["next"], headers=alice.headers)
        if not r.json():
            break
        seen += [t["name"] for t in r.json()]
    assert seen == names[::-1]
    with counting_queries(app) as two:
        await api.get("/api/v1/followed_tags", params={"limit": 2}, headers=alice.headers)
    with counting_queries(app) as five:
        await api.get("/api/v1/followed_tags", headers=alice.headers)
    assert two.n == five.n


# ---- followed tags in home ---------------------------------------------------------------------
async def test_followed_tag_posts_come_into_home(api, make, run_jobs):
    alice, bob, carol = await make.account(), await make.account(), await make.account()
    assert await _home(api, alice) == []  # builds the Redis feed where there is one
    assert (await api.post("/api/v1/tags/cats/follow", headers=alice.headers)).status_code == 200

    tagged = await _post(api, bob, "look #cats")
    await _post(api, bob, "no tag")
    await _post(api, bob, "unlisted #cats", visibility="unlisted")
    await _post(api, bob, "private #cats", visibility="private")
    other = await _post(api, carol, "#dogs only")
    rb = (await api.post(f"/api/v1/statuses/{tagged['id']}/reblog", headers=carol.headers)).json()
    await run_jobs()
    assert await _home(api, alice) == [tagged["id"]]
    assert rb["id"] and other["id"]

    # mutes and blocks apply
    mine = await _post(api, carol, "carol on #cats")
    await run_jobs()
    assert await _home(api, alice) == [mine["id"], tagged["id"]]
    assert (await api.post(f"/api/v1/accounts/{carol.id}/mute", headers=alice.headers)).status_code == 200
    assert await _home(api, alice) == [tagged["id"]]
    assert (await api.post(f"/api/v1/accounts/{alice.id}/block", headers=bob.headers)).status_code == 200
    assert await _home(api, alice) == []

    # unfollowing the tag takes its posts out
    assert (await api.post(f"/api/v1/accounts/{alice.id}/unblock", headers=bob.headers)).status_code == 200
    assert await _home(api, alice) == [tagged["id"]]
    assert (await api.post("/api/v1/tags/cats/unfollow", headers=alice.headers)).status_code == 200
    assert await _home(api, alice) == []


async def test_followed_tags_and_follows_merge_in_order(api, make, run_jobs):
    alice, bob, carol = await make.account(), await make.account(), await make.account()
    await make.follow(alice, bob)
    assert await _home(api, alice) == []
    assert (await api.post("/api/v1/tags/art/follow", headers=alice.headers)).status_code == 200
    ids = []
    for i in range(4):
        ids.append((await _post(api, bob, f"bob {i} #art" if i == 1 else f"bob {i}"))["id"])
        ids.append((await _post(api, carol, f"carol {i} #art"))["id"])
    await run_jobs()
    assert await _home(api, alice) == ids[::-1]  # bob's tagged post once
    assert await _home(api, alice, limit=3) == ids[::-1][:3]
    assert await _home(api, alice, max_id=ids[4], limit=3) == ids[::-1][4:7]
    assert await _home(api, alice, min_id=ids[1], limit=2) == [ids[3], ids[2]]
    assert await _home(api, alice, since_id=ids[5]) == [ids[7], ids[6]]


# ---- featured tags -----------------------------------------------------------------------------
async def test_featured_tags(api, make, db):
    alice, bob = await make.account(), await make.account()
    for text, vis in (("one #Cats", "public"), ("two #cats", "unlisted"), ("three #cats", "private"),
                      ("#dogs", "public")):
        await _post(api, alice, text, visibility=vis)
    assert (await api.get("/api/v1/featured_tags")).status_code == 401

    r = await api.post("/api/v1/featured_tags", json={"name": "cats"}, headers=alice.headers)
    assert r.status_code == 200, r.text
    cats = r.json()
    check_schema("FeaturedTag", cats)
    assert cats["name"] == "Cats" and cats["statuses_count"] == "2"  # public and unlisted
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", cats["last_status_at"])
    assert cats["url"].endswith(f"/@{alice.account.username}/tagged/cats")
    again = await api.post("/api/v1/featured_tags", data={"name": "#cats"}, headers=alice.headers)
    assert again.status_code == 200 and again.json()["id"] == cats["id"]
    fresh = (await api.post("/api/v1/featured_tags", json={"name": "fresh"},
                            headers=alice.headers)).json()
    assert fresh["statuses_count"] == "0" and fresh["last_status_at"] is None
    for bad in ({}, {"name": ""}, {"name": "no-dash"}, {"name": "123"}):
        r = await api.post("/api/v1/featured_tags", json=bad, headers=alice.headers)
        assert r.status_code == 422 and "error" in r.json(), bad

    r = await api.get("/api/v1/featured_tags", headers=alice.headers)
    assert [f["id"] for f in r.json()] == [cats["id"], fresh["id"]]
    r = await api.get(f"/api/v1/accounts/{alice.id}/featured_tags")
    assert r.status_code == 200 and [f["name"] for f in r.json()] == ["Cats", "fresh"]
    for f in r.json():
        check_schema("FeaturedTag", f)
    assert (await api.get("/api/v1/accounts/99999/featured_tags")).status_code == 404
    assert (await api.get("/api/v1/tags/cats", headers=alice.headers)).json()["featuring"] is True

    r = await api.get("/api/v1/featured_tags/suggestions", headers=alice.headers)
    assert r.status_code == 200 and [t["name"] for t in r.json()] == ["dogs"]
    check_schema("Tag", r.json()[0])

    assert (await api.delete(f"/api/v1/featured_tags/{cats['id']}", headers=bob.headers)).status_code == 404
    r = await api.delete(f"/api/v1/featured_tags/{cats['id']}", headers=alice.headers)
    assert r.status_code == 200 and r.json() == {}
    assert [f["id"] for f in (await api.get("/api/v1/featured_tags", headers=alice.headers)).json()] == [
        fresh["id"]]
    assert (await api.delete(f"/api/v1/featured_tags/{cats['id']}", headers=alice.headers)).status_code == 404

    assert [e["tag"] for e in await _events(db, "tag.featured")] == ["cats", "fresh"]
    assert await _events(db, "tag.unfeatured") == [
        {"featured_tag_id": cats["id"], "account_id": alice.id, "tag": "cats"}]


async def test_at_most_ten_featured_tags_and_no_n_plus_one(api, make, app):
    alice = await make.account()
    for i in range(10):
        await _post(api, alice, f"#tag{chr(97 + i)}")
        r = await api.post("/api/v1/featured_tags", json={"name": f"tag{chr(97 + i)}"},
                           headers=alice.headers)
        assert r.status_code == 200
        if i == 0:
            with counting_queries(app) as one:
                await api.get(f"/api/v1/accounts/{alice.id}/featured_tags")
    r = await api.post("/api/v1/featured_tags", json={"name": "eleven"}, headers=alice.headers)
    assert r.status_code == 422
    with counting_queries(app) as ten:
        r = await api.get(f"/api/v1/accounts/{alice.id}/featured_tags")
    assert len(r.json()) == 10 and all(f["statuses_count"] == "1" for f in r.json())
    assert ten.n == one.n
