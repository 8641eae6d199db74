"""GET/PUT /api/v1/roost/consent and the per-post opt-out, through the API."""

from __future__ import annotations

from roost.events import latest_seq, parse, read_after

ROOT = "/api/v1/roost/consent"


async def events_since(db, seq: int) -> list:
    async with db.session() as s:
        return await read_after(s, seq, 1000)


async def mark(db) -> int:
    async with db.session() as s:
        return await latest_seq(s)


async def test_nothing_is_consented_by_default(api, make):
    alice = await make.account()
    r = await api.get(ROOT, headers=alice.headers)
    assert r.status_code == 200, r.text
    assert r.json() == {"training": "none", "updated_at": None, "history": []}


async def test_anonymous_and_wrong_scopes_are_refused(api, make):
    alice = await make.account()
    assert (await api.get(ROOT)).status_code == 401
    assert (await api.put(ROOT, json={"training": "all"})).status_code == 401
    reader = await make.token(alice, ["read:accounts"])
    writer = await make.token(alice, ["write:accounts"])
    r = await api.put(ROOT, json={"training": "all"}, headers={"Authorization": f"Bearer {reader}"})
    assert r.status_code == 403
    assert (await api.get(ROOT, headers={"Authorization": f"Bearer {writer}"})).status_code == 403
    r = await api.put(ROOT, json={"training": "all"}, headers={"Authorization": f"Bearer {writer}"})
    assert r.status_code == 200 and r.json()["training"] == "all"


async def test_an_unknown_level_is_a_422(api, make):
    alice = await make.account()
    for bad in ({"training": "everything"}, {}, {"training": ""}, {"training": ["all"]}):
        r = await api.put(ROOT, json=bad, headers=alice.headers)
        assert r.status_code == 422, (bad, r.text)
        assert "none, public_posts, all" in r.json()["error"]
    assert (await api.get(ROOT, headers=alice.headers)).json()["history"] == []


async def test_each_change_is_kept_newest_first_and_a_repeat_records_nothing(api, make):
    alice, bob = await make.account(), await make.account()
    for level in ("public_posts", "public_posts", "all", "none"):
        r = await api.put(ROOT, data={"training": level}, headers=alice.headers)
        assert r.status_code == 200 and r.json()["training"] == level
    got = (await api.get(ROOT, headers=alice.headers)).json()
    assert [h["training"] for h in got["history"]] == ["none", "all", "public_posts"]
    assert {h["source"] for h in got["history"]} == {"api"}
    assert got["updated_at"] == got["history"][0]["changed_at"]
    times = [h["changed_at"] for h in got["history"]]
    assert times == sorted(times, reverse=True)
    assert (await api.get(ROOT, headers=bob.headers)).json()["training"] == "none"  # per person


async def test_a_change_is_announced_publicly_with_the_new_consent(api, db, make):
    alice = await make.account()
    start = await mark(db)
    await api.put(ROOT, json={"training": "public_posts"}, headers=alice.headers)
    [row] = await events_since(db, start)
    assert (row.type, row.actor_id, row.public, row.consent) == (
        "consent.changed", int(alice.id), True, "public_posts")
    data = parse(row)
    assert (data.training, data.previous, data.source) == ("public_posts", "none", "api")


async def test_every_event_carries_the_consent_in_force_when_it_happened(api, db, make):
    alice, bob = await make.account(), await make.account()
    start = await mark(db)
    r = await api.post("/api/v1/statuses", json={"status": "before"}, headers=alice.headers)
    first = r.json()["id"]
    await api.put(ROOT, json={"training": "all"}, headers=alice.headers)
    await api.post("/api/v1/statuses", json={"status": "after"}, headers=alice.headers)
    await api.post(f"/api/v1/statuses/{first}/favourite", headers=bob.headers)
    await api.put(ROOT, json={"training": "none"}, headers=alice.headers)
    await api.post("/api/v1/statuses", json={"status": "withdrawn"}, headers=alice.headers)
    rows = await events_since(db, start)
    assert [(r.type, r.consent) for r in rows] == [
        ("post.created", "none"), ("consent.changed", "all"), ("post.created", "all"),
        ("post.liked", "none"),  # bob's own consent, not alice's
        ("consent.changed", "none"), ("post.created", "none")]


async def test_a_post_can_be_excluded_at_creation_and_later(api, db, make):
    alice, bob = await make.account(), await make.account()
    r = await api.post("/api/v1/statuses", json={"status": "keep out", "roost_training_opt_out": True},
                       headers=alice.headers)
    assert r.status_code == 200 and r.json()["roost"]["training_opt_out"] is True
    r = await api.post("/api/v1/statuses", data={"status": "fine"}, headers=alice.headers)
    sid = r.json()["id"]
    assert r.json()["roost"]["training_opt_out"] is False

    start = await mark(db)
    url = f"/api/v1/roost/statuses/{sid}/training"
    assert (await api.put(url, json={"opt_out": True})).status_code == 401
    assert (await api.put(url, json={"opt_out": True}, headers=bob.headers)).status_code == 403
    assert (await api.put(url, json={}, headers=alice.headers)).status_code == 422
    for unclear in ("maybe", "", 2):  # not read as false: the post stays as it is
        assert (await api.put(url, json={"opt_out": unclear},
                              headers=alice.headers)).status_code == 422
    r = await api.put(url, json={"opt_out": True}, headers=alice.headers)
    assert r.status_code == 200 and r.json()["roost"]["training_opt_out"] is True
    got = (await api.get(f"/api/v1/statuses/{sid}", headers=bob.headers)).json()
    assert got["roost"]["training_opt_out"] is True
    await api.put(url, json={"opt_out": True}, headers=alice.headers)  # unchanged: no event
    r = await api.put(url, data={"opt_out": "false"}, headers=alice.headers)
    assert r.json()["roost"]["training_opt_out"] is False
    rows = await events_since(db, start)
    assert [(r.type, parse(r).opted_out, r.subject_id) for r in rows] == [
        ("post.training_opt_out", True, int(sid)), ("post.training_opt_out", False, int(sid))]
    assert (await api.put("/api/v1/roost/statuses/1/training", json={"opt_out": True},
                          headers=alice.headers)).status_code == 404


async def test_the_endpoints_are_in_the_openapi_document(app, api, make):
    import jsonschema_rs

    paths = app.openapi()["paths"]
    assert set(paths["/api/v1/roost/consent"]) >= {"get", "put"}
    put = paths["/api/v1/roost/consent"]["put"]
    body = put["requestBody"]["content"]["application/json"]["schema"]
    assert body["properties"]["training"]["enum"] == ["none", "public_posts", "all"]
    assert "put" in paths["/api/v1/roost/statuses/{status_id}/training"]
    # the documented answer is what the endpoint returns
    alice = await make.account()
    await api.put(ROOT, json={"training": "all"}, headers=alice.headers)
    got = (await api.get(ROOT, headers=alice.headers)).json()
    schema = put["responses"]["200"]["content"]["application/json"]["schema"]
    assert jsonschema_rs.validator_for(schema).is_valid(got)
    assert not jsonschema_rs.validator_for(schema).is_valid({**got, "training": "some"})


async def test_the_consent_on_events_costs_no_query_per_event(app, api, db, make):
    """Many events in one unit of work, by several actors: one batch read of the actors' levels,
    none for an actor already loaded in the session."""
    from contextlib import contextmanager

    from sqlalchemy import event, select

    from roost import events
    from roost.events.schemas import AccountUpdated
    from roost.models import Account

    @contextmanager
    def level_reads():
        seen: list[str] = []

        def on_execute(_conn, _cursor, statement, *_rest) -> None:  # noqa: ANN001
            if "training_consent" in statement and statement.lstrip().upper().startswith("SELECT"):
                seen.append(statement)

        engine = app.state.db.engine.sync_engine
        event.listen(engine, "before_cursor_execute", on_execute)
        try:
            yield seen
        finally:
            event.remove(engine, "before_cursor_execute", on_execute)

    people = [await make.account() for _ in range(5)]
    await api.put(ROOT, json={"training": "all"}, headers=people[0].headers)
    ids = [int(p.id) for p in people]
    start = await mark(db)
    async with db.unit_of_work() as session:
        loaded = await session.get(Account, ids[0])
        assert loaded.training_consent == "all"
        for account_id in ids * 4:  # 20 events
            events.record(session, AccountUpdated(account_id=str(account_id), fields=["note"]),
                          actor_id=account_id)
        events.record(session, AccountUpdated(account_id=str(ids[0]), fields=["x"]), actor_id=None)
        with level_reads() as first:
            await session.commit()
    rows = await events_since(db, start)
    assert len(rows) == 21
    assert {r.actor_id: r.consent for r in rows} == {ids[0]: "all", None: None,
                                                     **{i: "none" for i in ids[1:]}}
    assert len(first) == 1  # one batch read for the four actors not loaded
    async with db.unit_of_work() as session:
        held = await session.scalar(select(Account).where(Account.id == ids[1]))  # noqa: F841
        events.record(session, AccountUpdated(account_id=str(ids[1]), fields=["y"]),
                      actor_id=ids[1])
        with level_reads() as second:
            await session.commit()
    assert second == []  # the loaded actor: no read
