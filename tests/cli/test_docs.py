"""The settings tables in the docs list every setting (regenerate with scripts/config-table --write)."""

from __future__ import annotations

from pathlib import Path

import pytest

from roost.cli.settings_table import END, FILES, START, table
from roost.config import Settings

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("name", FILES)
def test_docs_list_every_setting(name):
    text = (ROOT / name).read_text()
    block = text.partition(START)[2].partition(END)[0]
    missing = [f"ROOST_{f.upper()}" for f in Settings.model_fields if f"`ROOST_{f.upper()}`" not in block]
    assert not missing, f"{name} lacks {missing}: run scripts/config-table --write"


def test_table_has_a_described_row_per_setting():
    rows = table().splitlines()[2:]
    assert len(rows) == len(Settings.model_fields)
    assert all(row.rstrip(" |").split("|")[-1].strip() for row in rows)
