"""Notes through the event log: each write records its event with the actor's consent, in the
same unit of work; notes on public posts go on the firehose, their deletion as a tombstone."""

from __future__ import annotations

from roost.events import latest_seq, parse, read_after
from roost.realtime import firehose


async def mark(db) -> int:
    async with db.session() as s:
        return await latest_seq(s)


async def events_since(db, seq: int) -> list:
    async with db.session() as s:
        return [r for r in await read_after(s, seq, 1000) if r.type.startswith("note.")]


async def firehose_since(db, seq: int) -> list[dict]:
    async with db.read_session() as s:
        messages, _ = await firehose.read_page(s, seq, firehose.Filters(), 200)
    return [m for m in messages if m["type"].startswith("note.")]


async def test_writes_record_events_with_the_consent_in_force(api, db, make, notes_api):
    alice, bob, carol = await make.account(), await make.account(), await make.account()
    mod = await make.account(role="moderator")
    await api.put("/api/v1/roost/consent", json={"training": "all"}, headers=bob.headers)
    post = await make.post(alice, "claim")
    start = await mark(db)

    note = (await notes_api.add(bob, post.id, "context")).json()["id"]
    await notes_api.rate(carol, note, False, "opinion")
    await notes_api.rate(carol, note, False, "opinion")  # unchanged: nothing recorded
    await notes_api.rate(carol, note, True)
    await api.delete(f"/api/v1/roost/notes/{note}/rating", headers=carol.headers)
    await api.delete(f"/api/v1/roost/notes/{note}", headers=mod.headers)

    rows = await events_since(db, start)
    assert [(r.type, r.actor_id, r.subject_id, r.public, r.consent) for r in rows] == [
        ("note.created", int(bob.id), int(note), True, "all"),
        ("note.rated", int(carol.id), int(note), False, "none"),
        ("note.rated", int(carol.id), int(note), False, "none"),
        ("note.rated", int(carol.id), int(note), False, "none"),
        # a moderator's deletion is recorded as the author's: who moderated is not published
        ("note.deleted", int(bob.id), int(note), True, "all")]
    created, *rated, deleted = [parse(r) for r in rows]
    assert (created.note_id, created.status_id, created.account_id, created.text) == (
        note, str(post.id), bob.id, "context")
    assert [(d.helpful, d.reason, d.removed) for d in rated] == [
        (False, "opinion", False), (True, None, False), (True, None, True)]
    assert (deleted.note_id, deleted.status_id, deleted.account_id) == (note, str(post.id), bob.id)


async def test_a_failed_write_records_nothing(api, db, make, notes_api):
    alice, bob = await make.account(), await make.account()
    post = await make.post(alice, "claim")
    await notes_api.add(bob, post.id)
    start = await mark(db)
    assert (await notes_api.add(bob, post.id, "again")).status_code == 409
    assert (await notes_api.add(alice, post.id)).status_code == 403
    assert await events_since(db, start) == []


async def test_notes_on_public_posts_go_on_the_firehose(api, db, make, notes_api, run_jobs):
    alice, bob, carol = await make.account(), await make.account(), await make.account()
    await make.follow(bob, alice)
    public = await make.post(alice, "public claim")
    unlisted = await make.post(alice, "quiet claim", visibility="unlisted")
    private = await make.post(alice, "friends only", visibility="private")
    start = await mark(db)

    on_public = (await notes_api.add(bob, public.id, "public context")).json()["id"]
    on_unlisted = (await notes_api.add(bob, unlisted.id, "quiet context")).json()["id"]
    await notes_api.add(bob, private.id, "private context")
    await notes_api.rate(carol, on_public, True)  # who rated how is not published

    got = await firehose_since(db, start)
    assert [(m["type"], m["data"]["note_id"], m["data"]["text"], m["account"]["id"]) for m in got] == [
        ("note.created", on_public, "public context", bob.id),
        ("note.created", on_unlisted, "", bob.id)]  # as post.created: the text of public posts only
    assert "private context" not in str(got)

    # deleted: a tombstone, and an old note.created replayed comes without its text
    await api.delete(f"/api/v1/roost/notes/{on_public}", headers=bob.headers)
    # a deleted post takes its notes along, each with its tombstone
    await api.delete(f"/api/v1/statuses/{unlisted.id}", headers=alice.headers)
    await run_jobs()
    got = await firehose_since(db, start)
    assert [(m["type"], m["data"].get("text"), m.get("tombstone")) for m in got] == [
        ("note.created", "", None), ("note.created", "", None),
        ("note.deleted", None, {"kind": "note", "id": on_public}),
        ("note.deleted", None, {"kind": "note", "id": on_unlisted})]
