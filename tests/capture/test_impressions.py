"""Impressions (feed.impression): which posts a feed served to whom, at which position, from
which feed — recorded only for viewers whose training consent is "all"."""

from __future__ import annotations

from sqlalchemy import event

from tests.capture.helpers import consent, events, post
from tests.web.conftest import csrf_of, sign_in


async def test_a_home_page_is_recorded_in_order_for_a_consenting_viewer(api, make, db, run_jobs):
    alice, bob, carol = await make.account(), await make.account(), await make.account()
    await make.follow(alice, bob)
    boosted = await post(api, carol, "theirs")
    posts = [await post(api, bob, f"post {i}") for i in range(3)]
    r = await api.post(f"/api/v1/statuses/{boosted['id']}/reblog", headers=alice.headers)
    assert r.status_code == 200
    await run_jobs()
    await consent(api, alice, "all")

    home = (await api.get("/api/v1/timelines/home", headers=alice.headers)).json()
    [ev] = await events(db, "feed.impression")
    assert ev.actor_id == int(alice.id) and ev.consent == "all" and ev.public is False
    # the ids of the posts shown, in the order served (a repost counts as its original)
    assert ev.data["status_ids"] == [(s["reblog"] or s)["id"] for s in home]
    assert set(ev.data["status_ids"]) == {boosted["id"], *(p["id"] for p in posts)}
    assert home[0]["reblog"]["id"] == boosted["id"] != home[0]["id"]
    assert ev.data == {"account_id": alice.id, "feed": "home", "status_ids": ev.data["status_ids"],
                       "first_position": 0, "surface": "api"}

    below = (await api.get("/api/v1/timelines/home", params={"max_id": home[1]["id"]},
                           headers=alice.headers)).json()
    second = (await events(db, "feed.impression"))[1]
    assert second.data["first_position"] == -1  # below the top, no position carried: not known
    assert second.data["status_ids"] == [(s["reblog"] or s)["id"] for s in below] != []


async def test_api_next_links_carry_the_position_of_the_next_page(api, make, db, run_jobs):
    alice, bob = await make.account(), await make.account()
    await make.follow(alice, bob)
    ids = [(await post(api, bob, f"post {i}"))["id"] for i in range(5)]
    await run_jobs()
    r = await api.get("/api/v1/timelines/home", params={"limit": 2}, headers=alice.headers)
    assert "position" not in r.headers["link"]  # not captured: links stay plain
    await consent(api, alice, "all")
    r = await api.get("/api/v1/timelines/home", params={"limit": 2}, headers=alice.headers)
    nxt, prev = (part.split(";")[0].strip("<> ") for part in r.headers["link"].split(","))
    assert nxt.endswith(f"max_id={ids[3]}&position=2") and "position" not in prev
    r = await api.get(nxt.removeprefix("http://roost.test"), headers=alice.headers)  # followed
    assert [s["id"] for s in r.json()] == ids[::-1][2:4]
    assert f"max_id={ids[1]}&position=4" in r.headers["link"]
    first, second = (await events(db, "feed.impression"))[-2:]
    assert (first.data["first_position"], second.data["first_position"]) == (0, 2)
    assert second.data["status_ids"] == ids[::-1][2:4]


async def test_a_client_paging_by_max_id_alone_keeps_its_place(api, make, db, run_jobs):
    """Mastodon.py and Tusky take only max_id from the Link header: the page that goes on from
    where the viewer's previous page of that feed ended starts where that one stopped."""
    alice, bob = await make.account(), await make.account()
    await make.follow(alice, bob)
    ids = [(await post(api, bob, f"post {i}"))["id"] for i in range(6)][::-1]
    await run_jobs()
    await consent(api, alice, "all")
    home = "/api/v1/timelines/home"
    await api.get(home, params={"limit": 2}, headers=alice.headers)
    await api.get(home, params={"limit": 2, "max_id": ids[1]}, headers=alice.headers)
    await api.get(home, params={"limit": 2, "max_id": ids[3]}, headers=alice.headers)
    await api.get(home, params={"limit": 1, "max_id": ids[0]}, headers=alice.headers)  # a jump
    got = [(e.data["first_position"], e.data["status_ids"])
           for e in await events(db, "feed.impression")]
    assert got == [(0, ids[0:2]), (2, ids[2:4]), (4, ids[4:6]), (-1, ids[1:2])]


async def test_every_feed_has_its_name(api, make, db, run_jobs):
    alice, bob = await make.account(), await make.account()
    await post(api, bob, "about #Birds")
    lst = (await api.post("/api/v1/lists", json={"title": "b"}, headers=alice.headers)).json()
    await make.follow(alice, bob)
    r = await api.post(f"/api/v1/lists/{lst['id']}/accounts", data={"account_ids[]": bob.id},
                       headers=alice.headers)
    assert r.status_code == 200, r.text
    await run_jobs()
    await consent(api, alice, "all")
    for url in ("/api/v1/timelines/public", "/api/v1/timelines/public?local=true",
                "/api/v1/timelines/tag/Birds", f"/api/v1/timelines/list/{lst['id']}",
                f"/api/v1/accounts/{bob.id}/statuses"):
        r = await api.get(url, headers=alice.headers)
        assert r.status_code == 200 and len(r.json()) == 1, (url, r.text)
    feeds = [e.data["feed"] for e in await events(db, "feed.impression")]
    assert feeds == ["public", "local", "tag:birds", f"list:{lst['id']}", f"account:{bob.id}"]


async def test_nothing_is_recorded_without_consent_all_or_signed_out(api, make, db):
    alice, bob = await make.account(), await make.account()
    await post(api, bob, "hello")
    await consent(api, alice, "public_posts")
    await api.get("/api/v1/timelines/public", headers=alice.headers)
    await api.get("/api/v1/timelines/public")
    await api.get("/api/v1/timelines/home", headers=bob.headers)  # consent "none"
    await api.get("/api/v1/timelines/home", headers=alice.headers)
    assert await events(db, "feed.impression") == []


async def test_a_home_read_costs_one_insert_more_only_for_consenting_viewers(api, app, make,
                                                                             run_jobs):
    alice, bob = await make.account(), await make.account()
    await make.follow(alice, bob)
    for i in range(5):
        await post(api, bob, f"post {i}")
    await run_jobs()
    await api.get("/api/v1/timelines/home", headers=alice.headers)  # warm (feed built, caches)

    async def home_statements() -> list[str]:
        sent: list[str] = []

        def on_execute(_conn, _cursor, statement, *_rest) -> None:  # noqa: ANN001
            words = statement.split()
            sent.append(words[0] if words[0] in ("SAVEPOINT", "RELEASE") else " ".join(words[:3]))

        engine = app.state.db.engine.sync_engine
        event.listen(engine, "before_cursor_execute", on_execute)
        try:
            r = await api.get("/api/v1/timelines/home", headers=alice.headers)
        finally:
            event.remove(engine, "before_cursor_execute", on_execute)
        assert r.status_code == 200 and len(r.json()) == 5
        return sent

    base = await home_statements()
    assert await home_statements() == base  # stable
    await consent(api, alice, "all")
    captured = await home_statements()
    # the read is the same; then, after its commit, one short unit of work (a SAVEPOINT here,
    # where each test runs in one transaction; BEGIN IMMEDIATE on SQLite in production) with
    # the event row's INSERT (on PostgreSQL after the event log's advisory lock)
    assert captured[:len(base)] == base
    extra = [s for s in captured[len(base):] if not s.startswith(("SAVEPOINT", "RELEASE"))]
    pg = app.state.db.engine.dialect.name == "postgresql"
    assert extra == ["SELECT pg_advisory_xact_lock($1)"] * pg + ["INSERT INTO events"], extra
    await consent(api, alice, "none")
    assert await home_statements() == base


async def test_the_web_app_records_pages_and_carries_the_position_over(api, make, db, run_jobs):
    alice, bob = await make.account(), await make.account()
    await make.follow(alice, bob)
    ids = [(await post(api, bob, f"post {i}"))["id"] for i in range(5)]
    await run_jobs()
    await consent(api, alice, "all")
    await sign_in(api, alice)

    page = await api.get("/home", params={"limit": 2})
    assert page.status_code == 200
    [first] = await events(db, "feed.impression")
    assert first.data["feed"] == "home" and first.data["surface"] == "web"
    assert first.data["status_ids"] == ids[::-1][:2] and first.data["first_position"] == 0
    assert f"max_id={ids[3]}&amp;position=2" in page.text

    r = await api.get("/home", params={"limit": 2, "max_id": ids[3], "position": 2},
                      headers={"X-Roost-Fragment": "1"})
    assert r.status_code == 200 and "position=4" in r.text
    second = (await events(db, "feed.impression"))[1]
    assert second.data["status_ids"] == ids[::-1][2:4] and second.data["first_position"] == 2

    await api.get("/local")
    await api.get(f"/@{bob.account.username}")
    await api.get("/tags/nothing_here")  # an empty page: nothing served, nothing recorded
    feeds = [e.data["feed"] for e in await events(db, "feed.impression")]
    assert feeds == ["home", "home", "local", f"account:{bob.id}"]
    assert csrf_of(page.text)
