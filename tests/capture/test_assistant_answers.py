"""Ratings of the assistant's answers (ai.assistant_rated) and "try again"
(ai.assistant_regenerated), with the real built-in text model (a few tokens per answer) and jobs
drained as the worker would."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from roost import runtime
from roost.ai.assistant import account as assistant_account
from roost.models import AssistantRegeneration
from roost.posts import service as posts
from tests.ai.assistant import ON, answer_to, ask
from tests.capture.helpers import consent, events, post
from tests.web.conftest import csrf_of, sign_in


@pytest.fixture
def settings_overrides() -> dict:
    return {**ON, "ai_assistant_per_hour": 2}


async def _answered(api, db, make, run_jobs, name: str | None = None):  # noqa: ANN001, ANN202
    alice = await make.account(name)
    question = await ask(api, alice, "@assistant what colour is the sky?")
    await run_jobs()
    return alice, question, await answer_to(api, db, alice, question["id"])


async def _by_assistant(api, db, person, text: str,  # noqa: ANN001
                        visibility: str = "public") -> dict:
    """A post of the assistant's own, written without the model (ratings need no generation)."""
    async with db.unit_of_work() as session:
        bot = await assistant_account.find(session, runtime.settings())
        st = await posts.create_post(session, bot, posts.NewPost(text=text,
                                                                  visibility=visibility))
    r = await api.get(f"/api/v1/statuses/{st.id}", headers=person.headers)
    assert r.status_code == 200, r.text
    return r.json()


async def test_anyone_who_can_see_an_answer_may_rate_it(api, make, db):
    alice, bob = await make.account(), await make.account()
    answer = await _by_assistant(api, db, alice, "The sky is blue.")
    await consent(api, bob, "all")
    url = f"/api/v1/roost/statuses/{answer['id']}/rating"

    r = await api.post(url, data={"rating": "helpful"}, headers=alice.headers)
    assert r.status_code == 200 and r.json() == {"status_id": answer["id"], "rating": "helpful",
                                                 "reason": None}
    r = await api.post(url, json={"rating": "not_helpful", "reason": "wrong"}, headers=bob.headers)
    assert r.json()["reason"] == "wrong"
    words = "  It said\tthe sky is\x00 <b>green</b>\u200b \n"
    r = await api.post(url, json={"rating": "not_helpful", "reason": words}, headers=bob.headers)
    assert r.json()["reason"] == "It said the sky is <b>green</b>"  # plain text, one line
    assert (await api.get(url, headers=bob.headers)).json()["rating"] == "not_helpful"
    r = await api.post(url, json={"rating": "not_helpful", "reason": "x" * 281},
                       headers=bob.headers)
    assert r.status_code == 422
    assert (await api.post(url, data={"rating": "great"}, headers=bob.headers)).status_code == 422
    r = await api.delete(url, headers=bob.headers)
    assert r.json() == {"status_id": answer["id"], "rating": None, "reason": None}

    got = [(e.data["account_id"], e.data["rating"], e.data["reason"], e.consent)
           for e in await events(db, "ai.assistant_rated")]
    assert got == [(alice.id, "helpful", None, "none"), (bob.id, "not_helpful", "wrong", "all"),
                   (bob.id, "not_helpful", "It said the sky is <b>green</b>", "all"),
                   (bob.id, "none", None, "all")]


async def test_only_the_assistants_posts_can_be_rated(api, make, db):
    alice, carol = await make.account(), await make.account()
    question = await post(api, alice, "a person's post")
    r = await api.post(f"/api/v1/roost/statuses/{question['id']}/rating",
                       data={"rating": "helpful"}, headers=carol.headers)
    assert r.status_code == 422 and "assistant" in r.json()["error"]
    hidden = await _by_assistant(api, db, alice, f"@{alice.account.username} a secret",
                                 visibility="direct")
    r = await api.post(f"/api/v1/roost/statuses/{hidden['id']}/rating",
                       data={"rating": "helpful"}, headers=carol.headers)
    assert r.status_code == 404  # not visible to carol
    assert await events(db, "ai.assistant_rated") == []


async def test_the_asker_can_have_the_answer_written_again(api, make, db, run_jobs):
    """From the web ("Try again", with the rating buttons) and the API, one try at a time."""
    alice, question, answer = await _answered(api, db, make, run_jobs, "alice_ask")
    bob = await make.account()
    url = f"/api/v1/roost/statuses/{answer['id']}/regenerate"
    assert (await api.post(url, headers=bob.headers)).status_code == 403
    r = await api.post(f"/api/v1/roost/statuses/{question['id']}/regenerate",
                       headers=alice.headers)
    assert r.status_code == 422

    await sign_in(api, alice)
    back = f"/@assistant/{answer['id']}"
    page = await api.get(back)
    assert "Was this answer helpful?" in page.text and "Try again" in page.text
    assert f'action="/statuses/{answer["id"]}/rate"' in page.text and "Say why" in page.text
    r = await api.post(f"/statuses/{answer['id']}/rate", data={
        "csrf_token": csrf_of(page.text), "rating": "not_helpful", "reason": "unclear",
        "next": back})
    assert r.status_code == 303 and r.headers["location"] == back
    page = await api.get(back)
    assert 'aria-pressed="true">Not helpful' in page.text
    assert f'action="/statuses/{answer["id"]}/unrate"' in page.text
    thread = await api.get(f"/@alice_ask/{question['id']}")  # the answer's card, as a reply
    assert f'action="/statuses/{answer["id"]}/regenerate"' in thread.text

    r = await api.post(f"/statuses/{answer['id']}/regenerate",
                       data={"csrf_token": csrf_of(page.text), "next": back})
    assert r.status_code == 303 and r.headers["location"] == back
    async with db.session() as session:
        [row] = await session.scalars(select(AssistantRegeneration))
    assert row.reply_status_id == int(answer["id"]) and row.state == "pending"
    r = await api.post(url, headers=alice.headers)  # while one is pending: that one
    assert r.status_code == 202 and r.json() == {"id": str(row.id), "status_id": answer["id"],
                                                 "state": "pending"}
    await run_jobs()

    edited = (await api.get(f"/api/v1/statuses/{answer['id']}", headers=alice.headers)).json()
    assert edited["edited_at"] is not None and edited["in_reply_to_id"] == question["id"]
    history = (await api.get(f"/api/v1/statuses/{answer['id']}/history",
                             headers=alice.headers)).json()
    assert len(history) == 2 and history[0]["content"] == answer["content"]
    [ev] = await events(db, "ai.assistant_regenerated")
    assert ev.actor_id == int(alice.id) and ev.subject_id == int(answer["id"])
    assert ev.data["question_status_id"] == question["id"]
    assert ev.data["reply_status_id"] == answer["id"] and ev.data["account_id"] == alice.id
    assert ev.data["previous_text"].startswith("@alice_ask")
    assert ev.data["text"].startswith("@alice_ask") and ev.data["provider"] == "builtin-smollm2"
    assert [e.data["status_id"] for e in await events(db, "post.edited")] == [answer["id"]]
    rated = [(e.data["rating"], e.data["reason"]) for e in await events(db, "ai.assistant_rated")]
    assert rated == [("not_helpful", "unclear")]

    # one answer and one try used the hour's two: the next try is refused, and asking too
    r = await api.post(url, headers=alice.headers)
    assert r.status_code == 429
    more = await ask(api, alice, "@assistant and the sea?")
    await run_jobs()
    [declined] = await events(db, "ai.assistant_declined")
    assert declined.data["question_status_id"] == more["id"]
    assert declined.data["reason"] == "rate_limited"
    plain = await post(api, alice, "no assistant here")
    assert "Was this answer helpful?" not in (await api.get(f"/@alice_ask/{plain['id']}")).text
