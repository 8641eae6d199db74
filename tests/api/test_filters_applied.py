"""Filters applied to what people read: `filtered` on matching statuses, `hide` removing them in
the filter's contexts (timelines, threads, profiles, notifications), expiry, what text is
matched, and the cost (one query per request; none for a person without filters)."""

from __future__ import annotations

import io
from datetime import timedelta

from PIL import Image
from sqlalchemy import event, update

from roost.kit.clock import utcnow
from roost.models import CustomFilter
from tests.openapi import check_schema
from tests.querycount import counting_queries


async def _post(api, person, text="hello", **fields) -> dict:  # noqa: ANN001
    r = await api.post("/api/v1/statuses", json={"status": text, **fields}, headers=person.headers)
    assert r.status_code == 200, r.text
    return r.json()


async def _filter(api, person, *keywords, context=("home",), action="warn", whole_word=True,
                  title="f", **extra) -> dict:  # noqa: ANN001
    r = await api.post("/api/v2/filters", headers=person.headers, json={
        "title": title, "context": list(context), "filter_action": action,
        "keywords_attributes": [{"keyword": k, "whole_word": whole_word} for k in keywords], **extra})
    assert r.status_code == 200, r.text
    return r.json()


async def _get(api, person, path, **params) -> list[dict] | dict:  # noqa: ANN001
    r = await api.get(path, params=params, headers=person.headers if person else {})
    assert r.status_code == 200, r.text
    return r.json()


async def _ids(api, person, path, **params) -> list[str]:  # noqa: ANN001
    return [s["id"] for s in await _get(api, person, path, **params)]


async def _people(make, run_jobs):  # noqa: ANN001, ANN202
    alice, bob = await make.account(), await make.account()
    await make.follow(alice, bob)
    await run_jobs()
    return alice, bob


# ---- warn: `filtered` ---------------------------------------------------------------------------

async def test_warn_filter_marks_matching_statuses(api, make, run_jobs):
    alice, bob = await _people(make, run_jobs)
    f = await _filter(api, alice, "dune", "arrakis", title="Spoilers")
    hit = await _post(api, bob, "I finished DUNE last night, Arrakis!")
    miss = await _post(api, bob, "nothing to see")
    await run_jobs()

    home = {s["id"]: s for s in await _get(api, alice, "/api/v1/timelines/home")}
    assert home[miss["id"]]["filtered"] == []
    (result,) = home[hit["id"]]["filtered"]
    check_schema("FilterResult", result)
    assert result["filter"] == {"id": f["id"], "title": "Spoilers", "context": ["home"],
                                "expires_at": None, "filter_action": "warn"}
    assert result["keyword_matches"] == ["dune", "arrakis"]
    assert result["status_matches"] is None


async def test_filtered_lists_only_filters_of_the_context_served(api, make, run_jobs):
    alice, bob = await _people(make, run_jobs)
    await _filter(api, alice, "dune", context=["public"], action="hide")
    hit = await _post(api, bob, "dune")
    await run_jobs()
    home = await _get(api, alice, "/api/v1/timelines/home")
    assert [(s["id"], s["filtered"]) for s in home] == [(hit["id"], [])]
    # a single status has no context: every filter that matches is listed, nothing is removed
    single = await _get(api, alice, f"/api/v1/statuses/{hit['id']}")
    assert [r["filter"]["filter_action"] for r in single["filtered"]] == ["hide"]
    assert await _ids(api, alice, "/api/v1/timelines/public") == []


async def test_own_posts_and_anonymous_readers_are_not_filtered(api, make, run_jobs):
    alice, _ = await _people(make, run_jobs)
    await _filter(api, alice, "dune", context=["home", "public"], action="hide")
    mine = await _post(api, alice, "dune is great")
    await run_jobs()
    assert await _ids(api, alice, "/api/v1/timelines/home") == [mine["id"]]
    anonymous = await _get(api, None, "/api/v1/timelines/public")
    assert [s["id"] for s in anonymous] == [mine["id"]] and "filtered" not in anonymous[0]


async def test_status_filter_matches_the_status_and_its_reblogs(api, make, run_jobs):
    alice, bob = await _people(make, run_jobs)
    carol = await make.account()
    original = await _post(api, carol, "an ordinary post")
    f = await _filter(api, alice)
    r = await api.post(f"/api/v2/filters/{f['id']}/statuses", json={"status_id": original["id"]},
                       headers=alice.headers)
    assert r.status_code == 200
    boost = await api.post(f"/api/v1/statuses/{original['id']}/reblog", headers=bob.headers)
    await run_jobs()
    (item,) = await _get(api, alice, "/api/v1/timelines/home")
    assert item["id"] == boost.json()["id"]
    for entity in (item, item["reblog"]):
        (result,) = entity["filtered"]
        assert result["status_matches"] == [original["id"]] and result["keyword_matches"] is None


# ---- what is matched ----------------------------------------------------------------------------

async def test_whole_word_and_substring_matching(api, make, run_jobs):
    alice, bob = await _people(make, run_jobs)
    await _filter(api, alice, "cat", "café", "#tag", title="whole")
    await _filter(api, alice, "dog", whole_word=False, title="part")
    posts = {text: (await _post(api, bob, text))["id"] for text in [
        "a Cat!", "categories", "CAFÉ au lait", "cafés", "see #Tag", "hotdogs", "a DOG"]}
    await run_jobs()
    home = {s["id"]: s for s in await _get(api, alice, "/api/v1/timelines/home")}

    def titles(text: str) -> list[str]:
        return [r["filter"]["title"] for r in home[posts[text]]["filtered"]]

    assert titles("a Cat!") == ["whole"]
    assert titles("categories") == []
    assert titles("CAFÉ au lait") == ["whole"]
    assert titles("cafés") == []
    assert titles("see #Tag") == ["whole"]
    assert titles("hotdogs") == ["part"]
    assert titles("a DOG") == ["part"]


def _png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), (1, 2, 3)).save(buf, "PNG")
    return buf.getvalue()


async def test_spoiler_text_and_media_descriptions_are_matched(api, make, run_jobs):
    alice, bob = await _people(make, run_jobs)
    await _filter(api, alice, "spider", "snake", action="hide")
    media = await api.post("/api/v2/media", files={"file": ("p.png", _png(), "image/png")},
                           data={"description": "A big snake"}, headers=bob.headers)
    assert media.status_code in (200, 202), media.text
    await _post(api, bob, "look behind the warning", spoiler_text="Spider pics")
    await _post(api, bob, "my pet", media_ids=[media.json()["id"]])
    kept = await _post(api, bob, "a kitten")
    await run_jobs()
    assert await _ids(api, alice, "/api/v1/timelines/home") == [kept["id"]]


async def test_poll_options_are_matched(api, make, run_jobs):
    alice, bob = await _people(make, run_jobs)
    await _filter(api, alice, "pineapple", title="poll")
    voted = await _post(api, bob, "Pizza toppings?",
                        poll={"options": ["Ham", "Pineapple"], "expires_in": 3600})
    await run_jobs()
    (item,) = await _get(api, alice, "/api/v1/timelines/home")
    assert item["id"] == voted["id"] and item["poll"] is not None
    assert [r["keyword_matches"] for r in item["filtered"]] == [["pineapple"]]


# ---- hide: every context ------------------------------------------------------------------------

async def test_hide_removes_statuses_from_each_context_it_names(api, make, run_jobs):
    alice, bob = await _people(make, run_jobs)
    root = await _post(api, bob, "a thread about #roost")
    bad = await _post(api, bob, "dune spoilers #roost", in_reply_to_id=root["id"])
    good = await _post(api, bob, "harmless #roost", in_reply_to_id=root["id"])
    await run_jobs()
    where = {
        "home": "/api/v1/timelines/home",
        "public": "/api/v1/timelines/public",
        "account": f"/api/v1/accounts/{bob.id}/statuses",
    }
    for path in [*where.values(), "/api/v1/timelines/tag/roost"]:
        assert bad["id"] in await _ids(api, alice, path)

    f = await _filter(api, alice, "dune", context=["home"], action="hide")
    for context in ["home", "public", "account", "thread"]:
        r = await api.put(f"/api/v2/filters/{f['id']}", json={"context": [context]},
                          headers=alice.headers)
        assert r.status_code == 200
        for name, path in where.items():
            ids = await _ids(api, alice, path)
            assert (bad["id"] not in ids) == (name == context), (context, name)
        tag_ids = await _ids(api, alice, "/api/v1/timelines/tag/roost")
        assert (bad["id"] not in tag_ids) == (context == "public")
        thread = await _get(api, alice, f"/api/v1/statuses/{root['id']}/context")
        descendants = [s["id"] for s in thread["descendants"]]
        assert descendants == ([good["id"]] if context == "thread" else [bad["id"], good["id"]])


async def test_hide_removes_notifications_about_matching_statuses(api, make, run_jobs):
    alice, bob = await _people(make, run_jobs)
    await _post(api, bob, f"@{alice.account.username} dune spoilers")
    ok = await _post(api, bob, f"@{alice.account.username} hello")
    await run_jobs()
    assert len(await _get(api, alice, "/api/v1/notifications")) == 2
    await _filter(api, alice, "dune", context=["notifications"], action="hide")
    notes = await _get(api, alice, "/api/v1/notifications")
    assert [n["status"]["id"] for n in notes] == [ok["id"]]
    groups = await _get(api, alice, "/api/v2/notifications")
    assert [g["status_id"] for g in groups["notification_groups"]] == [ok["id"]]
    assert [s["id"] for s in groups["statuses"]] == [ok["id"]]
    # warn keeps them, marked
    await _filter(api, alice, "hello", context=["notifications"], title="warned")
    (note,) = await _get(api, alice, "/api/v1/notifications")
    assert [r["filter"]["title"] for r in note["status"]["filtered"]] == ["warned"]


async def test_hide_removes_reblogs_of_matching_posts(api, make, run_jobs):
    alice, bob = await _people(make, run_jobs)
    carol = await make.account()
    original = await _post(api, carol, "dune dune dune")
    await api.post(f"/api/v1/statuses/{original['id']}/reblog", headers=bob.headers)
    kept = await _post(api, bob, "fine")
    await run_jobs()
    assert len(await _ids(api, alice, "/api/v1/timelines/home")) == 2
    await _filter(api, alice, "dune", action="hide")
    assert await _ids(api, alice, "/api/v1/timelines/home") == [kept["id"]]


async def test_hidden_page_is_shorter_and_paging_goes_on(api, make, run_jobs):
    alice, bob = await _people(make, run_jobs)
    posts = [await _post(api, bob, f"dune {i}" if i % 2 else f"ok {i}") for i in range(6)]
    await run_jobs()
    await _filter(api, alice, "dune", action="hide")
    r = await api.get("/api/v1/timelines/home", params={"limit": 3}, headers=alice.headers)
    first = [s["id"] for s in r.json()]
    assert first == [posts[4]["id"]]  # posts 5, 4, 3 read; 5 and 3 hidden
    assert f"max_id={posts[3]['id']}" in r.headers["link"]
    r = await api.get("/api/v1/timelines/home", params={"limit": 3, "max_id": posts[3]["id"]},
                      headers=alice.headers)
    assert [s["id"] for s in r.json()] == [posts[2]["id"], posts[0]["id"]]


async def test_expired_filters_do_not_apply(api, make, run_jobs, db):
    alice, bob = await _people(make, run_jobs)
    f = await _filter(api, alice, "dune", action="hide", expires_in=3600)
    hit = await _post(api, bob, "dune")
    await run_jobs()
    assert await _ids(api, alice, "/api/v1/timelines/home") == []
    async with db.unit_of_work() as s:
        await s.execute(update(CustomFilter).where(CustomFilter.id == int(f["id"]))
                        .values(expires_at=utcnow() - timedelta(seconds=1)))
    home = await _get(api, alice, "/api/v1/timelines/home")
    assert [(s["id"], s["filtered"]) for s in home] == [(hit["id"], [])]
    # still listed, with its expiry
    assert (await _get(api, alice, "/api/v2/filters"))[0]["expires_at"] is not None


# ---- cost ---------------------------------------------------------------------------------------

async def test_filters_cost_one_query_per_request(api, make, run_jobs, app):
    """Four filters with keywords and statuses cost one query, what one filter costs, and more
    posts cost no more; no filters cost none."""
    alice, bob = await _people(make, run_jobs)
    posts = [await _post(api, bob, f"post {i} dune") for i in range(4)]
    await run_jobs()

    async def count() -> int:
        with counting_queries(app) as counted:
            r = await api.get("/api/v1/timelines/home", headers=alice.headers)
        assert r.status_code == 200
        return counted.n

    await count()  # the first read warms what every later one reuses
    without = await count()
    for i in range(4):
        f = await _filter(api, alice, f"word{i}", "dune", title=f"f{i}")
        await api.post(f"/api/v2/filters/{f['id']}/statuses", json={"status_id": posts[i]["id"]},
                       headers=alice.headers)
        if i == 0:
            one_filter = await count()
    with_filters = await count()
    assert with_filters == one_filter == without + 1  # one query however many filters
    for i in range(10):
        await _post(api, bob, f"more {i} dune")
    await run_jobs()
    assert await count() == with_filters
    home = await _get(api, alice, "/api/v1/timelines/home")
    assert all(len(s["filtered"]) == 4 for s in home)


async def test_one_filter_query_per_request_whatever_renders(api, make, run_jobs, app):
    alice, bob = await _people(make, run_jobs)
    root = await _post(api, bob, f"@{alice.account.username} dune")
    for i in range(3):
        await _post(api, bob, f"@{alice.account.username} reply {i}", in_reply_to_id=root["id"])
    await run_jobs()
    await _filter(api, alice, "dune", context=["notifications", "thread"])
    seen: list[str] = []

    def on_execute(_conn, _cursor, statement, *_rest) -> None:  # noqa: ANN001
        if "custom_filters" in statement:
            seen.append(statement)

    engine = app.state.db.engine.sync_engine
    event.listen(engine, "before_cursor_execute", on_execute)
    try:
        for path in ("/api/v1/notifications", "/api/v2/notifications",
                     f"/api/v1/statuses/{root['id']}/context", "/api/v1/timelines/home"):
            seen.clear()
            await _get(api, alice, path)
            assert len(seen) == 1, path
    finally:
        event.remove(engine, "before_cursor_execute", on_execute)


# ---- a person's first and last filter ------------------------------------------------------------
# Without filters a request skips the filters query (accounts.filters_count): the first filter
# must apply at once, and once the last is gone nothing may stay hidden.

async def test_first_filter_applies_at_once_and_last_one_removed_shows_all_again(api, make, run_jobs):
    alice, bob = await _people(make, run_jobs)
    hit = await _post(api, bob, "dune spoilers")
    miss = await _post(api, bob, "nothing to see")
    await run_jobs()
    assert await _ids(api, alice, "/api/v1/timelines/home") == [miss["id"], hit["id"]]
    first = await _filter(api, alice, "dune", action="hide")
    assert await _ids(api, alice, "/api/v1/timelines/home") == [miss["id"]]
    second = await _filter(api, alice, "nothing", title="g")
    home = await _get(api, alice, "/api/v1/timelines/home")
    assert [(s["id"], [f["filter"]["id"] for f in s["filtered"]]) for s in home] == [
        (miss["id"], [second["id"]])]
    r = await api.delete(f"/api/v2/filters/{first['id']}", headers=alice.headers)
    assert r.status_code == 200, r.text
    assert await _ids(api, alice, "/api/v1/timelines/home") == [miss["id"], hit["id"]]
    r = await api.delete(f"/api/v2/filters/{second['id']}", headers=alice.headers)
    assert r.status_code == 200, r.text
    home = await _get(api, alice, "/api/v1/timelines/home")
    assert [(s["id"], s["filtered"]) for s in home] == [(miss["id"], []), (hit["id"], [])]
    # another person's filters never counted for Alice
    await _filter(api, bob, "dune", action="hide")
    assert await _ids(api, alice, "/api/v1/timelines/home") == [miss["id"], hit["id"]]


async def test_v1_filters_count_too(api, make, run_jobs):
    """The v1 API creates a filter per phrase and removes it with its last keyword."""
    alice, bob = await _people(make, run_jobs)
    hit = await _post(api, bob, "dune spoilers")
    await run_jobs()
    r = await api.post("/api/v1/filters", headers=alice.headers,
                       json={"phrase": "dune", "context": ["home"], "irreversible": True})
    assert r.status_code == 200, r.text
    assert await _ids(api, alice, "/api/v1/timelines/home") == []
    r = await api.delete(f"/api/v1/filters/{r.json()['id']}", headers=alice.headers)
    assert r.status_code == 200, r.text
    assert await _ids(api, alice, "/api/v1/timelines/home") == [hit["id"]]
    assert await _get(api, alice, "/api/v2/filters") == []
