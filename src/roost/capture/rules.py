"""The pure decisions of capture: who is captured passively, feed names, positions, reasons."""

from __future__ import annotations

import re
import unicodedata

from roost.kit.errors import Invalid
from roost.models import Account

WHAT = ("thread", "image")
SURFACES = ("api", "web")
# A rating's reason: one of these codes, or the person's own words (at most REASON_CHARS).
REASON_WORDS = (("accurate", "accurate"), ("clear", "clear"), ("useful", "useful"),
                ("wrong", "wrong"), ("unclear", "unclear"), ("off_topic", "off topic"),
                ("unsafe", "unsafe or hurtful"), ("too_long", "too long"))
REASONS = tuple(code for code, _ in REASON_WORDS)
REASON_CHARS = 280
NOT_FIRST_PAGE = -1  # first_position of a page whose place in the feed is not known
FEED_CHARS = 120
_FEED = re.compile(r"(home|public|local|bookmarks|favourites|thread"
                   r"|tag:[^\s]{1,100}|list:\d{1,20}|account:\d{1,20})")


def captures_passively(viewer: Account | None) -> bool:
    """Impressions and opens are recorded only for people whose training consent is "all": they
    are not a deliberate act, and under any other level no dataset could use them (a privacy
    choice: nothing is kept that could not be used). Reads a column of the already loaded row."""
    return viewer is not None and viewer.training_consent == "all"


def check_feed(value: object) -> str | None:
    """A feed name a client reported (where a post was opened from, or given feedback on): one
    of the names impressions use, else None (unknown names are dropped, never an error)."""
    if not isinstance(value, str) or len(value) > FEED_CHARS or not _FEED.fullmatch(value):
        return None
    return value


def check_what(value: object) -> str:
    if value not in WHAT:
        raise Invalid("Validation failed: what must be thread or image")
    return value  # type: ignore[return-value]


def clean_text(value: str) -> str:
    """Plain text, one line: control and format characters (and NUL) dropped, runs of white
    space made one space. Shown escaped, never as HTML."""
    kept = "".join(" " if ch.isspace() else ch for ch in value
                   if ch.isspace() or unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co"))
    return " ".join(kept.split())


def check_reason(value: object) -> str | None:
    """None, one of REASONS, or free text of at most REASON_CHARS characters once cleaned."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise Invalid("Validation failed: reason must be text")
    if value in REASONS:
        return value
    text = clean_text(value)
    if len(text) > REASON_CHARS:
        raise Invalid(f"Validation failed: reason is too long (at most {REASON_CHARS} characters)")
    return text or None


def first_position(*, top: bool, claimed: object = None) -> int:
    """Where a page starts in its feed: 0 for the top of the feed; for a later page, the position
    the client carried over (the web app's "Load more" links carry `position`), else
    NOT_FIRST_PAGE."""
    if top:
        return 0
    if isinstance(claimed, str) and claimed.isascii() and claimed.isdigit() and len(claimed) < 7:
        return int(claimed)
    return NOT_FIRST_PAGE


def shown_id(status: dict) -> str:
    """The id of the post a served status shows: the original of a repost."""
    return (status.get("reblog") or status)["id"]
