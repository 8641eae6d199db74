"""Account services that have no Mastodon endpoint: passwords, roles, approval, moderation
rules, and the batched erasure of a deleted account."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from roost.accounts import repository as repo
from roost.accounts import service as accounts
from roost.accounts import tasks as erase_tasks
from roost.auth.passwords import verify_password
from roost.auth.tokens import digest
from roost.kit.errors import Forbidden, Invalid
from roost.models import AccessToken, Account, Event, Follow, Job, Notification, Status, User


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def _user(s, person) -> User:  # noqa: ANN001
    return await repo.user_for(s, person.account.id)


async def _events(db, type_: str) -> list[dict]:  # noqa: ANN001
    async with db.session() as s:
        return list((await s.execute(select(Event.data).where(Event.type == type_)
                                     .order_by(Event.seq))).scalars())


async def _status(api, token: str) -> int:  # noqa: ANN001
    return (await api.get("/api/v1/accounts/verify_credentials", headers=_auth(token))).status_code


# ---- passwords ----------------------------------------------------------------------------------

async def test_change_password_keeps_only_the_current_session(api, make, db):
    alice = await make.account()
    other = await make.token(alice, ["read"])
    async with db.unit_of_work() as s:
        user = await _user(s, alice)
        with pytest.raises(Invalid, match="Current password"):
            await accounts.change_password(s, user, "wrong password", "new password 123")
        with pytest.raises(Invalid, match="too short"):
            await accounts.change_password(s, user, "correct horse battery", "short")
    async with db.unit_of_work() as s:
        user = await _user(s, alice)
        current = (await api.get("/api/v1/accounts/verify_credentials", headers=alice.headers))
        assert current.status_code == 200
        keep = (await s.execute(select(AccessToken.id).where(
            AccessToken.token_hash == digest(alice.token)))).scalar_one()
        await accounts.change_password(s, user, "correct horse battery", "new password 123",
                                       keep_token_id=keep)
    assert await _status(api, alice.token) == 200
    assert await _status(api, other) == 401
    async with db.session() as s:
        assert verify_password((await _user(s, alice)).password_hash, "new password 123")
    assert (await _events(db, "account.password_changed"))[-1] == {"account_id": alice.id,
                                                                    "reset": False}


async def test_reset_password_signs_out_everywhere(api, make, db):
    alice = await make.account()
    async with db.unit_of_work() as s:
        await accounts.reset_password(s, await _user(s, alice), "brand new secret")
    assert await _status(api, alice.token) == 401
    async with db.session() as s:
        assert verify_password((await _user(s, alice)).password_hash, "brand new secret")
    assert (await _events(db, "account.password_changed"))[-1]["reset"] is True


# ---- roles, approval, moderation rules ----------------------------------------------------------

async def test_roles_and_approval(make, db):
    admin, mod, alice = (await make.account(role="admin"), await make.account(role="moderator"),
                         await make.account())
    async with db.unit_of_work() as s:
        with pytest.raises(Forbidden):
            await accounts.set_role(s, await s.get(Account, mod.account.id), await _user(s, alice),
                                    "moderator")
    async with db.unit_of_work() as s:
        with pytest.raises(Invalid):
            await accounts.set_role(s, None, await _user(s, alice), "king")
        await accounts.set_role(s, await s.get(Account, admin.account.id), await _user(s, alice),
                                "moderator")
        user = await _user(s, alice)
        user.approved = False
    plain = await make.account()
    async with db.unit_of_work() as s:
        with pytest.raises(Forbidden):  # plain users cannot approve
            await accounts.approve_user(s, await s.get(Account, plain.account.id),
                                        await _user(s, alice))
    async with db.unit_of_work() as s:
        await accounts.approve_user(s, await s.get(Account, mod.account.id), await _user(s, alice))
    async with db.session() as s:
        user = await _user(s, alice)
        assert user.role == "moderator" and user.approved
    assert (await _events(db, "account.role_changed"))[-1] == {"account_id": alice.id,
                                                                "role": "moderator"}
    assert (await _events(db, "account.approved"))[-1] == {"account_id": alice.id}


async def test_who_may_suspend_whom(make, db):
    admin, mod, other_mod, alice = (await make.account(role="admin"), await make.account(role="moderator"),
                                    await make.account(role="moderator"), await make.account())
    cases = [(alice, mod), (mod, mod), (mod, other_mod)]  # user, self, a moderator's peer
    for actor, target in cases:
        async with db.unit_of_work() as s:
            with pytest.raises(Forbidden):
                await accounts.suspend(s, await s.get(Account, actor.account.id),
                                       await s.get(Account, target.account.id))
    async with db.unit_of_work() as s:
        await accounts.suspend(s, await s.get(Account, admin.account.id),
                               await s.get(Account, other_mod.account.id))
        await accounts.suspend(s, await s.get(Account, mod.account.id),
                               await s.get(Account, alice.account.id))
    async with db.session() as s:
        assert (await s.get(Account, alice.account.id)).suspended_at is not None
        assert (await s.get(Account, other_mod.account.id)).suspended_at is not None


async def test_delete_needs_the_password_or_a_moderator(make, db):
    alice, bob = await make.account(), await make.account()
    async with db.unit_of_work() as s:
        with pytest.raises(Invalid, match="Password"):
            await accounts.delete_account(s, await s.get(Account, alice.account.id), password="nope")
        with pytest.raises(Forbidden):
            await accounts.delete_account(s, await s.get(Account, alice.account.id),
                                          moderator=await s.get(Account, bob.account.id))
    async with db.session() as s:
        assert (await s.get(Account, alice.account.id)).deleted_at is None


# ---- erasure ------------------------------------------------------------------------------------

async def test_erase_runs_in_batches_and_fixes_counters(api, make, db, run_jobs, monkeypatch):
    monkeypatch.setattr(erase_tasks, "BATCH", 2)
    alice, bob, carol = await make.account(), await make.account(), await make.account()
    await make.follow(alice, bob)
    await make.follow(carol, alice)
    parent = await make.post(bob, "bob asks")
    for i in range(4):
        await make.post(alice, f"answer {i}", in_reply_to_id=parent.id)
    gone_earlier = await make.post(alice, "deleted before")
    await api.delete(f"/api/v1/statuses/{gone_earlier.id}", headers=alice.headers)
    await make.post(bob, f"@{alice.account.username} hi")
    kept = await make.post(bob, "an unrelated post")
    await api.post(f"/api/v1/statuses/{kept.id}/favourite", headers=carol.headers)
    await run_jobs()
    assert (await api.get(f"/api/v1/statuses/{parent.id}")).json()["replies_count"] == 4

    async with db.unit_of_work() as s:
        await accounts.delete_account(s, await s.get(Account, alice.account.id))
    async with db.session() as s:
        queued = (await s.execute(select(func.count()).select_from(Job)
                                  .where(Job.name == "accounts.erase"))).scalar_one()
        assert queued == 1
        assert (await s.execute(select(func.count()).select_from(Notification).where(
            Notification.account_id == alice.account.id))).scalar_one() == 0
    done = await run_jobs()
    assert done >= 3  # 5 posts in batches of 2, then the last run finishes up
    async with db.session() as s:
        rows = list((await s.execute(select(Status).where(Status.account_id == alice.account.id)))
                    .scalars())
        assert len(rows) == 5 and all(r.deleted_at and not r.text and not r.content_html for r in rows)
        assert (await s.execute(select(func.count()).select_from(Follow).where(
            (Follow.account_id == alice.account.id) | (Follow.target_account_id == alice.account.id)
        ))).scalar_one() == 0
        acc = await s.get(Account, alice.account.id)
        assert (acc.followers_count, acc.following_count, acc.statuses_count) == (0, 0, 0)
        assert acc.display_name == "" and acc.fields == []
    assert (await api.get(f"/api/v1/statuses/{parent.id}")).json()["replies_count"] == 0
    assert (await api.get(f"/api/v1/accounts/{bob.id}")).json()["followers_count"] == 0
    assert (await api.get(f"/api/v1/accounts/{carol.id}")).json()["following_count"] == 0
    assert (await api.get(f"/api/v1/statuses/{kept.id}")).json()["favourites_count"] == 1
    # Running it again changes nothing.
    async with db.unit_of_work() as s:
        await erase_tasks.erase(s, account_id=alice.account.id)
    assert (await api.get(f"/api/v1/statuses/{parent.id}")).json()["replies_count"] == 0


async def test_erase_removes_media_files(api, make, db, run_jobs, app):
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (40, 40), "red").save(buf, "PNG")
    alice = await make.account()
    up = await api.post("/api/v2/media", files={"file": ("a.png", buf.getvalue(), "image/png")},
                        headers=alice.headers)
    assert up.status_code in (200, 202), up.text
    await make.post(alice, "with a picture", media_ids=[up.json()["id"]])
    avatar = await api.patch("/api/v1/accounts/update_credentials", headers=alice.headers,
                             files={"avatar": ("a.png", buf.getvalue(), "image/png")})
    media_dir = app.state.settings.media_dir
    files_before = [p for p in media_dir.rglob("*") if p.is_file()]
    assert len(files_before) >= 3  # attachment, its thumbnail, the avatar
    assert avatar.status_code == 200
    async with db.unit_of_work() as s:
        await accounts.delete_account(s, await s.get(Account, alice.account.id))
    await run_jobs()
    assert [p for p in media_dir.rglob("*") if p.is_file()] == []
