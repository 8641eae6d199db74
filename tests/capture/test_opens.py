"""Opens (status.opened): a thread page, or an image opened full size, for viewers whose training
consent is "all". Fetching a thread's context is not an open (apps prefetch it)."""

from __future__ import annotations

import io

from PIL import Image

from tests.capture.helpers import consent, events, post
from tests.web.conftest import csrf_of, sign_in


def _png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 10, 10)).save(buf, "PNG")
    return buf.getvalue()


async def _with_image(api, person) -> tuple[dict, str]:  # noqa: ANN001
    media = (await api.post("/api/v2/media", files={"file": ("x.png", _png(), "image/png")},
                            headers=person.headers)).json()
    st = await post(api, person, "a picture", **{"media_ids[]": media["id"]})
    return st, media["id"]


async def test_opens_reported_through_the_api(api, make, db):
    alice, bob = await make.account(), await make.account()
    st, media_id = await _with_image(api, bob)
    other = await post(api, bob, "no picture")
    url = f"/api/v1/roost/statuses/{st['id']}/opened"

    r = await api.post(url, data={"what": "thread"}, headers=alice.headers)
    assert r.status_code == 200 and r.json() == {"recorded": False}  # consent "none"
    await consent(api, alice, "all")
    r = await api.post(url, data={"what": "thread", "feed": "home"}, headers=alice.headers)
    assert r.json() == {"recorded": True}
    r = await api.post(url, json={"what": "image", "media_id": media_id, "feed": "tag:cats"},
                       headers=alice.headers)
    assert r.json() == {"recorded": True}
    for body in ({"what": "image"}, {"what": "image", "media_id": "12"}, {"what": "peek"}):
        assert (await api.post(url, data=body, headers=alice.headers)).status_code == 422, body
    r = await api.post(f"/api/v1/roost/statuses/{other['id']}/opened",
                       data={"what": "image", "media_id": media_id}, headers=alice.headers)
    assert r.status_code == 422  # not this post's image
    assert (await api.post(url, data={"what": "thread"})).status_code == 401
    r = await api.get(f"/api/v1/statuses/{st['id']}/context", headers=alice.headers)
    assert r.status_code == 200

    got = [(e.data["what"], e.data["media_id"], e.data["feed"], e.data["surface"], e.consent)
           for e in await events(db, "status.opened")]
    assert got == [("thread", None, "home", "api", "all"),
                   ("image", media_id, "tag:cats", "api", "all")]


async def test_the_thread_page_and_the_image_beacon_record_opens(api, make, db):
    alice, bob = await make.account(), await make.account("bob_op")
    st, media_id = await _with_image(api, bob)
    await sign_in(api, alice)
    await api.get(f"/@bob_op/{st['id']}")
    assert await events(db, "status.opened") == []  # consent "none"
    await consent(api, alice, "all")
    page = await api.get(f"/@bob_op/{st['id']}")
    assert f'data-opened="/statuses/{st["id"]}/opened" data-media="{media_id}"' in page.text
    r = await api.post(f"/statuses/{st['id']}/opened", data={
        "csrf_token": csrf_of(page.text), "what": "image", "media_id": media_id})
    assert r.status_code == 204
    got = [(e.data["status_id"], e.data["what"], e.data["media_id"], e.data["surface"])
           for e in await events(db, "status.opened")]
    assert got == [(st["id"], "thread", None, "web"), (st["id"], "image", media_id, "web")]
