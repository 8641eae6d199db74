"""The pure consent decisions: which level was in force at a time, and what a level allows."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

LEVELS = ("none", "public_posts", "all")
DEFAULT = "none"
# what a dataset may want: "public_posts" (the text and media of public posts) or "all" (also
# picks, feedback and annotations: everything a person does with Roost's AI)
KINDS = ("public_posts", "all")
_NEEDS = {"public_posts": {"public_posts", "all"}, "all": {"all"}}


@dataclass(frozen=True)
class Change:
    level: str
    changed_at: datetime


def level_at(history: Iterable[Change], at: datetime) -> str:
    """The level in force at `at`: that of the last change made at or before it, else "none".
    Changes made at the same instant apply in the order given."""
    level, latest = DEFAULT, None
    for change in history:
        if change.changed_at <= at and (latest is None or change.changed_at >= latest):
            level, latest = change.level, change.changed_at
    return level


def may_use(level: str, kind: str) -> bool:
    """May content of `kind` from an account at `level` be used for training?"""
    if kind not in _NEEDS:
        raise ValueError(f"unknown kind {kind!r}; one of {KINDS}")
    return level in _NEEDS[kind]


def may_use_post(level: str, *, visibility: str, opted_out: bool, deleted: bool = False) -> bool:
    """May this post's text and media be used? Only public posts, not excluded on their own, not
    deleted, by an author whose level allows public posts."""
    return (may_use(level, "public_posts") and visibility == "public" and not opted_out
            and not deleted)
