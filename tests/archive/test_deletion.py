"""Deleting an account end to end: the firehose carries a tombstone for the account and for each
of its public posts and reposts; its generations and archives are erased with their files."""

from __future__ import annotations

from sqlalchemy import func, select

from roost.accounts import service as accounts
from roost.accounts import tasks as erase_tasks
from roost.events import latest_seq, read_after
from roost.models import Account, AccountArchive, Candidate, Generation
from roost.realtime import firehose
from tests.ai.generations import post_ai


async def mark(db) -> int:  # noqa: ANN001
    async with db.session() as s:
        return await latest_seq(s)


async def test_deletion_sends_a_tombstone_for_the_account_and_each_public_post(
        api, db, make, run_jobs, monkeypatch):
    monkeypatch.setattr(erase_tasks, "BATCH", 2)  # several erase runs, each its own batch
    alice, bob = await make.account("alice_tomb"), await make.account()
    h = alice.headers
    public = [(await make.post(alice, f"public {i}")).id for i in range(3)]
    unlisted = (await make.post(alice, "unlisted", visibility="unlisted")).id
    private = (await make.post(alice, "private", visibility="private")).id
    reply = (await api.post("/api/v1/statuses", json={"status": "reply",
                                                      "in_reply_to_id": str(public[0])},
                            headers=h)).json()["id"]
    earlier = (await make.post(alice, "deleted before")).id
    assert (await api.delete(f"/api/v1/statuses/{earlier}", headers=h)).status_code == 200
    bobs = await make.post(bob, "bob's")
    bobs_unlisted = await make.post(bob, "bob's unlisted", visibility="unlisted")
    await make.follow(alice, bob)
    reposts = []
    for target in (bobs, bobs_unlisted):
        r = await api.post(f"/api/v1/statuses/{target.id}/reblog", headers=h)
        assert r.status_code == 200, r.text
        reposts.append(r.json()["id"])
    await run_jobs()
    start = await mark(db)

    async with db.unit_of_work() as s:
        await accounts.delete_account(s, await s.get(Account, alice.account.id),
                                      password="correct horse battery")
    await run_jobs()

    async with db.read_session() as s:
        msgs, _ = await firehose.read_page(s, start, firehose.Filters(), 200)
    tombstones = [(m["type"], m["tombstone"]["kind"], m["tombstone"]["id"]) for m in msgs
                  if "tombstone" in m]
    assert tombstones[0] == ("account.deleted", "account", alice.id)
    assert sorted(tombstones[1:]) == sorted(
        [("post.unreposted", "repost", r) for r in reposts]
        + [("post.deleted", "status", str(i)) for i in (*public, unlisted, int(reply))])
    assert all(m["account"]["id"] == alice.id for m in msgs)
    async with db.read_session() as s:  # the private post's deletion: in the log only
        everything = await read_after(s, start, 1000)
    private_ones = {(e.type, e.subject_id) for e in everything if not e.public}
    assert ("post.deleted", private) in private_ones
    assert not any(e.type == "post.deleted" and e.subject_id == earlier for e in everything)

    async with db.read_session() as s:
        for original in (bobs, bobs_unlisted):
            assert (await s.get(type(bobs), original.id)).reblogs_count == 0


async def test_deletion_erases_generations_and_archives_with_their_files(api, app, db, make,
                                                                         run_jobs):
    alice = await make.account()
    await post_ai(api, alice, run_jobs)
    assert (await api.post("/api/v1/roost/archive", headers=alice.headers)).status_code == 200
    await run_jobs()
    media_root = app.state.settings.media_dir
    archives = list((app.state.settings.data_dir / "archives").iterdir())
    generated = list((media_root / "generations").rglob("*.png"))
    assert len(archives) == 1 and generated

    async with db.unit_of_work() as s:
        await accounts.delete_account(s, await s.get(Account, alice.account.id))
    await run_jobs()

    assert not any(p.exists() for p in archives + generated)
    async with db.read_session() as s:
        for model in (Generation, AccountArchive):
            n = await s.scalar(select(func.count()).select_from(model)
                               .where(model.account_id == alice.account.id))
            assert n == 0
        assert await s.scalar(select(func.count()).select_from(Candidate)) == 0
