"""Moderators read the AI moderation log: the admin API (moderators and admins only, Mastodon
paging) and `roost admin ai-moderation`."""

from __future__ import annotations

import os

import pytest
from click.testing import CliRunner

from roost.accounts.service import create_account
from roost.ai.moderation import service
from roost.cli import main
from roost.cli.common import in_session
from roost.config import Settings
from roost.models import Account

URL = "/api/v1/admin/roost/ai_moderation"


async def headers(make, role: str, scopes=("admin:read",)) -> tuple:  # noqa: ANN001
    person = await make.account(role=role)
    return person, {"Authorization": f"Bearer {await make.token(person, list(scopes))}"}


async def prompts(db, person, texts: list[str]) -> None:  # noqa: ANN001
    async with db.unit_of_work() as session:
        account = await session.get(Account, person.account.id)
        for text in texts:
            await service.moderate_prompt(session, account, text)


async def test_only_moderators_and_admins_read_the_log(api, make):
    _, user = await headers(make, "user")
    assert (await api.get(URL, headers=user)).status_code == 403
    _, plain_scope = await headers(make, "admin", scopes=("read",))
    assert (await api.get(URL, headers=plain_scope)).status_code == 403
    for role in ("moderator", "admin"):
        _, staff = await headers(make, role)
        r = await api.get(URL, headers=staff)
        assert r.status_code == 200 and isinstance(r.json(), list), r.text


async def test_the_log_pages_newest_first_and_filters_by_verdict(api, db, make):
    alice = await make.account()
    await prompts(db, alice, ["a lighthouse at night", "you are a fucking idiot", "a bowl of pears"])
    _, admin = await headers(make, "admin")

    r = await api.get(URL, params={"account_id": alice.id, "limit": 2}, headers=admin)
    first = r.json()
    assert [d["text"] for d in first] == ["a bowl of pears", "you are a fucking idiot"]
    assert 'rel="next"' in r.headers["Link"]
    rest = (await api.get(URL, params={"account_id": alice.id, "max_id": first[-1]["id"]},
                          headers=admin)).json()
    assert [d["text"] for d in rest] == ["a lighthouse at night"]

    [refused] = (await api.get(URL, params={"account_id": alice.id, "verdict": "refused"},
                               headers=admin)).json()
    assert refused["verdict"] == "refused" and refused["subject_kind"] == "prompt"
    assert refused["reason"] == "This prompt was refused: it contains abusive language."
    assert refused["account_id"] == alice.id and refused["username"] == alice.account.username
    assert 0.8 <= refused["categories"]["toxicity"] <= 1 and len(refused["content_sha256"]) == 64


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    for key in list(os.environ):
        if key.startswith("ROOST_") and not key.startswith("ROOST_TEST_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("ROOST_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


def test_the_cli_lists_recent_decisions(data_dir):
    async def work(session):  # noqa: ANN001, ANN202
        account, _ = await create_account(session, username="rita", email="rita@example.com",
                                          password="long enough password")
        await service.moderate_prompt(session, account, "a lighthouse at night")
        await service.moderate_prompt(session, account, "you are a fucking idiot", 99)

    runner = CliRunner()
    assert runner.invoke(main, ["admin", "ai-moderation"]).stdout.strip().endswith(
        "No AI moderation decisions.")
    in_session(Settings(data_dir=data_dir), work)

    listed = runner.invoke(main, ["admin", "ai-moderation"], catch_exceptions=False)
    assert listed.exit_code == 0
    lines = [line for line in listed.stdout.splitlines() if line.startswith("#")]
    assert len(lines) == 2
    assert "refused" in lines[0] and "@rita  prompt #99: 'you are a fucking idiot'" in lines[0]
    assert "allowed" in lines[1] and "'a lighthouse at night'" in lines[1]
    assert "This prompt was refused: it contains abusive language." in listed.stdout

    only = runner.invoke(main, ["admin", "ai-moderation", "--refused", "--limit", "5"]).stdout
    assert "fucking idiot" in only and "lighthouse" not in only
