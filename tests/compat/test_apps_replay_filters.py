"""The apps' calls for content filters, replayed over HTTP against a live server as in
test_apps_replay.py."""

from __future__ import annotations

import pytest

from tests.compat.replay import App, fields, register


@pytest.fixture(scope="module")
def trio(live_server):
    for name in ("rx_me", "rx_friend"):
        register(live_server.url, name)
    me = App(live_server.url, "Tusky", "oauth2redirect://com.keylesspalace.tusky/",
             "read write follow push")
    me.login("rx_me")
    friend = App(live_server.url, "Phanpy", "https://phanpy.social/", "read write follow push")
    friend.login("rx_friend", pkce=True)
    friend_acc = friend.call("GET", "/api/v1/accounts/verify_credentials")
    me.call("POST", f"/api/v1/accounts/{friend_acc['id']}/follow")
    yield me, friend, friend_acc
    me.close()
    friend.close()


def test_filters(trio):
    """Filters v2 as Tusky, Ivory, Elk and Phanpy send them, v1 as older Tusky reads them, and
    the `filtered` results on statuses that apps use to hide or warn."""
    me, friend, _ = trio
    # Tusky: a form with indexed keywords_attributes; Elk and Phanpy: JSON
    made = me.call("POST", "/api/v2/filters", data={
        "title": "spoilers", "context[]": ["home", "public"], "filter_action": "warn",
        "keywords_attributes[0][keyword]": "finale", "keywords_attributes[0][whole_word]": "true"})
    other = me.call("POST", "/api/v2/filters", json={
        "title": "json", "context": ["notifications"], "filter_action": "hide",
        "keywords_attributes": [{"keyword": "zzz", "whole_word": False}]})
    assert [k["keyword"] for k in other["keywords"]] == ["zzz"]
    me.call("DELETE", f"/api/v2/filters/{other['id']}")
    fields(made, "id:str", "title:str", "context:list", "expires_at:str?", "filter_action:str",
           "keywords:list", "statuses:list")
    assert [k["keyword"] for k in made["keywords"]] == ["finale"]
    assert [f["id"] for f in me.call("GET", "/api/v2/filters")] == [made["id"]]
    for f in me.call("GET", "/api/v1/filters"):
        fields(f, "id:str", "phrase:str", "context:list", "whole_word:bool", "irreversible:bool")
    post = friend.call("POST", "/api/v1/statuses", data={"status": "the finale was great"})
    home = me.call("GET", "/api/v1/timelines/home")
    seen = next(s for s in home if s["id"] == post["id"])
    assert seen["filtered"] and seen["filtered"][0]["filter"]["id"] == made["id"]
    fields(seen["filtered"][0], "filter.title:str", "keyword_matches:list?")
    me.call("DELETE", f"/api/v2/filters/{made['id']}")
    assert me.call("GET", "/api/v2/filters") == []
