"""Per-day use counts (Mastodon's `history`: 7 days, today first, as strings)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from roost.kit.ids import id_floor
from roost.models import Status, StatusTag

DAYS = 7
COUNTED = ("public", "unlisted")  # what Mastodon counts in a tag's history


def midnight(at: datetime) -> datetime:
    return at.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def window_start(now: datetime) -> datetime:
    return midnight(now) - timedelta(days=DAYS - 1)


def days(uses: Iterable[tuple[Hashable, int, datetime]], now: datetime) -> dict[Hashable, list[dict]]:
    """(key, account id, when) uses -> key -> 7 daily {day, uses, accounts}, today first."""
    today = midnight(now)
    count: dict[Hashable, list[int]] = defaultdict(lambda: [0] * DAYS)
    people: dict[Hashable, list[set]] = defaultdict(lambda: [set() for _ in range(DAYS)])
    for key, account_id, when in uses:
        back = (today - midnight(when)).days
        if 0 <= back < DAYS:
            count[key][back] += 1
            people[key][back].add(account_id)
    return {key: [{"day": str(int((today - timedelta(days=i)).timestamp())),
                   "uses": str(count[key][i]), "accounts": str(len(people[key][i]))}
                  for i in range(DAYS)] for key in count}


def empty(now: datetime) -> list[dict]:
    today = midnight(now)
    return [{"day": str(int((today - timedelta(days=i)).timestamp())), "uses": "0", "accounts": "0"}
            for i in range(DAYS)]


async def tag_history(session: AsyncSession, tag_ids: Iterable[int], now: datetime) -> dict[int, list[dict]]:
    """History of each tag in one query: its public and unlisted posts of the last 7 days."""
    ids = list(set(tag_ids))
    if not ids:
        return {}
    rows = (await session.execute(
        select(StatusTag.tag_id, Status.account_id, Status.created_at)
        .join(Status, Status.id == StatusTag.status_id)
        .where(StatusTag.tag_id.in_(ids), StatusTag.status_id >= id_floor(window_start(now)),
               Status.deleted_at.is_(None), Status.visibility.in_(COUNTED))
    )).all()
    found = days(rows, now)
    return {i: found.get(i) or empty(now) for i in ids}
