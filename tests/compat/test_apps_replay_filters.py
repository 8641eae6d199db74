"""The apps' calls for content filters, replayed over HTTP against a live server as in
test_apps_replay.py."""

from __future__ import annotations

import pytest

from tests.compat.replay import fields, following_pair


@pytest.fixture(scope="module")
def trio(live_server):
    with following_pair(live_server.url, "rx_me", "rx_friend") as trio:
        yield trio


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
