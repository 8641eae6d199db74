"""Fixtures for running `roost` commands in-process through click's runner."""

from __future__ import annotations

import os

import pytest
from click.testing import CliRunner

from roost.cli import main


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    """A fresh data directory, with every ROOST_* setting but the test URLs cleared."""
    for key in list(os.environ):
        if key.startswith("ROOST_") and not key.startswith("ROOST_TEST_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("ROOST_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


@pytest.fixture
def roost(data_dir):
    """invoke("admin", "list-users", ...) -> click's Result, exceptions not caught."""
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None):
        return runner.invoke(main, list(args), input=input, catch_exceptions=False)

    return invoke
