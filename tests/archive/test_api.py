"""POST/GET /api/v1/roost/archive and the download, through the API: what the ZIP holds, who may
download it, how often one may ask, and expiry."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta

import pytest
from sqlalchemy import update

from roost.archives import contents
from roost.archives import service as archives
from roost.kit.clock import utcnow
from roost.models import AccountArchive
from tests.ai.generations import PROMPT, post_ai
from tests.media import images
from tests.media.test_sweep import age_file, run_now

ROOT = "/api/v1/roost/archive"


async def ask(api, person) -> dict:  # noqa: ANN001
    r = await api.post(ROOT, headers=person.headers)
    assert r.status_code == 200, r.text
    return r.json()


async def ready(api, person, run_jobs) -> tuple[dict, zipfile.ZipFile]:  # noqa: ANN001
    """Ask, build, download: the archive's JSON and the opened ZIP."""
    asked = await ask(api, person)
    assert asked["state"] == "queued" and asked["download_url"] is None
    await run_jobs()
    [done] = [a for a in (await api.get(ROOT, headers=person.headers)).json()
              if a["id"] == asked["id"]]
    assert done["state"] == "done", done
    assert done["download_url"] == f"http://roost.test{ROOT}/{done['id']}/download"
    r = await api.get(done["download_url"], headers=person.headers)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/zip"
    assert "attachment" in r.headers["content-disposition"]
    assert len(r.content) == done["size"]
    return done, zipfile.ZipFile(io.BytesIO(r.content))


def load(zf: zipfile.ZipFile, name: str):  # noqa: ANN201
    return json.loads(zf.read(name))


async def test_the_archive_holds_what_the_person_made(api, app, make, run_jobs, monkeypatch):
    monkeypatch.setattr(contents, "BATCH", 2)  # every file is written over several pages
    alice, bob, carol, dave, eve = [await make.account(n) for n in
                                    ("alice_ar", "bob_ar", "carol_ar", "dave_ar", "eve_ar")]
    h = alice.headers
    for level in ("public_posts", "all"):
        assert (await api.put("/api/v1/roost/consent", json={"training": level},
                              headers=h)).status_code == 200
    png = images.png_with_text()
    media = (await api.post("/api/v2/media", files={"file": ("p.png", png, "image/png")},
                            data={"description": "a test card"}, headers=h)).json()
    pictured = (await api.post("/api/v1/statuses", json={
        "status": "with a picture #cards", "media_ids": [media["id"]]}, headers=h)).json()
    quiet = (await api.post("/api/v1/statuses", json={
        "status": "friends only", "visibility": "private", "roost_training_opt_out": True},
        headers=h)).json()
    reply = (await api.post("/api/v1/statuses", json={
        "status": "a reply", "in_reply_to_id": pictured["id"]}, headers=h)).json()
    r = await api.put(f"/api/v1/statuses/{reply['id']}", json={"status": "a better reply"}, headers=h)
    assert r.status_code == 200, r.text
    gone = (await api.post("/api/v1/statuses", json={"status": "deleted later"}, headers=h)).json()
    assert (await api.delete(f"/api/v1/statuses/{gone['id']}", headers=h)).status_code == 200
    ai_post = await post_ai(api, alice, run_jobs, "made with AI")

    bobs = await make.post(bob, "bob says hi")
    await make.follow(alice, bob)
    await make.follow(carol, alice)
    for action in ("favourite", "bookmark", "reblog"):
        assert (await api.post(f"/api/v1/statuses/{bobs.id}/{action}", headers=h)).status_code == 200
    assert (await api.post(f"/api/v1/accounts/{dave.id}/block", headers=h)).status_code == 200
    assert (await api.post(f"/api/v1/accounts/{eve.id}/mute", headers=h)).status_code == 200
    lst = (await api.post("/api/v1/lists", json={"title": "friends"}, headers=h)).json()
    r = await api.post(f"/api/v1/lists/{lst['id']}/accounts", json={"account_ids": [bob.id]},
                       headers=h)
    assert r.status_code == 200, r.text
    note = await api.post(f"/api/v1/roost/statuses/{bobs.id}/notes", json={"text": "Context: hi"},
                          headers=h)
    assert note.status_code == 200, note.text
    carols = (await api.post(f"/api/v1/roost/statuses/{bobs.id}/notes", json={"text": "More"},
                             headers=carol.headers)).json()
    r = await api.post(f"/api/v1/roost/notes/{carols['id']}/rating",
                       json={"helpful": False, "reason": "opinion"}, headers=h)
    assert r.status_code == 200, r.text
    r = await api.post(f"/api/v1/roost/statuses/{bobs.id}/feedback", json={"signal": "less"}, headers=h)
    assert r.status_code == 200, r.text
    await run_jobs()

    _, zf = await ready(api, alice, run_jobs)
    names = set(zf.namelist())
    assert {"README.txt", "account.json", "posts.json", "outbox.json", "follows.json",
            "followers.json", "likes.json", "bookmarks.json", "blocks.json", "mutes.json",
            "lists.json", "generations.json", "notes.json", "feedback.json", "consent.json"} <= names
    assert "posts.json" in zf.read("README.txt").decode()

    account = load(zf, "account.json")
    assert account["username"] == "alice_ar" and account["user"]["email"] == "alice_ar@example.com"
    assert account["training_consent"] == "all"
    assert "password" not in json.dumps(account) and "token" not in json.dumps(account)

    listed = load(zf, "posts.json")
    posts = {p["id"]: p for p in listed}
    assert len(listed) == len(posts) == 5  # 4 posts and a repost, each once, oldest first
    assert [p["id"] for p in listed] == sorted(posts, key=int)
    assert gone["id"] not in posts
    assert posts[pictured["id"]]["text"] == "with a picture #cards"
    assert posts[pictured["id"]]["tags"] == ["cards"]
    assert posts[quiet["id"]]["visibility"] == "private"
    assert posts[quiet["id"]]["training_opt_out"] is True
    assert posts[reply["id"]]["in_reply_to_id"] == pictured["id"]
    assert posts[reply["id"]]["text"] == "a better reply"
    assert [e["text"] for e in posts[reply["id"]]["edits"]][:1] == ["a reply"]
    [repost] = [p for p in posts.values() if p["repost_of_id"] == str(bobs.id)]
    [att] = posts[pictured["id"]]["media"]
    assert att["id"] == media["id"] and att["description"] == "a test card"
    stored = app.state.settings.media_dir / media["url"].removeprefix("http://roost.test/media/")
    assert zf.read(att["file"]) == stored.read_bytes()  # the original bytes, as stored
    [ai_att] = posts[ai_post["id"]]["media"]
    assert ai_att["ai"]["prompt"] == PROMPT and zf.read(ai_att["file"])

    outbox = load(zf, "outbox.json")
    assert outbox["type"] == "OrderedCollection"
    kinds = {a["id"].rsplit("/", 2)[-2]: a["type"] for a in outbox["orderedItems"]}
    assert len(outbox["orderedItems"]) == len(kinds) == 5
    assert kinds[pictured["id"]] == "Create" and kinds[repost["id"]] == "Announce"

    assert [f["acct"] for f in load(zf, "follows.json")] == ["bob_ar"]
    assert [f["acct"] for f in load(zf, "followers.json")] == ["carol_ar"]
    assert [x["status_id"] for x in load(zf, "likes.json")] == [str(bobs.id)]
    assert load(zf, "bookmarks.json")[0]["url"] == f"http://roost.test/@bob_ar/{bobs.id}"
    assert [b["acct"] for b in load(zf, "blocks.json")] == ["dave_ar"]
    assert [m["acct"] for m in load(zf, "mutes.json")] == ["eve_ar"]
    [the_list] = load(zf, "lists.json")
    assert the_list["title"] == "friends" and [a["acct"] for a in the_list["accounts"]] == ["bob_ar"]

    [gen] = load(zf, "generations.json")
    assert gen["prompt"] == PROMPT and gen["n"] == 1 and gen["state"] == "done"
    [cand] = gen["candidates"]
    assert cand["picked"] is True and cand["media_id"] == ai_att["id"]
    assert zf.read(cand["file"])[:8] == b"\x89PNG\r\n\x1a\n"

    assert [(n["status_id"], n["text"]) for n in load(zf, "notes.json")] == [(str(bobs.id), "Context: hi")]
    assert [(f["kind"], f["status_id"]) for f in load(zf, "feedback.json")] == [
        ("note_rating", str(bobs.id)), ("show_less", str(bobs.id))]
    assert load(zf, "feedback.json")[0]["helpful"] is False

    consent = load(zf, "consent.json")
    assert consent["training"] == "all"
    assert [c["training"] for c in consent["history"]] == ["public_posts", "all"]
    assert consent["excluded_posts"] == [quiet["id"]]


@pytest.mark.parametrize("settings_overrides", [{"archive_interval_hours": 24}])
async def test_one_request_per_interval_and_a_failed_one_does_not_count(api, db, make, run_jobs,
                                                                        settings_overrides):
    alice = await make.account()
    first = await ask(api, alice)
    r = await api.post(ROOT, headers=alice.headers)
    assert r.status_code == 429 and "once every 24 hours" in r.json()["error"]
    async with db.unit_of_work() as s:
        await s.execute(update(AccountArchive).where(AccountArchive.id == int(first["id"]))
                        .values(state="failed"))
    await ask(api, alice)
    async with db.unit_of_work() as s:  # a day later
        await s.execute(update(AccountArchive).where(AccountArchive.account_id == alice.account.id)
                        .values(created_at=utcnow() - timedelta(hours=25)))
    await ask(api, alice)
    listed = (await api.get(ROOT, headers=alice.headers)).json()
    assert [a["state"] for a in listed] == ["queued", "queued", "failed"]


async def test_only_the_owner_downloads(api, make, run_jobs):
    alice, bob = await make.account(), await make.account()
    asked = await ask(api, alice)
    url = f"{ROOT}/{asked['id']}/download"
    r = await api.get(url, headers=alice.headers)
    assert r.status_code == 409 and "not ready" in r.json()["error"]
    await run_jobs()
    assert (await api.get(url)).status_code == 401
    assert (await api.post(ROOT)).status_code == 401
    assert (await api.get(ROOT)).status_code == 401
    writer = await make.token(alice, ["write:accounts"])
    assert (await api.get(url, headers={"Authorization": f"Bearer {writer}"})).status_code == 403
    reader = await make.token(alice, ["read:accounts"])
    r = await api.post(ROOT, headers={"Authorization": f"Bearer {reader}"})
    assert r.status_code == 403
    r = await api.get(url, headers=bob.headers)
    assert r.status_code == 404 and "PK" not in r.text
    assert (await api.get(ROOT, headers=bob.headers)).json() == []
    assert (await api.get(f"{ROOT}/12345/download", headers=alice.headers)).status_code == 404
    assert (await api.get(f"{ROOT}/nope/download", headers=alice.headers)).status_code == 404
    r = await api.get(url, headers={"Authorization": f"Bearer {reader}"})
    assert r.status_code == 200 and r.content[:2] == b"PK"


async def test_archives_expire_and_stray_files_are_swept(api, app, db, make, run_jobs):
    alice = await make.account()
    done, _ = await ready(api, alice, run_jobs)
    folder = app.state.settings.data_dir / "archives"
    [kept] = list(folder.iterdir())
    stray = folder / ".tmp-123-abc.zip"
    stray.write_bytes(b"half")
    age_file(stray, 25)

    await run_now(db, run_jobs, "archives.expire")
    assert kept.exists() and not stray.exists()  # within the retention: kept

    async with db.unit_of_work() as s:
        await s.execute(update(AccountArchive).where(AccountArchive.id == int(done["id"]))
                        .values(finished_at=utcnow() - timedelta(days=8)))
    await run_now(db, run_jobs, "archives.expire")
    assert not kept.exists()
    [listed] = (await api.get(ROOT, headers=alice.headers)).json()
    assert listed["state"] == "expired" and listed["download_url"] is None
    r = await api.get(f"{ROOT}/{done['id']}/download", headers=alice.headers)
    assert r.status_code == 410


async def test_an_archive_whose_build_never_finished_ends_failed(api, db, make):
    alice = await make.account()
    asked = await ask(api, alice)  # its job never runs
    async with db.unit_of_work() as s:
        await s.execute(update(AccountArchive).where(AccountArchive.id == int(asked["id"]))
                        .values(state="running", created_at=utcnow() - timedelta(hours=7)))
    async with db.unit_of_work() as s:  # what archives.expire does (run_jobs would build it)
        await archives.expire(s)
    [listed] = (await api.get(ROOT, headers=alice.headers)).json()
    assert listed["state"] == "failed" and "ask for a new one" in listed["error"]
    await ask(api, alice)  # a failed one does not count against the interval


async def test_the_archive_is_never_served_as_a_media_file(api, app, make, run_jobs):
    alice = await make.account()
    await ready(api, alice, run_jobs)
    assert not (app.state.settings.media_dir / "archives").exists()
    [kept] = list((app.state.settings.data_dir / "archives").iterdir())
    for path in (f"/media/../archives/{kept.name}", f"/media/archives/{kept.name}"):
        assert (await api.get(path)).status_code == 404


async def test_requests_and_builds_are_recorded_privately(api, db, make, run_jobs):
    from roost.events import latest_seq, parse, read_after

    alice = await make.account()
    async with db.session() as s:
        start = await latest_seq(s)
    done, _ = await ready(api, alice, run_jobs)
    async with db.session() as s:
        rows = [r for r in await read_after(s, start, 100) if r.type.startswith("archive.")]
    assert [(r.type, r.public, r.actor_id, r.subject_id) for r in rows] == [
        ("archive.requested", False, alice.account.id, int(done["id"])),
        ("archive.finished", False, alice.account.id, int(done["id"]))]
    finished = parse(rows[1])
    assert finished.state == "done" and finished.size == done["size"]
