"""The composer's "Suggest alt text": without JavaScript (the form comes back with the text
filled in, nothing posted) and with it (POST /compose/describe answers JSON); and the
"AI-generated" label on images in the web app."""

from __future__ import annotations

import html
import re

from PIL import Image
from sqlalchemy import func, select

from roost.ai import provenance
from roost.models import MediaAttachment, Status
from tests.ai.images import encode, photo, sign
from tests.web.conftest import csrf_of, sign_in


async def _count(db, model) -> int:  # noqa: ANN001
    async with db.session() as s:
        return (await s.execute(select(func.count()).select_from(model))).scalar_one()


def _alt_of(page: str, index: int) -> str:
    m = re.search(rf'name="description_{index}"[^>]*>([^<]*)</textarea>', page)
    assert m, "no alt text field"
    return html.unescape(m.group(1))


async def test_suggest_without_javascript_fills_the_field_and_posts_nothing(api, make, db):
    alice = await make.account()
    await sign_in(api, alice)
    page = await api.get("/compose")
    r = await api.post("/compose", data={"csrf_token": csrf_of(page.text), "status": "hello",
                                         "suggest_alt": "0", "description_1": "kept"},
                       files={"file_0": ("sign.png", encode(sign("OPEN 24 HOURS")), "image/png")})
    assert r.status_code == 200, r.text
    alt = _alt_of(r.text, 0)
    assert "Text in the image" in alt and "HOURS" in alt
    assert _alt_of(r.text, 1) == "kept" and ">hello</textarea>" in r.text
    assert "Suggested alt text for image 1" in r.text and "choose your images again" in r.text
    assert await _count(db, Status) == 0 and await _count(db, MediaAttachment) == 0


async def test_suggest_without_an_image_says_so(api, make):
    alice = await make.account()
    await sign_in(api, alice)
    page = await api.get("/compose")
    r = await api.post("/compose", data={"csrf_token": csrf_of(page.text), "suggest_alt": "2"})
    assert r.status_code == 422 and "Choose image 3 first" in r.text


async def test_describe_for_the_script_answers_json(api, make, db):
    alice = await make.account()
    assert (await api.post("/compose/describe")).status_code in (303, 401)
    await sign_in(api, alice)
    page = await api.get("/compose")
    plain = {"file": ("blue.png", encode(Image.new("RGB", (20, 20), (20, 60, 220))), "image/png")}
    assert (await api.post("/compose/describe", files=plain)).status_code == 403  # no CSRF token
    r = await api.post("/compose/describe", data={"csrf_token": csrf_of(page.text)}, files=plain)
    assert r.status_code == 200 and r.json() == {"description": "A plain blue image."}
    r = await api.post("/compose/describe", data={"csrf_token": csrf_of(page.text)},
                       files={"file": ("x.png", b"not an image", "image/png")})
    assert r.status_code == 422 and "error" in r.json()
    assert await _count(db, MediaAttachment) == 0


async def test_composer_has_a_suggest_button_per_image(api, make):
    alice = await make.account()
    await sign_in(api, alice)
    page = (await api.get("/compose")).text
    assert page.count('name="suggest_alt"') == page.count('name="description_')


async def test_ai_images_are_labelled_on_the_status_page(api, make):
    alice = await make.account()
    stamped = provenance.stamp(encode(photo()), generator="x", model="y", prompt="p", seed=1,
                               instance="elsewhere.example")
    ids = []
    for data in (stamped, encode(photo())):
        r = await api.post("/api/v2/media", files={"file": ("a.png", data, "image/png")},
                           headers=alice.headers)
        ids.append(r.json()["id"])
    post = await api.post("/api/v1/statuses", data={"status": "two", "media_ids[]": ids},
                          headers=alice.headers)
    page = await api.get(f"/@{alice.account.username}/{post.json()['id']}")
    assert page.status_code == 200
    assert page.text.count('class="media-ai-label"') == 1
