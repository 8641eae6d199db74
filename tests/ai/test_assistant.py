"""The assistant account through the Mastodon API, with the real built-in model (SmolLM2-135M,
a few tokens per answer) and jobs drained as the worker would."""

from __future__ import annotations

import pytest

from roost.ai import provenance
from roost.ai.assistant import tasks
from tests.ai.assistant import ON, answer_to, answers, ask, assistant_of, events, replies



@pytest.fixture
def settings_overrides() -> dict:
    return ON


async def test_a_mention_gets_an_answer_in_the_thread(api, make, db, run_jobs):
    alice = await make.account("alice")
    bot = await assistant_of(api)
    assert bot["bot"] is True and bot["username"] == "assistant"
    assert "SmolLM2-135M-Instruct" in bot["note"] and "bot" in bot["note"]

    question = await ask(api, alice, "@assistant What is the capital of France?")
    await run_jobs()

    answer = await answer_to(api, db, alice, question["id"])
    assert answer["account"]["id"] == bot["id"] and answer["account"]["bot"] is True
    assert answer["in_reply_to_id"] == question["id"]
    assert answer["in_reply_to_account_id"] == alice.id
    assert answer["visibility"] == "public"
    assert [m["acct"] for m in answer["mentions"]] == ["alice"]
    assert len(answer["content"]) > len("<p>@alice</p>") and "<script" not in answer["content"]
    [replied] = await events(db, "ai.assistant_replied")
    assert replied["question_status_id"] == question["id"]
    assert replied["reply_status_id"] == answer["id"] and replied["kind"] == "text"
    assert replied["provider"] == "builtin-smollm2"

    await run_jobs()  # nothing more to do: the post is answered once
    assert len(await replies(api, alice, question["id"])) == 1


async def test_a_direct_question_gets_a_direct_answer_only_the_asker_sees(api, make, db, run_jobs):
    alice, bob = await make.account(), await make.account()
    question = await ask(api, alice, "@assistant say hello", visibility="direct")
    await run_jobs()
    answer = await answer_to(api, db, alice, question["id"])
    assert answer["visibility"] == "direct"
    assert [m["id"] for m in answer["mentions"]] == [alice.id]
    r = await api.get(f"/api/v1/statuses/{answer['id']}", headers=bob.headers)
    assert r.status_code == 404


async def test_a_private_question_gets_a_private_answer(api, make, db, run_jobs):
    alice = await make.account()
    question = await ask(api, alice, "@assistant what colour is the sea?", visibility="private")
    await run_jobs()
    answer = await answer_to(api, db, alice, question["id"])
    assert answer["visibility"] == "private"


async def test_an_edit_that_adds_the_mention_asks(api, make, run_jobs):
    alice = await make.account()
    post = await ask(api, alice, "good morning")
    await run_jobs()
    assert await replies(api, alice, post["id"]) == []
    r = await api.put(f"/api/v1/statuses/{post['id']}", data={"status": "good morning @assistant"},
                      headers=alice.headers)
    assert r.status_code == 200, r.text
    await run_jobs()
    assert len(await replies(api, alice, post["id"])) == 1
    r = await api.put(f"/api/v1/statuses/{post['id']}",
                      data={"status": "good morning @assistant!"}, headers=alice.headers)
    await run_jobs()
    assert len(await replies(api, alice, post["id"])) == 1


async def test_the_context_never_holds_posts_the_answer_could_leak(api, make, db):
    alice, bob, carol = await make.account(), await make.account(), await make.account()
    await make.follow(alice, bob)
    opener = await ask(api, bob, "Public: the harbour festival is on Saturday.")
    secret = await ask(api, bob, "Followers only: the code is PELICAN-42, right @assistant?",
                       visibility="private", in_reply_to_id=opener["id"])
    public_q = await ask(api, alice, "@assistant what did he say?", in_reply_to_id=secret["id"])
    direct_q = await ask(api, alice, "@assistant what did he say?", in_reply_to_id=secret["id"],
                         visibility="direct")
    seen = await ask(api, alice, "Noted, see you at the pier.", in_reply_to_id=secret["id"])
    carol_q = await ask(api, carol, "@assistant what was said?", in_reply_to_id=seen["id"],
                        visibility="direct")

    chats = {}
    async with db.session() as session:
        for name, status in (("public", public_q), ("direct", direct_q), ("carol", carol_q)):
            plan = await tasks._plan(session, int(status["id"]))
            chats[name] = "\n".join(m.content for m in plan.chat)
    public_chat, direct_chat, carol_chat = chats["public"], chats["direct"], chats["carol"]
    # A public answer is seen by people who do not follow bob: his followers-only post stays out.
    assert "harbour festival" in public_chat and "PELICAN" not in public_chat
    # A direct answer goes to alice alone, who may read it (and so may the assistant).
    assert "PELICAN" in direct_chat and "harbour festival" in direct_chat
    # carol does not follow bob: the thread she sees skips his post, and so does the answer.
    assert "see you at the pier" in carol_chat and "PELICAN" not in carol_chat



@pytest.mark.parametrize("how", ["block", "mute"])
async def test_no_answer_to_someone_who_blocked_or_muted_it(api, make, db, run_jobs, how):
    alice = await make.account()
    bot = await assistant_of(api)
    r = await api.post(f"/api/v1/accounts/{bot['id']}/{how}", headers=alice.headers)
    assert r.status_code == 200, r.text
    question = await ask(api, alice, "@assistant are you there?")
    await run_jobs()
    assert await replies(api, alice, question["id"]) == []
    [declined] = await events(db, "ai.assistant_declined")
    assert declined == {"question_status_id": question["id"], "asker_id": alice.id,
                        "reason": "blocked" if how == "block" else "muted"}
    [row] = await answers(db)
    assert row.state == "declined" and row.reply_status_id is None


async def test_no_answer_when_the_assistant_blocked_the_asker(api, make, db, run_jobs):
    from roost.graph import service as graph
    from roost.models import Account

    alice = await make.account()
    bot = await assistant_of(api)
    async with db.unit_of_work() as session:
        await graph.block(session, await session.get(Account, int(bot["id"])), alice.account.id)
    question = await ask(api, alice, "@assistant hello?")
    await run_jobs()
    assert await replies(api, alice, question["id"]) == []
    assert [e["reason"] for e in await events(db, "ai.assistant_declined")] == ["blocked"]


async def test_draw_requests_are_answered_with_a_stamped_image(api, make, db, run_jobs):
    alice = await make.account()
    question = await ask(api, alice, "@assistant please draw a red boat on the sea")
    await run_jobs()
    answer = await answer_to(api, db, alice, question["id"])
    [media] = answer["media_attachments"]
    assert media["type"] == "image" and media["description"] == "a red boat on the sea"
    assert "a red boat on the sea" in answer["content"]
    r = await api.get(media["url"].removeprefix("http://roost.test"))
    assert r.status_code == 200 and r.headers["content-type"] == "image/png"
    found = provenance.detect(r.content)
    assert found is not None and found.source == "roost"
    assert found.prompt_sha256 == provenance.prompt_hash("a red boat on the sea")
    [replied] = await events(db, "ai.assistant_replied")
    assert replied["kind"] == "image" and replied["provider"] == "builtin-sketch"


async def test_likes_reposts_and_replies_on_answers_are_feedback(api, make, db, run_jobs):
    alice, bob = await make.account(), await make.account()
    question = await ask(api, alice, "@assistant name a colour")
    await run_jobs()
    answer = await answer_to(api, db, alice, question["id"])
    for verb in ("favourite", "reblog"):
        r = await api.post(f"/api/v1/statuses/{answer['id']}/{verb}", headers=bob.headers)
        assert r.status_code == 200, r.text
    reply = await ask(api, alice, "thanks!", in_reply_to_id=answer["id"])
    await api.post(f"/api/v1/statuses/{question['id']}/favourite", headers=bob.headers)
    feedback = await events(db, "ai.assistant_feedback")
    assert [(f["kind"], f["account_id"]) for f in feedback] == [
        ("like", bob.id), ("repost", bob.id), ("reply", alice.id)]
    assert {f["reply_status_id"] for f in feedback} == {answer["id"]}
    assert feedback[2]["status_id"] == reply["id"]


async def test_a_mention_from_the_web_composer_is_answered(api, make, db, run_jobs):
    from tests.web.conftest import csrf_of, sign_in

    alice = await make.account()
    await sign_in(api, alice)
    page = await api.get("/compose")
    r = await api.post("/compose", data={"csrf_token": csrf_of(page.text), "status":
                                         "@assistant what is a fox?", "visibility": "unlisted"})
    assert r.status_code == 303, r.text
    question_id = r.headers["location"].rsplit("/", 1)[1]
    await run_jobs()
    answer = await answer_to(api, db, alice, question_id)
    assert answer["visibility"] == "unlisted" and answer["in_reply_to_id"] == question_id
