"""The notes API through HTTP: who may write, see, rate and delete notes, the rating rule, and
one query for a post's notes however many there are."""

from __future__ import annotations

from tests.querycount import counting_queries


async def test_who_may_add_a_note(api, make, notes_api):
    alice, bob, carol = await make.account(), await make.account(), await make.account()
    post = await make.post(alice, "The moon landing was filmed yesterday")
    private = await make.post(alice, "friends only", visibility="private")
    url = f"/api/v1/roost/statuses/{post.id}/notes"

    r = await api.post(url, json={"text": "context"})
    assert r.status_code == 401 and "error" in r.json()
    reader = await make.token(bob, ["read"])
    r = await api.post(url, json={"text": "context"}, headers={"Authorization": f"Bearer {reader}"})
    assert r.status_code == 403
    r = await notes_api.add(alice, post.id)
    assert r.status_code == 403 and "own post" in r.json()["error"]
    assert (await notes_api.add(bob, private.id)).status_code == 404  # not a follower: unseen
    assert (await notes_api.add(bob, 12345)).status_code == 404
    assert (await notes_api.add(bob, "nope")).status_code == 404
    for bad in ("", "   ", "x" * 501):
        r = await notes_api.add(bob, post.id, bad)
        assert r.status_code == 422, (bad, r.text)
    r = await api.post(url, json={}, headers=bob.headers)
    assert r.status_code == 422

    writer = await make.token(bob, ["write:statuses"])
    r = await api.post(url, data={"text": "It was 1969. <script>alert(1)</script> https://nasa.gov"},
                       headers={"Authorization": f"Bearer {writer}"})
    assert r.status_code == 200, r.text
    note = r.json()
    assert note["text"] == "It was 1969. <script>alert(1)</script> https://nasa.gov"
    assert "<script>" not in note["content"] and "&lt;script&gt;" in note["content"]
    assert '<a href="https://nasa.gov"' in note["content"]
    assert (note["status_id"], note["account"]["id"]) == (str(post.id), bob.id)
    assert note["rating_status"] == "needs_more_ratings" and note["own_rating"] is None
    assert note["ratings"] == {"helpful": 0, "not_helpful": 0, "total": 0}

    r = await notes_api.add(bob, post.id, "a second one")
    assert r.status_code == 409, r.text
    assert (await notes_api.add(carol, post.id)).status_code == 200  # one per person
    assert (await api.delete(f"/api/v1/roost/notes/{note['id']}", headers=bob.headers)).json() == {}
    assert (await notes_api.add(bob, post.id, "better context")).status_code == 200


async def test_a_followers_only_post_and_a_repost(api, make, notes_api):
    alice, bob, carol = await make.account(), await make.account(), await make.account()
    await make.follow(bob, alice)
    private = await make.post(alice, "friends only", visibility="private")
    r = await notes_api.add(bob, private.id)
    assert r.status_code == 200
    assert [n["id"] for n in (await notes_api.list(private.id, bob)).json()] == [r.json()["id"]]
    assert (await notes_api.list(private.id, carol)).status_code == 404
    assert (await notes_api.list(private.id)).status_code == 404

    post = await make.post(alice, "public")
    repost = (await api.post(f"/api/v1/statuses/{post.id}/reblog", headers=carol.headers)).json()
    r = await notes_api.add(bob, repost["id"])  # a repost stands for its original
    assert r.status_code == 200 and r.json()["status_id"] == str(post.id)


async def test_ratings_decide_the_status_and_helpful_notes_come_first(api, make, notes_api):
    author = await make.account()
    writers = [await make.account() for _ in range(3)]
    raters = [await make.account() for _ in range(3)]
    post = await make.post(author, "a claim")
    first, second, third = [(await notes_api.add(w, post.id, f"note {i}")).json()["id"]
                            for i, w in enumerate(writers)]

    # second: 2 of 3 helpful -> helpful; third: 1 of 3 -> not helpful; first: too few ratings
    for rater, vote in zip(raters, (True, True, False), strict=True):
        assert (await notes_api.rate(rater, second, vote)).status_code == 200
    for rater, vote in zip(raters, (True, False, False), strict=True):
        await notes_api.rate(rater, third, vote, None if vote else "incorrect")
    r = await notes_api.rate(raters[0], first, True, "cites_sources")
    assert r.status_code == 200
    assert r.json()["own_rating"] == {"helpful": True, "reason": "cites_sources"}
    assert r.json()["ratings"] == {"helpful": 1, "not_helpful": 0, "total": 1}

    got = (await notes_api.list(post.id)).json()
    assert [(n["id"], n["rating_status"]) for n in got] == [
        (second, "helpful"), (first, "needs_more_ratings"), (third, "not_helpful")]
    assert got[0]["ratings"] == {"helpful": 2, "not_helpful": 1, "total": 3}
    assert all(n["own_rating"] is None for n in got)  # anonymous
    mine = {n["id"]: n["own_rating"] for n in (await notes_api.list(post.id, raters[2])).json()}
    assert mine == {second: {"helpful": False, "reason": None},
                    third: {"helpful": False, "reason": "incorrect"}, first: None}

    # re-rating replaces the rating; taking it back removes it
    r = await notes_api.rate(raters[2], second, True, "clear")
    assert r.json()["ratings"]["total"] == 3 and r.json()["ratings"]["helpful"] == 3
    r = await api.delete(f"/api/v1/roost/notes/{second}/rating", headers=raters[2].headers)
    assert r.status_code == 200 and r.json()["own_rating"] is None
    assert r.json()["rating_status"] == "needs_more_ratings"  # 2 ratings: below the minimum
    r = await api.delete(f"/api/v1/roost/notes/{second}/rating", headers=raters[2].headers)
    assert r.status_code == 200  # nothing to take back: no error


async def test_rating_checks(api, make, notes_api):
    alice, bob, carol = await make.account(), await make.account(), await make.account()
    post = await make.post(alice, "claim")
    note = (await notes_api.add(bob, post.id)).json()["id"]
    url = f"/api/v1/roost/notes/{note}/rating"
    assert (await api.post(url, json={"helpful": True})).status_code == 401
    reader = await make.token(carol, ["read"])
    r = await api.post(url, json={"helpful": True}, headers={"Authorization": f"Bearer {reader}"})
    assert r.status_code == 403
    assert (await notes_api.rate(bob, note, True)).status_code == 403  # one's own note
    assert (await notes_api.rate(carol, "123", True)).status_code == 404
    assert (await api.post(url, json={}, headers=carol.headers)).status_code == 422
    assert (await api.post(url, json={"helpful": "maybe"}, headers=carol.headers)).status_code == 422
    r = await notes_api.rate(carol, note, True, "incorrect")  # a reason for the other side
    assert r.status_code == 422 and "cites_sources" in r.json()["error"]
    r = await api.post(url, data={"helpful": "false", "reason": "opinion"}, headers=carol.headers)
    assert r.status_code == 200 and r.json()["own_rating"] == {"helpful": False, "reason": "opinion"}
    assert (await notes_api.rate(alice, note, True)).status_code == 200  # the post's author may


async def test_blocks_and_mutes(api, make, notes_api):
    alice, bob, carol, dave = (await make.account(), await make.account(), await make.account(),
                               await make.account())
    post = await make.post(alice, "claim")
    await api.post(f"/api/v1/accounts/{bob.id}/block", headers=alice.headers)
    assert (await notes_api.add(bob, post.id)).status_code == 404  # blocked by the author

    note = (await notes_api.add(carol, post.id)).json()["id"]
    await api.post(f"/api/v1/accounts/{carol.id}/mute", headers=dave.headers)
    assert (await notes_api.list(post.id, dave)).json() == []  # dave muted the note's author
    assert (await notes_api.rate(dave, note, True)).status_code == 404
    await api.post(f"/api/v1/accounts/{dave.id}/block", headers=carol.headers)
    assert (await notes_api.list(post.id, dave)).json() == []
    await api.post(f"/api/v1/accounts/{carol.id}/unmute", headers=dave.headers)
    assert (await notes_api.list(post.id, dave)).json() == []  # blocked by the note's author
    assert [n["id"] for n in (await notes_api.list(post.id)).json()] == [note]
    assert [n["id"] for n in (await notes_api.list(post.id, alice)).json()] == [note]


async def test_deleting_a_note(api, make, notes_api):
    alice, bob, carol = await make.account(), await make.account(), await make.account()
    mod = await make.account(role="moderator")
    post = await make.post(alice, "claim")
    note = (await notes_api.add(bob, post.id)).json()["id"]
    url = f"/api/v1/roost/notes/{note}"
    assert (await api.delete(url)).status_code == 401
    assert (await api.delete(url, headers=carol.headers)).status_code == 403
    assert (await api.delete(url, headers=alice.headers)).status_code == 403  # the post's author
    assert (await api.delete(url, headers=bob.headers)).status_code == 200
    assert (await api.delete(url, headers=bob.headers)).status_code == 404  # gone
    assert (await notes_api.list(post.id)).json() == []
    assert (await notes_api.rate(carol, note, True)).status_code == 404

    other = (await notes_api.add(carol, post.id)).json()["id"]
    assert (await api.delete(f"/api/v1/roost/notes/{other}", headers=mod.headers)).status_code == 200
    assert (await notes_api.list(post.id)).json() == []


async def test_a_deleted_post_or_account_takes_its_notes_along(api, db, make, notes_api, run_jobs):
    from sqlalchemy import select

    from roost.accounts.service import delete_account
    from roost.models import Account, Note, NoteRating

    alice, bob, carol = await make.account(), await make.account(), await make.account()
    post = await make.post(alice, "claim")
    other = await make.post(carol, "another claim")
    on_post = (await notes_api.add(bob, post.id)).json()["id"]
    on_other = (await notes_api.add(bob, other.id)).json()["id"]
    by_alice = (await notes_api.add(alice, other.id, "alice's context")).json()["id"]
    await notes_api.rate(alice, on_other, True)
    await notes_api.rate(carol, on_post, True)

    assert (await api.delete(f"/api/v1/statuses/{post.id}", headers=alice.headers)).status_code == 200
    assert (await notes_api.list(post.id)).status_code == 404
    await run_jobs()  # posts.erase
    async with db.session() as s:
        gone = (await s.execute(select(Note.deleted_at, Note.text).where(Note.id == int(on_post)))).one()
    assert gone.deleted_at is not None and gone.text == ""

    async with db.unit_of_work() as s:  # deleting an account (the web app's settings do this)
        await delete_account(s, await s.get(Account, alice.account.id))
    await run_jobs()  # accounts.erase
    got = (await notes_api.list(other.id)).json()
    assert [n["id"] for n in got] == [on_other]
    assert got[0]["ratings"]["total"] == 0  # alice's rating went with her
    async with db.session() as s:
        rows = (await s.execute(select(NoteRating).where(
            NoteRating.account_id == alice.account.id))).all()
        deleted = (await s.execute(select(Note.deleted_at).where(Note.id == int(by_alice)))).scalar()
    assert rows == [] and deleted is not None


async def test_listing_notes_costs_the_same_queries_however_many(api, app, make, notes_api):
    author = await make.account()
    people = [await make.account() for _ in range(6)]
    post = await make.post(author, "claim")
    await notes_api.add(people[0], post.id)
    await notes_api.list(post.id, people[5])  # warm once-per-process caches
    with counting_queries(app) as few:
        r = await notes_api.list(post.id, people[5])
    assert len(r.json()) == 1
    for p in people[1:5]:
        note = (await notes_api.add(p, post.id)).json()["id"]
        await notes_api.rate(people[0], note, True)
        await notes_api.rate(people[5], note, False)
    with counting_queries(app) as many:
        r = await notes_api.list(post.id, people[5])
    assert len(r.json()) == 5
    assert many.n == few.n, (few.n, many.n)


async def test_the_endpoints_are_in_the_openapi_document(app, make, notes_api):
    import jsonschema_rs

    paths = app.openapi()["paths"]
    assert set(paths["/api/v1/roost/statuses/{status_id}/notes"]) == {"get", "post"}
    assert set(paths["/api/v1/roost/notes/{note_id}/rating"]) == {"post", "delete"}
    assert "delete" in paths["/api/v1/roost/notes/{note_id}"]
    rate = paths["/api/v1/roost/notes/{note_id}/rating"]["post"]
    body = rate["requestBody"]["content"]["application/json"]["schema"]
    assert body["required"] == ["helpful"] and "cites_sources" in body["properties"]["reason"]["enum"]

    alice, bob, carol = await make.account(), await make.account(), await make.account()
    post = await make.post(alice, "claim")
    note = (await notes_api.add(bob, post.id)).json()["id"]
    await notes_api.rate(carol, note, False, "off_topic")
    listed = (await notes_api.list(post.id, carol)).json()
    schema = paths["/api/v1/roost/statuses/{status_id}/notes"]["get"]["responses"]["200"][
        "content"]["application/json"]["schema"]
    assert jsonschema_rs.validator_for(schema).is_valid(listed)
    assert not jsonschema_rs.validator_for(schema).is_valid([{**listed[0], "rating_status": "meh"}])


async def test_a_suspended_account_can_neither_write_nor_be_seen(api, db, make, notes_api):
    from roost.accounts import service as accounts
    from roost.models import Account

    alice, bob, carol = await make.account(), await make.account(), await make.account()
    mod = await make.account(role="moderator")
    post = await make.post(alice, "claim")
    note = (await notes_api.add(bob, post.id)).json()["id"]
    async with db.unit_of_work() as s:
        await accounts.suspend(s, await s.get(Account, mod.account.id),
                               await s.get(Account, bob.account.id))
    assert (await notes_api.list(post.id, carol)).json() == []  # the author's notes are hidden
    assert (await notes_api.rate(carol, note, True)).status_code == 404
    # as for posting: suspending signs the account out everywhere
    assert (await notes_api.add(bob, post.id, "again")).status_code in (401, 403)
