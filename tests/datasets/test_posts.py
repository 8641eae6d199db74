"""The `posts` kind end to end: consent, exclusions, deletion, scrubbing, dedup, loading back."""

from __future__ import annotations

import json
from pathlib import Path

import datasets
import duckdb
import polars as pl

from tests.datasets.helpers import admin, build, rows, set_consent


async def test_posts_hold_only_consented_public_posts(api, make, run_jobs):
    alice, bob, carol = await make.account(), await make.account(), await make.account()
    await set_consent(make, alice, "public_posts")
    await set_consent(make, carol, "all")
    kept = await make.post(alice, "Hello from the garden, mail me at alice@example.org "
                                  f"@{bob.account.username} @{carol.account.username}")
    await make.post(alice, "Hello from the garden, mail me at alice@example.org!")  # a near duplicate
    await make.post(alice, "only my followers see this", visibility="private")
    excluded = await make.post(alice, "not for training", training_opt_out=True)
    await make.post(bob, "bob never consented")
    reply = await make.post(carol, "a reply with context, call +1 415 555 0100",
                            in_reply_to_id=kept.id)
    headers = await admin(make)

    done = await build(api, run_jobs, headers, "posts")

    got = {r["id"]: r for r in rows(done)}
    assert set(got) == {str(kept.id), str(reply.id)}
    assert str(excluded.id) not in got
    text = got[str(kept.id)]["text"]
    assert "[EMAIL]" in text and "alice@example.org" not in text
    assert f"@{bob.account.username}" not in text and "@user" in text
    assert f"@{carol.account.username}" in text
    r = got[str(reply.id)]
    assert r["reply_to_id"] == str(kept.id) and r["parent_text"] == text
    assert "[PHONE]" in r["text"]
    assert r["author"] != got[str(kept.id)]["author"]
    assert str(alice.account.id) not in json.dumps(rows(done), default=str)
    assert done["rows"] == 2 and done["from_seq"] == 0 and done["to_seq"] > 0

    folder = Path(done["path"])
    card = (folder / "README.md").read_text()
    assert card.startswith("---\nlicense: ") and "consent_basis" in card and "collection_period" in card
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["items"] == 2 and manifest["files"][0]["sha256"]
    files = str(folder / "data" / "*.parquet")
    ds = datasets.load_dataset("parquet", data_files=files, split="train",
                               cache_dir=str(folder.parent / ".hf-cache"))
    assert sorted(ds["id"]) == sorted(got)
    assert duckdb.sql(f"SELECT count(*) FROM '{files}'").fetchall()[0][0] == 2
    assert pl.read_parquet(files).height == 2

    mine = (await api.get("/api/v1/roost/datasets/mine", headers=alice.headers)).json()
    assert [(m["kind"], m["version"], m["rows"], m["state"]) for m in mine] == [
        ("posts", 1, 1, "included")]
    assert (await api.get("/api/v1/roost/datasets/mine", headers=bob.headers)).json() == []
