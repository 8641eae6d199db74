"""Each remaining kind built from data made through the API and the services, loaded back."""

from __future__ import annotations

import datasets

from roost.events import schemas as ev
from tests.ai.generations import ROOT, get, start
from tests.datasets.helpers import admin, build, png, record, rows, set_consent


async def test_image_preferences_and_image_text(api, make, run_jobs):
    alice, bob = await make.account(), await make.account()
    await set_consent(make, alice, "all")
    await set_consent(make, bob, "public_posts")  # picks need "all": bob's stay out
    picked = {}
    for person in (alice, bob):
        gen = await start(api, person, n="2")
        await run_jobs()
        first, second = (await get(api, person, gen["id"]))["candidates"]
        r = await api.post(f"{ROOT}/{gen['id']}/pick", data={"candidate_ids[]": [first["id"]]},
                           headers=person.headers)
        assert r.status_code == 200, r.text
        picked[person.id] = (gen, first, second, r.json()[0])
    media = (await api.post("/api/v2/media", files={"file": ("a.png", png(), "image/png")},
                            data={"description": "A red square, ask bob@example.com"},
                            headers=alice.headers)).json()
    for person, ids in ((alice, [media["id"], picked[alice.id][3]["id"]]),
                        (bob, [picked[bob.id][3]["id"]])):
        r = await api.post("/api/v1/statuses", data={"status": "look", "media_ids[]": ids},
                           headers=person.headers)
        assert r.status_code == 200, r.text
    headers = await admin(make)

    prefs = await build(api, run_jobs, headers, "image-preferences")
    [row] = rows(prefs)
    gen, first, second, _ = picked[alice.id]
    assert row["generation_id"] == gen["id"] and row["caption"] == gen["prompt"]
    assert sorted([row["label_0"], row["label_1"]]) == [0.0, 1.0]
    chosen = row["image_0"] if row["label_0"] == 1.0 else row["image_1"]
    assert chosen["path"] == f"{first['id']}.png" and chosen["bytes"][:4] == b"\x89PNG"
    ds = datasets.load_dataset("parquet", data_files=f"{prefs['path']}/data/*.parquet",
                               split="train", cache_dir=f"{prefs['path']}/../.hf")
    assert isinstance(ds.features["image_0"], datasets.Image)
    assert ds[0]["image_0"].size[0] > 0  # decoded as a PIL image

    texts = await build(api, run_jobs, headers, "image-text")
    got = {r["media_id"]: r for r in rows(texts)}
    # bob's public post counts here: images need only public_posts
    assert set(got) == {media["id"], picked[alice.id][3]["id"], picked[bob.id][3]["id"]}
    assert got[media["id"]]["text"] == "A red square, ask [EMAIL]"
    assert got[media["id"]]["image"]["bytes"] == png()
    assert got[picked[alice.id][3]["id"]]["ai_generated"] is True


async def test_engagement_joins_impressions_with_what_followed(api, make, run_jobs):
    viewer, author, shy, lurker = (await make.account(), await make.account(),
                                   await make.account(), await make.account())
    await set_consent(make, viewer, "all")
    await set_consent(make, author, "public_posts")
    liked, ignored = await make.post(author, "liked post"), await make.post(author, "ignored post")
    hidden = await make.post(shy, "shy never consented")
    ids = [str(liked.id), str(hidden.id), str(ignored.id)]
    await record(make, viewer, ev.FeedImpression(account_id=viewer.id, feed="home", status_ids=ids,
                                                 first_position=10))
    await record(make, lurker, ev.FeedImpression(account_id=lurker.id, feed="home", status_ids=ids))
    await record(make, viewer, ev.FeedImpression(account_id=viewer.id, feed="local",
                                                 status_ids=[str(liked.id)], first_position=-1))
    assert (await api.post(f"/api/v1/statuses/{liked.id}/favourite",
                           headers=viewer.headers)).status_code == 200
    await record(make, viewer, ev.StatusFeedback(account_id=viewer.id, status_id=str(ignored.id),
                                                 signal="less"))
    await record(make, viewer, ev.StatusOpened(account_id=viewer.id, status_id=str(liked.id),
                                               what="thread"))
    done = await build(api, run_jobs, await admin(make), "engagement")
    [unplaced] = [r for r in rows(done) if r["feed"] == "local"]
    assert unplaced["position"] is None  # a page whose place in its feed was not known
    got = {r["status_id"]: r for r in rows(done) if r["feed"] == "home"}
    assert set(got) == {str(liked.id), str(ignored.id)}  # shy's post and lurker's feed: out
    assert got[str(liked.id)]["liked"] and got[str(liked.id)]["opened"]
    assert got[str(liked.id)]["position"] == 10 and got[str(ignored.id)]["position"] == 12
    assert got[str(ignored.id)]["show_less"] and not got[str(ignored.id)]["liked"]


async def test_notes_with_ratings(api, make, run_jobs):
    writer, rater, silent = await make.account(), await make.account(), await make.account()
    await set_consent(make, writer, "all")
    await set_consent(make, rater, "all")
    post = await make.post(silent, "a claim by someone who never consented")
    note = ev.NoteCreated(note_id="1", status_id=str(post.id), account_id=writer.id,
                          text="Context: see the source, token=abcdef123456")
    await record(make, writer, note)
    await record(make, writer, ev.NoteCreated(note_id="2", status_id=str(post.id),
                                              account_id=writer.id, text="deleted later"))
    await record(make, writer, ev.NoteDeleted(note_id="2", status_id=str(post.id),
                                              account_id=writer.id))
    for who, helpful in ((rater, False), (rater, True), (silent, False)):
        await record(make, who, ev.NoteRated(note_id="1", status_id=str(post.id),
                                             account_id=who.id, helpful=helpful))
    done = await build(api, run_jobs, await admin(make), "notes")
    [row] = rows(done)
    assert row["note_id"] == "1" and row["text"] == "Context: see the source, token=[SECRET]"
    assert row["status_id"] is None and row["status_text"] is None  # the post may not be used
    assert (row["helpful"], row["not_helpful"]) == (1, 0) and len(row["ratings"]) == 1


async def test_conversations_messages_feedback_and_preferences(api, make, run_jobs):
    asker, bot, rater = await make.account(), await make.account(), await make.account()
    await set_consent(make, asker, "all")
    await set_consent(make, rater, "all")
    question = await make.post(asker, f"@{bot.account.username} what is a roost? I'm at 555-010-9999")
    answer = await make.post(bot, f"@{asker.account.username} A place where birds rest.",
                             in_reply_to_id=question.id)
    await record(make, bot, ev.AiAssistantReplied(
        question_status_id=str(question.id), reply_status_id=str(answer.id), asker_id=asker.id,
        kind="text", provider="builtin", model="smollm2", generation_ms=5, context_posts=0),
        subject_id=answer.id)
    await record(make, rater, ev.AiAssistantRated(reply_status_id=str(answer.id),
                                                  account_id=rater.id, rating="helpful"))
    await record(make, asker, ev.AiAssistantRegenerated(
        reply_status_id=str(answer.id), question_status_id=str(question.id), account_id=asker.id,
        previous_text="Dunno.", text="A place where birds rest.", provider="builtin",
        model="smollm2"))
    done = await build(api, run_jobs, await admin(make), "conversations")
    [chat] = rows(done, "messages")
    assert [m["role"] for m in chat["messages"]] == ["user", "assistant"]
    assert chat["messages"][0]["content"] == "what is a roost? I'm at [PHONE]"
    assert chat["messages"][1]["content"] == "A place where birds rest."
    [fb] = rows(done, "feedback")
    assert fb["label"] is True and fb["completion"] == "A place where birds rest."
    [pair] = rows(done, "preferences")
    assert (pair["chosen"], pair["rejected"]) == ("A place where birds rest.", "Dunno.")
    ds = datasets.load_dataset("parquet", data_files=f"{done['path']}/data/messages/*.parquet",
                               split="train", cache_dir=f"{done['path']}/../.hf")
    assert ds[0]["messages"][1]["role"] == "assistant"
