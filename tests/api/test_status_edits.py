from __future__ import annotations

import io

from PIL import Image
from sqlalchemy import select

from roost.models import Event, Notification


def _png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (20, 10), (1, 2, 3)).save(buf, "PNG")
    return buf.getvalue()


async def test_edit_keeps_history_and_updates_tags_and_mentions(api, make, db):
    alice, bob = await make.account("ed_alice"), await make.account("ed_bob")
    post = (await api.post("/api/v1/statuses", json={"status": "first #one"}, headers=alice.headers)).json()
    r = await api.put(f"/api/v1/statuses/{post['id']}", json={"status": "second #two @ed_bob",
                                                               "spoiler_text": "cw"},
                      headers=alice.headers)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["id"] == post["id"]
    assert body["edited_at"] is not None
    assert [t["name"] for t in body["tags"]] == ["two"]
    assert [m["username"] for m in body["mentions"]] == ["ed_bob"]
    assert body["spoiler_text"] == "cw" and body["sensitive"] is True
    assert body["visibility"] == post["visibility"]

    hist = (await api.get(f"/api/v1/statuses/{post['id']}/history")).json()
    assert len(hist) == 2
    assert "first" in hist[0]["content"] and "second" in hist[1]["content"]
    assert hist[1]["spoiler_text"] == "cw"

    src = (await api.get(f"/api/v1/statuses/{post['id']}/source", headers=alice.headers)).json()
    assert src["text"] == "second #two @ed_bob"
    async with db.session() as s:
        types = (await s.execute(select(Event.type).where(Event.subject_id == int(post["id"])))).scalars().all()
    assert "post.edited" in types


async def test_only_the_author_can_edit(api, make):
    alice, bob = await make.account(), await make.account()
    post = (await api.post("/api/v1/statuses", json={"status": "mine"}, headers=alice.headers)).json()
    r = await api.put(f"/api/v1/statuses/{post['id']}", json={"status": "yours"}, headers=bob.headers)
    assert r.status_code == 403
    r = await api.put(f"/api/v1/statuses/{post['id']}", json={"status": "anon"})
    assert r.status_code == 401
    r = await api.put(f"/api/v1/statuses/{post['id']}", json={"status": ""}, headers=alice.headers)
    assert r.status_code == 422
    assert (await api.get(f"/api/v1/statuses/{post['id']}")).json()["content"] == "<p>mine</p>"


async def test_edit_media_and_alt_text(api, make):
    alice = await make.account()
    up = await api.post("/api/v2/media", files={"file": ("a.png", _png(), "image/png")},
                        data={"description": "old alt"}, headers=alice.headers)
    assert up.status_code == 200, up.text
    mid = up.json()["id"]
    post = (await api.post("/api/v1/statuses", json={"status": "pic", "media_ids": [mid]},
                           headers=alice.headers)).json()
    r = await api.put(f"/api/v1/statuses/{post['id']}",
                      json={"status": "pic", "media_ids": [mid],
                            "media_attributes": [{"id": mid, "description": "new alt"}]},
                      headers=alice.headers)
    assert r.status_code == 200, r.text
    assert r.json()["media_attachments"][0]["description"] == "new alt"
    r = await api.put(f"/api/v1/statuses/{post['id']}", json={"status": "no pic", "media_ids": []},
                      headers=alice.headers)
    assert r.json()["media_attachments"] == []
    hist = (await api.get(f"/api/v1/statuses/{post['id']}/history")).json()
    assert [len(v["media_attachments"]) for v in hist] == [1, 1, 0]


async def test_reposters_are_told_about_edits(api, make, run_jobs, db):
    alice, bob = await make.account(), await make.account()
    post = (await api.post("/api/v1/statuses", json={"status": "v1"}, headers=alice.headers)).json()
    await api.post(f"/api/v1/statuses/{post['id']}/reblog", headers=bob.headers)
    await run_jobs()
    await api.put(f"/api/v1/statuses/{post['id']}", json={"status": "v2"}, headers=alice.headers)
    await run_jobs()
    await api.put(f"/api/v1/statuses/{post['id']}", json={"status": "v3"}, headers=alice.headers)
    await run_jobs()
    async with db.session() as s:
        rows = (await s.execute(select(Notification).where(Notification.type == "update"))).scalars().all()
    assert [(n.account_id, n.status_id) for n in rows] == [(bob.account.id, int(post["id"]))]


async def test_history_of_unedited_post_and_invisible_post(api, make):
    alice, bob = await make.account(), await make.account()
    post = (await api.post("/api/v1/statuses", json={"status": "plain"}, headers=alice.headers)).json()
    hist = (await api.get(f"/api/v1/statuses/{post['id']}/history")).json()
    assert len(hist) == 1 and hist[0]["content"] == "<p>plain</p>"
    secret = (await api.post("/api/v1/statuses", json={"status": "s", "visibility": "private"},
                             headers=alice.headers)).json()
    assert (await api.get(f"/api/v1/statuses/{secret['id']}/history", headers=bob.headers)).status_code == 404
