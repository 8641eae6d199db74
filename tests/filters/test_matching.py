"""Keyword matching rules (pure functions)."""

from __future__ import annotations

from roost.filters.matching import (FilteredStatus, FilterRules, Keyword, compile_filter, match,
                                    searchable_text)


def _filter(*keywords: tuple[str, bool], statuses=(), context=("home",), fid=1) -> FilterRules:  # noqa: ANN001
    return FilterRules(fid, "t", list(context), "warn", None,
                       [Keyword(i, k, w) for i, (k, w) in enumerate(keywords)],
                       [FilteredStatus(i, s) for i, s in enumerate(statuses)])


def _hits(keyword: str, whole_word: bool, text: str) -> bool:
    return bool(match([compile_filter(_filter((keyword, whole_word)))], text, []))


def test_whole_word_boundaries():
    assert _hits("cat", True, "my cat.")
    assert _hits("cat", True, "CAT")
    assert not _hits("cat", True, "concatenate")
    assert _hits("cat", False, "concatenate")
    assert _hits("new york", True, "I love New York!")
    assert not _hits("new york", True, "newyorker")


def test_unicode_words_and_case():
    assert _hits("ÉTÉ", True, "un été chaud")
    assert not _hits("été", True, "étés")
    assert _hits("東京", False, "東京タワー")
    assert _hits("привет", True, "Привет, мир")


def test_keywords_starting_or_ending_with_punctuation():
    assert _hits("#tag", True, "see #tag now")
    assert _hits("#tag", True, "see x#tag")  # no boundary wanted before '#'
    assert not _hits("#tag", True, "#tagging")
    assert _hits("c++", True, "I like C++.")
    assert _hits(":)", True, "ok:)")


def test_regex_characters_are_literal():
    assert not _hits("a.c", False, "abc")
    assert _hits("a.c", False, "a.c")
    assert _hits("(x|y)", False, "(x|y)") and not _hits("(x|y)", False, "x")


def test_match_reports_keywords_status_ids_and_respects_context():
    rules = _filter(("dune", True), ("spice", False), statuses=[42], context=("home", "thread"))
    compiled = [compile_filter(rules)]
    (m,) = match(compiled, "Dune is about spices", [7, 42])
    assert m.keyword_matches == ("dune", "spice") and m.status_matches == (42,)
    assert match(compiled, "Dune", [1], context="public") == []
    assert len(match(compiled, "Dune", [1], context="thread")) == 1
    assert match(compiled, "nothing", [1, None]) == []


def test_searchable_text_joins_every_part():
    text = searchable_text("CW", "body", ["yes", "no"], ["alt", None])
    assert text == "CW\n\nbody\n\nyes\n\nno\n\nalt"
    assert searchable_text("", "body", [], []) == "body"
