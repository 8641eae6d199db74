"""ROOST_AI_TEXT_MODERATION=openai: prompts checked by an OpenAI-compatible /moderations on
loopback (tests/ai/fake_servers.py) plus the blocklist; the built-in check decides when the
server cannot be asked."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from roost.models import ModerationDecision
from tests.ai.generations import ROOT

KEY = "sk-moderation-test-key"


@pytest.fixture
def settings_overrides(fake) -> dict:
    return dict(ai_text_moderation="openai", ai_openai_base_url=f"{fake.url}/v1",
                ai_openai_api_key=KEY, ai_openai_moderation_model="omni-moderation-latest",
                ai_openai_timeout=2.0)


async def _decision(db, account_id: int) -> ModerationDecision:  # noqa: ANN001
    async with db.session() as session:
        return (await session.scalars(select(ModerationDecision).where(
            ModerationDecision.account_id == account_id)
            .order_by(ModerationDecision.id.desc()))).first()


async def test_a_flagged_prompt_is_refused_with_the_flagged_category(api, make, db, fake):
    fake.flag = {"stab"}
    alice = await make.account()
    r = await api.post(ROOT, data={"prompt": "a knight about to stab a dragon"},
                       headers=alice.headers)
    assert r.status_code == 422, r.text
    assert r.json()["error"] == "This prompt was refused: it was flagged for violence."
    call = fake.last("/v1/moderations")
    assert call.body == {"input": ["a knight about to stab a dragon"],
                         "model": "omni-moderation-latest"}
    assert call.headers["authorization"] == f"Bearer {KEY}"
    decision = await _decision(db, alice.account.id)
    assert decision.verdict == "refused"
    assert decision.provider == "openai-moderation omni-moderation-latest + blocklist"
    assert decision.categories["violence"] == 0.97


async def test_an_unflagged_prompt_passes_and_the_blocklist_still_applies(api, make, db, fake):
    alice = await make.account()
    r = await api.post(ROOT, data={"prompt": "a lighthouse at dawn"}, headers=alice.headers)
    assert r.status_code == 202, r.text
    assert (await _decision(db, alice.account.id)).verdict == "allowed"
    r = await api.post(ROOT, data={"prompt": "portrait of a subhuman"}, headers=alice.headers)
    assert r.status_code == 422  # the server did not flag it; the blocklist did
    assert "does not allow" in r.json()["error"]


async def test_server_down_falls_back_to_the_builtin_check(api, make, db, fake):
    fake.mode = "500"
    alice = await make.account()
    r = await api.post(ROOT, data={"prompt": "you are a fucking idiot"}, headers=alice.headers)
    assert r.status_code == 422, r.text  # still moderated, by the local model
    decision = await _decision(db, alice.account.id)
    assert decision.provider.endswith("(remote moderation unavailable)")
    assert decision.provider.startswith("alt-profanity-check")
    assert KEY not in decision.provider and KEY not in decision.reason


def test_a_request_waits_at_most_ten_seconds_for_remote_moderation(fake):
    from roost.ai.moderation.service import text_moderator
    from roost.config import Settings

    slow = Settings(ai_text_moderation="openai", ai_openai_base_url=f"{fake.url}/v1",
                    ai_openai_timeout=120)
    assert text_moderator(slow).client.timeout == 10.0
    quick = Settings(ai_text_moderation="openai", ai_openai_base_url=f"{fake.url}/v1",
                     ai_openai_timeout=3)
    assert text_moderator(quick).client.timeout == 3.0
