"""Image generations through the API, with the real built-in generator and moderation, and jobs
drained as the worker would: create → job → candidates with provenance → pick → post."""

from __future__ import annotations

from sqlalchemy import func, select

from roost.ai import provenance
from roost.ai.generations import tasks
from roost.models import Candidate, Generation, ModerationDecision
from tests.ai.generations import PROMPT, ROOT, events_of, get, path_of, start
from tests.openapi import check_schema


async def test_create_run_pick_and_post(api, make, db, run_jobs):
    alice = await make.account()
    gen = await start(api, alice, n="4", seed="7", style="watercolour", aspect_ratio="4:3")
    assert gen["state"] == "queued" and gen["candidates"] == []
    assert gen["provider"]["label"] == "Roost built-in sketch generator"
    assert (gen["n"], gen["seed"], gen["style"], gen["aspect_ratio"]) == (4, 7, "watercolour", "4:3")
    assert await events_of(db, "ai.generation_started", int(gen["id"]))

    await run_jobs()
    done = await get(api, alice, gen["id"])
    assert done["state"] == "done", done
    cands = done["candidates"]
    assert len(cands) == 4 and [c["seed"] for c in cands] == [7, 8, 9, 10]
    files = []
    for c in cands:
        r = await api.get(path_of(c["url"]))
        assert r.status_code == 200 and r.headers["content-type"] == "image/png"
        found = provenance.detect(r.content)
        assert found is not None and found.source == "roost"
        assert found.prompt_sha256 == provenance.prompt_hash(PROMPT) and found.seed == c["seed"]
        assert found.instance == "roost.test"
        assert (await api.get(path_of(c["preview_url"]))).status_code == 200
        assert (c["width"], c["height"]) == (512, 384) and c["blurhash"]
        files.append(r.content)
    assert len(set(files)) == 4  # distinct candidates
    shown = await events_of(db, "ai.candidates_shown", int(gen["id"]))
    assert shown and shown[0]["candidate_ids"] == [c["id"] for c in cands]

    r = await api.post(f"{ROOT}/{gen['id']}/pick", data={"candidate_ids[]": [cands[1]["id"]]},
                       headers=alice.headers)
    assert r.status_code == 200, r.text
    [media] = r.json()
    assert media["type"] == "image"
    check_schema("MediaAttachment", media)
    assert media["roost"] == {"ai_generated": True, "generation_id": gen["id"],
                              "candidate_id": cands[1]["id"]}
    assert media["description"] == f"AI-generated image (Roost built-in sketch generator): {PROMPT}"
    picked = await events_of(db, "ai.candidates_picked", int(gen["id"]))
    assert picked[0]["picked"] == [cands[1]["id"]]
    assert sorted(picked[0]["discarded"]) == sorted(c["id"] for i, c in enumerate(cands) if i != 1)
    assert (await get(api, alice, gen["id"]))["candidates"][1]["picked"] is True

    r = await api.post("/api/v1/statuses", data={"status": "made this", "media_ids[]": [media["id"]]},
                       headers=alice.headers)
    assert r.status_code == 200, r.text
    check_schema("Status", r.json())
    [attached] = r.json()["media_attachments"]
    assert "AI-generated image" in attached["description"] and PROMPT in attached["description"]
    r = await api.get(path_of(attached["url"]))
    assert provenance.detect(r.content) is not None


async def test_a_refused_prompt_is_422_with_its_reason_and_no_generation(api, make, db):
    alice = await make.account()
    r = await api.post(ROOT, data={"prompt": "you are a fucking idiot"}, headers=alice.headers)
    assert r.status_code == 422, r.text
    assert r.json()["error"] == "This prompt was refused: it contains abusive language."
    async with db.session() as session:
        assert await session.scalar(select(func.count()).select_from(Generation)) == 0
        decision = (await session.scalars(select(ModerationDecision).where(
            ModerationDecision.account_id == alice.account.id))).one()
        assert decision.verdict == "refused"


async def test_bad_parameters_are_422(api, make):
    alice = await make.account()
    for params in ({"n": "9"}, {"n": "0"}, {"style": "oil"}, {"aspect_ratio": "2:1"},
                   {"prompt": " "}, {"prompt": "x" * 1001}, {"n": "many"}):
        r = await api.post(ROOT, data={"prompt": PROMPT, **params}, headers=alice.headers)
        assert r.status_code == 422, (params, r.text)


async def test_cancel_before_the_job_runs(api, make, db, run_jobs):
    alice = await make.account()
    gen = await start(api, alice)
    r = await api.delete(f"{ROOT}/{gen['id']}", headers=alice.headers)
    assert r.status_code == 200 and r.json()["state"] == "cancelled"
    assert await events_of(db, "ai.generation_cancelled", int(gen["id"]))
    await run_jobs()
    after = await get(api, alice, gen["id"])
    assert after["state"] == "cancelled" and after["candidates"] == []
    async with db.session() as session:
        assert await session.scalar(select(func.count()).select_from(Candidate)) == 0
    r = await api.post(f"{ROOT}/{gen['id']}/pick", data={"candidate_ids[]": ["1"]},
                       headers=alice.headers)
    assert r.status_code == 422


async def test_someone_elses_generation_is_404(api, make, run_jobs):
    alice, bob = await make.account(), await make.account()
    gen = await start(api, alice, n="1")
    await run_jobs()
    cand = (await get(api, alice, gen["id"]))["candidates"][0]
    assert (await api.get(f"{ROOT}/{gen['id']}", headers=bob.headers)).status_code == 404
    assert (await api.delete(f"{ROOT}/{gen['id']}", headers=bob.headers)).status_code == 404
    r = await api.post(f"{ROOT}/{gen['id']}/pick", data={"candidate_ids[]": [cand["id"]]},
                       headers=bob.headers)
    assert r.status_code == 404


async def test_a_retried_job_does_not_duplicate_candidates(api, make, db, run_jobs):
    alice = await make.account()
    gen = await start(api, alice, n="3")
    await run_jobs()
    first = [c["id"] for c in (await get(api, alice, gen["id"]))["candidates"]]
    # As after a crash: the row says running, and the handler runs again.
    async with db.unit_of_work() as session:
        row = await session.get(Generation, int(gen["id"]))
        row.state = "running"
    async with db.unit_of_work() as session:
        await tasks.generate(session, generation_id=int(gen["id"]))
    async with db.unit_of_work() as session:  # and a second time once done: nothing
        await tasks.generate(session, generation_id=int(gen["id"]))
    again = await get(api, alice, gen["id"])
    assert again["state"] == "done" and len(again["candidates"]) == 3
    assert [c["index"] for c in await _rows(db, int(gen["id"]))] == [0, 1, 2]
    assert set(first).isdisjoint(c["id"] for c in again["candidates"])
    for c in again["candidates"]:
        assert (await api.get(path_of(c["url"]))).status_code == 200


async def _rows(db, generation_id: int) -> list[dict]:  # noqa: ANN001
    async with db.session() as session:
        rows = await session.scalars(select(Candidate).where(
            Candidate.generation_id == generation_id).order_by(Candidate.index))
        return [{"index": c.index} for c in rows]


async def test_a_missing_generation_is_done(db):
    async with db.unit_of_work() as session:
        await tasks.generate(session, generation_id=123456789)


async def test_after_three_crashed_attempts_the_generation_fails(api, make, db):
    alice = await make.account()
    gen = await start(api, alice, n="1")
    async with db.unit_of_work() as session:  # as if three attempts died mid-way
        row = await session.get(Generation, int(gen["id"]))
        row.state, row.attempts = "running", tasks.MAX_ATTEMPTS
    async with db.unit_of_work() as session:
        await tasks.generate(session, generation_id=int(gen["id"]))
    after = await get(api, alice, gen["id"])
    assert after["state"] == "failed" and "failed 3 times" in after["error"]


async def test_the_endpoints_are_in_the_openapi_document(app):
    paths = app.openapi()["paths"]
    for path in ("/api/v1/roost/generations", "/api/v1/roost/generations/quota",
                 "/api/v1/roost/generations/{generation_id}",
                 "/api/v1/roost/generations/{generation_id}/pick",
                 "/api/v1/roost/statuses/{status_id}/lineage"):
        assert path in paths, path
