"""roost.consent: the "may use" decisions, and that they follow the ledger's history."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from roost.consent import LEVELS, Change, level_at, may_use, may_use_post

T0 = datetime(2026, 1, 1, tzinfo=timezone.utc)


def test_what_each_level_allows():
    assert [may_use(level, "public_posts") for level in LEVELS] == [False, True, True]
    assert [may_use(level, "all") for level in LEVELS] == [False, False, True]
    with pytest.raises(ValueError):
        may_use("all", "everything")


def test_a_post_needs_consent_public_visibility_and_no_opt_out():
    assert may_use_post("public_posts", visibility="public", opted_out=False)
    assert not may_use_post("none", visibility="public", opted_out=False)
    assert not may_use_post("all", visibility="unlisted", opted_out=False)
    assert not may_use_post("all", visibility="public", opted_out=True)
    assert not may_use_post("all", visibility="public", opted_out=False, deleted=True)


def test_before_any_change_nothing_is_consented():
    history = [Change("all", T0 + timedelta(hours=1))]
    assert level_at(history, T0) == "none"
    assert level_at(history, T0 + timedelta(hours=1)) == "all"


changes = st.lists(st.tuples(st.sampled_from(LEVELS), st.integers(0, 50)), max_size=12)


@given(changes, st.integers(-1, 60))
def test_level_at_replays_the_ledger(steps, probe):
    """Apply the changes one by one in time order, as the ledger does; the level in force at any
    time is the last one applied at or before it, and "may use" follows it."""
    history = [Change(level, T0 + timedelta(minutes=m)) for level, m in steps]
    at = T0 + timedelta(minutes=probe)
    expected = "none"
    for change in sorted(history, key=lambda c: c.changed_at):  # stable: same instant keeps order
        if change.changed_at <= at:
            expected = change.level
    assert level_at(history, at) == expected
    for kind in ("public_posts", "all"):
        assert may_use(level_at(history, at), kind) == (
            expected == "all" or (kind == "public_posts" and expected == "public_posts"))


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(LEVELS), min_size=1, max_size=6))
async def test_the_database_ledger_matches_the_rules(api, db, make, levels):
    """Random sequences of changes through the API: the stored history, the level in force and
    the one the ledger gives for each moment agree with the pure rules."""
    from roost.consent import repository as repo

    alice = await make.account()
    applied = []
    for level in levels:
        r = await api.put("/api/v1/roost/consent", json={"training": level}, headers=alice.headers)
        assert r.status_code == 200
        if level != (applied[-1] if applied else "none"):
            applied.append(level)
    got = (await api.get("/api/v1/roost/consent", headers=alice.headers)).json()
    assert [h["training"] for h in reversed(got["history"])] == applied
    assert got["training"] == (applied[-1] if applied else "none")
    async with db.session() as s:
        rows = list(reversed(await repo.history(s, int(alice.id))))
        ledger = [Change(r.level, r.changed_at) for r in rows]
        for i, row in enumerate(rows):
            assert await repo.level_at_time(s, int(alice.id), row.changed_at) == level_at(
                ledger, row.changed_at) == applied[i]
        assert await repo.level_at_time(s, int(alice.id), T0) == "none"
        assert await repo.current_levels(s, [int(alice.id)]) == {int(alice.id): got["training"]}


async def test_withdrawal_leaves_the_person_out_of_datasets_built_afterwards(api, db, make):
    from roost.consent import repository as repo
    from roost.kit.clock import utcnow

    alice = await make.account()
    r = await api.post("/api/v1/statuses", json={"status": "hello"}, headers=alice.headers)
    sid, aid = int(r.json()["id"]), int(alice.id)
    private = await api.post("/api/v1/statuses", json={"status": "p", "visibility": "private"},
                             headers=alice.headers)
    before = utcnow()
    await api.put("/api/v1/roost/consent", json={"training": "public_posts"}, headers=alice.headers)
    consented = utcnow()
    await api.put("/api/v1/roost/consent", json={"training": "none"}, headers=alice.headers)
    withdrawn = utcnow()
    async with db.session() as s:
        assert not await repo.post_may_be_used(s, sid, before)
        assert await repo.post_may_be_used(s, sid, consented)
        assert not await repo.post_may_be_used(s, int(private.json()["id"]), consented)
        assert not await repo.post_may_be_used(s, sid, withdrawn)
        assert await repo.account_may_be_used(s, aid, "public_posts", consented)
        assert not await repo.account_may_be_used(s, aid, "all", consented)
        assert not await repo.account_may_be_used(s, aid, "public_posts", withdrawn)
        assert not await repo.post_may_be_used(s, 1, consented)  # no such post
