"""Account settings in the browser (/settings/profile, /settings/password), through HTTP."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image

from tests.web.conftest import PASSWORD, csrf_of, sign_in


def png(size: tuple[int, int] = (64, 64), colour: str = "teal") -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, colour).save(buf, "PNG")
    return buf.getvalue()


def profile_form(token: str, **changes) -> dict:
    data = {"csrf_token": token, "display_name": "Alice Liddell", "note": "Down the #rabbit hole",
            "fields_attributes[0][name]": "Website", "fields_attributes[0][value]": "https://alice.example",
            "fields_attributes[1][name]": "Pronouns", "fields_attributes[1][value]": "she/her",
            "fields_attributes[2][name]": "", "fields_attributes[2][value]": "",
            "locked": "1", "discoverable": "1"}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


async def me(api, person) -> dict:  # noqa: ANN001
    r = await api.get("/api/v1/accounts/verify_credentials", headers=person.headers)
    assert r.status_code == 200
    return r.json()


@pytest.mark.parametrize("path", ["/settings", "/settings/profile", "/settings/password"])
async def test_settings_need_a_signed_in_person(api, path):
    r = await api.get(path)
    assert r.status_code == 303 and r.headers["location"] == f"/login?next={path}"


async def test_settings_redirects_to_profile_with_sub_navigation(api, make):
    alice = await make.account("alice")
    await sign_in(api, alice)
    r = await api.get("/settings")
    assert r.status_code == 303 and r.headers["location"] == "/settings/profile"
    page = await api.get("/settings/profile")
    assert page.status_code == 200
    nav = re.search(r'<nav class="settings-nav".*?</nav>', page.text, re.S).group(0)
    for href, label in (("/settings/profile", "Profile"), ("/settings/password", "Password"),
                        ("/oauth/authorized_applications", "Authorized apps")):
        assert f'href="{href}"' in nav and label in nav
    assert 'href="/settings/profile" aria-current="page"' in nav


async def test_signed_out_post_goes_to_login(api, make):
    page = await api.get("/login")
    r = await api.post("/settings/profile", data=profile_form(csrf_of(page.text)))
    assert r.status_code == 303 and r.headers["location"] == "/login"


async def test_profile_edit_saves_and_the_api_shows_it(api, make):
    alice = await make.account("alice")
    await sign_in(api, alice)
    page = await api.get("/settings/profile")
    r = await api.post("/settings/profile", data=profile_form(csrf_of(page.text)))
    assert r.status_code == 303 and r.headers["location"] == "/settings/profile?saved=1"
    saved = await api.get(r.headers["location"])
    assert 'role="status"' in saved.text and "Saved" in saved.text
    assert 'value="Alice Liddell"' in saved.text and ">Down the #rabbit hole</textarea>" in saved.text

    data = await me(api, alice)
    assert data["display_name"] == "Alice Liddell"
    assert data["source"]["note"] == "Down the #rabbit hole" and "rabbit" in data["note"]
    assert [(f["name"], f["value"]) for f in data["source"]["fields"]] == [
        ("Website", "https://alice.example"), ("Pronouns", "she/her")]
    assert data["locked"] is True and data["discoverable"] is True and data["bot"] is False

    # unchecking a box turns it off
    r = await api.post("/settings/profile", data=profile_form(csrf_of(saved.text), locked=None))
    assert r.status_code == 303
    assert (await me(api, alice))["locked"] is False


async def test_invalid_profile_keeps_input_and_changes_nothing(api, make):
    alice = await make.account("alice", display_name="Old Name")
    await sign_in(api, alice)
    page = await api.get("/settings/profile")
    r = await api.post("/settings/profile",
                       data=profile_form(csrf_of(page.text), display_name="N" * 31, note="kept bio"))
    assert r.status_code == 422
    assert "Display name is too long" in r.text and 'id="display_name-error"' in r.text
    tag = re.search(r'<input[^>]*id="display_name"[^>]*>', r.text).group(0)
    assert 'aria-invalid="true"' in tag and 'value="' + "N" * 31 + '"' in tag
    assert ">kept bio</textarea>" in r.text
    data = await me(api, alice)
    assert data["display_name"] == "Old Name" and data["source"]["note"] == "" and not data["locked"]


async def test_avatar_upload_changes_the_avatar(api, make):
    alice = await make.account("alice")
    await sign_in(api, alice)
    before = (await me(api, alice))["avatar"]
    page = await api.get("/settings/profile")
    assert 'name="remove_avatar"' not in page.text  # nothing to remove yet
    r = await api.post("/settings/profile", data=profile_form(csrf_of(page.text)),
                       files={"avatar": ("me.png", png(), "image/png"),
                              "header": ("", b"", "application/octet-stream")})
    assert r.status_code == 303, r.text
    after = await me(api, alice)
    assert after["avatar"] != before and "avatar-missing" not in after["avatar"]
    assert "header-missing" in after["header"]  # the empty file input left the header alone
    image = await api.get(after["avatar"].replace("http://roost.test", ""))
    assert image.status_code == 200 and image.content[:4] in (b"\x89PNG", b"RIFF", b"\xff\xd8\xff\xe0")

    # and it can be removed again
    page = await api.get("/settings/profile")
    assert 'name="remove_avatar"' in page.text
    r = await api.post("/settings/profile", data=profile_form(csrf_of(page.text), remove_avatar="1"))
    assert r.status_code == 303
    assert "avatar-missing" in (await me(api, alice))["avatar"]


async def test_bad_avatar_file_is_refused_and_nothing_changes(api, make):
    alice = await make.account("alice", display_name="Old Name")
    await sign_in(api, alice)
    page = await api.get("/settings/profile")
    r = await api.post("/settings/profile", data=profile_form(csrf_of(page.text)),
                       files={"avatar": ("me.png", b"this is not an image", "image/png")})
    assert r.status_code == 422
    assert 'id="avatar-error"' in r.text
    tag = re.search(r'<input[^>]*id="avatar"[^>]*>', r.text).group(0)
    assert 'aria-invalid="true"' in tag
    assert 'value="Alice Liddell"' in r.text  # the typed input is kept
    data = await me(api, alice)
    assert "avatar-missing" in data["avatar"]
    assert data["display_name"] == "Old Name" and not data["locked"]  # nothing half-written


async def test_profile_post_needs_csrf(api, make):
    alice = await make.account("alice", display_name="Old Name")
    await sign_in(api, alice)
    r = await api.post("/settings/profile", data=profile_form("forged"))
    assert r.status_code == 403
    assert (await me(api, alice))["display_name"] == "Old Name"


async def _login(api, username: str, password: str) -> int:  # noqa: ANN001
    fresh = await api.get("/login")
    if fresh.status_code == 303:  # still signed in: sign out first
        home = await api.get("/home")
        await api.post("/logout", data={"csrf_token": csrf_of(home.text)})
        fresh = await api.get("/login")
    r = await api.post("/login", data={"csrf_token": csrf_of(fresh.text), "login": username,
                                       "password": password})
    return r.status_code


async def test_password_change(api, make):
    alice = await make.account("alice")
    await sign_in(api, alice)
    page = await api.get("/settings/password")
    assert page.status_code == 200 and 'autocomplete="current-password"' in page.text
    new = "a brand new password"

    wrong = await api.post("/settings/password", data={
        "csrf_token": csrf_of(page.text), "current_password": "not my password",
        "password": new, "password_confirmation": new})
    assert wrong.status_code == 422 and 'id="current_password-error"' in wrong.text
    assert "Current password is invalid" in wrong.text and new not in wrong.text

    mismatch = await api.post("/settings/password", data={
        "csrf_token": csrf_of(page.text), "current_password": PASSWORD,
        "password": new, "password_confirmation": "something else"})
    assert mismatch.status_code == 422 and 'id="password_confirmation-error"' in mismatch.text

    short = await api.post("/settings/password", data={
        "csrf_token": csrf_of(page.text), "current_password": PASSWORD,
        "password": "short", "password_confirmation": "short"})
    assert short.status_code == 422 and "too short" in short.text
    # nothing changed so far: the app token still works
    assert (await api.get("/api/v1/accounts/verify_credentials", headers=alice.headers)).status_code == 200

    r = await api.post("/settings/password", data={
        "csrf_token": csrf_of(page.text), "current_password": PASSWORD,
        "password": new, "password_confirmation": new})
    assert r.status_code == 303 and r.headers["location"] == "/settings/password?saved=1"
    assert "roost_session=" in r.headers["set-cookie"]  # a fresh session for this browser
    done = await api.get(r.headers["location"])
    assert done.status_code == 200 and "Your password is changed" in done.text
    # as change_password does: the other tokens (this app token) are revoked
    assert (await api.get("/api/v1/accounts/verify_credentials", headers=alice.headers)).status_code == 401

    assert await _login(api, "alice", PASSWORD) == 401
    assert await _login(api, "alice", new) == 303


@pytest.mark.parametrize("settings_overrides", [{"login_failures_per_account": 2}])
async def test_wrong_current_passwords_are_limited(api, make):
    alice = await make.account("alice")
    await sign_in(api, alice)
    token = csrf_of((await api.get("/settings/password")).text)
    data = {"csrf_token": token, "current_password": "nope", "password": "a brand new password",
            "password_confirmation": "a brand new password"}
    assert (await api.post("/settings/password", data=data)).status_code == 422
    assert (await api.post("/settings/password", data=data)).status_code == 422
    limited = await api.post("/settings/password", data={**data, "current_password": PASSWORD})
    assert limited.status_code == 429 and "Too many failed" in limited.text
