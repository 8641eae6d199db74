"""Rate limits: per IP, per token, failed sign-ins; counted in Redis when configured, else memory."""

from __future__ import annotations

import asyncio
import os
import re
import time

import pytest

from roost.auth.ratelimit import _MemoryCounter, _RedisCounter

PASSWORD = "correct horse battery"


@pytest.fixture
def settings_overrides() -> dict:
    return {"rate_limits_enabled": True, "rate_limit_per_ip": 3, "rate_limit_per_token": 3}


@pytest.fixture(autouse=True)
async def not_at_a_window_edge():
    """Counts reset when a 5-minute window ends; start each test well inside one."""
    left = 300 - time.time() % 300
    if left < 10:
        await asyncio.sleep(left + 0.1)


def test_counter_is_redis_when_configured(app):
    counter = app.state.rate_limiter.counter
    if os.environ.get("ROOST_TEST_REDIS_URL"):
        assert isinstance(counter, _RedisCounter)
    else:
        assert isinstance(counter, _MemoryCounter)


async def test_fourth_anonymous_request_is_429(api, app):
    for remaining in ("2", "1", "0"):
        r = await api.get("/api/v1/instance")
        assert r.status_code == 200
        assert r.headers["x-ratelimit-limit"] == "3"
        assert r.headers["x-ratelimit-remaining"] == remaining
        assert r.headers["x-ratelimit-reset"].endswith("Z")
    r = await api.get("/api/v2/instance")
    assert r.status_code == 429
    assert r.json() == {"error": "Too many requests"}
    assert r.headers["x-ratelimit-limit"] == "3" and r.headers["x-ratelimit-remaining"] == "0"
    # the health check is never limited
    assert (await api.get("/health")).status_code == 200
    if app.state.redis is not None:
        keys = await app.state.redis.keys("roost:rl:ip:*")
        assert keys, "the count should live in Redis"


async def test_tokens_are_counted_separately(api, make):
    alice, bob = await make.account(), await make.account()
    for _ in range(3):
        assert (await api.get("/api/v1/apps/verify_credentials", headers=alice.headers)).status_code == 200
    r = await api.get("/api/v1/apps/verify_credentials", headers=alice.headers)
    assert r.status_code == 429 and "error" in r.json()
    assert r.headers["x-ratelimit-remaining"] == "0"
    assert (await api.get("/api/v1/apps/verify_credentials", headers=bob.headers)).status_code == 200


@pytest.mark.parametrize("settings_overrides", [{"rate_limits_enabled": False,
                                                 "login_failures_per_account": 3}])
async def test_failed_logins_are_limited_even_when_limits_are_off(api, make):
    await make.account("pat")
    await make.account("quinn")
    app = (await api.post("/api/v1/apps", json={"client_name": "c", "redirect_uris": "https://c.example",
                                                 "scopes": "read"})).json()
    grant = {"grant_type": "password", "client_id": app["client_id"], "client_secret": app["client_secret"]}
    for _ in range(3):
        r = await api.post("/oauth/token", data={**grant, "username": "pat", "password": "wrong!"})
        assert r.status_code == 400 and r.json()["error"] == "invalid_grant"
    # now even the right password waits, whether the login is the username or the email
    for login in ("pat", "pat@example.com", "@PAT"):
        r = await api.post("/oauth/token", data={**grant, "username": login, "password": PASSWORD})
        assert r.status_code == 429 and "error" in r.json()
    # another account is not held up
    r = await api.post("/oauth/token", data={**grant, "username": "quinn", "password": PASSWORD})
    assert r.status_code == 200
    # the sign-in form says so as well
    page = await api.get("/oauth/authorize?" + "&".join([
        "response_type=code", f"client_id={app['client_id']}", "redirect_uri=https://c.example"]))
    fields = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', page.text))
    r = await api.post("/oauth/authorize", data={**fields, "login": "pat", "password": PASSWORD})
    assert r.status_code == 429 and "Too many failed login attempts" in r.text


@pytest.mark.parametrize("settings_overrides", [{"rate_limits_enabled": False,
                                                 "login_failures_per_ip": 2}])
async def test_failed_logins_are_limited_per_ip(api, make):
    await make.account("rita")
    app = (await api.post("/api/v1/apps", json={"client_name": "c", "redirect_uris": "https://c.example",
                                                 "scopes": "read"})).json()
    grant = {"grant_type": "password", "client_id": app["client_id"], "client_secret": app["client_secret"]}
    for who in ("ghost1", "ghost2"):
        r = await api.post("/oauth/token", data={**grant, "username": who, "password": "wrong!"})
        assert r.status_code == 400
    r = await api.post("/oauth/token", data={**grant, "username": "rita", "password": PASSWORD})
    assert r.status_code == 429


async def test_memory_counter_keeps_windows_apart():
    c = _MemoryCounter()
    assert await c.hit("a", 300, 305) == 1
    assert await c.hit("b", 1800, 1805) == 1
    assert await c.hit("a", 300, 305) == 2  # another window size did not reset it
    assert await c.get("a", 300) == 2 and await c.get("a", 600) == 0
