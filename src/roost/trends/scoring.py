"""Scores as pure functions of counted uses (no database here)."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

MIN_ACCOUNTS = 2  # a tag or link needs this many people in the last day to trend
MIN_INTERACTIONS = 2  # a post needs this many favourites + reblogs
STATUS_HALF_LIFE = timedelta(hours=12)
LINK_HALF_LIFE = timedelta(hours=24)


def tag_score(today_accounts: int, earlier_daily_accounts: list[int]) -> float:
    """How far today's distinct users exceed the tag's usual day (at least one person):
    (observed - expected)^2 / expected, 0 when not above it."""
    if today_accounts < MIN_ACCOUNTS:
        return 0.0
    expected = max(1.0, sum(earlier_daily_accounts) / len(earlier_daily_accounts)
                   if earlier_daily_accounts else 0.0)
    if today_accounts <= expected:
        return 0.0
    return (today_accounts - expected) ** 2 / expected


def decay(age: timedelta, half_life: timedelta) -> float:
    return math.pow(0.5, max(age.total_seconds(), 0.0) / half_life.total_seconds())


def status_score(interactions: int, created_at: datetime, now: datetime) -> float:
    if interactions < MIN_INTERACTIONS:
        return 0.0
    return interactions * decay(now - created_at, STATUS_HALF_LIFE)


def link_score(shares: dict[int, datetime], now: datetime) -> float:
    """`shares`: account id -> when that person last shared the link (one vote each)."""
    if len(shares) < MIN_ACCOUNTS:
        return 0.0
    return sum(decay(now - when, LINK_HALF_LIFE) for when in shares.values())
