"""POST /api/v1/accounts in each registration mode, and the approval queue."""

from __future__ import annotations

import asyncio
import time

import pytest
from sqlalchemy import select

from roost.accounts.service import approve_user
from roost.models import Event, User

PASSWORD = "a long enough password"


async def app_token(api, scopes: str = "read write", ask: str | None = None) -> dict[str, str]:
    app = (await api.post("/api/v1/apps", json={"client_name": "Signup", "scopes": scopes,
                                                 "redirect_uris": "urn:ietf:wg:oauth:2.0:oob"})).json()
    tok = (await api.post("/oauth/token", json={"grant_type": "client_credentials",
                                                "client_id": app["client_id"],
                                                "client_secret": app["client_secret"],
                                                "scope": ask or scopes})).json()
    return {"Authorization": f"Bearer {tok['access_token']}"}


def signup(username: str = "newbie", **extra) -> dict:
    return {"username": username, "email": f"{username}@example.org", "password": PASSWORD,
            "agreement": "true", "locale": "en", **extra}


async def test_open_registration_gives_a_working_token(api):
    h = await app_token(api)
    r = await api.post("/api/v1/accounts", data=signup(), headers=h)
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) == {"access_token", "token_type", "scope", "created_at"}
    assert body["scope"] == "read write"
    me = {"Authorization": f"Bearer {body['access_token']}"}
    post = await api.post("/api/v1/statuses", json={"status": "first!"}, headers=me)
    assert post.status_code == 200 and post.json()["account"]["username"] == "newbie"


async def test_registration_needs_an_app_token_with_write_accounts(api):
    assert (await api.post("/api/v1/accounts", data=signup())).status_code == 401
    read_only = await app_token(api, scopes="read")
    assert (await api.post("/api/v1/accounts", data=signup(), headers=read_only)).status_code == 403
    granular = await app_token(api, scopes="read write:accounts")
    r = await api.post("/api/v1/accounts", data=signup("granular"), headers=granular)
    assert r.status_code == 200, r.text


async def test_validation_errors_have_details(api, make):
    await make.account("taken")
    h = await app_token(api)
    r = await api.post("/api/v1/accounts", json=signup("taken"), headers=h)
    assert r.status_code == 422
    assert r.json()["details"]["username"][0]["error"] == "ERR_TAKEN"
    assert isinstance(r.json()["error"], str)
    r = await api.post("/api/v1/accounts", json=signup("fresh", agreement=False), headers=h)
    assert r.status_code == 422 and r.json()["details"]["agreement"][0]["error"] == "ERR_ACCEPTED"
    r = await api.post("/api/v1/accounts", json=signup("fresh", password="short"), headers=h)
    assert r.status_code == 422 and "password" in r.json()["details"]
    r = await api.post("/api/v1/accounts", json=signup("fresh", email="not-an-email"), headers=h)
    assert r.status_code == 422 and "email" in r.json()["details"]
    r = await api.post("/api/v1/accounts", json=signup("bad name!"), headers=h)
    assert r.status_code == 422 and "username" in r.json()["details"]


@pytest.mark.parametrize("settings_overrides", [{"registrations": "closed"}])
async def test_closed_registrations(api):
    h = await app_token(api)
    r = await api.post("/api/v1/accounts", data=signup(), headers=h)
    assert r.status_code == 403 and r.json() == {"error": "Registrations are closed"}


@pytest.mark.parametrize("settings_overrides", [{"registrations": "approval"}])
async def test_approval_mode(api, db):
    h = await app_token(api)
    r = await api.post("/api/v1/accounts", data=signup("waiting", reason="I like birds"), headers=h)
    assert r.status_code == 200, r.text
    me = {"Authorization": f"Bearer {r.json()['access_token']}"}
    refused = await api.post("/api/v1/statuses", json={"status": "hi"}, headers=me)
    assert refused.status_code == 403
    assert refused.json() == {"error": "Your login is currently pending approval"}
    async with db.session() as s:
        user = (await s.execute(select(User).where(User.email == "waiting@example.org"))).scalar_one()
    assert user.approved is False and user.sign_up_reason == "I like birds"

    async with db.unit_of_work() as s:
        await approve_user(s, None, await s.get(User, user.id))
    ok = await api.post("/api/v1/statuses", json={"status": "hi"}, headers=me)
    assert ok.status_code == 200
    async with db.session() as s:
        events = (await s.execute(select(Event).where(Event.type == "account.approved"))).scalars().all()
    assert [e.data["account_id"] for e in events] == [str(user.account_id)]
    async with db.unit_of_work() as s:  # twice is a no-op
        await approve_user(s, None, await s.get(User, user.id))
    async with db.session() as s:
        again = (await s.execute(select(Event).where(Event.type == "account.approved"))).scalars().all()
    assert len(again) == 1


@pytest.mark.parametrize("settings_overrides", [{"rate_limits_enabled": True,
                                                 "rate_limit_registrations": 2}])
async def test_registration_is_rate_limited_per_ip(api):
    left = 1800 - time.time() % 1800  # sign-ups count in 30-minute windows
    if left < 10:
        await asyncio.sleep(left + 0.1)
    h = await app_token(api)
    for name in ("one", "two"):
        assert (await api.post("/api/v1/accounts", data=signup(name), headers=h)).status_code == 200
    r = await api.post("/api/v1/accounts", data=signup("three"), headers=h)
    assert r.status_code == 429 and "error" in r.json()
    assert r.headers["x-ratelimit-limit"] == "2" and r.headers["x-ratelimit-remaining"] == "0"
