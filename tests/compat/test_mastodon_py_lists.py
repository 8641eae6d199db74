"""Mastodon.py's lists, followed-tags and featured-tags calls against a real Roost server (jobs
run in the server)."""

from __future__ import annotations

import pytest
from mastodon.errors import MastodonNotFoundError

from tests.compat.mastodon_py import create_app, register, wait_for


@pytest.fixture(scope="module")
def client_app(live_server):
    return create_app(live_server, "compat-lists")


def test_lists_with_mastodon_py(live_server, client_app):
    alice = register(live_server, client_app, "ls_alice")
    bob = register(live_server, client_app, "ls_bob")
    carol = register(live_server, client_app, "ls_carol")
    bob_id = bob.account_verify_credentials()["id"]
    carol_id = carol.account_verify_credentials()["id"]
    alice.account_follow(bob_id)
    alice.account_follow(carol_id)

    friends = alice.list_create("Friends", replies_policy="followed", exclusive=True)
    assert friends.title == "Friends" and friends.replies_policy == "followed"
    assert friends.exclusive is True
    assert [x.id for x in alice.lists()] == [friends.id]
    assert alice.list(friends.id).title == "Friends"
    renamed = alice.list_update(friends.id, "Close friends", replies_policy="list", exclusive=True)
    assert renamed.title == "Close friends" and renamed.replies_policy == "list"

    alice.list_accounts_add(friends.id, [bob_id, carol_id])
    members = alice.list_accounts(friends.id, limit=1)
    assert len(members) == 1
    rest = alice.fetch_next(members)
    assert rest is not None and len(rest) == 1
    assert {members[0].id, rest[0].id} == {bob_id, carol_id}
    assert [x.id for x in alice.account_lists(bob_id)] == [friends.id]

    post = bob.status_post("bob in the list")
    timeline = wait_for(lambda: alice.timeline_list(friends.id), lambda t: len(t) == 1)
    assert [s.id for s in timeline] == [post.id]
    # exclusive: not in alice's home
    assert post.id not in [s.id for s in alice.timeline_home()]

    alice.list_accounts_delete(friends.id, [carol_id])
    assert [a.id for a in alice.list_accounts(friends.id)] == [bob_id]
    alice.account_unfollow(bob_id)  # leaves the list
    assert alice.list_accounts(friends.id) == []

    alice.list_delete(friends.id)
    assert alice.lists() == []
    with pytest.raises(MastodonNotFoundError):
        alice.list(friends.id)


def test_tags_with_mastodon_py(live_server, client_app):
    dora = register(live_server, client_app, "ls_dora")
    eve = register(live_server, client_app, "ls_eve")
    tag = dora.tag_follow("Gardening")
    assert tag.name == "Gardening" and tag.following is True
    assert [t.name for t in dora.followed_tags()] == ["Gardening"]
    post = eve.status_post("tomatoes! #gardening")
    home = wait_for(dora.timeline_home, lambda t: any(s.id == post.id for s in t))
    assert post.id in [s.id for s in home]
    assert dora.tag("gardening").following is True
    assert dora.tag_unfollow("gardening").following is False

    featured = eve.featured_tag_create("gardening")
    assert featured.name == "Gardening" and featured.statuses_count == "1"  # first spelling
    assert [f.id for f in eve.featured_tags()] == [featured.id]
    eve_id = eve.account_verify_credentials()["id"]
    assert [f.name for f in dora.account_featured_tags(eve_id)] == ["Gardening"]
    eve.status_post("#Compost is gold")
    assert [t.name for t in eve.featured_tag_suggestions()] == ["Compost"]
    eve.featured_tag_delete(featured.id)
    assert eve.featured_tags() == []
