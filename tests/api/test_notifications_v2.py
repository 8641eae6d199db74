"""Grouped notifications (/api/v2/notifications): how groups form, paging across groups, filters,
one group and its accounts, dismissing a group, the unread group count, who may do what, the
shapes against Mastodon's schema, and the number of queries a page costs."""

from __future__ import annotations

import re

from sqlalchemy import select

from roost.kit.ids import id_time
from roost.models import Event
from tests.openapi import check_schema
from roost.api.mastodon import content
from tests.querycount import counting_queries

V2 = "/api/v2/notifications"


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _links(response) -> dict[str, str]:  # noqa: ANN001
    header = response.headers.get("link", "")
    return {rel: url.removeprefix("http://roost.test")
            for url, rel in re.findall(r'<([^>]+)>; rel="(\w+)"', header)}


async def _groups(api, person, path: str = V2, **params) -> dict:  # noqa: ANN001
    r = await api.get(path, params=params, headers=person.headers)
    assert r.status_code == 200, r.text
    body = r.json()
    check_schema("GroupedNotificationsResults", body)
    return body


async def _v1(api, person) -> list[dict]:  # noqa: ANN001
    r = await api.get("/api/v1/notifications", headers=person.headers)
    assert r.status_code == 200, r.text
    return r.json()


async def _like(api, run_jobs, fan, post) -> None:  # noqa: ANN001
    r = await api.post(f"/api/v1/statuses/{post.id}/favourite", headers=fan.headers)
    assert r.status_code == 200, r.text
    await run_jobs()


async def _mention(make, run_jobs, who, whom):  # noqa: ANN001, ANN202
    post = await make.post(who, f"hi @{whom.account.username}")
    await run_jobs()
    return post


async def _three_likes_and_a_mention(api, make, run_jobs):  # noqa: ANN001, ANN202
    alice = await make.account("alice")
    fans = [await make.account(f"fan{i}") for i in range(3)]
    eve = await make.account("eve")
    post = await make.post(alice, "like me")
    for fan in fans:
        await _like(api, run_jobs, fan, post)
    mention = await _mention(make, run_jobs, eve, alice)
    return alice, fans, eve, post, mention


async def test_three_likes_are_one_group_and_a_mention_stays_alone(api, make, run_jobs):
    alice, fans, eve, post, mention = await _three_likes_and_a_mention(api, make, run_jobs)
    body = await _groups(api, alice)
    mentioned, liked = body["notification_groups"]
    assert liked["group_key"] == f"favourite-{post.id}" and liked["type"] == "favourite"
    assert liked["notifications_count"] == 3
    assert liked["sample_account_ids"] == [f.id for f in reversed(fans)]  # most recent first
    assert liked["status_id"] == str(post.id)
    assert liked["page_min_id"] < liked["page_max_id"]
    assert str(liked["most_recent_notification_id"]) == liked["page_max_id"]
    assert mentioned["type"] == "mention" and mentioned["notifications_count"] == 1
    assert mentioned["group_key"] == f"ungrouped-{mentioned['most_recent_notification_id']}"
    assert mentioned["sample_account_ids"] == [eve.id] and mentioned["status_id"] == str(mention.id)
    assert mentioned["latest_page_notification_at"].endswith("Z")
    assert {a["id"] for a in body["accounts"]} == {eve.id, *(f.id for f in fans)}
    assert len(body["accounts"]) == 4
    assert [s["id"] for s in body["statuses"]] == [str(mention.id), str(post.id)]
    assert "partial_accounts" not in body
    # Nobody else sees any of it.
    assert (await _groups(api, fans[0]))["notification_groups"] == []


async def test_v1_and_v2_agree_on_group_keys(api, make, run_jobs):
    alice, fans, eve, post, mention = await _three_likes_and_a_mention(api, make, run_jobs)
    r = await api.post(f"/api/v1/statuses/{post.id}/reblog", headers=fans[0].headers)
    assert r.status_code == 200
    await make.follow(fans[1], alice)
    await make.follow(eve, alice)
    await run_jobs()
    v1 = await _v1(api, alice)
    assert len(v1) == 7
    keys = {n["group_key"] for n in v1}
    groups = (await _groups(api, alice))["notification_groups"]
    assert {g["group_key"] for g in groups} == keys
    follow_day = (int(v1[0]["id"]) >> 16) // 86_400_000
    assert id_time(int(v1[0]["id"])).timestamp() // 86_400 == follow_day
    by_key = {g["group_key"]: g for g in groups}
    assert by_key[f"follow-{follow_day}"]["notifications_count"] == 2
    assert by_key[f"follow-{follow_day}"]["sample_account_ids"] == [eve.id, fans[1].id]
    assert "status_id" not in by_key[f"follow-{follow_day}"]
    assert by_key[f"reblog-{post.id}"]["notifications_count"] == 1
    assert by_key[f"favourite-{post.id}"]["notifications_count"] == 3
    for n in v1:
        assert by_key[n["group_key"]]["type"] == n["type"]
    # grouped_types turns grouping off for the types left out, as ungrouped-<id> keys.
    only_follows = (await _groups(api, alice, **{"grouped_types[]": ["follow"]}))["notification_groups"]
    assert len(only_follows) == 6
    assert {g["group_key"] for g in only_follows if g["type"] == "favourite"} == {
        f"ungrouped-{n['id']}" for n in v1 if n["type"] == "favourite"}
    assert all(g["notifications_count"] == 1 for g in only_follows if g["type"] != "follow")


async def test_paging_across_groups_with_link_headers(api, make, run_jobs):
    alice = await make.account()
    f1, f2, f3 = await make.account(), await make.account(), await make.account()
    p1, p2 = await make.post(alice, "one"), await make.post(alice, "two")
    await _like(api, run_jobs, f1, p1)       # 1
    await _mention(make, run_jobs, f1, alice)  # 2
    await _like(api, run_jobs, f2, p1)       # 3
    await _like(api, run_jobs, f2, p2)       # 4
    await _mention(make, run_jobs, f3, alice)  # 5
    await _like(api, run_jobs, f3, p1)       # 6
    ids = [int(n["id"]) for n in await _v1(api, alice)][::-1]  # oldest first: ids[0] is 1
    assert len(ids) == 6

    r = await api.get(V2, params={"limit": 2}, headers=alice.headers)
    page1 = r.json()["notification_groups"]
    assert [(g["type"], g["page_max_id"], g["page_min_id"]) for g in page1] == [
        ("favourite", str(ids[5]), str(ids[5])), ("mention", str(ids[4]), str(ids[4]))]
    assert page1[0]["notifications_count"] == 3  # the whole group, not only this page
    links = _links(r)
    assert f"max_id={ids[4]}" in links["next"] and f"min_id={ids[5]}" in links["prev"]
    assert "limit=2" in links["next"]

    r = await api.get(links["next"], headers=alice.headers)
    page2 = r.json()["notification_groups"]
    assert [(g["group_key"], g["page_max_id"]) for g in page2] == [
        (f"favourite-{p2.id}", str(ids[3])), (f"favourite-{p1.id}", str(ids[2]))]
    assert page2[1]["notifications_count"] == 3
    assert page2[1]["most_recent_notification_id"] == ids[5]
    next2, prev2 = _links(r)["next"], _links(r)["prev"]
    assert f"max_id={ids[2]}" in next2 and f"min_id={ids[3]}" in prev2

    r = await api.get(next2, headers=alice.headers)
    page3 = r.json()["notification_groups"]
    assert [(g["type"], g["page_max_id"]) for g in page3] == [("mention", str(ids[1])),
                                                              ("favourite", str(ids[0]))]
    r = await api.get(_links(r)["next"], headers=alice.headers)
    assert r.status_code == 200 and r.json()["notification_groups"] == []
    assert "link" not in r.headers

    # Going back up from page 2 gives page 1 again; since_id keeps the newest groups above it.
    r = await api.get(prev2, headers=alice.headers)
    assert r.json()["notification_groups"] == page1
    r = await api.get(V2, params={"since_id": ids[3]}, headers=alice.headers)
    assert [g["page_max_id"] for g in r.json()["notification_groups"]] == [str(ids[5]), str(ids[4])]
    # The default page holds everything; limit is capped at 80.
    assert len((await _groups(api, alice))["notification_groups"]) == 4
    assert len((await _groups(api, alice, limit=1000))["notification_groups"]) == 4


async def test_types_and_account_filters(api, make, run_jobs):
    alice, fans, eve, post, mention = await _three_likes_and_a_mention(api, make, run_jobs)
    body = await _groups(api, alice, **{"types[]": ["favourite"]})
    assert [g["type"] for g in body["notification_groups"]] == ["favourite"]
    assert [s["id"] for s in body["statuses"]] == [str(post.id)]
    body = await _groups(api, alice, **{"exclude_types[]": ["favourite"]})
    assert [g["type"] for g in body["notification_groups"]] == ["mention"]
    assert [a["id"] for a in body["accounts"]] == [eve.id]
    assert (await _groups(api, alice, **{"types[]": "poll"}))["notification_groups"] == []
    # account_id picks the groups; a group still counts everyone in it, as Mastodon does.
    body = await _groups(api, alice, account_id=fans[0].id)
    [liked] = body["notification_groups"]
    assert liked["notifications_count"] == 3
    assert (await _groups(api, alice, account_id="nonsense"))["notification_groups"] == []
    # include_filtered is accepted (Roost filters nothing into requests).
    assert len((await _groups(api, alice, include_filtered="true"))["notification_groups"]) == 2


async def test_hidden_senders_leave_the_group(api, make, run_jobs):
    alice, fans, eve, post, mention = await _three_likes_and_a_mention(api, make, run_jobs)
    await api.post(f"/api/v1/accounts/{fans[2].id}/block", headers=alice.headers)
    body = await _groups(api, alice)
    [_, liked] = body["notification_groups"]
    assert liked["notifications_count"] == 2
    assert liked["sample_account_ids"] == [fans[1].id, fans[0].id]
    assert fans[2].id not in {a["id"] for a in body["accounts"]}
    r = await api.get(f"{V2}/favourite-{post.id}/accounts", headers=alice.headers)
    assert [a["id"] for a in r.json()] == [fans[1].id, fans[0].id]
    # The post gone: the whole group goes.
    assert (await api.delete(f"/api/v1/statuses/{post.id}", headers=alice.headers)).status_code == 200
    assert [g["type"] for g in (await _groups(api, alice))["notification_groups"]] == ["mention"]
    assert (await api.get(f"{V2}/favourite-{post.id}", headers=alice.headers)).status_code == 404


async def test_one_group_and_its_accounts(api, make, run_jobs):
    alice, fans, eve, post, mention = await _three_likes_and_a_mention(api, make, run_jobs)
    key = f"favourite-{post.id}"
    r = await api.get(f"{V2}/{key}", headers=alice.headers)
    assert r.status_code == 200
    body = r.json()
    check_schema("GroupedNotificationsResults", body)
    [group] = body["notification_groups"]
    assert group["group_key"] == key and group["notifications_count"] == 3
    assert "page_min_id" not in group and "latest_page_notification_at" not in group
    assert [s["id"] for s in body["statuses"]] == [str(post.id)]
    assert len(body["accounts"]) == 3
    mention_key = next(g["group_key"] for g in (await _groups(api, alice))["notification_groups"]
                       if g["type"] == "mention")
    r = await api.get(f"{V2}/{mention_key}", headers=alice.headers)
    assert r.json()["notification_groups"][0]["sample_account_ids"] == [eve.id]

    r = await api.get(f"{V2}/{key}/accounts", headers=alice.headers)
    assert r.status_code == 200
    assert [a["id"] for a in r.json()] == [f.id for f in reversed(fans)]
    for account in r.json():
        check_schema("Account", account)
    r = await api.get(f"{V2}/{key}/accounts", params={"limit": 2}, headers=alice.headers)
    assert [a["id"] for a in r.json()] == [fans[2].id, fans[1].id]
    r = await api.get(_links(r)["next"], headers=alice.headers)
    assert [a["id"] for a in r.json()] == [fans[0].id]
    r = await api.get(_links(r)["next"], headers=alice.headers)
    assert r.status_code == 200 and r.json() == []

    # Someone else's group, or no group at all: 404.
    for path in (f"{V2}/{key}", f"{V2}/{key}/accounts", f"{V2}/{mention_key}"):
        assert (await api.get(path, headers=fans[0].headers)).status_code == 404, path
    for bad in ("nonsense", "favourite-abc", "follow-", "ungrouped-99999999999999999999",
                "favourite-\u00b3", "mention-1", f"favourite-{mention.id}"):
        assert (await api.get(f"{V2}/{bad}", headers=alice.headers)).status_code == 404, bad
        assert (await api.get(f"{V2}/{bad}/accounts", headers=alice.headers)).status_code == 404


async def test_dismiss_a_group(api, make, run_jobs, db):
    alice, fans, eve, post, mention = await _three_likes_and_a_mention(api, make, run_jobs)
    other = await make.post(alice, "another")
    await _like(api, run_jobs, fans[0], other)
    key = f"favourite-{post.id}"
    assert (await api.post(f"{V2}/{key}/dismiss", headers=fans[0].headers)).status_code == 404
    r = await api.post(f"{V2}/{key}/dismiss", headers=alice.headers)
    assert r.status_code == 200 and r.json() == {}
    v1 = await _v1(api, alice)
    assert [(n["type"], n["status"]["id"]) for n in v1] == [("favourite", str(other.id)),
                                                            ("mention", str(mention.id))]
    assert (await api.post(f"{V2}/{key}/dismiss", headers=alice.headers)).status_code == 404
    assert (await api.get(f"{V2}/{key}", headers=alice.headers)).status_code == 404
    # An ungrouped key dismisses that one notification.
    r = await api.post(f"{V2}/ungrouped-{v1[1]['id']}/dismiss", headers=alice.headers)
    assert r.status_code == 200
    assert [n["type"] for n in await _v1(api, alice)] == ["favourite"]
    for bad in ("nonsense", "ungrouped-\u00b2", f"reblog-{post.id}"):
        assert (await api.post(f"{V2}/{bad}/dismiss", headers=alice.headers)).status_code == 404
    async with db.session() as s:
        rows = (await s.execute(select(Event).where(Event.type == "notification.dismissed")
                                .order_by(Event.seq))).scalars().all()
    assert [(r.actor_id, r.data.get("group_key")) for r in rows] == [
        (int(alice.id), key), (int(alice.id), f"ungrouped-{v1[1]['id']}")]


async def test_unread_count_counts_groups_after_the_marker(api, make, run_jobs):
    alice, fans, eve, post, mention = await _three_likes_and_a_mention(api, make, run_jobs)
    url = f"{V2}/unread_count"
    r = await api.get(url, headers=alice.headers)
    assert r.status_code == 200 and r.json() == {"count": 2}
    check_schema("CountResponse", r.json())
    v1 = await _v1(api, alice)  # mention, then the three favourites newest first
    assert (await api.get(url, params={"grouped_types[]": "follow"},
                          headers=alice.headers)).json() == {"count": 4}
    assert (await api.get(url, params={"limit": 1}, headers=alice.headers)).json() == {"count": 1}
    assert (await api.get(url, params={"limit": "lots"}, headers=alice.headers)).json() == {"count": 2}
    assert (await api.get(url, params={"types[]": "mention"}, headers=alice.headers)).json() == {"count": 1}
    assert (await api.get(url, params={"exclude_types[]": "mention"},
                          headers=alice.headers)).json() == {"count": 1}
    assert (await api.get(url, params={"account_id": eve.id}, headers=alice.headers)).json() == {"count": 1}
    await api.post("/api/v1/markers", headers=alice.headers,
                   json={"notifications": {"last_read_id": v1[0]["id"]}})
    assert (await api.get(url, headers=alice.headers)).json() == {"count": 0}
    await api.post("/api/v1/markers", headers=alice.headers,
                   json={"notifications": {"last_read_id": v1[2]["id"]}})
    assert (await api.get(url, headers=alice.headers)).json() == {"count": 2}


async def test_expand_accounts(api, make, run_jobs):
    alice, fans, *_ = await _three_likes_and_a_mention(api, make, run_jobs)
    full = await _groups(api, alice, expand_accounts="full")
    partial = await _groups(api, alice, expand_accounts="partial_avatars")
    assert partial["accounts"] == full["accounts"] and partial["partial_accounts"] == []
    r = await api.get(V2, params={"expand_accounts": "everything"}, headers=alice.headers)
    assert r.status_code == 400 and "error" in r.json()


async def test_authorisation(api, make, run_jobs):
    alice, fans, eve, post, mention = await _three_likes_and_a_mention(api, make, run_jobs)
    key = f"favourite-{post.id}"
    reads = (V2, f"{V2}/unread_count", f"{V2}/{key}", f"{V2}/{key}/accounts")
    for path in reads:
        assert (await api.get(path)).status_code == 401, path
    assert (await api.post(f"{V2}/{key}/dismiss")).status_code == 401
    statuses_only = await make.token(alice, ["read:statuses", "write:statuses"])
    for path in reads:
        assert (await api.get(path, headers=_auth(statuses_only))).status_code == 403, path
    read_only = await make.token(alice, ["read:notifications"])
    for path in reads:
        assert (await api.get(path, headers=_auth(read_only))).status_code == 200, path
    assert (await api.post(f"{V2}/{key}/dismiss", headers=_auth(read_only))).status_code == 403
    write_only = await make.token(alice, ["write:notifications"])
    assert (await api.get(V2, headers=_auth(write_only))).status_code == 403
    assert (await api.post(f"{V2}/{key}/dismiss", headers=_auth(write_only))).status_code == 200


async def test_a_page_costs_a_fixed_number_of_queries(api, make, run_jobs, app):
    alice = await make.account()
    fans = [await make.account() for _ in range(12)]
    posts = [await make.post(alice, f"post {i}") for i in range(4)]
    await make.follow(fans[0], alice)

    async def act(fan, i: int) -> None:  # noqa: ANN001
        await make.post(fan, f"@{alice.account.username} hey")
        await api.post(f"/api/v1/statuses/{posts[i % 4].id}/favourite", headers=fan.headers)
        await api.post(f"/api/v1/statuses/{posts[i % 4].id}/reblog", headers=fan.headers)

    for i, fan in enumerate(fans[:3]):
        await act(fan, i)
    await run_jobs()

    async def queries_for_page() -> tuple[int, dict]:
        content.clear()  # statuses rendered before are cached: count a cold page
        with counting_queries(app) as counted:
            r = await api.get(V2, headers=alice.headers)
        assert r.status_code == 200
        return counted.n, r.json()

    await _groups(api, alice)  # (also marks Alice active, which writes once)
    small, body = await queries_for_page()
    assert len(body["notification_groups"]) == 3 + 3 + 3 + 1
    for i, fan in enumerate(fans[3:], start=3):
        await act(fan, i)
    await run_jobs()
    many, body = await queries_for_page()
    assert len(body["notification_groups"]) == 12 + 4 + 4 + 1
    assert sum(g["notifications_count"] for g in body["notification_groups"]) == 12 * 3 + 1
    assert many == small, (small, many)
