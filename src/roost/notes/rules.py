"""The pure decisions about notes: what a note's text may be, which reasons a rating may give,
and the rule that turns ratings into a note's rating status."""

from __future__ import annotations

from roost.kit import text as textkit
from roost.kit.errors import Invalid

MAX_CHARS = 500

HELPFUL, NEEDS_MORE_RATINGS, NOT_HELPFUL = "helpful", "needs_more_ratings", "not_helpful"
RATING_STATUSES = (HELPFUL, NEEDS_MORE_RATINGS, NOT_HELPFUL)  # also the order a post shows them

# Why a note is helpful, or not; "other" fits both.
HELPFUL_REASONS = ("cites_sources", "clear", "addresses_claim", "other")
NOT_HELPFUL_REASONS = ("incorrect", "opinion", "off_topic", "other")
REASONS = ("cites_sources", "clear", "addresses_claim", "incorrect", "opinion", "off_topic",
           "other")


def check_text(value: object) -> str:
    """The note's text as it will be stored: plain text, 1 to 500 characters (as a reader counts
    them), line endings made "\\n"; nothing else is changed."""
    if not isinstance(value, str) or not value.strip():
        raise Invalid("Validation failed: text can't be blank", details={"text": "blank"})
    value = value.replace("\r\n", "\n")
    if textkit.length(value) > MAX_CHARS:
        raise Invalid(f"Validation failed: text is too long (at most {MAX_CHARS} characters)",
                      details={"text": "too_long"})
    return value


def check_reason(helpful: bool, reason: object) -> str | None:
    if reason is None or reason == "":
        return None
    allowed = HELPFUL_REASONS if helpful else NOT_HELPFUL_REASONS
    if not isinstance(reason, str) or reason not in allowed:
        raise Invalid(f"Validation failed: reason must be one of {', '.join(allowed)} for a "
                      f"{'helpful' if helpful else 'not helpful'} rating",
                      details={"reason": "invalid"})
    return reason


def rating_status(helpful: int, total: int, min_ratings: int) -> str:
    """`needs_more_ratings` until the note has `min_ratings` ratings; then `helpful` when at least
    two thirds of them say helpful, `not_helpful` when at most one third do, and otherwise still
    `needs_more_ratings` (the raters disagree)."""
    if total < min_ratings or total <= 0:
        return NEEDS_MORE_RATINGS
    if 3 * helpful >= 2 * total:
        return HELPFUL
    if 3 * helpful <= total:
        return NOT_HELPFUL
    return NEEDS_MORE_RATINGS
