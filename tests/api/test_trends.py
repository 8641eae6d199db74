"""Trends through the API: computed by the `trends.refresh` job from recent public activity."""

from __future__ import annotations

from datetime import timedelta

from roost import jobs
from roost.events import latest_seq, read_after
from roost.kit.clock import utcnow
from roost.trends import service as trends
from tests.openapi import check_schema
from tests.querycount import counting_queries


async def refresh(db, run_jobs, now=None) -> None:
    if now is None:
        async with db.unit_of_work() as session:
            jobs.enqueue(session, "trends.refresh")
        await run_jobs()
    else:
        async with db.unit_of_work() as session:
            await trends.refresh(session, now=now)


async def post(api, person, text, **extra) -> str:
    r = await api.post("/api/v1/statuses", json={"status": text, **extra}, headers=person.headers)
    assert r.status_code == 200, r.text
    return r.json()["id"]


async def test_tags_trend_by_distinct_people_with_real_history(api, make, db, run_jobs):
    alice, bob, carol = await make.account(), await make.account(), await make.account()
    await post(api, alice, "first #Roosting")
    await post(api, alice, "again #roosting")
    await post(api, bob, "me too #roosting")
    await post(api, carol, "just me #lonely")
    await post(api, bob, "quietly #hushed", visibility="private")
    await post(api, carol, "quietly #hushed", visibility="private")
    await refresh(db, run_jobs)

    r = await api.get("/api/v1/trends/tags")
    assert r.status_code == 200
    body = r.json()
    assert [t["name"] for t in body] == ["Roosting"]  # one person or private posts do not trend
    tag = body[0]
    check_schema("Tag", tag)
    assert tag["history"][0]["uses"] == "3" and tag["history"][0]["accounts"] == "2"
    assert len(tag["history"]) == 7 and all(d["uses"] == "0" for d in tag["history"][1:])
    assert int(tag["history"][0]["day"]) % 86400 == 0

    # the deprecated alias answers the same
    assert (await api.get("/api/v1/trends")).json() == body


async def test_a_tag_used_as_much_every_day_does_not_trend(api, make, db):
    alice, bob = await make.account(), await make.account()
    await post(api, alice, "#daily")
    await post(api, bob, "#daily")
    # seen from three days later: no use today, so nothing is above the baseline
    await refresh(db, None, now=utcnow() + timedelta(days=3))
    assert (await api.get("/api/v1/trends/tags")).json() == []


async def test_tag_page_has_history_and_an_invalid_name_is_404(api, make):
    alice = await make.account()
    await post(api, alice, "#Birds and more #birds")
    await post(api, alice, "unlisted #birds", visibility="unlisted")
    r = await api.get("/api/v1/tags/BIRDS")
    assert r.status_code == 200
    check_schema("Tag", r.json())
    assert r.json()["name"] == "Birds" and r.json()["history"][0]["uses"] == "2"
    assert r.json()["history"][0]["accounts"] == "1"
    assert (await api.get("/api/v1/tags/no-such-tag")).status_code == 404
    assert (await api.get("/api/v1/tags/nosuchtag")).json()["id"] == ""  # valid, never used
    # search answers real history too
    found = (await api.get("/api/v2/search?q=%23bird&type=hashtags", headers=alice.headers)).json()
    assert found["hashtags"][0]["history"][0]["uses"] == "2"


async def test_status_trends_need_interactions_public_and_not_sensitive(api, make, db, run_jobs):
    alice, bob, carol, dave = [await make.account() for _ in range(4)]
    hot = await post(api, alice, "hot take")
    warm = await post(api, carol, "warm take")
    cw = await post(api, alice, "careful", spoiler_text="cw")
    nsfw = await post(api, alice, "nsfw", sensitive=True)
    quiet = await post(api, alice, "unlisted", visibility="unlisted")
    once = await post(api, alice, "one like only")
    for sid in (hot, cw, nsfw, quiet):
        for who in (bob, dave):
            assert (await api.post(f"/api/v1/statuses/{sid}/favourite", headers=who.headers)).status_code == 200
    await api.post(f"/api/v1/statuses/{hot}/reblog", headers=carol.headers)
    await api.post(f"/api/v1/statuses/{warm}/favourite", headers=bob.headers)
    await api.post(f"/api/v1/statuses/{warm}/reblog", headers=dave.headers)
    await api.post(f"/api/v1/statuses/{once}/favourite", headers=bob.headers)
    await refresh(db, run_jobs)

    r = await api.get("/api/v1/trends/statuses")
    assert r.status_code == 200
    assert [s["id"] for s in r.json()] == [hot, warm]
    for s in r.json():
        check_schema("Status", s)

    # the viewer's blocks and mutes apply; an anonymous reader still sees both
    await api.post(f"/api/v1/accounts/{alice.id}/block", headers=bob.headers)
    await api.post(f"/api/v1/accounts/{carol.id}/mute", headers=dave.headers)
    assert [s["id"] for s in (await api.get("/api/v1/trends/statuses", headers=bob.headers)).json()] == [warm]
    assert [s["id"] for s in (await api.get("/api/v1/trends/statuses", headers=dave.headers)).json()] == [hot]

    # offset and limit page the list, with a Link header
    r = await api.get("/api/v1/trends/statuses?limit=1")
    assert [s["id"] for s in r.json()] == [hot] and 'rel="next"' in r.headers["link"]
    r = await api.get("/api/v1/trends/statuses?limit=1&offset=1")
    assert [s["id"] for s in r.json()] == [warm] and 'rel="prev"' in r.headers["link"]

    # marking it sensitive afterwards, or its author being suspended, removes it at once
    admin = await make.account(role="admin")
    async with db.unit_of_work() as session:
        from roost.accounts import service as accounts
        from roost.models import Account

        await accounts.suspend(session, None, await session.get(Account, int(alice.id)))
    assert [s["id"] for s in (await api.get("/api/v1/trends/statuses", headers=admin.headers)).json()] == [warm]


async def test_trending_statuses_cost_a_fixed_number_of_queries(api, app, make, db, run_jobs):
    people = [await make.account() for _ in range(3)]

    async def queries_for(n: int) -> int:
        for i in range(n):
            sid = await post(api, people[0], f"post {i}")
            for who in people[1:]:
                await api.post(f"/api/v1/statuses/{sid}/favourite", headers=who.headers)
        await refresh(db, run_jobs)
        with counting_queries(app) as counted:
            r = await api.get("/api/v1/trends/statuses", headers=people[1].headers)
        assert r.status_code == 200
        return counted.n, len(r.json())

    few, n_few = await queries_for(1)
    many, n_many = await queries_for(6)
    assert (n_few, n_many) == (1, 7)
    assert many == few


async def test_links_trend_by_distinct_sharers_with_honest_cards(api, make, db, run_jobs):
    alice, bob, carol = await make.account(), await make.account(), await make.account()
    await post(api, alice, "read https://Example.com/story#top please")
    await post(api, alice, "again https://example.com/story")
    await post(api, bob, "wow https://example.com/story")
    await post(api, carol, "mine alone https://example.org/solo")
    await post(api, carol, "our own https://roost.test/@x")
    await post(api, bob, "secret https://example.net/x", visibility="private")
    await post(api, carol, "secret https://example.net/x", visibility="private")
    await refresh(db, run_jobs)

    r = await api.get("/api/v1/trends/links")
    assert r.status_code == 200
    body = r.json()
    assert [link["url"] for link in body] == ["https://example.com/story"]
    link = body[0]
    check_schema("TrendsLink", link)
    assert link["type"] == "link" and link["provider_name"] == "example.com"
    assert link["title"] == "example.com/story" and link["description"] == "" and link["image"] is None
    assert link["history"][0] == {**link["history"][0], "uses": "3", "accounts": "2"}


async def test_admin_hides_and_unhides_items_with_events(api, make, db, run_jobs):
    alice, bob = await make.account(), await make.account()
    sid = await post(api, alice, "#spicy https://example.com/a")
    await post(api, bob, "#spicy https://example.com/a")
    for who in (bob, await make.account()):
        await api.post(f"/api/v1/statuses/{sid}/favourite", headers=who.headers)
    await refresh(db, run_jobs)
    assert len((await api.get("/api/v1/trends/tags")).json()) == 1
    async with db.session() as s:
        start = await latest_seq(s)

    async with db.unit_of_work() as session:
        await trends.hide(session, "tag", "#Spicy")
        await trends.hide(session, "status", sid)
        await trends.hide(session, "link", "https://EXAMPLE.com/a")
    for path in ("tags", "statuses", "links"):  # gone at once, and after the next refresh
        assert (await api.get(f"/api/v1/trends/{path}")).json() == []
    await refresh(db, run_jobs)
    for path in ("tags", "statuses", "links"):
        assert (await api.get(f"/api/v1/trends/{path}")).json() == []

    async with db.unit_of_work() as session:
        await trends.unhide(session, "tag", "spicy")
    await refresh(db, run_jobs)
    assert [t["name"] for t in (await api.get("/api/v1/trends/tags")).json()] == ["spicy"]

    async with db.session() as s:
        rows = await read_after(s, start, 100)
    kinds = [(r.type, r.data.get("kind"), r.data.get("key")) for r in rows]
    assert kinds[:4] == [("trends.hidden", "tag", "spicy"), ("trends.hidden", "status", sid),
                         ("trends.hidden", "link", "https://example.com/a"),
                         ("trends.refreshed", None, None)]
    assert ("trends.unhidden", "tag", "spicy") in kinds


async def test_trending_tags_and_links_cost_a_fixed_number_of_queries(api, app, make, db, run_jobs):
    people = [await make.account() for _ in range(2)]

    async def cost(n: int) -> tuple[int, int, int]:
        for i in range(n):
            for who in people:
                await post(api, who, f"#topic{n}x{i} https://example.com/{n}/{i}")
        await refresh(db, run_jobs)
        with counting_queries(app) as tags:
            found = (await api.get("/api/v1/trends/tags")).json()
        with counting_queries(app) as links:
            await api.get("/api/v1/trends/links")
        return tags.n, links.n, len(found)

    t1, l1, n1 = await cost(1)
    t2, l2, n2 = await cost(4)
    assert n2 > n1 and (t1, l1) == (t2, l2)
