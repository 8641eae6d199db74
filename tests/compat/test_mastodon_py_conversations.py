"""Mastodon.py's conversations API against a real Roost server (jobs run in the server)."""

from __future__ import annotations

import pytest
from mastodon.errors import MastodonNotFoundError

from tests.compat.mastodon_py import create_app, register, wait_for


@pytest.fixture(scope="module")
def client_app(live_server):
    return create_app(live_server, "compat-conversations")


def test_conversations_with_mastodon_py(live_server, client_app):
    alice = register(live_server, client_app, "cv_alice")
    bob = register(live_server, client_app, "cv_bob")
    carol = register(live_server, client_app, "cv_carol")
    alice_id = alice.account_verify_credentials()["id"]

    dm = alice.status_post("@cv_bob a secret", visibility="direct")
    convs = wait_for(bob.conversations, lambda c: len(c) == 1)
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
    mine = wait_for(alice.conversations,
                     lambda c: len(c) == 1 and c[0].last_status.id == reply.id)
    assert mine[0].last_status.id == reply.id and mine[0].unread is True
    assert [c.id for c in bob.conversations()] == [conv.id]

    assert carol.conversations() == []
    with pytest.raises(MastodonNotFoundError):
        carol.conversations_read(conv)
    with pytest.raises(MastodonNotFoundError):
        carol.status(dm.id)


def test_conversation_pages_with_mastodon_py(live_server, client_app):
    dora = register(live_server, client_app, "cv_dora")
    names = [f"cv_pal{i}" for i in range(3)]
    for name in names:
        register(live_server, client_app, name)
    posts = [dora.status_post(f"@{name} hello", visibility="direct") for name in names]

    assert len(wait_for(dora.conversations, lambda c: len(c) == 3)) == 3
    first = dora.conversations(limit=2)
    assert [c.last_status.id for c in first] == [posts[2].id, posts[1].id]
    second = dora.fetch_next(first)
    assert [c.last_status.id for c in second] == [posts[0].id]
    assert dora.fetch_next(second) in (None, [])
