"""Mastodon.py mentions @assistant on a real Roost server (jobs run in the server, the built-in
model answers) and finds the answer in the thread."""

from __future__ import annotations

import pytest

from tests.compat.conftest import start_live_server, stop_live_server
from tests.compat.mastodon_py import create_app, register, wait_for


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    live = start_live_server(tmp_path_factory.mktemp("live-assistant"), ai_assistant_enabled=True,
                             ai_assistant_max_tokens=16)
    yield live
    stop_live_server(live)


def test_mentioning_the_assistant_gets_a_reply(live_server):
    alice = register(live_server, create_app(live_server, "compat-assistant"), "mpa_alice")
    [bot] = alice.account_search("assistant")
    assert bot["bot"] is True

    post = alice.status_post("@assistant what is a lighthouse?", visibility="unlisted")
    assert [m["acct"] for m in post["mentions"]] == ["assistant"]
    context = wait_for(lambda: alice.status_context(post["id"]), lambda c: c["descendants"],
                       timeout=60)
    [answer] = context["descendants"]
    assert answer["account"]["id"] == bot["id"] and answer["in_reply_to_id"] == post["id"]
    assert answer["visibility"] == "unlisted"
    assert [m["acct"] for m in answer["mentions"]] == ["mpa_alice"]
    mentions = [n for n in alice.notifications() if n["type"] == "mention"]
    assert mentions and mentions[0]["status"]["id"] == answer["id"]
