from __future__ import annotations

import pytest
from sqlalchemy import select

from roost.models import Event, Notification, Poll, PollVote
from tests.openapi import check_schema
from tests.querycount import counting_queries
from tests.timetravel import travel

POLL = {"options": ["tea", "coffee", "water"], "expires_in": 3600}


async def _poll_post(api, person, poll=None, **extra) -> dict:
    r = await api.post("/api/v1/statuses", json={"status": "Which one?", "poll": poll or POLL, **extra},
                       headers=person.headers)
    assert r.status_code == 200, r.text
    return r.json()


async def _events(db, type_: str) -> list[dict]:
    async with db.session() as s:
        return [e.data for e in (await s.execute(
            select(Event).where(Event.type == type_).order_by(Event.seq))).scalars()]


async def test_create_poll_with_json_and_read_it(api, make, db):
    alice = await make.account()
    post = await _poll_post(api, alice, {**POLL, "multiple": True, "hide_totals": False})
    poll = post["poll"]
    check_schema("Status", post)
    check_schema("Poll", poll)
    assert [o["title"] for o in poll["options"]] == ["tea", "coffee", "water"]
    assert [o["votes_count"] for o in poll["options"]] == [0, 0, 0]
    assert poll["multiple"] is True and poll["expired"] is False
    assert poll["votes_count"] == 0 and poll["voters_count"] == 0
    assert poll["voted"] is True and poll["own_votes"] == []  # the author counts as having voted
    assert poll["emojis"] == []

    anon = (await api.get(f"/api/v1/polls/{poll['id']}")).json()
    assert anon["id"] == poll["id"] and "voted" not in anon and "own_votes" not in anon
    assert (await api.get(f"/api/v1/statuses/{post['id']}")).json()["poll"]["id"] == poll["id"]
    created = await _events(db, "poll.created")
    assert created[-1]["poll_id"] == poll["id"] and created[-1]["options"] == POLL["options"]


async def test_create_poll_with_a_form(api, make):
    alice = await make.account()
    r = await api.post("/api/v1/statuses", headers=alice.headers, data={
        "status": "form poll", "poll[options][]": ["yes", "no"], "poll[expires_in]": "600",
        "poll[multiple]": "false", "poll[hide_totals]": "true"})
    assert r.status_code == 200, r.text
    poll = r.json()["poll"]
    assert [o["title"] for o in poll["options"]] == ["yes", "no"]
    assert poll["multiple"] is False
    assert [o["votes_count"] for o in poll["options"]] == [None, None]  # hidden until it ends


@pytest.mark.parametrize("poll,message", [
    ({"options": ["only"], "expires_in": 3600}, "more than one"),
    ({"options": ["a", "b", "c", "d", "e"], "expires_in": 3600}, "more than 4"),
    ({"options": ["a", "x" * 51], "expires_in": 3600}, "50 characters"),
    ({"options": ["a", "a"], "expires_in": 3600}, "duplicate"),
    ({"options": ["a", " "], "expires_in": 3600}, "blank"),
    ({"options": ["a", "b"]}, "expires in can't be blank"),
    ({"options": ["a", "b"], "expires_in": "soon"}, "whole number"),
    ({"options": ["a", "b"], "expires_in": 60}, "too soon"),
    ({"options": ["a", "b"], "expires_in": 2629747}, "too far"),
])
async def test_invalid_polls_are_422(api, make, poll, message):
    alice = await make.account()
    r = await api.post("/api/v1/statuses", json={"status": "q", "poll": poll}, headers=alice.headers)
    assert r.status_code == 422, r.text
    assert message in r.json()["error"]


@pytest.mark.parametrize("settings_overrides", [{
    "poll_max_options": 6, "poll_max_characters_per_option": 10, "poll_min_expiration": 120,
    "poll_max_expiration": 7200}])
async def test_limits_come_from_the_configuration(api, make):
    for path in ("/api/v1/instance", "/api/v2/instance"):
        polls = (await api.get(path)).json()["configuration"]["polls"]
        assert polls == {"max_options": 6, "max_characters_per_option": 10, "min_expiration": 120,
                         "max_expiration": 7200}
    alice = await make.account()
    ok = {"options": list("abcdef"), "expires_in": 120}
    assert (await api.post("/api/v1/statuses", json={"status": "q", "poll": ok},
                           headers=alice.headers)).status_code == 200
    for bad in ({"options": list("abcdefg"), "expires_in": 120},
                {"options": ["a", "x" * 11], "expires_in": 120},
                {"options": ["a", "b"], "expires_in": 7201}):
        r = await api.post("/api/v1/statuses", json={"status": "q", "poll": bad}, headers=alice.headers)
        assert r.status_code == 422, bad


async def test_default_instance_limits_are_mastodons(api):
    polls = (await api.get("/api/v2/instance")).json()["configuration"]["polls"]
    assert polls == {"max_options": 4, "max_characters_per_option": 50, "min_expiration": 300,
                     "max_expiration": 2629746}


async def test_odd_json_numbers_are_422(api, make):
    alice = await make.account()
    for raw in ('Infinity', 'NaN', '1e400', '"9999999999999999999999999"'):
        body = '{"status": "q", "poll": {"options": ["a", "b"], "expires_in": %s}}' % raw
        r = await api.post("/api/v1/statuses", content=body, headers={
            **alice.headers, "Content-Type": "application/json"})
        assert r.status_code == 422, (raw, r.text)


async def test_a_poll_excludes_media(api, make):
    alice = await make.account()
    from tests.api.test_status_edits import _png

    media = (await api.post("/api/v2/media", files={"file": ("a.png", _png(), "image/png")},
                            headers=alice.headers)).json()
    r = await api.post("/api/v1/statuses", json={"status": "q", "poll": POLL, "media_ids": [media["id"]]},
                       headers=alice.headers)
    assert r.status_code == 422 and "media" in r.json()["error"]


async def test_vote_single_choice(api, make, db):
    alice, bob, carol = await make.account(), await make.account(), await make.account()
    poll = (await _poll_post(api, alice))["poll"]
    r = await api.post(f"/api/v1/polls/{poll['id']}/votes", json={"choices": [1]}, headers=bob.headers)
    assert r.status_code == 200, r.text
    body = r.json()
    check_schema("Poll", body)
    assert body["voted"] is True and body["own_votes"] == [1]
    assert [o["votes_count"] for o in body["options"]] == [0, 1, 0]
    assert body["votes_count"] == 1 and body["voters_count"] == 1

    again = await api.post(f"/api/v1/polls/{poll['id']}/votes", json={"choices": [0]}, headers=bob.headers)
    assert again.status_code == 422 and "already voted" in again.json()["error"]
    two = await api.post(f"/api/v1/polls/{poll['id']}/votes", json={"choices": [0, 2]},
                         headers=carol.headers)
    assert two.status_code == 422 and "only one" in two.json()["error"]

    seen = (await api.get(f"/api/v1/polls/{poll['id']}", headers=carol.headers)).json()
    assert seen["voted"] is False and seen["own_votes"] == []
    assert seen["votes_count"] == 1
    voted = await _events(db, "poll.voted")
    assert voted[-1] == {"poll_id": poll["id"], "status_id": voted[-1]["status_id"],
                         "account_id": bob.id, "choices": [1]}


async def test_vote_multiple_choices_with_a_form(api, make):
    alice, bob, carol = await make.account(), await make.account(), await make.account()
    poll = (await _poll_post(api, alice, {**POLL, "multiple": True}))["poll"]
    r = await api.post(f"/api/v1/polls/{poll['id']}/votes", data={"choices[]": ["0", "2"]},
                       headers=bob.headers)
    assert r.status_code == 200, r.text
    assert r.json()["own_votes"] == [0, 2]
    r = await api.post(f"/api/v1/polls/{poll['id']}/votes", json={"choices": [2]}, headers=carol.headers)
    body = r.json()
    assert [o["votes_count"] for o in body["options"]] == [1, 0, 2]
    assert body["votes_count"] == 3 and body["voters_count"] == 2
    same = await api.post(f"/api/v1/polls/{poll['id']}/votes", json={"choices": [2]}, headers=bob.headers)
    assert same.status_code == 422 and "already voted" in same.json()["error"]
    twice = await api.post(f"/api/v1/polls/{poll['id']}/votes", json={"choices": [1, 1]},
                           headers=carol.headers)
    assert twice.status_code == 422


@pytest.mark.parametrize("choices", [[], [3], [-1], ["x"], [True], None])
async def test_bad_choices_are_422(api, make, choices):
    alice, bob = await make.account(), await make.account()
    poll = (await _poll_post(api, alice))["poll"]
    body = {} if choices is None else {"choices": choices}
    r = await api.post(f"/api/v1/polls/{poll['id']}/votes", json=body, headers=bob.headers)
    assert r.status_code == 422, r.text
    assert r.json()["error"].startswith("Validation failed")


async def test_author_cannot_vote(api, make):
    alice = await make.account()
    poll = (await _poll_post(api, alice))["poll"]
    r = await api.post(f"/api/v1/polls/{poll['id']}/votes", json={"choices": [0]}, headers=alice.headers)
    assert r.status_code == 422 and "your own polls" in r.json()["error"]


async def test_poll_follows_its_posts_visibility(api, make):
    alice, bob, stranger = await make.account(), await make.account(), await make.account()
    await make.follow(bob, alice)
    post = await _poll_post(api, alice, visibility="private")
    pid = post["poll"]["id"]
    assert (await api.get(f"/api/v1/polls/{pid}")).status_code == 404
    assert (await api.get(f"/api/v1/polls/{pid}", headers=stranger.headers)).status_code == 404
    r = await api.post(f"/api/v1/polls/{pid}/votes", json={"choices": [0]}, headers=stranger.headers)
    assert r.status_code == 404
    assert (await api.get(f"/api/v1/polls/{pid}", headers=bob.headers)).status_code == 200
    assert (await api.post(f"/api/v1/polls/{pid}/votes", json={"choices": [0]},
                           headers=bob.headers)).status_code == 200
    # A block hides it too; a deleted post takes its poll along.
    assert (await api.post(f"/api/v1/accounts/{bob.id}/block", headers=alice.headers)).status_code == 200
    assert (await api.get(f"/api/v1/polls/{pid}", headers=bob.headers)).status_code == 404
    assert (await api.delete(f"/api/v1/statuses/{post['id']}", headers=alice.headers)).status_code == 200
    assert (await api.get(f"/api/v1/polls/{pid}", headers=alice.headers)).status_code == 404
    assert (await api.get("/api/v1/polls/nope")).status_code == 404
    assert (await api.get("/api/v1/polls/123")).status_code == 404


async def test_votes_need_a_token_with_write(api, make):
    alice, bob = await make.account(), await make.account()
    poll = (await _poll_post(api, alice))["poll"]
    r = await api.post(f"/api/v1/polls/{poll['id']}/votes", json={"choices": [0]})
    assert r.status_code == 401
    token = await make.token(bob, ["read"])
    r = await api.post(f"/api/v1/polls/{poll['id']}/votes", json={"choices": [0]},
                       headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 403


async def test_expiry_closes_the_poll_and_notifies_author_and_voters(api, make, db, run_jobs):
    alice, bob, carol, dan = (await make.account(), await make.account(), await make.account(),
                              await make.account())
    post = await _poll_post(api, alice, {**POLL, "hide_totals": True})
    pid = post["poll"]["id"]
    for voter, choice in ((bob, 0), (carol, 2)):
        r = await api.post(f"/api/v1/polls/{pid}/votes", json={"choices": [choice]}, headers=voter.headers)
        assert [o["votes_count"] for o in r.json()["options"]] == [None, None, None]
    await run_jobs()
    assert (await api.get("/api/v1/notifications?types[]=poll", headers=alice.headers)).json() == []

    await travel(db, 3601)
    await run_jobs()
    closed = (await api.get(f"/api/v1/polls/{pid}", headers=dan.headers)).json()
    assert closed["expired"] is True
    assert [o["votes_count"] for o in closed["options"]] == [1, 0, 1]  # shown once it ended
    late = await api.post(f"/api/v1/polls/{pid}/votes", json={"choices": [1]}, headers=dan.headers)
    assert late.status_code == 422 and "ended" in late.json()["error"]

    for person in (alice, bob, carol):
        notes = (await api.get("/api/v1/notifications", headers=person.headers)).json()
        polls = [n for n in notes if n["type"] == "poll"]
        assert len(polls) == 1, notes
        check_schema("Notification", polls[0])
        assert polls[0]["status"]["id"] == post["id"]
        assert polls[0]["account"]["id"] == alice.id
        assert polls[0]["status"]["poll"]["expired"] is True
        grouped = (await api.get("/api/v2/notifications", headers=person.headers)).json()
        group = [g for g in grouped["notification_groups"] if g["type"] == "poll"]
        assert len(group) == 1 and group[0]["status_id"] == post["id"]
        assert group[0]["group_key"].startswith("ungrouped-")
    assert (await api.get("/api/v1/notifications", headers=dan.headers)).json() == []
    closed_events = await _events(db, "poll.closed")
    assert closed_events[-1]["poll_id"] == pid and closed_events[-1]["tallies"] == [1, 0, 1]

    await run_jobs()  # running again changes nothing
    async with db.session() as s:
        n = len((await s.execute(select(Notification).where(Notification.type == "poll"))).all())
    assert n == 3


async def test_a_deleted_post_takes_its_poll_along(api, make, db, run_jobs):
    alice, bob = await make.account(), await make.account()
    post = await _poll_post(api, alice)
    await api.post(f"/api/v1/polls/{post['poll']['id']}/votes", json={"choices": [0]}, headers=bob.headers)
    deleted = (await api.delete(f"/api/v1/statuses/{post['id']}", headers=alice.headers)).json()
    assert [o["title"] for o in deleted["poll"]["options"]] == POLL["options"]  # for redrafting
    await run_jobs()
    async with db.session() as s:
        assert (await s.execute(select(Poll))).first() is None
        assert (await s.execute(select(PollVote))).first() is None
    await travel(db, 3601)
    await run_jobs()
    assert await _events(db, "poll.closed") == []


async def test_editing_options_resets_votes_and_history_keeps_the_poll(api, make, db, run_jobs):
    alice, bob = await make.account(), await make.account()
    post = await _poll_post(api, alice)
    pid = post["poll"]["id"]
    await api.post(f"/api/v1/polls/{pid}/votes", json={"choices": [0]}, headers=bob.headers)

    same = await api.put(f"/api/v1/statuses/{post['id']}", headers=alice.headers,
                         json={"status": "Which one, really?", "poll": {**POLL, "hide_totals": True}})
    assert same.status_code == 200, same.text
    assert same.json()["poll"]["votes_count"] == 1  # same options: votes stay

    changed = await api.put(f"/api/v1/statuses/{post['id']}", headers=alice.headers,
                            json={"status": "Which one?", "poll": {"options": ["tea", "juice"],
                                                                   "expires_in": 7200}})
    poll = changed.json()["poll"]
    assert poll["id"] == pid and [o["title"] for o in poll["options"]] == ["tea", "juice"]
    assert poll["votes_count"] == 0 and poll["voters_count"] == 0
    mine = (await api.get(f"/api/v1/polls/{pid}", headers=bob.headers)).json()
    assert mine["voted"] is False and mine["own_votes"] == []
    assert (await api.post(f"/api/v1/polls/{pid}/votes", json={"choices": [1]},
                           headers=bob.headers)).status_code == 200

    history = (await api.get(f"/api/v1/statuses/{post['id']}/history")).json()
    for version in history:
        check_schema("StatusEdit", version)
    assert [[o["title"] for o in v["poll"]["options"]] for v in history] == [
        ["tea", "coffee", "water"], ["tea", "coffee", "water"], ["tea", "juice"]]

    # The first close job (at one hour) leaves the poll open: it now ends at two hours.
    await travel(db, 3601)
    await run_jobs()
    assert (await api.get(f"/api/v1/polls/{pid}")).json()["expired"] is False
    await travel(db, 3600)
    await run_jobs()
    assert (await api.get(f"/api/v1/polls/{pid}")).json()["expired"] is True
    assert len(await _events(db, "poll.closed")) == 1

    gone = await api.put(f"/api/v1/statuses/{post['id']}", headers=alice.headers,
                         json={"status": "no poll now"})
    assert gone.json()["poll"] is None
    assert (await api.get(f"/api/v1/polls/{pid}")).status_code == 404
    history = (await api.get(f"/api/v1/statuses/{post['id']}/history")).json()
    assert history[-1]["poll"] is None


async def test_edit_can_add_a_poll_but_not_beside_media(api, make):
    alice = await make.account()
    post = (await api.post("/api/v1/statuses", json={"status": "plain"}, headers=alice.headers)).json()
    r = await api.put(f"/api/v1/statuses/{post['id']}", headers=alice.headers,
                      json={"status": "plain", "poll": {"options": ["a"], "expires_in": 600}})
    assert r.status_code == 422
    r = await api.put(f"/api/v1/statuses/{post['id']}", headers=alice.headers,
                      json={"status": "plain", "poll": {"options": ["a", "b"], "expires_in": 600}})
    assert r.status_code == 200 and [o["title"] for o in r.json()["poll"]["options"]] == ["a", "b"]


async def test_a_page_of_polls_costs_the_same_queries(api, make, app):
    alice, bob = await make.account(), await make.account()
    await make.follow(bob, alice)

    async def timeline_queries(n_polls: int) -> int:
        for i in range(n_polls):
            p = await _poll_post(api, alice, {"options": [f"a{i}", f"b{i}"], "expires_in": 600})
            await api.post(f"/api/v1/polls/{p['poll']['id']}/votes", json={"choices": [0]},
                           headers=bob.headers)
        with counting_queries(app) as counted:
            r = await api.get(f"/api/v1/accounts/{alice.id}/statuses", headers=bob.headers)
        assert r.status_code == 200
        polls = [s["poll"] for s in r.json() if s["poll"]]
        assert all(p["own_votes"] == [0] and p["voted"] for p in polls)
        return counted.n

    few = await timeline_queries(2)
    many = await timeline_queries(10)
    assert many == few


async def test_custom_emojis_in_options(api, make, db):
    from tests.api.test_custom_emojis import add, image

    await add(db, "blobcat", image("PNG"))
    alice = await make.account()
    post = await _poll_post(api, alice, {"options": [":blobcat: yes", "no"], "expires_in": 600})
    assert [e["shortcode"] for e in post["poll"]["emojis"]] == ["blobcat"]
    check_schema("Poll", post["poll"])
    alone = (await api.get(f"/api/v1/polls/{post['poll']['id']}")).json()
    assert [e["shortcode"] for e in alone["emojis"]] == ["blobcat"]


async def test_polls_are_looked_up_only_for_posts_that_have_one(api, make, app):
    """Whether a post has a poll is kept with its rendered parts (it changes only by an edit):
    a page of posts without polls costs no polls query, and edits show at once."""
    alice, bob = await make.account(), await make.account()
    plain = (await api.post("/api/v1/statuses", json={"status": "plain"},
                            headers=alice.headers)).json()

    async def read() -> tuple[dict, int]:
        with counting_queries(app) as counted:
            r = await api.get(f"/api/v1/accounts/{alice.id}/statuses", headers=bob.headers)
        assert r.status_code == 200
        return {s["id"]: s["poll"] for s in r.json()}, counted.n

    await read()
    polls, without = await read()
    assert polls == {plain["id"]: None}
    poll_post = await _poll_post(api, alice)
    await read()
    polls, with_one = await read()
    assert polls[plain["id"]] is None and polls[poll_post["id"]]["options"][0]["title"] == "tea"
    assert with_one == without + 2  # the poll, and Bob's votes in it
    r = await api.put(f"/api/v1/statuses/{plain['id']}", headers=alice.headers,
                      json={"status": "plain", "poll": {"options": ["a", "b"], "expires_in": 600}})
    assert r.status_code == 200, r.text
    polls, _ = await read()
    assert [o["title"] for o in polls[plain["id"]]["options"]] == ["a", "b"]
    r = await api.put(f"/api/v1/statuses/{plain['id']}", headers=alice.headers,
                      json={"status": "plain again"})
    assert r.status_code == 200, r.text
    polls, _ = await read()
    assert polls[plain["id"]] is None and polls[poll_post["id"]] is not None
