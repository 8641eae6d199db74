"""Old candidates expire; orphaned generation files are swept; picked images live on."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from roost.jobs import schedule
from roost.kit.clock import utcnow
from roost.models import Candidate, Generation
from tests.ai.generations import ROOT, get, path_of, start
from tests.media.test_sweep import age_file, root, run_now


async def _generate_and_post(api, alice, run_jobs) -> tuple[dict, dict]:  # noqa: ANN001
    gen = await start(api, alice, n="2")
    await run_jobs()
    gen = await get(api, alice, gen["id"])
    r = await api.post(f"{ROOT}/{gen['id']}/pick",
                       data={"candidate_ids[]": [gen["candidates"][0]["id"]]}, headers=alice.headers)
    assert r.status_code == 200, r.text
    r = await api.post("/api/v1/statuses", data={"status": "mine", "media_ids[]": [r.json()[0]["id"]]},
                       headers=alice.headers)
    assert r.status_code == 200, r.text
    return gen, r.json()


async def _age(db, gen_id: str, days: float) -> None:  # noqa: ANN001
    async with db.unit_of_work() as s:
        await s.execute(update(Generation).where(Generation.id == int(gen_id))
                        .values(created_at=utcnow() - timedelta(days=days)))


async def test_candidates_expire_after_the_retention_and_posts_keep_their_image(
        api, app, db, make, run_jobs):
    alice = await make.account()
    old, post = await _generate_and_post(api, alice, run_jobs)
    young, _ = await _generate_and_post(api, alice, run_jobs)
    await _age(db, old["id"], 31)
    old_files = [path_of(c[k]) for c in old["candidates"] for k in ("url", "preview_url")]
    assert [(await api.get(p)).status_code for p in old_files] == [200] * 4

    await run_now(db, run_jobs, "ai.expire_candidates")

    assert [(await api.get(p)).status_code for p in old_files] == [404] * 4
    after = await get(api, alice, old["id"])
    assert after["state"] == "done" and after["candidates"] == []
    assert len((await get(api, alice, young["id"]))["candidates"]) == 2
    [media] = post["media_attachments"]
    assert (await api.get(path_of(media["url"]))).status_code == 200


@pytest.mark.parametrize("settings_overrides", [{"ai_candidate_retention_days": 0}])
async def test_a_retention_of_zero_keeps_candidates(api, db, make, run_jobs, settings_overrides):
    alice = await make.account()
    gen, _ = await _generate_and_post(api, alice, run_jobs)
    await _age(db, gen["id"], 3650)
    await run_now(db, run_jobs, "ai.expire_candidates")
    async with db.session() as s:
        assert await s.scalar(select(func.count()).select_from(Candidate)) == 2


async def test_the_media_sweep_removes_orphaned_generation_files_only(api, app, db, make, run_jobs):
    alice = await make.account()
    gen, _ = await _generate_and_post(api, alice, run_jobs)
    kept = [root(app) / path_of(c[k]).removeprefix("/media/")
            for c in gen["candidates"] for k in ("url", "preview_url")]
    orphan = kept[0].parent / f"{gen['id']}-7-0123456789abcdef.png"
    stray = root(app) / "generations" / "aa" / "bb" / "123-0-fedcba9876543210.png"
    stray.parent.mkdir(parents=True, exist_ok=True)
    for f in (orphan, stray):
        f.write_bytes(b"x")
    for f in (*kept, orphan, stray):
        age_file(f, 2)

    await run_now(db, run_jobs, "media.sweep")

    assert not orphan.exists() and not stray.exists()
    assert all(f.exists() for f in kept)


def test_candidate_expiry_runs_daily():
    assert schedule.SCHEDULE["ai.expire_candidates"].seconds == 24 * 3600
