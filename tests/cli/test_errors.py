"""Mistakes an operator makes print one line (no traceback) and exit non-zero."""

from __future__ import annotations

import socket

import pytest
from click.testing import CliRunner

from roost.cli import main
from tests.cli.helpers import clean_env, error_lines, free_port, roost, run


def test_invalid_configuration_is_one_line(tmp_path):
    result = run(roost("serve", "--port", str(free_port())),
                 clean_env(tmp_path, ROOST_REGISTRATIONS="sometimes"))
    assert result.returncode == 1
    assert error_lines(result) == [
        "Error: Invalid configuration: ROOST_REGISTRATIONS must be one of open, approval, closed"]
    assert "Traceback" not in result.stdout + result.stderr


@pytest.mark.parametrize(("env", "expected"), [
    ({"ROOST_MAX_POST_CHARS": "0"},
     "Error: Invalid configuration: ROOST_MAX_POST_CHARS must be greater than or equal to 1"),
    ({"ROOST_DATABASE_URL": "mysql://roost@localhost/roost"},
     "Error: Invalid configuration: ROOST_DATABASE_URL must start with sqlite+aiosqlite:// or "
     "postgresql+asyncpg://"),
    ({"ROOST_LOG_LEVEL": "loud"},
     "Error: Invalid configuration: ROOST_LOG_LEVEL must be one of critical, error, warning, info, debug"),
])
def test_other_invalid_settings_name_the_variable(tmp_path, monkeypatch, env, expected):
    for key, value in clean_env(tmp_path, **env).items():
        if key.startswith("ROOST_"):
            monkeypatch.setenv(key, value)
    result = CliRunner().invoke(main, ["serve", "--port", str(free_port())])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [expected]


def test_unreachable_database_is_one_line(tmp_path):
    url = "postgresql+asyncpg://roost:hunter2@127.0.0.1:1/roost"  # nothing listens on port 1
    result = run(roost("serve", "--port", str(free_port())), clean_env(tmp_path, ROOST_DATABASE_URL=url))
    assert result.returncode == 1
    [line] = error_lines(result)
    assert line.startswith("Error: Cannot reach the database (postgresql+asyncpg://roost:***@127.0.0.1:1/roost): ")
    assert "hunter2" not in result.stdout + result.stderr


def test_admin_commands_report_an_unreachable_database_too(tmp_path):
    url = "postgresql+asyncpg://roost@127.0.0.1:1/roost"
    result = run(roost("admin", "list-users"), clean_env(tmp_path, ROOST_DATABASE_URL=url))
    assert result.returncode == 1
    [line] = error_lines(result)
    assert line.startswith("Error: Cannot reach the database")


def test_unreachable_redis_is_one_line(tmp_path):
    result = run(roost("serve", "--port", str(free_port())),
                 clean_env(tmp_path, ROOST_REDIS_URL="redis://:secret@127.0.0.1:1/0"))
    assert result.returncode == 1
    [line] = error_lines(result)
    assert line.startswith("Error: Cannot reach Redis (redis://:***@127.0.0.1:1/0): ")
    assert "Traceback" not in result.stdout + result.stderr


def test_port_in_use_is_one_line(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run(roost("serve", "--port", str(port)), clean_env(tmp_path))
    assert result.returncode == 1
    assert error_lines(result) == [
        f"Error: Port {port} on 127.0.0.1 is already in use: stop the program using it or "
        "choose another port with --port"]
    assert not (tmp_path / "roost.db").exists()  # it stopped before touching the database


@pytest.mark.parametrize("args", [
    ("admin", "list-users"), ("admin", "suspend", "nobody"), ("admin", "jobs"),
    ("admin", "reports", "list"), ("admin", "trends", "refresh"), ("admin", "emoji", "list"),
    ("admin", "announcements", "publish", "1"),
])
def test_every_admin_command_reports_an_unreachable_database_in_one_line(tmp_path, monkeypatch, args):
    """They all run through `common.in_session`: settings, one unit of work, errors as one line."""
    for key, value in clean_env(tmp_path, ROOST_DATABASE_URL="postgresql+asyncpg://roost:pw@127.0.0.1:1/roost").items():
        if key.startswith("ROOST_"):
            monkeypatch.setenv(key, value)
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 1
    [line] = result.stderr.splitlines()
    assert line.startswith("Error: Cannot reach the database (postgresql+asyncpg://roost:***@127.0.0.1:1/roost): ")
    assert result.stdout == ""
