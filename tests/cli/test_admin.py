"""`roost admin`, `migrate`, `config` and `worker --drain` through click's runner, each test on
its own fresh SQLite data directory (the commands apply migrations themselves)."""

from __future__ import annotations

import asyncio
import json

from sqlalchemy import select

from roost.auth.passwords import verify_password
from roost.db import Database
from roost.models import Account, User
from tests.cli.helpers import APPLYING, MIGRATIONS



def users(roost) -> dict[str, dict]:
    result = roost("admin", "list-users", "--json")
    assert result.exit_code == 0, result.output
    return {u["username"]: u for u in json.loads(result.stdout)}


def password_hash(data_dir, username: str) -> str:
    async def go() -> str:
        db = Database(f"sqlite+aiosqlite:///{data_dir / 'roost.db'}")
        try:
            async with db.session() as session:
                return (await session.execute(
                    select(User.password_hash).join(Account, Account.id == User.account_id)
                    .where(Account.username == username))).scalar_one()
        finally:
            await db.dispose()

    return asyncio.run(go())


def test_create_user_then_list_users(roost):
    result = roost("admin", "create-user", "alice", "--email", "alice@example.com",
                   "--password", "correct horse battery", "--admin")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Created @alice (admin")
    assert APPLYING in result.stderr  # progress, kept off stdout

    listed = users(roost)
    assert listed["alice"]["email"] == "alice@example.com"
    assert listed["alice"]["role"] == "admin"
    assert listed["alice"]["state"] == "active"

    table = roost("admin", "list-users")
    assert "@alice" in table.stdout and "admin" in table.stdout


def test_create_user_asks_for_the_password(roost, data_dir):
    result = roost("admin", "create-user", "bob", "--email", "bob@example.com",
                   input="a long password\na long password\n")
    assert result.exit_code == 0, result.output
    assert verify_password(password_hash(data_dir, "bob"), "a long password")


def test_invalid_input_is_one_line(roost):
    roost("admin", "create-user", "carol", "--email", "carol@example.com", "--password", "long enough")
    again = roost("admin", "create-user", "carol", "--email", "other@example.com",
                  "--password", "long enough")
    assert again.exit_code == 1
    assert again.stderr.strip() == "Error: Username is already taken"
    short = roost("admin", "create-user", "dave", "--email", "dave@example.com", "--password", "short")
    assert short.exit_code == 1
    assert short.stderr.strip().startswith("Error: Password is too short")
    missing = roost("admin", "suspend", "nobody")
    assert missing.exit_code == 1
    assert missing.stderr.strip() == "Error: No local user @nobody"


def test_suspend_and_unsuspend(roost):
    roost("admin", "create-user", "erin", "--email", "erin@example.com", "--password", "long enough")
    result = roost("admin", "suspend", "erin")
    assert result.exit_code == 0, result.output
    assert users(roost)["erin"]["state"] == "suspended"
    result = roost("admin", "unsuspend", "@erin")
    assert result.exit_code == 0, result.output
    assert users(roost)["erin"]["state"] == "active"


def test_reset_password(roost, data_dir):
    roost("admin", "create-user", "frank", "--email", "frank@example.com", "--password", "old password")
    result = roost("admin", "reset-password", "frank", "--generate")
    assert result.exit_code == 0, result.output
    new = result.stdout.strip().rsplit(": ", 1)[1]
    stored = password_hash(data_dir, "frank")
    assert verify_password(stored, new)
    assert not verify_password(stored, "old password")

    result = roost("admin", "reset-password", "frank", "--password", "chosen password")
    assert result.exit_code == 0, result.output
    assert "chosen password" not in result.stdout  # only generated passwords are printed
    assert verify_password(password_hash(data_dir, "frank"), "chosen password")


def test_set_role_and_approve(roost):
    roost("admin", "create-user", "gina", "--email", "gina@example.com", "--password", "long enough")
    assert roost("admin", "set-role", "gina", "moderator").exit_code == 0
    assert users(roost)["gina"]["role"] == "moderator"
    bad = roost("admin", "set-role", "gina", "emperor")
    assert bad.exit_code == 2  # click rejects the choice
    assert "already approved" in roost("admin", "approve", "gina").stdout


def test_delete_user_needs_yes_and_the_worker_finishes_it(roost):
    roost("admin", "create-user", "hank", "--email", "hank@example.com", "--password", "long enough")
    refused = roost("admin", "delete-user", "hank")
    assert refused.exit_code == 1
    assert users(roost)["hank"]["state"] == "active"

    assert roost("admin", "delete-user", "hank", "--yes").exit_code == 0
    assert users(roost)["hank"]["state"] == "deleted"
    queued = int(roost("admin", "jobs").stdout.split()[1])
    assert queued >= 1  # the erase job

    drained = roost("worker", "--drain")
    assert drained.exit_code == 0, drained.output
    assert "\nRan " in drained.stdout and "Ran 0 jobs" not in drained.stdout
    assert roost("admin", "jobs").stdout.startswith("queued: 0  running: 0  failed: 0")


def test_migrate_and_check(roost):
    check = roost("migrate", "--check")
    assert check.exit_code == 1
    assert f"Pending migrations: {', '.join(MIGRATIONS)}" in check.stdout
    applied = roost("migrate")
    assert applied.exit_code == 0, applied.output
    assert APPLYING in applied.stdout
    check = roost("migrate", "--check")
    assert check.exit_code == 0
    assert "No pending migrations." in check.stdout


def test_config_show_masks_secrets(roost, monkeypatch):
    monkeypatch.setenv("ROOST_SECRET_KEY", "super-secret-key")
    monkeypatch.setenv("ROOST_DATABASE_URL", "postgresql://roost:db-password@db.internal/roost")
    monkeypatch.setenv("ROOST_REGISTRATIONS", "approval")
    result = roost("config", "show")
    assert result.exit_code == 0, result.output
    assert "super-secret-key" not in result.output and "db-password" not in result.output
    assert "postgresql+asyncpg://roost:***@db.internal/roost" in result.output
    assert "ROOST_REGISTRATIONS" in result.output and "approval   (environment)" in result.output
    as_json = json.loads(roost("config", "show", "--json").stdout)
    assert as_json["ROOST_SECRET_KEY"] == "******** (set)"


def test_version(roost):
    from roost import __version__

    assert roost("version").stdout.startswith(f"roost {__version__} ")
