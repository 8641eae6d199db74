"""Announcements through the API: made by admins (the service the CLI calls), seen, dismissed
and reacted to by users."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import quote

from roost.announcements import service as announcements
from roost.events import latest_seq, read_after
from roost.kit.clock import utcnow
from tests.api.test_custom_emojis import add as add_emoji
from tests.api.test_custom_emojis import image
from tests.openapi import check_schema
from tests.querycount import counting_queries


async def announce(db, text, **kw):
    async with db.unit_of_work() as session:
        return (await announcements.create(session, text, **kw)).id


async def test_users_see_published_active_announcements(api, make, db):
    alice = await make.account("alice")
    first = await announce(db, "Welcome @alice! See #rules :blob:")
    await announce(db, "draft", publish=False)
    await announce(db, "over", ends_at=utcnow() - timedelta(hours=1),
                   starts_at=utcnow() - timedelta(days=1))
    later = await announce(db, "party tonight", starts_at=utcnow() + timedelta(hours=2),
                           ends_at=utcnow() + timedelta(hours=5), all_day=False)
    await add_emoji(db, "blob", image("PNG"))

    assert (await api.get("/api/v1/announcements")).status_code == 401
    r = await api.get("/api/v1/announcements", headers=alice.headers)
    assert r.status_code == 200
    body = r.json()
    assert [a["id"] for a in body] == [str(first), str(later)]
    for a in body:
        check_schema("Announcement", a)
    a = body[0]
    assert a["read"] is False and "Welcome" in a["content"]
    assert a["mentions"] == [{"id": alice.id, "username": "alice", "acct": "alice",
                              "url": "http://roost.test/@alice"}]
    assert a["tags"] == [{"name": "rules", "url": "http://roost.test/tags/rules"}]
    assert [e["shortcode"] for e in a["emojis"]] == ["blob"]
    assert body[1]["starts_at"] is not None and body[1]["all_day"] is False


async def test_dismiss_and_react_with_events(api, make, db):
    alice, bob = await make.account(), await make.account()
    aid = await announce(db, "hello everyone")
    await add_emoji(db, "blob", image("PNG"))
    async with db.session() as s:
        start = await latest_seq(s)

    for who, name in ((alice, "👍"), (bob, "👍"), (bob, "blob"), (alice, "🇫🇷"), (alice, "1️⃣")):
        r = await api.put(f"/api/v1/announcements/{aid}/reactions/{quote(name)}", headers=who.headers)
        assert r.status_code == 200 and r.json() == {}, name
    # again is a no-op; nonsense and unknown shortcodes are refused
    assert (await api.put(f"/api/v1/announcements/{aid}/reactions/{quote('👍')}",
                          headers=alice.headers)).status_code == 200
    for bad in ("hello", "nosuch", "👍👍x"):
        r = await api.put(f"/api/v1/announcements/{aid}/reactions/{quote(bad)}", headers=alice.headers)
        assert r.status_code == 422, bad
    assert (await api.put(f"/api/v1/announcements/999/reactions/{quote('👍')}",
                          headers=alice.headers)).status_code == 404

    seen = (await api.get("/api/v1/announcements", headers=alice.headers)).json()[0]
    reactions = {r["name"]: r for r in seen["reactions"]}
    assert reactions["👍"] == {"name": "👍", "count": 2, "me": True}
    assert reactions["blob"]["count"] == 1 and reactions["blob"]["me"] is False
    assert reactions["blob"]["url"].startswith("http://roost.test/media/emojis/")
    for reaction in seen["reactions"]:
        check_schema("Reaction", reaction)

    r = await api.delete(f"/api/v1/announcements/{aid}/reactions/{quote('👍')}", headers=alice.headers)
    assert r.status_code == 200
    seen = (await api.get("/api/v1/announcements", headers=alice.headers)).json()[0]
    assert {r["name"]: r["count"] for r in seen["reactions"]}["👍"] == 1

    r = await api.post(f"/api/v1/announcements/{aid}/dismiss", headers=alice.headers)
    assert r.status_code == 200 and r.json() == {}
    assert (await api.get("/api/v1/announcements", headers=alice.headers)).json() == []
    kept = (await api.get("/api/v1/announcements?with_dismissed=true", headers=alice.headers)).json()
    assert kept[0]["read"] is True
    assert (await api.get("/api/v1/announcements", headers=bob.headers)).json()[0]["read"] is False

    async with db.session() as s:
        rows = await read_after(s, start, 50)
    kinds = [e.type for e in rows]
    assert kinds.count("announcement.reacted") == 5
    assert kinds[-2:] == ["announcement.unreacted", "announcement.dismissed"]


async def test_at_most_eight_kinds_of_reaction(api, make, db):
    alice = await make.account()
    aid = await announce(db, "react!")
    for emoji in "😀😁😂🤣😃😄😅😆":
        r = await api.put(f"/api/v1/announcements/{aid}/reactions/{quote(emoji)}", headers=alice.headers)
        assert r.status_code == 200
    r = await api.put(f"/api/v1/announcements/{aid}/reactions/{quote('😇')}", headers=alice.headers)
    assert r.status_code == 422


async def test_publish_unpublish_remove_with_events(api, make, db):
    alice = await make.account()
    async with db.session() as s:
        start = await latest_seq(s)
    aid = await announce(db, "soon", publish=False)
    async with db.unit_of_work() as session:
        await announcements.publish(session, aid)
    assert len((await api.get("/api/v1/announcements", headers=alice.headers)).json()) == 1
    async with db.unit_of_work() as session:
        await announcements.unpublish(session, aid)
    assert (await api.get("/api/v1/announcements", headers=alice.headers)).json() == []
    assert (await api.post(f"/api/v1/announcements/{aid}/dismiss", headers=alice.headers)).status_code == 404
    async with db.unit_of_work() as session:
        await announcements.remove(session, aid)
    async with db.session() as s:
        rows = await read_after(s, start, 10)
    assert [e.type for e in rows] == ["announcement.created", "announcement.published",
                                      "announcement.unpublished", "announcement.removed"]


async def test_announcements_cost_a_fixed_number_of_queries(api, app, make, db):
    alice, bob = await make.account(), await make.account()
    await api.get("/api/v1/accounts/verify_credentials", headers=alice.headers)

    async def cost(n: int) -> tuple[int, int]:
        for i in range(n):
            aid = await announce(db, f"news {i} for @{bob.account.username}")
            await api.put(f"/api/v1/announcements/{aid}/reactions/{quote('🎉')}", headers=bob.headers)
        with counting_queries(app) as counted:
            r = await api.get("/api/v1/announcements", headers=alice.headers)
        return counted.n, len(r.json())

    few, n1 = await cost(1)
    many, n2 = await cost(4)
    assert (n1, n2) == (1, 5) and few == many
