"""`roost migrate` makes the assistant's account once, and refuses a name a person holds."""

from __future__ import annotations

import json


def _users(roost) -> dict[str, dict]:
    result = roost("admin", "list-users", "--json")
    assert result.exit_code == 0, result.output
    return {u["username"]: u for u in json.loads(result.stdout)}


def test_migrate_makes_the_assistant_once(roost):
    assert roost("migrate").exit_code == 0
    assert roost("migrate").exit_code == 0
    assert [u for u in _users(roost) if u == "assistant"] == ["assistant"]


def test_a_person_holding_the_name_stops_the_server_from_starting(roost, monkeypatch):
    monkeypatch.setenv("ROOST_AI_ASSISTANT_ENABLED", "false")
    result = roost("admin", "create-user", "helper", "--email", "helper@example.com",
                   "--password", "correct horse battery")
    assert result.exit_code == 0, result.output
    assert "assistant" not in _users(roost)
    monkeypatch.setenv("ROOST_AI_ASSISTANT_ENABLED", "true")
    monkeypatch.setenv("ROOST_AI_ASSISTANT_USERNAME", "helper")
    result = roost("migrate")
    assert result.exit_code == 1
    assert ("Error: The assistant's username @helper belongs to an existing account that is not "
            "the assistant.") in result.output
