"""`roost datasets build | list | recall | export-events`, in-process through click's runner."""

from __future__ import annotations

import json

import pyarrow.parquet as pq


def test_build_list_recall_and_export(roost, tmp_path):
    assert roost("admin", "create-user", "alice", "--email", "alice@example.com",
                 "--password", "correct horse battery").exit_code == 0
    out = tmp_path / "sets"
    result = roost("datasets", "build", "posts", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "Building posts v1" in result.stdout and "100%  done" in result.stdout
    folder = out / "posts" / "v1"
    assert "0 rows" in result.stdout and str(folder) in result.stdout
    assert json.loads((folder / "manifest.json").read_text())["items"] == 0
    assert pq.read_table(folder / "data" / "train-00000-of-00001.parquet").num_rows == 0

    listed = roost("datasets", "list").stdout
    assert "posts v1  done" in listed
    build_id = listed.split()[0].lstrip("#")
    recalled = roost("datasets", "recall", build_id)
    assert recalled.exit_code == 0 and "recalled" in recalled.stdout and not folder.exists()

    exported = roost("datasets", "export-events", "--out", str(tmp_path / "log"))
    assert exported.exit_code == 0, exported.output
    table = pq.read_table(tmp_path / "log" / "events")  # Hive partitions: day=YYYY-MM-DD
    assert "account.created" in table.column("type").to_pylist()
    assert "day" in table.column_names


def test_unknown_kind_is_refused(roost):
    result = roost("datasets", "build", "everything")
    assert result.exit_code == 2 and "everything" in result.output
