"""Who may call what: every user-facing endpoint, called by nobody, by a token without the needed
scope, by another user, and by the owner. One table, so a new endpoint is one new line."""

from __future__ import annotations

import io

import pytest
from PIL import Image

# (method, path, needed scope, public read?, what another user gets, what the owner gets)
# Paths use {post} (alice's public post), {private} (alice's followers-only post), {media} (alice's
# unattached upload), {alice} (alice's account id), {note} (a notification for alice).
MATRIX = [
    ("GET", "/api/v1/statuses/{post}", "read:statuses", True, 200, 200),
    ("GET", "/api/v1/statuses/{private}", "read:statuses", False, 404, 200),
    ("GET", "/api/v1/statuses/{private}/context", "read:statuses", False, 404, 200),
    ("GET", "/api/v1/statuses/{private}/history", "read:statuses", False, 404, 200),
    ("GET", "/api/v1/statuses/{private}/favourited_by", "read:accounts", False, 404, 200),
    ("GET", "/api/v1/statuses/{post}/source", "read:statuses", False, 200, 200),
    ("PUT", "/api/v1/statuses/{post}", "write:statuses", False, 403, 200),
    ("DELETE", "/api/v1/statuses/{post}", "write:statuses", False, 403, 200),
    ("POST", "/api/v1/statuses/{post}/pin", "write:accounts", False, 403, 200),
    ("POST", "/api/v1/statuses/{private}/favourite", "write:favourites", False, 404, 200),
    ("POST", "/api/v1/statuses/{private}/bookmark", "write:bookmarks", False, 404, 200),
    ("POST", "/api/v1/statuses/{private}/reblog", "write:statuses", False, 404, 200),
    ("GET", "/api/v1/media/{media}", "write:media", False, 404, 200),
    ("PUT", "/api/v1/media/{media}", "write:media", False, 404, 200),
    ("GET", "/api/v1/accounts/{alice}", "read:accounts", True, 200, 200),
    ("GET", "/api/v1/accounts/{alice}/statuses", "read:statuses", True, 200, 200),
    ("GET", "/api/v1/accounts/verify_credentials", "read:accounts", False, 200, 200),
    ("PATCH", "/api/v1/accounts/update_credentials", "write:accounts", False, 200, 200),
    ("GET", "/api/v1/notifications", "read:notifications", False, 200, 200),
    ("GET", "/api/v1/notifications/{note}", "read:notifications", False, 404, 200),
    ("POST", "/api/v1/notifications/{note}/dismiss", "write:notifications", False, 404, 200),
    ("GET", "/api/v1/timelines/home", "read:statuses", False, 200, 200),
    ("GET", "/api/v1/timelines/public", "read:statuses", True, 200, 200),
    ("GET", "/api/v1/bookmarks", "read:bookmarks", False, 200, 200),
    ("GET", "/api/v1/favourites", "read:favourites", False, 200, 200),
    ("GET", "/api/v1/blocks", "read:blocks", False, 200, 200),
    ("GET", "/api/v1/mutes", "read:mutes", False, 200, 200),
    ("GET", "/api/v1/follow_requests", "read:follows", False, 200, 200),
    ("GET", "/api/v1/accounts/relationships?id[]={alice}", "read:follows", False, 200, 200),
    ("GET", "/api/v1/markers?timeline[]=home", "read:statuses", False, 200, 200),
    ("GET", "/api/v1/preferences", "read:accounts", False, 200, 200),
]


def _png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), (9, 9, 9)).save(buf, "PNG")
    return buf.getvalue()


@pytest.fixture
async def world(api, make, run_jobs):
    alice, bob = await make.account(), await make.account()
    post = (await api.post("/api/v1/statuses", json={"status": "public post"}, headers=alice.headers)).json()
    private = (await api.post("/api/v1/statuses", json={"status": "friends only", "visibility": "private"},
                              headers=alice.headers)).json()
    media = (await api.post("/api/v2/media", files={"file": ("x.png", _png(), "image/png")},
                            headers=alice.headers)).json()
    await make.follow(bob, alice)
    await run_jobs()
    notes = (await api.get("/api/v1/notifications", headers=alice.headers)).json()
    ids = {"post": post["id"], "private": private["id"], "media": media["id"], "alice": alice.id,
           "note": notes[0]["id"]}
    # bob follows alice, so make a third person the "other user" for followers-only checks
    carol = await make.account()
    return alice, carol, ids, make


def _body(method: str, path: str) -> dict:
    if method == "PUT" and "/statuses/" in path:
        return {"json": {"status": "edited"}}
    if method == "PUT" and "/media/" in path:
        return {"json": {"description": "alt"}}
    if method == "PATCH":
        return {"data": {"display_name": "Someone"}}
    return {}


@pytest.mark.parametrize("method,path,scope,public,other,owner", MATRIX,
                         ids=[f"{m} {p}" for m, p, *_ in MATRIX])
async def test_matrix(api, world, method, path, scope, public, other, owner):
    alice, carol, ids, make = world
    url = path.format(**ids)
    kwargs = _body(method, path)

    anon = await api.request(method, url, **kwargs)
    if public:
        assert anon.status_code in (200, 404), anon.text
    else:
        assert anon.status_code in (401, 404), (anon.status_code, anon.text)
        assert "error" in anon.json()

    wrong_scope = "write" if scope.startswith("read") else "read"
    token = await make.token(alice, [wrong_scope])
    r = await api.request(method, url, headers={"Authorization": f"Bearer {token}"}, **kwargs)
    if public:
        assert r.status_code in (200, 403), r.text
    else:
        assert r.status_code == 403, (r.status_code, r.text)

    r = await api.request(method, url, headers=carol.headers, **kwargs)
    assert r.status_code == other, (r.status_code, r.text)

    token = await make.token(alice, [scope])
    r = await api.request(method, url, headers={"Authorization": f"Bearer {token}"}, **kwargs)
    assert r.status_code == owner, (r.status_code, r.text)
