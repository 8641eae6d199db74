"""The rating rule and the input checks of notes (pure functions)."""

from __future__ import annotations

import pytest

from roost.kit.errors import Invalid
from roost.notes import rules

pytestmark = pytest.mark.no_database


@pytest.mark.parametrize("helpful,total,expected", [
    (0, 0, "needs_more_ratings"), (2, 2, "needs_more_ratings"),  # too few ratings
    (3, 3, "helpful"), (2, 3, "helpful"), (1, 3, "not_helpful"), (0, 3, "not_helpful"),
    (4, 6, "helpful"), (3, 6, "needs_more_ratings"), (2, 6, "not_helpful"),  # 2/3 and 1/3 exactly
    (5, 8, "needs_more_ratings"), (6, 8, "helpful"), (3, 8, "needs_more_ratings"),
    (2, 8, "not_helpful"),
])
def test_two_thirds_helpful_is_helpful_one_third_or_less_is_not(helpful, total, expected):
    assert rules.rating_status(helpful, total, 3) == expected


def test_the_minimum_number_of_ratings_is_a_setting():
    assert rules.rating_status(4, 4, 5) == "needs_more_ratings"
    assert rules.rating_status(1, 1, 1) == "helpful"


def test_text_is_kept_as_written_within_500_characters():
    assert rules.check_text("  See https://example.org <b>x</b>\r\nok ") == \
        "  See https://example.org <b>x</b>\nok "
    assert rules.check_text("🇫🇷" * 500) == "🇫🇷" * 500  # characters as a reader counts them
    for bad in ("", "   \n", None, 5, ["x"], "x" * 501):
        with pytest.raises(Invalid):
            rules.check_text(bad)


def test_a_reason_must_fit_the_rating():
    assert rules.check_reason(True, "cites_sources") == "cites_sources"
    assert rules.check_reason(False, "incorrect") == "incorrect"
    assert rules.check_reason(False, "other") == rules.check_reason(True, "other") == "other"
    assert rules.check_reason(True, "") is None and rules.check_reason(True, None) is None
    for helpful, bad in ((True, "incorrect"), (False, "clear"), (True, "nonsense"), (True, 3)):
        with pytest.raises(Invalid):
            rules.check_reason(helpful, bad)
