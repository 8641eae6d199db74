"""Mastodon.py's filter APIs (v2 and v1) against a real Roost server: a filter made through the
client marks matching posts with `filtered`, and `hide` removes them."""

from __future__ import annotations

import time

import pytest
from mastodon import Mastodon
from mastodon.errors import MastodonNotFoundError


@pytest.fixture(scope="module")
def client_app(live_server):
    return Mastodon.create_app("compat-filters", api_base_url=live_server.url,
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


def test_filters_with_mastodon_py(live_server, client_app):
    alice = _register(live_server, client_app, "flt_alice")
    bob = _register(live_server, client_app, "flt_bob")
    alice.account_follow(bob.account_verify_credentials()["id"])

    f = alice.create_filter_v2("Spoilers", ["home", "public"], "warn",
                               keywords_attributes=[{"keyword": "dune", "whole_word": True}])
    assert f.title == "Spoilers" and [k.keyword for k in f.keywords] == ["dune"]
    assert [x.id for x in alice.filters_v2()] == [f.id]

    hit = bob.status_post("Finished Dune today")
    home = _wait_for(alice.timeline_home, lambda t: any(s.id == hit.id for s in t))
    (status,) = [s for s in home if s.id == hit.id]
    (result,) = status.filtered
    assert result.filter.id == f.id and result.keyword_matches == ["dune"]

    f = alice.update_filter_v2(f, filter_action="hide")
    assert f.filter_action == "hide"
    assert all(s.id != hit.id for s in alice.timeline_home())

    kw = alice.add_filter_keyword_v2(f, "arrakis", whole_word=False)
    assert {k.keyword for k in alice.filter_keywords_v2(f)} == {"dune", "arrakis"}
    alice.delete_filter_keyword_v2(kw)

    # v1, as older apps use it: one filter per keyword
    (v1,) = alice.filters()
    assert v1.phrase == "dune" and v1.irreversible is True
    made = alice.filter_create("sandworm", ["thread"], whole_word=False)
    assert made.phrase == "sandworm" and made.whole_word is False
    assert {x.phrase for x in alice.filters()} == {"dune", "sandworm"}
    alice.filter_delete(made)

    alice.delete_filter_v2(f)
    assert alice.filters_v2() == []
    with pytest.raises(MastodonNotFoundError):
        alice.filter_v2(f.id)
    assert any(s.id == hit.id for s in alice.timeline_home())
