"""`roost demo --no-serve` seeds the promised community through the services."""

from __future__ import annotations

import sqlite3
import time

from click.testing import CliRunner

from roost.cli import main


def one(db: sqlite3.Connection, sql: str) -> int:
    return db.execute(sql).fetchone()[0]


def test_demo_seeds_a_lively_community(tmp_path, monkeypatch, capsys):
    import os

    for key in list(os.environ):
        if key.startswith("ROOST_") and not key.startswith("ROOST_TEST_"):
            monkeypatch.delenv(key)
    data = tmp_path / "demo"
    started = time.perf_counter()
    result = CliRunner().invoke(main, ["demo", "--no-serve", "--data-dir", str(data), "--port", "8123"],
                                catch_exceptions=False)
    seconds = time.perf_counter() - started
    assert result.exit_code == 0, result.output
    with capsys.disabled():
        print(f"\n[roost demo] seeded in {seconds:.1f} s")
    assert "Log in as @ada (ada@example.com) with the password 'roost-demo'" in result.stdout

    db = sqlite3.connect(data / "roost.db")
    assert one(db, "select count(*) from accounts") == 36
    following = [n for (n,) in db.execute("select following_count from accounts where bot = 0")]
    assert sum(5 <= n <= 20 for n in following) >= 30
    followers = sorted((n for (n,) in db.execute("select followers_count from accounts")), reverse=True)
    assert followers[0] >= 3 * followers[len(followers) // 2]  # a few popular accounts

    posts = one(db, "select count(*) from statuses where reblog_of_id is null")
    assert 180 <= posts <= 230
    assert one(db, "select count(*) from statuses where reblog_of_id is not null") >= 15
    assert one(db, "select count(*) from favourites") >= 200
    assert one(db, "select count(distinct tag_id) from status_tags") >= 30
    assert one(db, "select count(*) from mentions") >= 50
    span = one(db, "select julianday(max(created_at)) - julianday(min(created_at)) from statuses")
    assert span > 2  # spread over the last few days

    depth = one(db, """
        with recursive chain(id, depth) as (
            select id, 0 from statuses where in_reply_to_id is null and reblog_of_id is null
            union all
            select s.id, chain.depth + 1 from statuses s join chain on s.in_reply_to_id = chain.id)
        select max(depth) from chain""")
    assert depth >= 4

    assert one(db, "select count(*) from media_attachments where status_id is not null") == 12
    assert one(db, "select count(*) from media_attachments where description is null "
                   "or description = ''") == 0
    assert one(db, "select count(*) from accounts where avatar_path is not null") == 36

    locked = db.execute("select id, username from accounts where locked = 1").fetchall()
    assert [name for _, name in locked] == ["ada"]
    assert one(db, f"select count(*) from follow_requests where target_account_id = {locked[0][0]}") == 1

    assert one(db, "select count(*) from notifications") > 300  # the jobs ran
    assert one(db, "select count(*) from jobs where state != 'failed' and run_at <= datetime('now')") == 0
    assert one(db, "select count(*) from jobs where state = 'failed'") == 0


def test_demo_refuses_a_directory_with_data(tmp_path):
    (tmp_path / "roost.db").write_text("precious")
    result = CliRunner().invoke(main, ["demo", "--no-serve", "--data-dir", str(tmp_path)])
    assert result.exit_code == 1
    assert "is not empty" in result.stderr
    assert (tmp_path / "roost.db").read_text() == "precious"
