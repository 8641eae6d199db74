"""The media sweep: expired uploads and orphaned files go, everything in use stays."""

from __future__ import annotations

import io
import os
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update
from starlette.datastructures import UploadFile

from roost import jobs
from roost.jobs import schedule
from roost.kit.clock import utcnow
from roost.kit.ids import new_id
from roost.media import service
from roost.models import Account, Job, MediaAttachment, Status
from tests.media import images


def root(app) -> Path:
    return app.state.settings.media_dir


def path_of(app, url: str) -> Path:
    return root(app) / url.removeprefix("http://roost.test/media/")


async def upload(api, person, **fields) -> dict:
    r = await api.post("/api/v1/media", files={"file": ("x.gif", images.gif(1), "image/gif")},
                       data=fields, headers=person.headers)
    assert r.status_code == 200, r.text
    return r.json()


async def queued(db, name: str) -> list[Job]:
    async with db.session() as s:
        return list((await s.execute(select(Job).where(Job.name == name))).scalars())


async def run_now(db, run_jobs, name: str) -> None:
    async with db.unit_of_work() as s:
        jobs.enqueue(s, name)
    await run_jobs()
    assert await queued(db, name) == []  # it ran and finished


async def age_upload(db, media_id: str, hours: float) -> str:
    """Pretend an upload was made `hours` ago (ids are time-sortable, so the id moves too)."""
    when = utcnow() - timedelta(hours=hours)
    new = new_id(at=when)
    async with db.unit_of_work() as s:
        await s.execute(update(MediaAttachment).where(MediaAttachment.id == int(media_id))
                        .values(id=new, created_at=when))
    return str(new)


def age_file(path: Path, hours: float) -> None:
    t = time.time() - hours * 3600
    os.utime(path, (t, t))


async def test_expiry_runs_hourly_and_the_file_sweep_daily(db):
    assert schedule.SCHEDULE["media.expire"].seconds == 3600
    assert schedule.SCHEDULE["media.sweep"].seconds == 24 * 3600
    assert {"media.expire", "media.sweep"} <= set(await schedule.tick(db))
    for name in ("media.expire", "media.sweep"):
        [job] = await queued(db, name)
        assert job.state == "queued" and job.run_at <= utcnow()


async def test_sweep_expires_day_old_unattached_uploads(api, app, db, make, run_jobs):
    alice = await make.account()
    old = await upload(api, alice)
    fresh = await upload(api, alice)
    posted = await upload(api, alice)
    r = await api.post("/api/v1/statuses", json={"status": "hi", "media_ids": [posted["id"]]},
                       headers=alice.headers)
    assert r.status_code == 200
    old_id = await age_upload(db, old["id"], 25)
    posted_id = await age_upload(db, posted["id"], 25)

    await run_now(db, run_jobs, "media.expire")

    async with db.session() as s:
        left = set((await s.execute(select(MediaAttachment.id))).scalars())
    assert left == {int(fresh["id"]), int(posted_id)}
    assert int(old_id) not in left
    assert not path_of(app, old["url"]).exists() and not path_of(app, old["preview_url"]).exists()
    assert path_of(app, fresh["url"]).exists() and path_of(app, posted["url"]).exists()


async def test_media_of_deleted_posts_waits_a_day_for_redrafts(api, app, db, make, run_jobs):
    alice = await make.account()
    recent, long_ago = await upload(api, alice), await upload(api, alice)
    ids = {}
    for m in (recent, long_ago):
        r = await api.post("/api/v1/statuses", json={"status": "x", "media_ids": [m["id"]]},
                           headers=alice.headers)
        assert (await api.delete(f"/api/v1/statuses/{r.json()['id']}",
                                 headers=alice.headers)).status_code == 200
        ids[m["id"]] = await age_upload(db, m["id"], 48)
    async with db.unit_of_work() as s:
        status_id = (await s.execute(select(MediaAttachment.status_id).where(
            MediaAttachment.id == int(ids[long_ago["id"]])))).scalar_one()
        await s.execute(update(Status).where(Status.id == status_id)
                        .values(deleted_at=utcnow() - timedelta(hours=30)))

    await run_now(db, run_jobs, "media.expire")

    async with db.session() as s:
        left = set((await s.execute(select(MediaAttachment.id))).scalars())
    assert left == {int(ids[recent["id"]])}
    assert path_of(app, recent["url"]).exists() and not path_of(app, long_ago["url"]).exists()


async def test_sweep_removes_orphaned_files_only(api, app, db, make, run_jobs):
    alice = await make.account()
    kept = await upload(api, alice)
    for url in (kept["url"], kept["preview_url"]):
        age_file(path_of(app, url), 5)
    orphan_dir = root(app) / "attachments" / "aa" / "bb"
    orphan_dir.mkdir(parents=True, exist_ok=True)
    old_orphan = orphan_dir / f"{new_id()}-0123456789abcdef.jpg"
    young_orphan = orphan_dir / f"{new_id()}-fedcba9876543210.jpg"
    leftover_tmp = orphan_dir / ".tmp-abc123"
    stray_avatar = root(app) / "avatars" / "aa" / "bb" / f"{alice.account.id}-0123456789abcdef.png"
    stray_avatar.parent.mkdir(parents=True)
    for f in (old_orphan, young_orphan, leftover_tmp, stray_avatar):
        f.write_bytes(b"x")
    for f in (old_orphan, leftover_tmp, stray_avatar):
        age_file(f, 2)

    await run_now(db, run_jobs, "media.sweep")

    assert not old_orphan.exists() and not leftover_tmp.exists() and not stray_avatar.exists()
    assert young_orphan.exists()
    assert path_of(app, kept["url"]).exists() and path_of(app, kept["preview_url"]).exists()


async def test_files_of_a_rolled_back_upload_are_swept(app, db, make, run_jobs):
    alice = await make.account()
    before = set(root(app).rglob("*.*"))
    with pytest.raises(RuntimeError):
        async with db.unit_of_work() as s:
            acc = await s.get(Account, alice.account.id)
            await service.upload(s, acc, UploadFile(io.BytesIO(images.gif(1))))
            raise RuntimeError("the request failed after the flush")
    orphans = set(root(app).rglob("*.*")) - before
    assert len(orphans) == 2  # original and thumbnail, with no row
    async with db.session() as s:
        assert (await s.execute(select(MediaAttachment.id))).first() is None
    for f in orphans:
        age_file(f, 2)

    await run_now(db, run_jobs, "media.sweep")

    assert not any(f.exists() for f in orphans)
