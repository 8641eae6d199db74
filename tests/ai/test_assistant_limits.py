"""The assistant's hourly limit per person, and its name taken by a person."""

from __future__ import annotations

import pytest

from roost.accounts.service import create_account
from roost.ai.assistant.account import AssistantNameTaken, ensure_account
from tests.ai.assistant import ON, ask, events, replies


@pytest.fixture
def settings_overrides() -> dict:
    return {**ON, "ai_assistant_per_hour": 1}


async def test_over_the_hourly_limit_mentions_go_unanswered(api, make, db, run_jobs):
    alice, bob = await make.account(), await make.account()
    first = await ask(api, alice, "@assistant one")
    await run_jobs()
    second = await ask(api, alice, "@assistant two")
    other = await ask(api, bob, "@assistant three")
    await run_jobs()
    assert len(await replies(api, alice, first["id"])) == 1
    assert await replies(api, alice, second["id"]) == []
    assert len(await replies(api, bob, other["id"])) == 1  # the limit is per person
    assert [e["reason"] for e in await events(db, "ai.assistant_declined")] == ["rate_limited"]


async def test_a_person_holding_the_name_is_never_taken_over(app, db):
    settings = app.state.settings.model_copy(update={"ai_assistant_username": "helper"})
    async with db.unit_of_work() as session:
        await create_account(session, username="helper", email="helper@example.com",
                             password="a long enough password")
    async with db.session() as session:
        with pytest.raises(AssistantNameTaken, match="@helper belongs to an existing account"):
            await ensure_account(session, settings)


async def test_the_account_is_made_once(app, db):
    settings = app.state.settings
    async with db.unit_of_work() as session:
        first = await ensure_account(session, settings)
        again = await ensure_account(session, settings)
    assert first.id == again.id and first.bot and "bot" in first.note
