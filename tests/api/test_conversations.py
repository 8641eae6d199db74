"""Conversations (direct-message threads) and the direct timeline through the Mastodon API."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from roost.conversations import tasks as conversation_tasks
from roost.models import AccountConversation, Event
from roost.api.mastodon import content
from tests.querycount import counting_queries


async def _post(api, person, text="hello", **fields) -> dict:  # noqa: ANN001
    r = await api.post("/api/v1/statuses", json={"status": text, **fields}, headers=person.headers)
    assert r.status_code == 200, r.text
    return r.json()


async def _dm(api, author, to, text="psst", **fields) -> dict:  # noqa: ANN001
    names = " ".join(f"@{p.account.username}" for p in to)
    return await _post(api, author, f"{names} {text}", visibility="direct", **fields)


async def _conversations(api, person, **params) -> list[dict]:  # noqa: ANN001
    r = await api.get("/api/v1/conversations", params=params, headers=person.headers)
    assert r.status_code == 200, r.text
    return r.json()


async def _direct(api, person, **params) -> list[dict]:  # noqa: ANN001
    r = await api.get("/api/v1/timelines/direct", params=params, headers=person.headers)
    assert r.status_code == 200, r.text
    return r.json()


def _links(response) -> dict[str, str]:  # noqa: ANN001
    return {rel: url for url, rel in re.findall(r'<([^>]+)>; rel="(\w+)"',
                                               response.headers.get("link", ""))}


async def _events(db, type_: str) -> list[dict]:  # noqa: ANN001
    async with db.unit_of_work() as s:
        return list((await s.execute(select(Event.data).where(Event.type == type_)
                                     .order_by(Event.seq))).scalars())


# ---- a thread between two people ---------------------------------------------------------------
async def test_dm_gives_both_a_conversation_and_a_reply_updates_it(api, make, run_jobs, db):
    alice, bob, carol = await make.account(), await make.account(), await make.account()
    dm = await _dm(api, alice, [bob])
    await run_jobs()

    mine, theirs = await _conversations(api, alice), await _conversations(api, bob)
    assert len(mine) == 1 and len(theirs) == 1
    assert mine[0]["unread"] is False and theirs[0]["unread"] is True
    assert [a["id"] for a in mine[0]["accounts"]] == [bob.id]
    assert [a["id"] for a in theirs[0]["accounts"]] == [alice.id]
    assert mine[0]["last_status"]["id"] == theirs[0]["last_status"]["id"] == dm["id"]
    assert theirs[0]["last_status"]["visibility"] == "direct"
    assert isinstance(mine[0]["id"], str) and mine[0]["id"] != theirs[0]["id"]

    reply = await _post(api, bob, f"@{alice.account.username} hi back", visibility="direct",
                        in_reply_to_id=dm["id"])
    await run_jobs()
    mine2, theirs2 = await _conversations(api, alice), await _conversations(api, bob)
    assert [c["id"] for c in mine2] == [mine[0]["id"]]
    assert [c["id"] for c in theirs2] == [theirs[0]["id"]]
    assert mine2[0]["last_status"]["id"] == theirs2[0]["last_status"]["id"] == reply["id"]
    assert mine2[0]["unread"] is True and theirs2[0]["unread"] is False

    # carol was never mentioned: no conversation, and she cannot read the posts
    assert await _conversations(api, carol) == []
    assert await _direct(api, carol) == []
    for sid in (dm["id"], reply["id"]):
        assert (await api.get(f"/api/v1/statuses/{sid}", headers=carol.headers)).status_code == 404

    updated = await _events(db, "conversation.updated")
    assert {(e["account_id"], e["status_id"], e["unread"]) for e in updated} == {
        (alice.id, dm["id"], False), (bob.id, dm["id"], True),
        (alice.id, reply["id"], True), (bob.id, reply["id"], False)}


async def test_group_dm_lists_the_other_participants(api, make, run_jobs):
    alice, bob, carol = await make.account(), await make.account(), await make.account()
    await _dm(api, alice, [bob, carol])
    await run_jobs()
    for me, others in ((alice, {bob.id, carol.id}), (bob, {alice.id, carol.id}),
                       (carol, {alice.id, bob.id})):
        convs = await _conversations(api, me)
        assert len(convs) == 1
        assert {a["id"] for a in convs[0]["accounts"]} == others


async def test_note_to_self_shows_the_owner(api, make, run_jobs):
    alice = await make.account()
    await _post(api, alice, "just for me", visibility="direct")
    await run_jobs()
    convs = await _conversations(api, alice)
    assert [a["id"] for a in convs[0]["accounts"]] == [alice.id]
    assert convs[0]["unread"] is False


async def test_non_direct_posts_make_no_conversation(api, make, run_jobs):
    alice, bob = await make.account(), await make.account()
    await make.follow(bob, alice)
    for visibility in ("public", "unlisted", "private"):
        await _post(api, alice, f"@{bob.account.username} hi", visibility=visibility)
    await run_jobs()
    assert await _conversations(api, alice) == [] and await _conversations(api, bob) == []
    assert await _direct(api, bob) == []


# ---- read and remove ---------------------------------------------------------------------------
async def test_read_marks_only_that_conversation_read(api, make, run_jobs, db):
    alice, bob = await make.account(), await make.account()
    await _dm(api, alice, [bob], "first")
    await _dm(api, alice, [bob], "second, a new thread")
    await run_jobs()
    convs = await _conversations(api, bob)
    assert len(convs) == 2 and all(c["unread"] for c in convs)

    r = await api.post(f"/api/v1/conversations/{convs[1]['id']}/read", headers=bob.headers)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["id"] == convs[1]["id"] and body["unread"] is False
    assert body["last_status"]["id"] == convs[1]["last_status"]["id"]
    assert [a["id"] for a in body["accounts"]] == [alice.id]
    after = {c["id"]: c["unread"] for c in await _conversations(api, bob)}
    assert after == {convs[0]["id"]: True, convs[1]["id"]: False}
    assert [e["conversation_id"] for e in await _events(db, "conversation.read")] == [convs[1]["id"]]

    # reading again changes nothing and records nothing
    assert (await api.post(f"/api/v1/conversations/{convs[1]['id']}/read",
                           headers=bob.headers)).json()["unread"] is False
    assert len(await _events(db, "conversation.read")) == 1


async def test_remove_is_for_the_caller_only_and_a_new_post_brings_it_back(api, make, run_jobs, db):
    alice, bob = await make.account(), await make.account()
    dm = await _dm(api, alice, [bob])
    await run_jobs()
    bobs = (await _conversations(api, bob))[0]

    r = await api.delete(f"/api/v1/conversations/{bobs['id']}", headers=bob.headers)
    assert r.status_code == 200 and r.json() == {}
    assert await _conversations(api, bob) == []
    assert len(await _conversations(api, alice)) == 1
    assert (await api.get(f"/api/v1/statuses/{dm['id']}", headers=bob.headers)).status_code == 200
    assert [e["conversation_id"] for e in await _events(db, "conversation.removed")] == [bobs["id"]]
    r = await api.delete(f"/api/v1/conversations/{bobs['id']}", headers=bob.headers)
    assert r.status_code == 404

    again = await _dm(api, alice, [bob], "still there?", in_reply_to_id=dm["id"])
    await run_jobs()
    back = await _conversations(api, bob)
    assert len(back) == 1 and back[0]["last_status"]["id"] == again["id"] and back[0]["unread"]


async def test_another_persons_conversation_is_not_found(api, make, run_jobs):
    alice, bob, carol = await make.account(), await make.account(), await make.account()
    await _dm(api, alice, [bob])
    await run_jobs()
    alices = (await _conversations(api, alice))[0]
    for path in (f"/api/v1/conversations/{alices['id']}/read", "/api/v1/conversations/123/read",
                 "/api/v1/conversations/nope/read"):
        r = await api.post(path, headers=carol.headers)
        assert r.status_code == 404 and "error" in r.json()
    for cid in (alices["id"], "nope"):
        r = await api.delete(f"/api/v1/conversations/{cid}", headers=bob.headers)
        assert r.status_code == 404 and "error" in r.json()
    assert (await _conversations(api, alice))[0]["id"] == alices["id"]


# ---- who gets a conversation -------------------------------------------------------------------
@pytest.mark.parametrize("blocker", ["recipient", "author"])
async def test_a_block_stops_new_conversation_rows(api, make, run_jobs, blocker):
    alice, bob, carol = await make.account(), await make.account(), await make.account()
    first = await _dm(api, alice, [bob, carol], "before")
    await run_jobs()
    who, whom = (bob, alice) if blocker == "recipient" else (alice, bob)
    assert (await api.post(f"/api/v1/accounts/{whom.id}/block", headers=who.headers)).status_code == 200
    bobs = await _conversations(api, bob)
    assert (await api.delete(f"/api/v1/conversations/{bobs[0]['id']}",
                             headers=bob.headers)).status_code == 200

    later = await _dm(api, alice, [bob, carol], "after", in_reply_to_id=first["id"])
    await run_jobs()
    assert await _conversations(api, bob) == []
    assert all(s["id"] != later["id"] for s in await _direct(api, bob))
    carols = await _conversations(api, carol)
    assert carols[0]["last_status"]["id"] == later["id"] and carols[0]["unread"]
    assert (await _conversations(api, alice))[0]["last_status"]["id"] == later["id"]


async def test_a_mute_keeps_dms_out_of_conversations(api, make, run_jobs):
    alice, bob = await make.account(), await make.account()
    assert (await api.post(f"/api/v1/accounts/{alice.id}/mute",
                           headers=bob.headers)).status_code == 200
    await _dm(api, alice, [bob])
    await run_jobs()
    assert await _conversations(api, bob) == []
    assert len(await _conversations(api, alice)) == 1


async def test_the_update_job_runs_twice_without_harm(api, make, run_jobs, db):
    alice, bob = await make.account(), await make.account()
    dm = await _dm(api, alice, [bob])
    await run_jobs()
    bobs = (await _conversations(api, bob))[0]
    await api.post(f"/api/v1/conversations/{bobs['id']}/read", headers=bob.headers)

    async with db.unit_of_work() as s:
        await conversation_tasks.update(s, status_id=int(dm["id"]))
        await conversation_tasks.update(s, status_id=123)  # no such status: done
    convs = await _conversations(api, bob)
    assert [(c["id"], c["unread"]) for c in convs] == [(bobs["id"], False)]
    async with db.unit_of_work() as s:
        rows = (await s.execute(select(AccountConversation.account_id))).scalars().all()
    assert sorted(rows) == sorted([int(alice.id), int(bob.id)])


# ---- deleting posts ----------------------------------------------------------------------------
async def test_deleting_the_last_post_falls_back_then_removes(api, make, run_jobs, db):
    alice, bob = await make.account(), await make.account()
    dm = await _dm(api, alice, [bob])
    reply = await _post(api, bob, f"@{alice.account.username} ok", visibility="direct",
                        in_reply_to_id=dm["id"])
    await run_jobs()
    assert (await _conversations(api, alice))[0]["last_status"]["id"] == reply["id"]

    assert (await api.delete(f"/api/v1/statuses/{reply['id']}", headers=bob.headers)).status_code == 200
    await run_jobs()
    for person in (alice, bob):
        convs = await _conversations(api, person)
        assert len(convs) == 1 and convs[0]["last_status"]["id"] == dm["id"]

    assert (await api.delete(f"/api/v1/statuses/{dm['id']}", headers=alice.headers)).status_code == 200
    await run_jobs()
    assert await _conversations(api, alice) == [] and await _conversations(api, bob) == []
    removed = await _events(db, "conversation.removed")
    assert {e["account_id"] for e in removed} == {alice.id, bob.id}
    assert all(e["by_owner"] is False for e in removed)


async def test_deleting_an_older_post_keeps_the_conversation(api, make, run_jobs):
    alice, bob = await make.account(), await make.account()
    dm = await _dm(api, alice, [bob])
    reply = await _dm(api, bob, [alice], "ok", in_reply_to_id=dm["id"])
    await run_jobs()
    assert (await api.delete(f"/api/v1/statuses/{dm['id']}", headers=alice.headers)).status_code == 200
    await run_jobs()
    for person in (alice, bob):
        assert [c["last_status"]["id"] for c in await _conversations(api, person)] == [reply["id"]]


# ---- paging ------------------------------------------------------------------------------------
async def test_conversations_page_by_last_status_with_link_headers(api, make, run_jobs):
    alice = await make.account()
    friends = [await make.account() for _ in range(5)]
    dms = [await _dm(api, alice, [f], f"hi {i}") for i, f in enumerate(friends)]
    await run_jobs()
    # the oldest thread gets a reply, so it moves to the top
    bump = await _dm(api, friends[0], [alice], "bump", in_reply_to_id=dms[0]["id"])
    await run_jobs()
    order = [bump["id"]] + [d["id"] for d in reversed(dms[1:])]

    everything = await _conversations(api, alice)
    assert [c["last_status"]["id"] for c in everything] == order
    r = await api.get("/api/v1/conversations", params={"limit": 2}, headers=alice.headers)
    assert [c["last_status"]["id"] for c in r.json()] == order[:2]
    links = _links(r)
    assert f"max_id={order[1]}" in links["next"] and f"min_id={order[0]}" in links["prev"]
    assert "limit=2" in links["next"]
    r2 = await api.get(links["next"].removeprefix("http://roost.test"), headers=alice.headers)
    assert [c["last_status"]["id"] for c in r2.json()] == order[2:4]
    r3 = await api.get("/api/v1/conversations", params={"min_id": order[3], "limit": 2},
                       headers=alice.headers)
    assert [c["last_status"]["id"] for c in r3.json()] == order[1:3]
    r4 = await api.get("/api/v1/conversations", params={"since_id": order[2]}, headers=alice.headers)
    assert [c["last_status"]["id"] for c in r4.json()] == order[:2]
    r5 = await api.get("/api/v1/conversations", params={"max_id": order[-1]}, headers=alice.headers)
    assert r5.json() == [] and "link" not in r5.headers

    capped = await api.get("/api/v1/conversations", params={"limit": 100}, headers=alice.headers)
    assert len(capped.json()) == 5


async def test_conversation_list_costs_a_fixed_number_of_queries(api, make, run_jobs, app):
    alice = await make.account()
    friends = [await make.account() for _ in range(12)]

    async def queries_for_page() -> int:
        content.clear()  # statuses rendered before are cached: count a cold page
        with counting_queries(app) as counted:
            r = await api.get("/api/v1/conversations", headers=alice.headers)
        assert r.status_code == 200
        return counted.n

    for f in friends[:2]:
        await _dm(api, f, [alice, friends[-1]], "hey")
    await run_jobs()
    assert len(await _conversations(api, alice)) == 2
    small = await queries_for_page()
    for f in friends[2:]:
        await _dm(api, f, [alice, friends[0]], "hey")
    await run_jobs()
    assert len(await _conversations(api, alice)) == 12
    assert await queries_for_page() == small


# ---- the direct timeline -----------------------------------------------------------------------
async def test_direct_timeline_has_the_viewers_direct_posts(api, make, run_jobs):
    alice, bob, carol = await make.account(), await make.account(), await make.account()
    sent = await _dm(api, alice, [bob], "to bob")
    received = await _dm(api, carol, [alice], "to alice")
    await _dm(api, bob, [carol], "not alice's business")
    await _post(api, bob, f"@{alice.account.username} public mention")
    note = await _post(api, alice, "note to self", visibility="direct")
    await run_jobs()

    assert [s["id"] for s in await _direct(api, alice)] == [note["id"], received["id"], sent["id"]]
    assert [s["id"] for s in await _direct(api, bob)][-1] == sent["id"]

    r = await api.get("/api/v1/timelines/direct", params={"limit": 2}, headers=alice.headers)
    assert [s["id"] for s in r.json()] == [note["id"], received["id"]]
    links = _links(r)
    assert f"max_id={received['id']}" in links["next"] and f"min_id={note['id']}" in links["prev"]
    r2 = await api.get(links["next"].removeprefix("http://roost.test"), headers=alice.headers)
    assert [s["id"] for s in r2.json()] == [sent["id"]]

    # a block hides the blocked author's DMs; a deleted DM leaves the timeline
    await api.post(f"/api/v1/accounts/{carol.id}/block", headers=alice.headers)
    await api.delete(f"/api/v1/statuses/{note['id']}", headers=alice.headers)
    assert [s["id"] for s in await _direct(api, alice)] == [sent["id"]]


# ---- who may call ------------------------------------------------------------------------------
ENDPOINTS = [("GET", "/api/v1/conversations"), ("GET", "/api/v1/timelines/direct"),
             ("POST", "/api/v1/conversations/{id}/read"), ("DELETE", "/api/v1/conversations/{id}")]


async def test_anonymous_is_401(api, make, run_jobs):
    alice, bob = await make.account(), await make.account()
    await _dm(api, alice, [bob])
    await run_jobs()
    cid = (await _conversations(api, bob))[0]["id"]
    for method, path in ENDPOINTS:
        r = await api.request(method, path.format(id=cid))
        assert r.status_code == 401, (method, path)
        assert r.json() == {"error": "The access token is invalid"}
    assert len(await _conversations(api, bob)) == 1


async def test_wrong_scope_is_403_and_the_right_one_works(api, make, run_jobs):
    alice, bob = await make.account(), await make.account()
    await _dm(api, alice, [bob])
    await run_jobs()
    cid = (await _conversations(api, bob))[0]["id"]
    write_only = {"Authorization": f"Bearer {await make.token(bob, ['write:statuses'])}"}
    read_only = {"Authorization": f"Bearer {await make.token(bob, ['read'])}"}
    for method, path in ENDPOINTS[:2]:
        assert (await api.request(method, path, headers=write_only)).status_code == 403
        assert (await api.request(method, path, headers=read_only)).status_code == 200
    for method, path in ENDPOINTS[2:]:
        r = await api.request(method, path.format(id=cid), headers=read_only)
        assert r.status_code == 403, (method, path)
        r = await api.request(method, path.format(id=cid), headers=write_only)
        assert r.status_code == 403, (method, path)
    assert (await _conversations(api, bob))[0]["unread"] is True

    granular = {"Authorization": f"Bearer {await make.token(bob, ['write:conversations'])}"}
    r = await api.post(f"/api/v1/conversations/{cid}/read", headers=granular)
    assert r.status_code == 200 and r.json()["unread"] is False
    assert (await api.delete(f"/api/v1/conversations/{cid}", headers=granular)).status_code == 200
    assert await _conversations(api, bob) == []
