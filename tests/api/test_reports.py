"""Reports through the API: filing one, instance rules, and the moderators' admin API."""

from __future__ import annotations

import pytest

from roost.events import latest_seq, read_after
from tests.openapi import check_schema
from tests.querycount import counting_queries

RULES = "Be kind\nNo spam"


async def post(api, person, text, **extra) -> str:
    r = await api.post("/api/v1/statuses", json={"status": text, **extra}, headers=person.headers)
    assert r.status_code == 200, r.text
    return r.json()["id"]


async def moderator_headers(make, role="moderator", scopes=("admin:read", "admin:write")):
    person = await make.account(role=role)
    token = await make.token(person, list(scopes))
    return person, {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize("settings_overrides", [{"rules": RULES}])
async def test_rules_come_from_configuration(api):
    r = await api.get("/api/v1/instance/rules")
    assert r.status_code == 200
    assert r.json() == [{"id": "1", "text": "Be kind", "hint": ""},
                        {"id": "2", "text": "No spam", "hint": ""}]
    for rule in r.json():
        check_schema("Rule", rule)
    assert (await api.get("/api/v2/instance")).json()["rules"] == r.json()
    assert (await api.get("/api/v1/instance")).json()["rules"] == r.json()


async def test_rules_come_from_rules_txt_in_the_data_dir(api, app):
    path = app.state.settings.data_dir / "rules.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("# our rules\nBe excellent\n\nNo ads\n", encoding="utf-8")
    assert [r["text"] for r in (await api.get("/api/v1/instance/rules")).json()] == [
        "Be excellent", "No ads"]


@pytest.mark.parametrize("settings_overrides", [{"rules": RULES}])
async def test_file_a_report_with_statuses_and_rules(api, make, db):
    alice, spammer, other = await make.account(), await make.account(), await make.account()
    s1 = await post(api, spammer, "buy now")
    s2 = await post(api, spammer, "followers only", visibility="private")  # alice cannot read it
    theirs = await post(api, other, "not the spammer's")
    async with db.session() as s:
        start = await latest_seq(s)

    r = await api.post("/api/v1/reports", headers=alice.headers, json={
        "account_id": spammer.id, "status_ids": [s1, s2], "comment": "spam!", "category": "spam",
        "rule_ids": ["2"], "forward": True})
    assert r.status_code == 200, r.text
    body = r.json()
    check_schema("Report", body)
    assert body["category"] == "violation"  # rules given: a violation, whatever was asked
    assert body["status_ids"] == [s1] and body["rule_ids"] == ["2"]
    assert body["action_taken"] is False and body["forwarded"] is False
    assert body["target_account"]["id"] == spammer.id and body["comment"] == "spam!"

    async with db.session() as s:
        rows = await read_after(s, start, 10)
    assert [(e.type, e.data["target_account_id"], e.data["status_ids"]) for e in rows] == [
        ("report.created", spammer.id, [s1])]

    # form-encoded, as Mastodon apps send it; default category
    r = await api.post("/api/v1/reports", headers=alice.headers,
                       data={"account_id": spammer.id, "status_ids[]": s1})
    assert r.status_code == 200 and r.json()["category"] == "other"

    bad = [({"account_id": spammer.id, "status_ids": [theirs]}, 404),
           ({"account_id": "999"}, 404), ({}, 404),
           ({"account_id": spammer.id, "category": "nonsense"}, 422),
           ({"account_id": spammer.id, "rule_ids": ["7"]}, 422),
           ({"account_id": spammer.id, "comment": "x" * 1001}, 422),
           ({"account_id": alice.id}, 422)]
    for params, status in bad:
        r = await api.post("/api/v1/reports", headers=alice.headers, json=params)
        assert r.status_code == status, (params, r.text)
        assert "error" in r.json()
    assert (await api.post("/api/v1/reports", json={"account_id": spammer.id})).status_code == 401
    read_only = await make.token(alice, ["read"])
    r = await api.post("/api/v1/reports", headers={"Authorization": f"Bearer {read_only}"},
                       json={"account_id": spammer.id})
    assert r.status_code == 403


@pytest.mark.parametrize("settings_overrides", [{"rules": RULES}])
async def test_moderators_list_resolve_reopen_and_assign(api, make, db):
    alice, bob, spammer = await make.account(), await make.account(), await make.account()
    sid = await post(api, spammer, "private spam", visibility="private")
    await make.follow(alice, spammer)
    first = (await api.post("/api/v1/reports", headers=alice.headers, json={
        "account_id": spammer.id, "status_ids": [sid], "rule_ids": ["1"]})).json()["id"]
    second = (await api.post("/api/v1/reports", headers=bob.headers,
                             json={"account_id": spammer.id, "comment": "also"})).json()["id"]
    mod, headers = await moderator_headers(make)

    r = await api.get("/api/v1/admin/reports", headers=headers)
    assert r.status_code == 200
    assert [x["id"] for x in r.json()] == [second, first]
    for x in r.json():
        check_schema("AdminReport", x)
    full = r.json()[1]
    assert full["account"]["username"] == alice.account.username
    assert full["account"]["email"] == f"{alice.account.username}@example.com"
    assert full["target_account"]["id"] == spammer.id
    assert [s["id"] for s in full["statuses"]] == [sid]  # moderators see what was reported
    assert full["rules"] == [{"id": "1", "text": "Be kind", "hint": ""}]
    by_bob = await api.get(f"/api/v1/admin/reports?account_id={bob.id}", headers=headers)
    assert [x["id"] for x in by_bob.json()] == [second]

    async with db.session() as s:
        start = await latest_seq(s)
    r = await api.post(f"/api/v1/admin/reports/{first}/assign_to_self", headers=headers)
    assert r.status_code == 200 and r.json()["assigned_account"]["id"] == mod.id
    r = await api.post(f"/api/v1/admin/reports/{first}/resolve", headers=headers)
    assert r.status_code == 200
    assert r.json()["action_taken"] is True and r.json()["action_taken_by_account"]["id"] == mod.id
    assert [x["id"] for x in (await api.get("/api/v1/admin/reports", headers=headers)).json()] == [second]
    resolved = (await api.get("/api/v1/admin/reports?resolved=true", headers=headers)).json()
    assert [x["id"] for x in resolved] == [first]
    r = await api.post(f"/api/v1/admin/reports/{first}/reopen", headers=headers)
    assert r.json()["action_taken"] is False and r.json()["action_taken_at"] is None
    r = await api.post(f"/api/v1/admin/reports/{first}/unassign", headers=headers)
    assert r.json()["assigned_account"] is None
    one = await api.get(f"/api/v1/admin/reports/{second}", headers=headers)
    assert one.status_code == 200 and one.json()["comment"] == "also"
    assert (await api.get("/api/v1/admin/reports/12345", headers=headers)).status_code == 404
    assert (await api.get("/api/v1/admin/reports/nope", headers=headers)).status_code == 404

    async with db.session() as s:
        rows = await read_after(s, start, 10)
    assert [e.type for e in rows] == ["report.assigned", "report.resolved", "report.reopened",
                                      "report.assigned"]
    assert rows[0].data["assigned_account_id"] == mod.id and rows[3].data["assigned_account_id"] is None


async def test_admin_reports_need_a_moderator_with_admin_scopes(api, make):
    alice, target = await make.account(), await make.account()
    rid = (await api.post("/api/v1/reports", headers=alice.headers,
                          json={"account_id": target.id})).json()["id"]
    assert (await api.get("/api/v1/admin/reports")).status_code == 401
    # a plain user holding admin scopes, and a moderator without them, are both refused
    _, user_headers = await moderator_headers(make, role="user")
    assert (await api.get("/api/v1/admin/reports", headers=user_headers)).status_code == 403
    assert (await api.post(f"/api/v1/admin/reports/{rid}/resolve", headers=user_headers)).status_code == 403
    mod = await make.account(role="moderator")
    assert (await api.get("/api/v1/admin/reports", headers=mod.headers)).status_code == 403
    _, read_only = await moderator_headers(make, scopes=("admin:read:reports",))
    assert (await api.get("/api/v1/admin/reports", headers=read_only)).status_code == 200
    assert (await api.post(f"/api/v1/admin/reports/{rid}/resolve", headers=read_only)).status_code == 403
    _, admin = await moderator_headers(make, role="admin", scopes=("admin:write:reports",
                                                                   "admin:read:reports"))
    assert (await api.post(f"/api/v1/admin/reports/{rid}/resolve", headers=admin)).status_code == 200


async def test_admin_report_pages_cost_a_fixed_number_of_queries(api, app, make):
    _, headers = await moderator_headers(make)
    await api.get("/api/v1/admin/reports", headers=headers)

    async def cost(n: int) -> int:
        for _ in range(n):
            reporter, target = await make.account(), await make.account()
            sid = await post(api, target, "bad")
            await api.post("/api/v1/reports", headers=reporter.headers,
                           json={"account_id": target.id, "status_ids": [sid]})
        with counting_queries(app) as counted:
            r = await api.get("/api/v1/admin/reports", headers=headers)
        return counted.n, len(r.json())

    few, n1 = await cost(1)
    many, n2 = await cost(5)
    assert (n1, n2) == (1, 6) and few == many
