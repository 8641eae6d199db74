"""Media through the API: upload, metadata stripping on disk, serving, limits, authorisation,
attaching to posts."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from roost.models import Event, MediaAttachment
from tests.media import images


@pytest.fixture
def settings_overrides(request) -> dict:
    return getattr(request, "param", {})


def media_dir(app) -> Path:
    return app.state.settings.media_dir


def stored_files(app) -> list[Path]:
    root = media_dir(app)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def local_path(app, url: str) -> Path:
    assert url.startswith("http://roost.test/media/"), url
    return media_dir(app) / url.removeprefix("http://roost.test/media/")


async def upload(api, person, data: bytes, name: str = "photo.jpg", ctype: str = "image/jpeg",
                 version: str = "v1", **fields):
    return await api.post(f"/api/{version}/media", files={"file": (name, data, ctype)},
                          data=fields, headers=person.headers)


async def media_count(db) -> int:
    async with db.session() as s:
        return (await s.execute(select(func.count()).select_from(MediaAttachment))).scalar_one()


async def test_jpeg_upload_is_rotated_stripped_and_served(api, app, make):
    alice = await make.account()
    r = await upload(api, alice, images.jpeg_with_gps(orientation=6), description="A red bar",
                     focus="0.5,-0.25")
    assert r.status_code == 200, r.text
    body = r.json()
    assert isinstance(body["id"], str) and body["type"] == "image"
    assert body["description"] == "A red bar"
    assert body["meta"]["original"] == {"width": 200, "height": 400, "size": "200x400", "aspect": 0.5}
    assert body["meta"]["small"]["width"] == 200
    assert body["meta"]["focus"] == {"x": 0.5, "y": -0.25}
    assert body["remote_url"] is None
    assert body["url"].endswith(".jpg") and body["preview_url"] != body["url"]

    original = local_path(app, body["url"]).read_bytes()
    for marker in (b"Exif", b"SpyCam", b"secret-comment", b"ICC_PROFILE"):
        assert marker not in original
    im = images.open_bytes(original)
    assert im.size == (200, 400) and not im.getexif()
    assert im.getpixel((100, 10))[0] > 200  # the red bar is now on top

    served = await api.get(body["url"].removeprefix("http://roost.test"))
    assert served.status_code == 200 and served.content == original
    assert served.headers["content-type"] == "image/jpeg"
    assert served.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert served.headers["x-content-type-options"] == "nosniff"
    head = await api.head(body["url"].removeprefix("http://roost.test"))
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-length"] == str(len(original))
    thumb = await api.get(body["preview_url"].removeprefix("http://roost.test"))
    assert thumb.status_code == 200 and thumb.content == local_path(app, body["preview_url"]).read_bytes()

    decoded = images.blurhash_decode(body["blurhash"], 20, 40)
    assert decoded[1][10][0] > decoded[1][10][2] + 40  # red-ish at the top, as in the image


async def test_media_urls_are_not_guessable_from_ids(api, make):
    alice = await make.account()
    a = (await upload(api, alice, images.gif(1), "a.gif", "image/gif")).json()
    b = (await upload(api, alice, images.gif(1), "b.gif", "image/gif")).json()
    for m in (a, b):
        dirs_and_name = m["url"].removeprefix("http://roost.test/media/attachments/").split("/")
        first, second, name = dirs_and_name
        random_part = name.removeprefix(m["id"] + "-").removesuffix(".png")
        assert len(random_part) == 16 and int(random_part, 16) >= 0
        assert random_part.startswith(first + second)
    assert a["url"].split(a["id"])[1] != b["url"].split(b["id"])[1]


async def test_upload_records_an_event(api, db, make):
    alice = await make.account()
    body = (await upload(api, alice, images.webp(), "x.webp", "image/webp", description="alt")).json()
    async with db.session() as s:
        ev = (await s.execute(select(Event).where(Event.type == "media.uploaded"))).scalars().one()
    assert ev.data["media_id"] == body["id"] and ev.data["has_description"] is True
    assert ev.data["content_type"] == "image/webp" and ev.public is False


async def test_png_text_chunks_are_gone_on_disk(api, app, make):
    alice = await make.account()
    body = (await upload(api, alice, images.png_with_text(), "x.png", "image/png")).json()
    stored = local_path(app, body["url"]).read_bytes()
    for marker in (b"secret-text-chunk", b"tEXt", b"zTXt", b"iTXt", b"secret-xmp"):
        assert marker not in stored
    assert images.open_bytes(stored).mode == "RGBA"


async def test_webp_and_gif_uploads(api, app, make):
    alice = await make.account()
    w = await upload(api, alice, images.webp(), "x.webp", "image/webp", version="v2")
    assert w.status_code == 200 and w.json()["url"].endswith(".webp")
    g = (await upload(api, alice, images.gif(4), "x.gif", "image/gif")).json()
    assert g["type"] == "image" and g["url"].endswith(".gif") and g["preview_url"].endswith(".jpg")
    stored = local_path(app, g["url"]).read_bytes()
    assert b"secret-gif-comment" not in stored and images.open_bytes(stored).n_frames == 4
    served = await api.get(g["url"].removeprefix("http://roost.test"))
    assert served.headers["content-type"] == "image/gif"


@pytest.mark.parametrize(("fmt", "ctype"), [("webp", "image/webp"), ("png", "image/png")])
async def test_animated_webp_and_apng_uploads_stay_animated(api, app, make, fmt, ctype):
    alice = await make.account()
    r = await upload(api, alice, images.animated(fmt, frames=3), f"x.{fmt}", ctype, version="v2")
    body = r.json()
    assert r.status_code == 200 and body["type"] == "image" and body["url"].endswith(f".{fmt}")
    stored = local_path(app, body["url"]).read_bytes()
    assert images.open_bytes(stored).n_frames == 3
    assert b"SpyCam" not in stored and b"secret-text-chunk" not in stored
    served = await api.get(body["url"].removeprefix("http://roost.test"))
    assert served.headers["content-type"] == ctype


async def test_file_type_comes_from_the_bytes_not_the_name(api, app, make):
    alice = await make.account()
    for data, name, ctype in [(b"just some text, honest", "cat.jpg", "image/jpeg"),
                              (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "x.png", "image/png"),
                              (b"<html><script>alert(1)</script>", "x.gif", "image/gif")]:
        r = await upload(api, alice, data, name, ctype)
        assert r.status_code == 422 and r.json()["error"] == "File type not supported"
    # a real PNG sent as "text/plain" called .txt is still a PNG
    r = await upload(api, alice, images.png_with_text(), "notes.txt", "text/plain")
    assert r.status_code == 200 and r.json()["url"].endswith(".png")
    assert await media_count(app.state.db) == 1


async def test_missing_file_is_422(api, make):
    alice = await make.account()
    r = await api.post("/api/v1/media", data={"description": "nothing"}, headers=alice.headers)
    assert r.status_code == 422 and "File" in r.json()["error"]
    r = await upload(api, alice, b"", "empty.jpg")
    assert r.status_code == 422


async def test_decompression_bomb_is_refused(api, app, make):
    alice = await make.account()
    for w, h in [(100_000, 100_000), (8000, 6000)]:
        r = await upload(api, alice, images.bomb_png(w, h), "bomb.png", "image/png")
        assert r.status_code == 422 and "too large" in r.json()["error"], r.text
    assert stored_files(app) == [] and await media_count(app.state.db) == 0


@pytest.mark.parametrize("settings_overrides", [{"max_upload_bytes": 50_000}], indirect=True)
async def test_oversized_upload_is_refused_and_nothing_is_written(api, app, make):
    alice = await make.account()
    fits = images.noise_png((120, 120))   # ~43 KB
    big = images.noise_png((160, 160))    # ~77 KB: passes the body check, caught reading the file
    huge = images.noise_png((400, 400))   # ~480 KB: refused from its Content-Length
    assert len(fits) < 50_000
    assert 50_000 < len(big) < 50_000 + 64 * 1024 < len(huge)
    for data in (big, huge):
        r = await upload(api, alice, data, "big.png", "image/png")
        assert r.status_code == 413, r.text
        assert r.json()["error"].startswith("File is too large")
    assert stored_files(app) == [] and await media_count(app.state.db) == 0
    assert (await upload(api, alice, fits, "ok.png", "image/png")).status_code == 200


@pytest.mark.parametrize("settings_overrides", [{"max_upload_bytes": 50_000}], indirect=True)
async def test_oversized_chunked_upload_without_length_is_refused(api, app, make):
    alice = await make.account()
    boundary = "roostboundary"
    payload = images.noise_png((400, 400))
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.png\"\r\n"
            "Content-Type: image/png\r\n\r\n").encode()

    async def body():
        yield head
        for i in range(0, len(payload), 16 * 1024):
            yield payload[i:i + 16 * 1024]
        yield f"\r\n--{boundary}--\r\n".encode()

    r = await api.post("/api/v1/media", content=body(), headers={
        **alice.headers, "Content-Type": f"multipart/form-data; boundary={boundary}"})
    assert r.status_code == 413, r.text
    assert stored_files(app) == [] and await media_count(app.state.db) == 0


async def test_update_description_and_focus(api, db, make):
    alice = await make.account()
    media = (await upload(api, alice, images.gif(1), "x.gif", "image/gif")).json()
    r = await api.put(f"/api/v1/media/{media['id']}", data={"description": "Now with alt text",
                                                            "focus": "-1,1"}, headers=alice.headers)
    assert r.status_code == 200, r.text
    assert r.json()["description"] == "Now with alt text"
    assert r.json()["meta"]["focus"] == {"x": -1.0, "y": 1.0}
    r = await api.put(f"/api/v1/media/{media['id']}", json={"description": "JSON works too"},
                      headers=alice.headers)
    assert r.json()["description"] == "JSON works too" and r.json()["meta"]["focus"]["x"] == -1.0
    got = await api.get(f"/api/v1/media/{media['id']}", headers=alice.headers)
    assert got.status_code == 200 and got.json()["description"] == "JSON works too"
    async with db.session() as s:
        updates = (await s.execute(select(Event).where(Event.type == "media.updated")
                                   .order_by(Event.seq))).scalars().all()
    assert [e.data["fields"] for e in updates] == [["description", "focus"], ["description"]]


@pytest.mark.parametrize("fields,message", [
    ({"description": "x" * 1501}, "too long"),
    ({"focus": "2,0"}, "between"),
    ({"focus": "0.5"}, "two numbers"),
    ({"focus": "nan,0"}, "between"),
    ({"focus": "a,b"}, "two numbers"),
])
async def test_bad_description_or_focus_is_422(api, app, make, fields, message):
    alice = await make.account()
    r = await upload(api, alice, images.gif(1), "x.gif", "image/gif", **fields)
    assert r.status_code == 422 and message in r.json()["error"]
    media = (await upload(api, alice, images.gif(1), "x.gif", "image/gif")).json()
    r = await api.put(f"/api/v1/media/{media['id']}", data=fields, headers=alice.headers)
    assert r.status_code == 422 and message in r.json()["error"]
    assert len(stored_files(app)) == 2  # only the good upload's original and thumbnail


async def test_description_of_1500_characters_is_fine(api, make):
    alice = await make.account()
    r = await upload(api, alice, images.gif(1), "x.gif", "image/gif", description="é" * 1500)
    assert r.status_code == 200 and len(r.json()["description"]) == 1500


async def test_authorisation(api, make):
    alice, bob = await make.account(), await make.account()
    media = (await upload(api, alice, images.gif(1), "x.gif", "image/gif")).json()
    path = f"/api/v1/media/{media['id']}"
    files = {"file": ("x.gif", images.gif(1), "image/gif")}

    for version in ("v1", "v2"):
        assert (await api.post(f"/api/{version}/media", files=files)).status_code == 401
    assert (await api.get(path)).status_code == 401
    assert (await api.put(path, data={"description": "x"})).status_code == 401
    assert (await api.delete(path)).status_code == 401

    read_only = {"Authorization": f"Bearer {await make.token(alice, ['read'])}"}
    assert (await api.post("/api/v1/media", files=files, headers=read_only)).status_code == 403
    assert (await api.get(path, headers=read_only)).status_code == 403
    assert (await api.put(path, data={"description": "x"}, headers=read_only)).status_code == 403
    granular = {"Authorization": f"Bearer {await make.token(alice, ['write:media'])}"}
    assert (await api.get(path, headers=granular)).status_code == 200

    for call in (api.get(path, headers=bob.headers),
                 api.put(path, data={"description": "mine now"}, headers=bob.headers),
                 api.delete(path, headers=bob.headers)):
        r = await call
        assert r.status_code == 404 and r.json() == {"error": "Record not found"}
    for bad in ("123", "abc", "9" * 30):
        assert (await api.get(f"/api/v1/media/{bad}", headers=alice.headers)).status_code == 404
    still = await api.get(path, headers=alice.headers)
    assert still.json()["description"] is None


async def test_post_with_image_and_alt_text(api, app, make):
    alice = await make.account()
    media = (await upload(api, alice, images.jpeg_with_gps(), description="Red bar on white")).json()
    r = await api.post("/api/v1/statuses", json={"status": "look", "media_ids": [media["id"]]},
                       headers=alice.headers)
    assert r.status_code == 200, r.text
    status = (await api.get(f"/api/v1/statuses/{r.json()['id']}")).json()
    [attached] = status["media_attachments"]
    assert attached["id"] == media["id"] and attached["description"] == "Red bar on white"
    assert attached["url"] == media["url"] and attached["blurhash"] == media["blurhash"]
    assert (await api.get(attached["url"].removeprefix("http://roost.test"))).status_code == 200

    # Once posted, the upload is no longer editable through /api/v1/media (as Mastodon).
    path = f"/api/v1/media/{media['id']}"
    assert (await api.get(path, headers=alice.headers)).status_code == 404
    assert (await api.put(path, data={"description": "x"}, headers=alice.headers)).status_code == 404
    r = await api.delete(path, headers=alice.headers)
    assert r.status_code == 422 and "used by a status" in r.json()["error"]
    assert local_path(app, media["url"]).exists()


async def test_delete_unattached_media_removes_files(api, app, make):
    alice = await make.account()
    media = (await upload(api, alice, images.gif(1), "x.gif", "image/gif")).json()
    files = [local_path(app, media["url"]), local_path(app, media["preview_url"])]
    assert all(f.exists() for f in files)
    r = await api.delete(f"/api/v1/media/{media['id']}", headers=alice.headers)
    assert r.status_code == 200 and r.json() == {}
    assert not any(f.exists() for f in files)
    assert (await api.get(f"/api/v1/media/{media['id']}", headers=alice.headers)).status_code == 404


@pytest.mark.parametrize("path", [
    "/media/../test.db",
    "/media/%2e%2e/%2e%2e/etc/passwd",
    "/media/attachments/%2e%2e/%2e%2e/%2e%2e/test.db",
    "/media/..%2f..%2fsecret.jpg",
    "/media//etc/passwd.jpg",
    "/media/attachments\\..\\x.jpg",
    "/media/attachments/.tmp-abc.jpg",
    "/media/attachments/none.jpg",
    "/media/",
    "/static/../config.py",
    "/static/%2e%2e/config.py",
    "/static/%2e%2e/media/routes.py",
])
async def test_path_traversal_is_404(api, app, path):
    secret = media_dir(app).parent / "secret.jpg"
    secret.parent.mkdir(parents=True, exist_ok=True)
    secret.write_bytes(b"not for you")
    r = await api.get(path)
    assert r.status_code == 404, (path, r.status_code)
    assert b"not for you" not in r.content


async def test_symlink_out_of_media_dir_is_404(api, app):
    secret = media_dir(app).parent / "secret.jpg"
    secret.write_bytes(b"not for you")
    (media_dir(app) / "attachments").mkdir(parents=True, exist_ok=True)
    (media_dir(app) / "attachments" / "link.jpg").symlink_to(secret)
    assert (await api.get("/media/attachments/link.jpg")).status_code == 404


async def test_static_default_pictures_are_served(api, make):
    alice = await make.account()
    me = (await api.get("/api/v1/accounts/verify_credentials", headers=alice.headers)).json()
    assert me["avatar"] == "http://roost.test/static/avatar-missing.png"
    for url in (me["avatar"], me["header"]):
        got = await api.get(url.removeprefix("http://roost.test"))
        assert got.status_code == 200 and got.headers["content-type"] == "image/png"
        assert got.content[:8] == b"\x89PNG\r\n\x1a\n"
        assert got.headers["x-content-type-options"] == "nosniff"
