"""Staff notifications, as Mastodon sends them: `admin.sign_up` when a new account becomes active
and `admin.report` when a report comes in, to moderators and admins only, in the v1 and the
grouped v2 API."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from roost.accounts.service import approve_user, set_role
from roost.models import User
from tests.api.test_registration import app_token, signup
from tests.openapi import check_schema


async def _v1(api, person, **params) -> list[dict]:  # noqa: ANN001
    r = await api.get("/api/v1/notifications", params=params, headers=person.headers)
    assert r.status_code == 200, r.text
    for n in r.json():
        check_schema("Notification", n)
    return r.json()


async def _v2(api, person, **params) -> dict:  # noqa: ANN001
    r = await api.get("/api/v2/notifications", params=params, headers=person.headers)
    assert r.status_code == 200, r.text
    check_schema("GroupedNotificationsResults", r.json())
    return r.json()


async def _sign_up(api, username: str) -> None:  # noqa: ANN001
    r = await api.post("/api/v1/accounts", data=signup(username), headers=await app_token(api))
    assert r.status_code == 200, r.text


async def _report(api, reporter, target, **extra) -> str:  # noqa: ANN001
    r = await api.post("/api/v1/reports", headers=reporter.headers,
                       json={"account_id": target.id, "comment": "spam", **extra})
    assert r.status_code == 200, r.text
    return r.json()["id"]


async def test_a_sign_up_notifies_moderators_and_admins_only(api, make, run_jobs):
    admin, mod = await make.account(role="admin"), await make.account(role="moderator")
    plain = await make.account()
    await _sign_up(api, "newcomer")
    await run_jobs()

    for staff in (admin, mod):
        [n] = await _v1(api, staff)
        assert n["type"] == "admin.sign_up" and n["account"]["username"] == "newcomer"
        assert "status" not in n and "report" not in n
        assert n["group_key"] == f"ungrouped-{n['id']}"
    assert await _v1(api, plain) == []

    body = await _v2(api, admin)
    [group] = body["notification_groups"]
    assert group["type"] == "admin.sign_up" and group["notifications_count"] == 1
    assert [a["username"] for a in body["accounts"]] == ["newcomer"]


async def test_types_and_exclude_types_select_staff_notifications(api, make, run_jobs):
    admin, alice, spammer = await make.account(role="admin"), await make.account(), await make.account()
    await _sign_up(api, "newcomer")
    await _report(api, alice, spammer)
    await run_jobs()

    assert [n["type"] for n in await _v1(api, admin)] == ["admin.report", "admin.sign_up"]
    assert [n["type"] for n in await _v1(api, admin, **{"types[]": "admin.report"})] == ["admin.report"]
    assert [n["type"] for n in await _v1(api, admin, **{"exclude_types[]": ["admin.sign_up"]})] == [
        "admin.report"]
    assert await _v1(api, admin, **{"exclude_types[]": ["admin.sign_up", "admin.report"]}) == []
    groups = (await _v2(api, admin, **{"exclude_types[]": "admin.report"}))["notification_groups"]
    assert [g["type"] for g in groups] == ["admin.sign_up"]
    r = await api.get("/api/v1/notifications/unread_count", headers=admin.headers,
                      params={"types[]": "admin.report"})
    assert r.json() == {"count": 1}


async def test_a_report_notifies_staff_with_the_report(api, make, run_jobs):
    mod, alice, spammer = await make.account(role="moderator"), await make.account(), await make.account()
    plain = await make.account()
    post = await make.post(spammer, "buy now")
    report_id = await _report(api, alice, spammer, status_ids=[str(post.id)], category="spam")
    await run_jobs()

    [n] = await _v1(api, mod)
    assert n["type"] == "admin.report" and n["account"]["id"] == alice.id  # from the reporter
    report = n["report"]
    check_schema("Report", report)
    assert report["id"] == report_id and report["target_account"]["id"] == spammer.id
    assert report["status_ids"] == [str(post.id)] and report["comment"] == "spam"
    assert report["action_taken"] is False
    assert await _v1(api, plain) == [] and await _v1(api, alice) == []
    one = await api.get(f"/api/v1/notifications/{n['id']}", headers=mod.headers)
    assert one.status_code == 200 and one.json()["report"]["id"] == report_id

    body = await _v2(api, mod)
    [group] = body["notification_groups"]
    assert group["type"] == "admin.report" and group["report"]["id"] == report_id
    assert group["sample_account_ids"] == [alice.id]
    assert group["report"]["target_account"]["id"] == spammer.id
    r = await api.get(f"/api/v2/notifications/{group['group_key']}", headers=mod.headers)
    assert r.status_code == 200 and r.json()["notification_groups"][0]["report"]["id"] == report_id


async def test_a_second_open_report_about_the_same_account_does_not_notify_again(api, make, run_jobs):
    """Mastodon's `unresolved_siblings?`: staff hear of an account once while a report is open."""
    mod = await make.account(role="moderator")
    alice, bob, spammer = await make.account(), await make.account(), await make.account()
    first = await _report(api, alice, spammer)
    await run_jobs()
    await _report(api, bob, spammer)
    await run_jobs()
    assert [n["report"]["id"] for n in await _v1(api, mod)] == [first]

    resolve_token = await make.token(mod, ["admin:write"])
    r = await api.post(f"/api/v1/admin/reports/{first}/resolve",
                       headers={"Authorization": f"Bearer {resolve_token}"})
    assert r.status_code == 200, r.text
    third = await _report(api, bob, spammer, comment="again")
    await run_jobs()
    # the second report is still open and older than the third: no new notice
    assert [n["report"]["id"] for n in await _v1(api, mod)] == [first]
    assert third


async def test_staff_notifications_need_only_read_notifications(api, make, run_jobs):
    """Mastodon asks no admin scope to read them: being staff is what counts."""
    admin = await make.account(role="admin")
    await _sign_up(api, "newcomer")
    await run_jobs()
    token = await make.token(admin, ["read:notifications"])
    r = await api.get("/api/v1/notifications", headers={"Authorization": f"Bearer {token}"})
    assert [n["type"] for n in r.json()] == ["admin.sign_up"]
    token = await make.token(admin, ["read:statuses"])
    r = await api.get("/api/v1/notifications", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 403


@pytest.mark.parametrize("settings_overrides", [{"registrations": "approval"}])
async def test_an_approved_sign_up_notifies_on_approval(api, make, db, run_jobs):
    admin = await make.account(role="admin")
    r = await api.post("/api/v1/accounts", data=signup("waiting", reason="I like birds"),
                       headers=await app_token(api))
    assert r.status_code == 200, r.text
    await run_jobs()
    assert await _v1(api, admin) == []  # not yet: it waits for approval

    async with db.unit_of_work() as s:
        user = (await s.execute(select(User).where(User.email == "waiting@example.org"))).scalar_one()
        await approve_user(s, None, user)
    await run_jobs()
    [n] = await _v1(api, admin)
    assert n["type"] == "admin.sign_up" and n["account"]["username"] == "waiting"


async def test_a_demoted_moderator_loses_staff_notifications(api, make, db, run_jobs):
    mod, alice, spammer = await make.account(role="moderator"), await make.account(), await make.account()
    await _report(api, alice, spammer)
    await run_jobs()
    assert len(await _v1(api, mod)) == 1
    async with db.unit_of_work() as s:
        await set_role(s, None, await s.get(User, mod.user.id), "user")
    assert await _v1(api, mod) == []
    await _sign_up(api, "later")
    await run_jobs()
    assert await _v1(api, mod) == []
