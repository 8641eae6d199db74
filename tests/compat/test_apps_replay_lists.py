"""The apps' calls for lists and followed and featured hashtags, replayed
over HTTP against a live server as in test_apps_replay.py."""

from __future__ import annotations

import pytest

from tests.compat.replay import account_fields, fields, following_pair, status_fields


@pytest.fixture(scope="module")
def trio(live_server):
    with following_pair(live_server.url, "rl_me", "rl_friend") as trio:
        yield trio


def test_lists(trio):
    """Tusky's list screens (form bodies, account_ids[]) and Elk's (JSON, exclusive,
    replies_policy); the list timeline; "lists containing this account" on a profile."""
    me, friend, friend_acc = trio
    created = me.call("POST", "/api/v1/lists", data={"title": "close friends"})
    fields(created, "id:str", "title:str", "replies_policy:str", "exclusive:bool")
    lid = created["id"]
    me.call("POST", f"/api/v1/lists/{lid}/accounts", data={"account_ids[]": [friend_acc["id"]]})
    members = me.call("GET", f"/api/v1/lists/{lid}/accounts", params={"limit": "0"})
    assert [a["id"] for a in members] == [friend_acc["id"]]
    for a in members:
        account_fields(a)
    post = friend.call("POST", "/api/v1/statuses", json={"status": "for the list"})
    timeline = me.call("GET", f"/api/v1/timelines/list/{lid}", params={"limit": "30"})
    assert post["id"] in [s["id"] for s in timeline]
    for s in timeline:
        status_fields(s)
    assert [lst["id"] for lst in me.call("GET", f"/api/v1/accounts/{friend_acc['id']}/lists")] == [lid]
    renamed = me.call("PUT", f"/api/v1/lists/{lid}",
                      json={"title": "friends", "replies_policy": "list", "exclusive": True})
    assert renamed["title"] == "friends" and renamed["exclusive"] is True
    assert [lst["id"] for lst in me.call("GET", "/api/v1/lists")] == [lid]
    me.call("DELETE", f"/api/v1/lists/{lid}/accounts", data={"account_ids[]": [friend_acc["id"]]})
    me.call("DELETE", f"/api/v1/lists/{lid}")
    assert me.call("GET", "/api/v1/lists") == []


def test_followed_and_featured_tags(trio):
    """Tusky's followed-hashtags screen and the hashtag header's follow button; Ivory's and
    Elk's featured tags on a profile."""
    me, friend, friend_acc = trio
    followed = me.call("POST", "/api/v1/tags/roostlists/follow")
    fields(followed, "name:str", "url:str", "history:list", "following:bool")
    assert followed["following"] is True
    assert [t["name"] for t in me.call("GET", "/api/v1/followed_tags", params={"limit": "40"})] == [
        "roostlists"]
    assert me.call("GET", "/api/v1/tags/roostlists")["following"] is True
    assert me.call("POST", "/api/v1/tags/roostlists/unfollow")["following"] is False
    friend.call("POST", "/api/v1/statuses", data={"status": "about #roostfeature"})
    featured = friend.call("POST", "/api/v1/featured_tags", data={"name": "roostfeature"})
    fields(featured, "id:str", "name:str", "url:str", "statuses_count")
    shown = me.call("GET", f"/api/v1/accounts/{friend_acc['id']}/featured_tags")
    assert [t["name"] for t in shown] == ["roostfeature"]
    assert isinstance(friend.call("GET", "/api/v1/featured_tags/suggestions"), list)
    friend.call("DELETE", f"/api/v1/featured_tags/{featured['id']}")

