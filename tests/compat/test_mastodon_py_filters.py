"""Mastodon.py's filter APIs (v2 and v1) against a real Roost server: a filter made through the
client marks matching posts with `filtered`, and `hide` removes them."""

from __future__ import annotations

import pytest
from mastodon.errors import MastodonNotFoundError

from tests.compat.mastodon_py import create_app, register, wait_for


@pytest.fixture(scope="module")
def client_app(live_server):
    return create_app(live_server, "compat-filters")


def test_filters_with_mastodon_py(live_server, client_app):
    alice = register(live_server, client_app, "flt_alice")
    bob = register(live_server, client_app, "flt_bob")
    alice.account_follow(bob.account_verify_credentials()["id"])

    f = alice.create_filter_v2("Spoilers", ["home", "public"], "warn",
                               keywords_attributes=[{"keyword": "dune", "whole_word": True}])
    assert f.title == "Spoilers" and [k.keyword for k in f.keywords] == ["dune"]
    assert [x.id for x in alice.filters_v2()] == [f.id]

    hit = bob.status_post("Finished Dune today")
    home = wait_for(alice.timeline_home, lambda t: any(s.id == hit.id for s in t))
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
