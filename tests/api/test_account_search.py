"""Account search: substring matches on username and display name, Mastodon's ranking, resolve,
following, offset/limit; on PostgreSQL the pg_trgm indexes serve it."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import text
from sqlalchemy.dialects import postgresql

from roost.accounts.queries import search_statement

ON_PG = bool(os.environ.get("ROOST_TEST_DATABASE_URL"))


async def _names(api, viewer, path="/api/v1/accounts/search", **params) -> list[str]:
    r = await api.get(path, params=params, headers=viewer.headers)
    assert r.status_code == 200, r.text
    body = r.json()
    return [a["username"] for a in (body["accounts"] if isinstance(body, dict) else body)]


async def test_substring_matches_and_ranking(api, make, db):
    viewer = await make.account("viewer")
    exact = await make.account("rosa")
    famous = await make.account("primrosa", display_name="Prim")
    friend = await make.account("zz_friend", display_name="Ambrosia Rosalind")
    starts = await make.account("rosalie")
    for _ in range(3):
        await make.follow(await make.account(), famous)
    await make.follow(await make.account(), starts)
    await make.follow(viewer, friend)

    # exact username, then followed, then names starting with the term, then followers
    assert await _names(api, viewer, q="rosa") == ["rosa", "zz_friend", "rosalie", "primrosa"]
    assert await _names(api, viewer, "/api/v2/search", q="rosa", type="accounts") == \
        ["rosa", "zz_friend", "rosalie", "primrosa"]
    assert await _names(api, viewer, q="ROSA", following="true") == ["zz_friend"]
    assert await _names(api, viewer, q="rosa", limit=2, offset=1) == ["zz_friend", "rosalie"]
    assert await _names(api, viewer, q="brosi") == ["zz_friend"]  # inside a display name word
    assert await _names(api, viewer, q="%") == [] and await _names(api, viewer, q="_") == ["zz_friend"]
    assert exact


async def test_resolve_finds_one_of_our_profile_urls(api, make):
    viewer = await make.account("viewer")
    await make.account("ann")
    await make.account("joanna")
    url = "http://roost.test/@ann"
    assert await _names(api, viewer, q=url, resolve="true") == ["ann"]
    assert await _names(api, viewer, q="http://roost.test/users/ann", resolve="true") == ["ann"]
    assert await _names(api, viewer, "/api/v2/search", q=url, resolve="true", type="accounts") == ["ann"]
    assert await _names(api, viewer, q="https://elsewhere.example/@ann", resolve="true") == []
    assert await _names(api, viewer, q="ann@elsewhere.example", resolve="true") == []
    # as Mastodon: resolving needs a signed-in user
    r = await api.get("/api/v2/search", params={"q": url, "resolve": "true"})
    assert r.status_code == 401 and "error" in r.json()


async def test_blocked_and_suspended_accounts_are_not_found(api, make, db):
    viewer = await make.account("viewer")
    blocker = await make.account("tomas")
    await make.account("tomasz")
    await api.post(f"/api/v1/accounts/{viewer.id}/block", headers=blocker.headers)
    assert await _names(api, viewer, q="toma") == ["tomasz"]


@pytest.mark.skipif(not ON_PG, reason="pg_trgm is PostgreSQL's")
async def test_trigram_index_serves_the_search(db):
    async with db.unit_of_work() as s:
        assert (await s.execute(text("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'"))).scalar()
        # a realistically sized table: 50,000 accounts with notes (on 30,000 bare rows a
        # sequential scan is cheaper and the planner rightly takes it)
        await s.execute(text("""
            INSERT INTO accounts (id, username, username_lower, display_name, note, note_html, fields,
                                  locked, bot, discoverable, indexable, created_at, followers_count,
                                  following_count, statuses_count)
            SELECT 9000000000 + g, left(md5(g::text), 24), left(md5(g::text), 24), 'Person ' || g,
                   repeat('note ', 40), repeat('<p>note</p>', 20), '[]', false, false, true, true,
                   now(), g % 100, 0, 0
            FROM generate_series(1, 50000) AS g"""))
        await s.execute(text("ANALYZE accounts"))
        stmt = search_statement(None, "c4ca42", following=False).limit(40)
        sql = str(stmt.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}))
        conn = await s.connection()
        plan = "\n".join(r[0] for r in (await conn.exec_driver_sql(
            "EXPLAIN " + sql.replace("%%", "%"))).all())
        found = [a.username for a in (await s.execute(stmt)).scalars()]
        await s.rollback()
    assert "ix_accounts_username_trgm" in plan and "ix_accounts_display_name_trgm" in plan, plan
    assert "Seq Scan on accounts" not in plan, plan
    assert "c4ca4238a0b923820dcc509a" in found  # md5('1')
