"""The apps' calls for features added beside the core (polls, scheduled posts, reports, the
explore screens), replayed over HTTP against a live server as in test_apps_replay.py."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.compat.replay import App, account_fields, fields, register, status_fields


@pytest.fixture(scope="module")
def pair(live_server):
    register(live_server.url, "rf_author")
    register(live_server.url, "rf_reader")
    author = App(live_server.url, "Tusky", "oauth2redirect://com.keylesspalace.tusky/",
                 "read write follow push")
    author.login("rf_author")
    reader = App(live_server.url, "Elk", "https://elk.zone/api/x/oauth", "read write follow push")
    reader.login("rf_reader", pkce=True)
    yield author, reader
    author.close()
    reader.close()


def test_poll_compose_vote_and_refresh(pair):
    """Tusky and Elk: a poll in the status body (JSON), voting with choices[], re-fetching."""
    author, reader = pair
    st = author.call("POST", "/api/v1/statuses", json={
        "status": "tea or coffee?", "visibility": "public", "language": "en",
        "poll": {"options": ["tea", "coffee"], "expires_in": 3600, "multiple": False,
                 "hide_totals": False}})
    status_fields(st)
    poll = st["poll"]
    fields(poll, "id:str", "expires_at:str?", "expired:bool", "multiple:bool", "votes_count:int",
           "voters_count:int?", "options:list", "emojis:list")
    fields(poll["options"][0], "title:str", "votes_count:int?")
    voted = reader.call("POST", f"/api/v1/polls/{poll['id']}/votes", data={"choices[]": ["1"]})
    assert voted["voted"] is True and voted["own_votes"] == [1]
    again = reader.call("GET", f"/api/v1/polls/{poll['id']}")
    assert again["votes_count"] == 1


def test_scheduled_posts_screen(pair):
    """Tusky's "Scheduled posts" screen: create with scheduled_at, list, delete."""
    author, _ = pair
    when = (datetime.now(UTC) + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    sched = author.call("POST", "/api/v1/statuses",
                        json={"status": "later", "visibility": "public", "scheduled_at": when})
    fields(sched, "id:str", "scheduled_at:str", "params.text:str", "media_attachments:list")
    listed = author.call("GET", "/api/v1/scheduled_statuses", params={"limit": "20"})
    assert [s["id"] for s in listed] == [sched["id"]]
    author.call("DELETE", f"/api/v1/scheduled_statuses/{sched['id']}")
    assert author.call("GET", "/api/v1/scheduled_statuses") == []


def test_report_from_a_profile(pair):
    """Tusky's report flow: account_id, status_ids[], comment, forward."""
    author, reader = pair
    me = author.call("GET", "/api/v1/accounts/verify_credentials")
    st = author.call("POST", "/api/v1/statuses", data={"status": "reportable"})
    report = reader.call("POST", "/api/v1/reports", data={
        "account_id": me["id"], "status_ids[]": [st["id"]], "comment": "spam",
        "forward": "false", "category": "spam"})
    fields(report, "id:str", "category:str", "comment:str", "target_account.id:str")


def test_explore_screens(pair):
    """Elk's and Phanpy's Explore, Ivory's search tab: trends, suggestions, directory, a tag."""
    author, reader = pair
    author.call("POST", "/api/v1/statuses", data={"status": "exploring #roostcompat"})
    for path in ("/api/v1/trends/tags", "/api/v1/trends/statuses", "/api/v1/trends/links"):
        assert isinstance(reader.call("GET", path, params={"limit": "20"}), list)
    for s in reader.call("GET", "/api/v1/trends/statuses"):
        status_fields(s)
    for sugg in reader.call("GET", "/api/v2/suggestions", params={"limit": "40"}):
        fields(sugg, "source:str", "account.id:str")
    for acc in reader.call("GET", "/api/v1/directory", params={"order": "active", "local": "true",
                                                               "limit": "40"}):
        account_fields(acc)
    tag = reader.call("GET", "/api/v1/tags/roostcompat")
    fields(tag, "name:str", "url:str", "history:list")
    assert isinstance(reader.call("GET", "/api/v1/custom_emojis"), list)


def test_announcements_bar(pair):
    """Tusky asks with with_dismissed=true at launch; Elk and Phanpy without it."""
    author, reader = pair
    for app, params in ((author, {"with_dismissed": "true"}), (reader, {})):
        for ann in app.call("GET", "/api/v1/announcements", params=params):
            fields(ann, "id:str", "content:str", "published_at:str", "all_day:bool", "read:bool",
                   "reactions:list", "mentions:list", "tags:list", "emojis:list")
    app = author
    app.call("POST", "/api/v1/announcements/1/dismiss", status=404)
