"""Daily generation quotas (ROOST_AI_DAILY_GENERATIONS), admins exempt; and the timeout."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from tests.ai.generations import PROMPT, ROOT, get, start


@pytest.fixture
def settings_overrides() -> dict:
    return {"ai_daily_generations": 2}


async def test_the_limit_answers_429_and_says_when_it_resets(api, make):
    alice = await make.account()
    r = await api.get(f"{ROOT}/quota", headers=alice.headers)
    assert r.json()["limit"] == 2 and r.json()["used"] == 0 and r.json()["remaining"] == 2
    await start(api, alice)
    await start(api, alice)
    r = await api.post(ROOT, data={"prompt": PROMPT}, headers=alice.headers)
    assert r.status_code == 429, r.text
    q = (await api.get(f"{ROOT}/quota", headers=alice.headers)).json()
    assert (q["used"], q["remaining"]) == (2, 0)
    resets = datetime.fromisoformat(q["resets_at"].replace("Z", "+00:00"))
    assert f"{resets:%Y-%m-%d} 00:00 UTC" in r.json()["error"]
    assert 0 < int(r.headers["Retry-After"]) <= 86400
    now = datetime.now(timezone.utc)
    assert now < resets <= now + timedelta(days=1) and resets.hour == 0
    bob = await make.account()  # the limit is per person
    await start(api, bob)


async def test_admins_are_exempt(api, make):
    root = await make.account(role="admin")
    for _ in range(3):
        await start(api, root, n="1")
    q = (await api.get(f"{ROOT}/quota", headers=root.headers)).json()
    assert q["limit"] is None and q["remaining"] is None and q["used"] == 3


class TestTimeout:
    @pytest.fixture
    def settings_overrides(self) -> dict:
        return {"ai_generation_timeout": 0.001}

    async def test_a_generation_past_the_timeout_fails_clearly(self, api, make, run_jobs):
        alice = await make.account()
        gen = await start(api, alice, n="8")
        await run_jobs()
        after = await get(api, alice, gen["id"])
        assert after["state"] == "failed" and after["candidates"] == []
        assert "longer than 0.001 seconds" in after["error"]
