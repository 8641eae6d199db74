"""Custom emojis: added through the service (as `roost admin emoji add` does), listed by the API,
served from local storage, and rendered in the `emojis` arrays of statuses and accounts."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from roost.emojis import service as emojis
from roost.events import latest_seq, read_after
from roost.kit.errors import Invalid, TooLarge
from tests.openapi import check_schema
from tests.querycount import counting_queries


def image(fmt: str, size=(64, 64), frames: int = 1) -> bytes:
    buf = io.BytesIO()
    ims = [Image.new("RGBA" if fmt != "JPEG" else "RGB", size, c) for c in ("red", "blue")[:frames]]
    if frames > 1:
        ims[0].save(buf, fmt, save_all=True, append_images=ims[1:], duration=100, loop=0)
    else:
        ims[0].save(buf, fmt)
    return buf.getvalue()


async def add(db, code: str, data: bytes, **kw):
    async with db.unit_of_work() as session:
        return await emojis.add(session, code, data, **kw)


async def test_list_and_serve_custom_emojis(api, db):
    async with db.session() as s:
        start = await latest_seq(s)
    await add(db, "blobcat", image("PNG", (512, 512)), category="Blobs")
    await add(db, "party", image("GIF", frames=2))
    await add(db, "hidden_one", image("WEBP"), visible_in_picker=False)

    r = await api.get("/api/v1/custom_emojis")
    assert r.status_code == 200
    body = {e["shortcode"]: e for e in r.json()}
    assert set(body) == {"blobcat", "party", "hidden_one"}
    for e in body.values():
        check_schema("CustomEmoji", e)
    assert body["blobcat"]["category"] == "Blobs" and body["hidden_one"]["visible_in_picker"] is False

    png = await api.get(body["blobcat"]["url"].removeprefix("http://roost.test"))
    assert png.status_code == 200 and png.headers["content-type"] == "image/png"
    assert Image.open(io.BytesIO(png.content)).size == (256, 256)  # scaled down
    gif = await api.get(body["party"]["url"].removeprefix("http://roost.test"))
    assert gif.headers["content-type"] == "image/gif"
    assert getattr(Image.open(io.BytesIO(gif.content)), "n_frames", 1) == 2  # still animated
    still = await api.get(body["party"]["static_url"].removeprefix("http://roost.test"))
    assert still.headers["content-type"] == "image/png"

    async with db.session() as s:
        rows = await read_after(s, start, 10)
    assert [(e.type, e.data["shortcode"]) for e in rows] == [
        ("emoji.added", "blobcat"), ("emoji.added", "party"), ("emoji.added", "hidden_one")]

    async with db.unit_of_work() as session:
        await emojis.remove(session, ":party:")
    assert "party" not in [e["shortcode"] for e in (await api.get("/api/v1/custom_emojis")).json()]


async def test_bad_emojis_are_refused(db):
    await add(db, "ok", image("PNG"))
    cases = [("ok", image("PNG"), Invalid), ("a", image("PNG"), Invalid),
             ("bad-name", image("PNG"), Invalid), ("photo", image("JPEG"), Invalid),
             ("text", b"not an image", Invalid), ("huge", b"\x89PNG" + b"0" * 300_000, TooLarge)]
    for code, data, error in cases:
        with pytest.raises(error):
            await add(db, code, data)


async def test_emojis_render_in_statuses_and_accounts(api, app, make, db):
    await add(db, "blobcat", image("PNG"))
    alice = await make.account()
    r = await api.patch("/api/v1/accounts/update_credentials", headers=alice.headers,
                        json={"display_name": "Alice :blobcat:", "note": "no :unknown: here"})
    assert r.status_code == 200
    assert [e["shortcode"] for e in r.json()["emojis"]] == ["blobcat"]

    r = await api.post("/api/v1/statuses", headers=alice.headers,
                       json={"status": "hello :blobcat: and :nosuch:", "spoiler_text": ""})
    status = r.json()
    assert [e["shortcode"] for e in status["emojis"]] == ["blobcat"]
    assert [e["shortcode"] for e in status["account"]["emojis"]] == ["blobcat"]
    check_schema("Status", status)
    fetched = (await api.get(f"/api/v1/statuses/{status['id']}")).json()
    assert fetched["emojis"] == status["emojis"]

    # a page of posts with emojis costs one query more than one without, whatever its length
    bob, dave, carol = await make.account(), await make.account(), await make.account()
    await api.get("/api/v1/accounts/verify_credentials", headers=bob.headers)
    for i in range(4):
        await make.post(dave, f"post {i} :blobcat:")
        await make.post(carol, f"plain {i}")
    with counting_queries(app) as with_emojis:
        page = (await api.get(f"/api/v1/accounts/{dave.id}/statuses", headers=bob.headers)).json()
    assert len(page) == 4 and all(p["emojis"] for p in page)
    with counting_queries(app) as plain:
        await api.get(f"/api/v1/accounts/{carol.id}/statuses", headers=bob.headers)
    assert with_emojis.n == plain.n + 1
