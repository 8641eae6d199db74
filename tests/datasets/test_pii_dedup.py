"""Personal data scrubbing and near-duplicate detection: pure functions."""

from __future__ import annotations

import pytest

from roost.datasets import dedup, pii

pytestmark = pytest.mark.no_database


@pytest.mark.parametrize(("text", "want"), [
    ("write to jane.doe+news@mail.example.co.uk today", "write to [EMAIL] today"),
    ("call +44 20 7946 0958 or (415) 555-0100", "call [PHONE] or [PHONE]"),
    ("my number is 0612345678.", "my number is [PHONE]."),
    ("password: hunter2!", "password: [SECRET]"),
    ('api_key="abc123def"', "api_key=[SECRET]"),
    ("key AKIAIOSFODNN7EXAMPLE here", "key [SECRET] here"),
    ("ghp_abcdefghijklmnopqrstuvwxyz0123456789", "[SECRET]"),
    ("use sk-proj-Abcdefghijklmnopqrstuvwx please", "use [SECRET] please"),
    ("Authorization: Bearer abcdef0123456789abcdef", "Authorization: [SECRET]"),
    ("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
     "[SECRET]"),
    ("db at postgres://admin:s3cret@db.example.com/x", "db at [SECRET]db.example.com/x"),
    ("-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----", "[SECRET]"),
    ("deadbeefdeadbeefdeadbeefdeadbeef12", "[SECRET]"),
])
def test_scrub_replaces_personal_data(text, want):
    assert pii.scrub(text) == want


@pytest.mark.parametrize("text", [
    "Meet at 12:30 on 2026-12-05, room 101.", "I have 3 cats and 12345 photos",
    "Read https://example.com/posts/42 now", "#caturday is the best day",
])
def test_scrub_leaves_ordinary_text(text):
    assert pii.scrub(text) == text


def test_mentions_follow_consent():
    allowed = {"alice"}
    text = "hi @alice @bob and @carol@remote.example, mail x@y.org"
    out = pii.scrub(text, lambda name, domain: f"@{name}" if domain is None and name in allowed
                    else "@user")
    assert out == "hi @alice @user and @user, mail [EMAIL]"
    assert pii.mentioned_names(text) == {"alice", "bob"}


def test_pseudonyms_are_stable_within_a_build_and_differ_across():
    assert pii.pseudonym("a", 1) == pii.pseudonym("a", 1) != pii.pseudonym("b", 1)
    assert pii.pseudonym("a", 1) != pii.pseudonym("a", 2) and "1" != pii.pseudonym("a", 1)


def test_exact_and_near_duplicates_are_found_and_the_first_is_kept():
    base = "The river was high this morning and the herons were fishing along the bank"
    texts = [base, base.upper(), base + "!!", base.replace("morning", "mornin"),
             "A completely different sentence about baking bread at home", "", "",
             f"@someone {base} https://example.com/x"]
    assert dedup.duplicates(texts) == {1, 2, 3, 7}


def test_similar_but_different_texts_are_kept():
    texts = ["I like apples and pears in the autumn", "I like trains and buses in the winter",
             "short", "shorts"]
    assert dedup.duplicates(texts) == set()


def test_signatures_are_deterministic_and_estimate_jaccard():
    a = dedup.signature("one two three four five six seven eight nine ten")
    assert (a == dedup.signature("one two three four five six seven eight nine ten")).all()
    b = dedup.signature("one two three four five six seven eight nine ten eleven twelve")
    assert 0.6 < dedup.similarity(a, b) < 1.0
