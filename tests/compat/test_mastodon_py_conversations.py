"""Mastodon.py's conversations API against a real Roost server (jobs run in the server)."""

from __future__ import annotations

import time

import pytest
from mastodon import Mastodon
from mastodon.errors import MastodonNotFoundError


@pytest.fixture(scope="module")
def client_app(live_server):
    return Mastodon.create_app("compat-conversations", api_base_url=live_server.url,
                               scopes=["read", "write", "follow", "push"])


def _register(live_server, client_app, name: str) -> Mastodon:
    cid, secret = client_app
    anon = Mastodon(client_id=cid, client_secret=secret, api_base_url=live_server.url)
    token = anon.create_account(name, "a long enough password", f"{name}@example.com",
                                agreement=True, scopes=["read", "write", "follow", "push"])
    return Mastodon(access_token=token, api_base_url=live_server.url)


def _wait_for(fetch, ok, timeout: float = 10.0):  # noqa: ANN001, ANN202
    deadline = time.time() + timeout
    while True:
        value = fetch()
        if ok(value) or time.time() > deadline:
            return value
        time.sleep(0.1)


def test_conversations_with_mastodon_py(live_server, client_app):
    alice = _register(live_server, client_app, "cv_alice")
    bob = _register(live_server, client_app, "cv_bob")
    carol = _register(live_server, client_app, "cv_carol")
    alice_id = alice.account_verify_credentials()["id"]

    dm = alice.status_post("@cv_bob a secret", visibility="direct")
    convs = _wait_for(bob.conversations, lambda c: len(c) == 1)
    assert len(convs) == 1
    conv = convs[0]
    assert conv.unread is True
    assert [a.id for a in conv.accounts] == [alice_id]
    assert conv.last_status.id == dm.id and conv.last_status.visibility == "direct"

    read = bob.conversations_read(conv)
    assert read.id == conv.id and read.unread is False
    assert bob.conversations()[0].unread is False
    assert alice.conversations()[0].unread is False

    reply = bob.status_reply(dm, "got it", visibility="direct")  # mentions @cv_alice
    mine = _wait_for(alice.conversations,
                     lambda c: len(c) == 1 and c[0].last_status.id == reply.id)
    assert mine[0].last_status.id == reply.id and mine[0].unread is True
    assert [c.id for c in bob.conversations()] == [conv.id]

    assert carol.conversations() == []
    with pytest.raises(MastodonNotFoundError):
        carol.conversations_read(conv)
    with pytest.raises(MastodonNotFoundError):
        carol.status(dm.id)


def test_conversation_pages_with_mastodon_py(live_server, client_app):
    dora = _register(live_server, client_app, "cv_dora")
    names = [f"cv_pal{i}" for i in range(3)]
    for name in names:
        _register(live_server, client_app, name)
    posts = [dora.status_post(f"@{name} hello", visibility="direct") for name in names]

    assert len(_wait_for(dora.conversations, lambda c: len(c) == 3)) == 3
    first = dora.conversations(limit=2)
    assert [c.last_status.id for c in first] == [posts[2].id, posts[1].id]
    second = dora.fetch_next(first)
    assert [c.last_status.id for c in second] == [posts[0].id]
    assert dora.fetch_next(second) in (None, [])
