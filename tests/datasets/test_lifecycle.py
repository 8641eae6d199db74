"""Incremental builds, withdrawal, deleted accounts, recall, and who may call the admin API."""

from __future__ import annotations

from pathlib import Path

from roost.accounts import service as accounts
from roost.models import Account
from tests.datasets.helpers import admin, build, rows, set_consent

URL = "/api/v1/roost/admin/datasets"


async def test_incremental_build_reads_only_new_events_and_rechecks_consent(api, make, run_jobs):
    alice, bob, carol = await make.account(), await make.account(), await make.account()
    for person in (alice, bob, carol):
        await set_consent(make, person, "public_posts")
    a1 = await make.post(alice, "alice's first post about tomatoes")
    b1 = await make.post(bob, "bob writes about the weather")
    c1 = await make.post(carol, "carol's thoughts on rivers")
    headers = await admin(make)
    v1 = await build(api, run_jobs, headers, "posts")
    assert {r["id"] for r in rows(v1)} == {str(a1.id), str(b1.id), str(c1.id)}

    a2 = await make.post(alice, "alice again, now about cucumbers")
    await set_consent(make, bob, "none")                        # withdraws
    async with make.db.unit_of_work() as session:               # deletes the account
        await accounts.delete_account(session, await session.get(Account, carol.account.id))
    await run_jobs()
    v2 = await build(api, run_jobs, headers, "posts")

    assert v2["version"] == 2 and v2["base_build_id"] == v1["id"]
    assert v2["from_seq"] == v1["to_seq"] and v2["to_seq"] > v1["to_seq"]
    assert {r["id"] for r in rows(v2)} == {str(a1.id), str(a2.id)}
    listed = {b["id"]: b for b in (await api.get(URL, headers=headers)).json()}
    assert listed[v1["id"]]["superseded_by"] == v2["id"]
    mine = (await api.get("/api/v1/roost/datasets/mine", headers=bob.headers)).json()
    assert [(m["version"], m["rows"]) for m in mine] == [(1, 1)]  # only the build made before
    alice_mine = (await api.get("/api/v1/roost/datasets/mine", headers=alice.headers)).json()
    assert [(m["version"], m["rows"]) for m in alice_mine] == [(2, 2), (1, 1)]


async def test_recall_deletes_the_files_and_marks_the_build(api, make, run_jobs):
    alice = await make.account()
    await set_consent(make, alice, "public_posts")
    await make.post(alice, "a post that will be recalled")
    headers = await admin(make)
    v1 = await build(api, run_jobs, headers, "posts")
    assert Path(v1["path"], "README.md").is_file()

    r = await api.post(f"{URL}/{v1['id']}/recall", headers=headers)
    assert r.status_code == 200 and r.json()["state"] == "recalled" and r.json()["recalled_at"]
    assert not Path(v1["path"]).exists()
    mine = (await api.get("/api/v1/roost/datasets/mine", headers=alice.headers)).json()
    assert [(m["version"], m["state"]) for m in mine] == [(1, "recalled")]
    # the next build does not start from a recalled one, and supersedes it
    v2 = await build(api, run_jobs, headers, "posts")
    assert v2["base_build_id"] is None and v2["from_seq"] == 0 and v2["rows"] == 1
    again = (await api.get(f"{URL}/{v1['id']}", headers=headers)).json()
    assert again["superseded_by"] == v2["id"]
    assert (await api.post(f"{URL}/{v2['id']}/recall", headers=headers)).status_code == 200
    queued = (await api.post(URL, json={"kind": "posts"}, headers=headers)).json()
    assert (await api.post(f"{URL}/{queued['id']}/recall", headers=headers)).status_code == 422


async def test_only_admins_build_and_recall(api, make, run_jobs):
    user, moderator = await make.account(), await make.account(role="moderator")
    for person in (user, moderator):
        h = {"Authorization": f"Bearer {await make.token(person, ['admin:read', 'admin:write'])}"}
        assert (await api.post(URL, json={"kind": "posts"}, headers=h)).status_code == 403
        assert (await api.get(URL, headers=h)).status_code == 403
    root = await make.account(role="admin")
    reader = {"Authorization": f"Bearer {await make.token(root, ['admin:read'])}"}
    assert (await api.post(URL, json={"kind": "posts"}, headers=reader)).status_code == 403
    assert (await api.post(URL, json={"kind": "posts"}, headers=root.headers)).status_code == 403
    assert (await api.post(URL, json={"kind": "posts"})).status_code == 401
    headers = await admin(make)
    assert (await api.post(URL, json={"kind": "nope"}, headers=headers)).status_code == 422
    assert (await api.get(f"{URL}/123", headers=headers)).status_code == 404
    made = (await api.post(URL, json={"kind": "notes"}, headers=headers)).json()
    assert made["state"] == "queued" and made["version"] == 1 and "salt" not in made
