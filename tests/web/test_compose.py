"""The composer through HTTP: GET /compose (new post, reply prefill), POST /compose (text, reply,
content warning, visibility, language, pictures with alt text, refusals that keep the input and
write nothing, CSRF, sign-in), and the composer on the home page."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import func, select

from roost.models import Event, MediaAttachment, Status
from tests.api.test_media import local_path, stored_files
from tests.media import images
from tests.querycount import counting_queries
from tests.web.conftest import csrf_of, sign_in


@pytest.fixture
def settings_overrides(request) -> dict:
    return getattr(request, "param", {})


async def _count(db, model) -> int:  # noqa: ANN001
    async with db.session() as s:
        return (await s.execute(select(func.count()).select_from(model))).scalar_one()


async def _status(api, person, status_id: str) -> dict:  # noqa: ANN001
    r = await api.get(f"/api/v1/statuses/{status_id}", headers=person.headers)
    assert r.status_code == 200, r.text
    return r.json()


async def _compose(api, fields: dict | None = None, files: dict | None = None,
                   path: str = "/compose"):  # noqa: ANN001, ANN202
    page = await api.get(path)
    assert page.status_code == 200, page.text
    data = {"csrf_token": csrf_of(page.text), **(fields or {})}
    return await api.post("/compose", data=data, files=files)


def _posted_id(r, username: str) -> str:  # noqa: ANN001
    assert r.status_code == 303, r.text
    m = re.fullmatch(rf"/@{username}/(\d+)", r.headers["location"])
    assert m, r.headers["location"]
    return m.group(1)


async def test_signed_out_goes_to_login(api):
    r = await api.get("/compose?in_reply_to=5")
    assert r.status_code == 303
    assert r.headers["location"] == "/login?next=/compose%3Fin_reply_to%3D5"


async def test_compose_page_has_the_fields_with_preferences_as_defaults(api, make):
    alice = await make.account("alice")
    r = await api.patch("/api/v1/accounts/update_credentials", headers=alice.headers,
                        data={"source[privacy]": "unlisted", "source[language]": "de"})
    assert r.status_code == 200, r.text
    await sign_in(api, alice)
    page = await api.get("/compose")
    assert page.status_code == 200
    text = page.text
    assert 'enctype="multipart/form-data"' in text and 'action="/compose"' in text
    assert re.search(r'<label class="visually-hidden" for="composer-new-text">', text)
    assert 'name="status"' in text and 'name="spoiler_text"' in text and 'name="cw"' in text
    assert re.search(r'<option value="unlisted" title="[^"]*" selected>Quiet public</option>', text)
    assert '<option value="de" selected>German</option>' in text
    for i in range(4):
        assert f'name="file_{i}"' in text and f'name="description_{i}"' in text
    assert 'name="file_4"' not in text
    assert 'data-max-chars="500"' in text and "500 left" in text
    assert "Mentioned people only" in text and "Followers only" in text


async def test_post_text(api, make):
    alice = await make.account("alice")
    await sign_in(api, alice)
    r = await _compose(api, {"status": "hello from the web #roost", "draft_key": "new"})
    sid = _posted_id(r, "alice")
    assert "roost_posted=new" in r.headers["set-cookie"]
    st = await _status(api, alice, sid)
    assert "hello from the web" in st["content"] and st["tags"][0]["name"] == "roost"
    assert st["visibility"] == "public" and st["spoiler_text"] == ""


async def test_cw_visibility_language_saved(api, make):
    alice = await make.account("alice")
    await sign_in(api, alice)
    r = await _compose(api, {"status": "spoilers ahead", "cw": "1", "spoiler_text": "film plot",
                             "visibility": "private", "language": "fr"})
    st = await _status(api, alice, _posted_id(r, "alice"))
    assert st["spoiler_text"] == "film plot" and st["sensitive"] is True
    assert st["visibility"] == "private" and st["language"] == "fr"
    # a warning typed but switched off is not used
    r = await _compose(api, {"status": "no warning", "spoiler_text": "left over"})
    st = await _status(api, alice, _posted_id(r, "alice"))
    assert st["spoiler_text"] == ""


async def test_reply_prefills_mentions_cw_and_stricter_visibility(api, make):
    alice, bob, carol = (await make.account("alice"), await make.account("bob"),
                         await make.account("carol"))
    parent = await make.post(bob, "@alice @carol secret plans", visibility="private",
                             spoiler_text="plans")
    await make.follow(alice, bob)
    await sign_in(api, alice)
    page = await api.get(f"/compose?in_reply_to={parent.id}")
    assert page.status_code == 200
    text = html.unescape(page.text)
    assert "Replying to" in text and "secret plans" in text
    area = re.search(r'<textarea id="composer-reply-\d+-text"[^>]*>([^<]*)</textarea>', text)
    assert area and area.group(1) == "@bob @carol "  # the author first, never yourself
    assert re.search(r'<option value="private"[^>]*selected>', text)
    assert 'name="cw" value="1" class="cw-check" checked' in text
    assert 'value="plans"' in text
    assert f'name="in_reply_to_id" value="{parent.id}"' in text

    r = await api.post("/compose", data={"csrf_token": csrf_of(page.text), "status": "@bob @carol yes",
                                         "in_reply_to_id": str(parent.id), "visibility": "private",
                                         "cw": "1", "spoiler_text": "plans",
                                         "draft_key": f"reply-{parent.id}"})
    st = await _status(api, alice, _posted_id(r, "alice"))
    assert st["in_reply_to_id"] == str(parent.id) and st["visibility"] == "private"
    assert {m["acct"] for m in st["mentions"]} == {"bob", "carol"}
    assert f"roost_posted=reply-{parent.id}" in r.headers["set-cookie"]


async def test_public_reply_keeps_your_default(api, make):
    alice, bob = await make.account("alice"), await make.account("bob")
    parent = await make.post(bob, "hello")
    await sign_in(api, alice)
    page = await api.get(f"/compose?in_reply_to={parent.id}")
    assert re.search(r'<option value="public"[^>]*selected>', page.text)
    assert 'class="cw-check" checked' not in page.text


async def test_reply_to_invisible_or_deleted_post_is_404(api, make, db):
    alice, bob = await make.account("alice"), await make.account("bob")
    hidden = await make.post(bob, "followers only", visibility="private")
    gone = await make.post(bob, "deleted soon")
    r = await api.delete(f"/api/v1/statuses/{gone.id}", headers=bob.headers)
    assert r.status_code == 200
    await sign_in(api, alice)
    for target in (hidden.id, gone.id, 12345, "nonsense"):
        assert (await api.get(f"/compose?in_reply_to={target}")).status_code == 404, target
    before = await _count(db, Status)
    r = await _compose(api, {"status": "hi", "in_reply_to_id": str(hidden.id)})
    assert r.status_code == 404 and "Page not found" in r.text
    assert await _count(db, Status) == before


async def test_image_with_alt_text_is_stored_without_metadata(api, app, make):
    alice = await make.account("alice")
    await sign_in(api, alice)
    r = await _compose(api, {"status": "", "description_0": "A red bar on white", "sensitive": "1"},
                       files={"file_0": ("photo.jpg", images.jpeg_with_gps(), "image/jpeg"),
                              "file_1": ("", b"", "application/octet-stream")})
    st = await _status(api, alice, _posted_id(r, "alice"))
    assert len(st["media_attachments"]) == 1 and st["sensitive"] is True
    m = st["media_attachments"][0]
    assert m["description"] == "A red bar on white" and m["type"] == "image"
    assert m["meta"]["original"]["width"] == 200  # rotated by its EXIF orientation, as the API does
    original = local_path(app, m["url"]).read_bytes()
    for marker in (b"Exif", b"SpyCam", b"secret-comment", b"ICC_PROFILE"):
        assert marker not in original
    assert local_path(app, m["preview_url"]).is_file()  # the thumbnail, made in the request
    assert m["blurhash"]
    # the thread shows the picture with its alt text
    thread = await api.get(f"/api/v1/statuses/{st['id']}", headers=alice.headers)
    assert thread.json()["media_attachments"][0]["description"] == "A red bar on white"


async def test_invalid_image_writes_nothing_and_keeps_the_text(api, app, make, db):
    alice = await make.account("alice")
    await sign_in(api, alice)
    statuses, media, events = (await _count(db, Status), await _count(db, MediaAttachment),
                               await _count(db, Event))
    r = await _compose(api, {"status": "look at this", "description_0": "first",
                             "description_1": "broken"},
                       files={"file_0": ("ok.png", images.png_with_text(), "image/png"),
                              "file_1": ("bad.jpg", b"this is not an image", "image/jpeg")})
    assert r.status_code == 422
    assert "File type not supported." in r.text and "Choose your images again." in r.text
    assert ">look at this</textarea>" in r.text and ">broken</textarea>" in r.text
    assert await _count(db, Status) == statuses
    assert await _count(db, MediaAttachment) == media
    assert await _count(db, Event) == events
    assert stored_files(app) == []


async def test_empty_post_is_refused(api, make, db):
    alice = await make.account("alice")
    await sign_in(api, alice)
    before = await _count(db, Status)
    r = await _compose(api, {"status": "   ", "visibility": "unlisted"})
    assert r.status_code == 422 and "Write something or add an image." in r.text
    assert re.search(r'<option value="unlisted"[^>]*selected>', r.text)
    assert await _count(db, Status) == before


async def test_too_long_keeps_the_text_and_says_the_count(api, make, db):
    alice = await make.account("alice")
    await sign_in(api, alice)
    before = await _count(db, Status)
    long = "word " * 120  # 600 characters
    r = await _compose(api, {"status": long, "cw": "1", "spoiler_text": "cw"})
    assert r.status_code == 422
    assert "Your post is 602 characters long; the limit is 500." in r.text
    assert f">{long}</textarea>" in r.text and 'value="cw"' in r.text
    assert "-102 left" in r.text and 'class="char-count over"' in r.text
    assert await _count(db, Status) == before
    # a link counts as 23 characters, as on the server's check
    url = "https://example.com/" + "a" * 600
    r = await _compose(api, {"status": f"see {url}"})
    assert r.status_code == 303


async def test_csrf_missing_is_403(api, make, db):
    alice = await make.account("alice")
    await sign_in(api, alice)
    before = await _count(db, Status)
    r = await api.post("/compose", data={"status": "forged"})
    assert r.status_code == 403 and "This form has expired" in r.text
    assert await _count(db, Status) == before


async def test_post_signed_out_goes_to_login(api):
    page = await api.get("/login")
    r = await api.post("/compose", data={"csrf_token": csrf_of(page.text), "status": "hi"})
    assert r.status_code == 303 and r.headers["location"] == "/login"


@pytest.mark.parametrize("settings_overrides", [{"rate_limits_enabled": True,
                                                 "rate_limit_per_token": 2,
                                                 "rate_limit_per_ip": 1000}], indirect=True)
async def test_rate_limit_says_so(api, make, db):
    alice = await make.account("alice")
    await sign_in(api, alice)
    for i in range(2):
        assert (await _compose(api, {"status": f"post {i}"})).status_code == 303
    r = await _compose(api, {"status": "one too many"})
    assert r.status_code == 429 and "You are posting too fast" in r.text
    assert ">one too many</textarea>" in r.text


async def test_home_has_the_composer_and_posting_returns_home(api, make, app):
    alice = await make.account("alice")
    await sign_in(api, alice)
    home = await api.get("/home")
    assert 'id="composer-new"' in home.text and 'name="next" value="/home"' in home.text
    r = await api.post("/compose", data={"csrf_token": csrf_of(home.text), "status": "from home",
                                         "next": "/home"})
    assert r.status_code == 303 and r.headers["location"] == "/home"
    assert "from home" in (await api.get("/home")).text
    # an address off the site is not followed
    r = await api.post("/compose", data={"csrf_token": csrf_of(home.text), "status": "again",
                                         "next": "//evil.example"})
    assert r.status_code == 303 and r.headers["location"].startswith("/@alice/")


async def test_compose_page_costs_a_fixed_number_of_queries(api, make, app):
    alice, bob = await make.account("alice"), await make.account("bob")
    parent = await make.post(bob, "hello")
    await sign_in(api, alice)
    await api.get("/compose")  # fills the Discover column's per-process cache
    with counting_queries(app) as plain:
        assert (await api.get("/compose")).status_code == 200
    with counting_queries(app) as reply:
        assert (await api.get(f"/compose?in_reply_to={parent.id}")).status_code == 200
    assert plain.n <= 10 and reply.n <= plain.n + 10, (plain.n, reply.n)


@pytest.mark.parametrize("settings_overrides", [{"max_upload_bytes": 4096}], indirect=True)
async def test_too_large_image_is_refused_with_the_limit(api, app, make, db):
    alice = await make.account("alice")
    await sign_in(api, alice)
    big = images.jpeg_with_gps(size=(800, 600))
    assert len(big) > 4096
    r = await _compose(api, {"status": "big one"},
                       files={"file_0": ("big.jpg", big, "image/jpeg")})
    assert r.status_code == 422 and "File is too large" in r.text
    assert ">big one</textarea>" in r.text
    assert await _count(db, MediaAttachment) == 0 and stored_files(app) == []
