"""Settings → "Your data" and "Delete account", through HTTP (no JavaScript)."""

from __future__ import annotations

import io
import json
import zipfile

from tests.web.conftest import csrf_of, sign_in


async def test_the_pages_need_a_signed_in_person(api):
    for path in ("/settings/data", "/settings/delete"):
        r = await api.get(path)
        assert r.status_code == 303 and r.headers["location"] == f"/login?next={path}"


async def test_requesting_and_downloading_an_archive(api, make, run_jobs):
    alice, bob = await make.account("alice_wd"), await make.account()
    await make.post(alice, "in my archive")
    await sign_in(api, alice)
    page = await api.get("/settings/data")
    assert page.status_code == 200
    assert "You have not asked for an archive yet." in page.text
    assert 'href="/settings/data" aria-current="page"' in page.text

    r = await api.post("/settings/data/archive", data={"csrf_token": csrf_of(page.text)})
    assert r.status_code == 303 and r.headers["location"] == "/settings/data?saved=1"
    page = await api.get("/settings/data?saved=1")
    assert "Your archive is on its way" in page.text and "Being prepared" in page.text

    r = await api.post("/settings/data/archive", data={"csrf_token": csrf_of(page.text)})
    assert r.status_code == 429 and "once every 24 hours" in r.text

    await run_jobs()
    page = await api.get("/settings/data")
    assert "<strong>Ready</strong>" in page.text
    [archive] = (await api.get("/api/v1/roost/archive", headers=alice.headers)).json()
    link = f"/settings/data/archives/{archive['id']}.zip"
    assert f'href="{link}"' in page.text
    r = await api.get(link)
    assert r.status_code == 200 and r.headers["content-type"] == "application/zip"
    assert 'filename="roost-alice_wd-' in r.headers["content-disposition"]
    posts = json.loads(zipfile.ZipFile(io.BytesIO(r.content)).read("posts.json"))
    assert [p["text"] for p in posts] == ["in my archive"]

    api.cookies.clear()
    await sign_in(api, bob)
    assert (await api.get(link)).status_code == 404


async def test_a_request_without_the_form_token_is_refused(api, make):
    alice = await make.account()
    await sign_in(api, alice)
    r = await api.post("/settings/data/archive", data={})
    assert r.status_code in (400, 403)
    assert (await api.get("/api/v1/roost/archive", headers=alice.headers)).json() == []


async def test_deleting_ones_account_needs_the_password(api, make, run_jobs):
    alice = await make.account("alice_del")
    await make.post(alice, "soon gone")
    await sign_in(api, alice)
    page = await api.get("/settings/delete")
    assert page.status_code == 200 and "This cannot be undone." in page.text

    r = await api.post("/settings/delete", data={"csrf_token": csrf_of(page.text),
                                                 "password": "wrong password"})
    assert r.status_code == 422 and "That is not your password." in r.text
    r = await api.post("/settings/delete", data={"csrf_token": csrf_of(r.text)})
    assert r.status_code == 422 and "Enter your password to confirm." in r.text
    assert (await api.get("/api/v1/accounts/verify_credentials",
                          headers=alice.headers)).status_code == 200

    r = await api.post("/settings/delete", data={"csrf_token": csrf_of(r.text),
                                                 "password": "correct horse battery"})
    assert r.status_code == 200 and "Your account is deleted" in r.text
    await run_jobs()
    assert (await api.get("/settings/data")).status_code == 303  # signed out
    assert (await api.get("/api/v1/accounts/verify_credentials",
                          headers=alice.headers)).status_code == 401
    r = await api.get(f"/api/v1/accounts/{alice.id}/statuses")
    assert r.status_code in (404, 410) or r.json() == []
    r = await api.post("/login", data={"csrf_token": csrf_of((await api.get("/login")).text),
                                       "login": "alice_del", "password": "correct horse battery"})
    assert r.status_code != 303
