"""Signing up in the browser (/signup) in each registration mode, through HTTP."""

from __future__ import annotations

import re

import pytest

from roost.accounts import repository as accounts_repo
from tests.web.conftest import csrf_of

PASSWORD = "a long enough password"


def form(token: str, username: str = "newbie", **extra) -> dict:
    return {"csrf_token": token, "username": username, "email": f"{username}@example.org",
            "password": PASSWORD, "password_confirmation": PASSWORD, "agreement": "1", **extra}


async def token_of(api) -> str:
    page = await api.get("/signup")
    assert page.status_code == 200
    return csrf_of(page.text)


async def find(db, username: str):  # noqa: ANN201
    async with db.unit_of_work() as session:
        account = await accounts_repo.by_username(session, username, include_hidden=True)
        user = await accounts_repo.user_for(session, account.id) if account else None
    return account, user


async def test_open_sign_up_signs_in_and_lands_on_home(api, db):
    page = await api.get("/signup")
    assert page.status_code == 200
    for label in ("Username", "Email", "Password", "Confirm password", "Sign up"):
        assert label in page.text
    assert 'name="agreement"' in page.text and 'name="reason"' not in page.text
    r = await api.post("/signup", data=form(csrf_of(page.text)))
    assert r.status_code == 303, r.text
    assert r.headers["location"] == "/home?welcome=1"
    assert "roost_session=" in r.headers["set-cookie"] and "HttpOnly" in r.headers["set-cookie"]

    account, user = await find(db, "newbie")
    assert account is not None and user.approved and user.email == "newbie@example.org"
    assert user.password_hash.startswith("$argon2") and PASSWORD not in user.password_hash

    home = await api.get(r.headers["location"])
    assert home.status_code == 200
    assert "@newbie" in home.text and 'action="/logout"' in home.text
    assert "Welcome to" in home.text and 'href="/settings/profile"' in home.text
    # signed in: /signup sends you home
    again = await api.get("/signup")
    assert again.status_code == 303 and again.headers["location"] == "/home"


async def test_sign_up_goes_to_a_safe_next(api):
    page = await api.get("/signup?next=/local")
    assert 'name="next" value="/local"' in page.text
    r = await api.post("/signup", data=form(csrf_of(page.text), next="/local"))
    assert r.status_code == 303 and r.headers["location"] == "/local"
    r2 = await api.post("/logout", data={"csrf_token": csrf_of((await api.get("/local")).text)})
    assert r2.status_code == 303
    token = await token_of(api)
    r = await api.post("/signup", data=form(token, "other", next="//evil.example/"))
    assert r.status_code == 303 and r.headers["location"] == "/home?welcome=1"


@pytest.mark.parametrize(("username", "changes", "field", "message"), [
    ("taken", {}, "username", "Username is already taken"),
    ("fresh", {"email": "not-an-email"}, "email", "Email is invalid"),
    ("fresh", {"password": "short", "password_confirmation": "short"}, "password", "too short"),
    ("fresh", {"password_confirmation": "something else"}, "password_confirmation", "do not match"),
    ("bad name!", {}, "username", "letters, digits or underscores"),
    ("fresh", {"agreement": ""}, "agreement", "accept the rules"),
])
async def test_invalid_sign_up_shows_the_form_again(api, db, make, username, changes, field, message):
    await make.account("taken")
    data = form(await token_of(api), username, **changes)
    r = await api.post("/signup", data=data)
    assert r.status_code == 422, r.text
    assert message in r.text
    assert f'id="{field}-error"' in r.text
    tag = re.search(rf'<(input|textarea)[^>]*\bid="{field}"[^>]*>', r.text).group(0)
    assert 'aria-invalid="true"' in tag and f"{field}-error" in tag
    # input kept, except passwords
    assert f'value="{data["email"]}"' in r.text
    assert PASSWORD not in r.text and 'value="short"' not in r.text
    assert "roost_session" not in r.headers.get("set-cookie", "")
    if username != "taken":
        account, _ = await find(db, username)
        assert account is None
    assert (await api.get("/home")).status_code == 303  # not signed in


async def test_several_problems_are_named_at_once(api, db):
    data = form(await token_of(api), "x y", email="nope", password="short",
                password_confirmation="short")
    r = await api.post("/signup", data=data)
    assert r.status_code == 422
    for field in ("username", "email", "password"):
        assert f'id="{field}-error"' in r.text
    assert "Please check the 3 fields" in r.text


async def test_sign_up_without_csrf_is_refused(api, db):
    await api.get("/signup")
    data = form("forged")
    r = await api.post("/signup", data=data)
    assert r.status_code == 403 and "expired" in r.text
    data.pop("csrf_token")
    assert (await api.post("/signup", data=data)).status_code == 403
    account, _ = await find(db, "newbie")
    assert account is None


@pytest.mark.parametrize("settings_overrides", [{"registrations": "approval"}])
async def test_approval_sign_up_waits_for_a_moderator(api, db):
    page = await api.get("/signup")
    assert 'name="reason"' in page.text and "moderator" in page.text
    r = await api.post("/signup", data=form(csrf_of(page.text), reason="I like birds"))
    assert r.status_code == 303 and r.headers["location"] == "/signup/pending"
    assert "roost_session" not in r.headers.get("set-cookie", "")
    pending = await api.get("/signup/pending")
    assert pending.status_code == 200 and "awaits a moderator" in pending.text

    account, user = await find(db, "newbie")
    assert account is not None and not user.approved and user.sign_up_reason == "I like birds"
    # not usable until approved
    login = await api.get("/login")
    refused = await api.post("/login", data={"csrf_token": csrf_of(login.text), "login": "newbie",
                                             "password": PASSWORD})
    assert refused.status_code == 403 and "pending approval" in refused.text
    assert (await api.get("/home")).status_code == 303


@pytest.mark.parametrize("settings_overrides", [{"registrations": "closed"}])
async def test_closed_sign_up_has_no_form(api, db):
    page = await api.get("/signup")
    assert page.status_code == 200
    assert "Sign-up is closed" in page.text and 'name="password"' not in page.text
    front = await api.get("/")
    assert 'href="/signup"' not in front.text
    token = csrf_of((await api.get("/login")).text)  # the closed page has no form
    r = await api.post("/signup", data=form(token))
    assert r.status_code == 403 and "Sign-up is closed" in r.text
    account, _ = await find(db, "newbie")
    assert account is None


@pytest.mark.parametrize("settings_overrides", [{"rate_limits_enabled": True,
                                                 "rate_limit_registrations": 2}])
async def test_sign_up_is_rate_limited_per_ip(api, db):
    token = await token_of(api)
    for name in ("one", "two"):
        r = await api.post("/signup", data=form(token, name, email="bad"))
        assert r.status_code == 422
    r = await api.post("/signup", data=form(token, "three"))
    assert r.status_code == 429 and "Too many sign-ups" in r.text
    account, _ = await find(db, "three")
    assert account is None


async def test_login_pages_link_to_sign_up(api, make):
    login = await api.get("/login")
    assert 'href="/signup"' in login.text
    app = (await api.post("/api/v1/apps", json={"client_name": "X", "scopes": "read",
                                                 "redirect_uris": "urn:ietf:wg:oauth:2.0:oob"})).json()
    oauth = await api.get("/oauth/authorize", params={
        "client_id": app["client_id"], "response_type": "code", "scope": "read",
        "redirect_uri": "urn:ietf:wg:oauth:2.0:oob"})
    assert oauth.status_code == 200
    link = re.search(r'href="(/signup\?next=[^"]+)"', oauth.text)
    assert link and "%2Foauth%2Fauthorize" in link.group(1)
    # the OAuth page wears the web app's look
    assert 'class="brand"' in oauth.text and "/static/app." in oauth.text
