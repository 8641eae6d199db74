"""Mastodon.py mentions @assistant on a real Roost server (jobs run in the server, the built-in
model answers) and finds the answer in the thread."""

from __future__ import annotations

import json
import os
import subprocess
import time

import pytest

from tests.compat.conftest import start_live_server, stop_live_server
from tests.compat.mastodon_py import create_app, register, wait_for
from tests.compat.test_toot import TOOT


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
    # The notification is made by its own job, after the answer is committed.
    mentions = wait_for(lambda: [n for n in alice.notifications() if n["type"] == "mention"],
                        lambda ns: ns, timeout=30)
    assert mentions and mentions[0]["status"]["id"] == answer["id"]


def test_toot_mentions_the_assistant_and_reads_the_answer_in_the_thread(live_server, tmp_path):

    register(live_server, create_app(live_server, "compat-assistant-toot"), "toot_asker")
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path), "HOME": str(tmp_path),
           "NO_COLOR": "1"}

    def toot(*args: str, input: str | None = None) -> subprocess.CompletedProcess:
        return subprocess.run([TOOT, *args], env=env, input=input, capture_output=True, text=True,
                              timeout=60)

    r = toot("login_cli", "-i", live_server.url, "-e", "toot_asker@example.com",
             input="a long enough password\n")
    assert r.returncode == 0, r.stdout + r.stderr
    r = toot("post", "@assistant what is a harbour?", "--visibility", "unlisted", "--json")
    assert r.returncode == 0, r.stdout + r.stderr
    question = json.loads(r.stdout)
    deadline = time.monotonic() + 60
    while True:
        r = toot("thread", question["id"], "--json")
        assert r.returncode == 0, r.stderr
        descendants = json.loads(r.stdout)["descendants"]
        if descendants or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    [answer] = descendants
    assert answer["account"]["acct"] == "assistant" and answer["account"]["bot"] is True
    assert answer["in_reply_to_id"] == question["id"]
