"""Followed hashtags in Redis home feeds: a public post with hashtags goes into the feeds of the
active accounts that follow one of them (those with a feed; the rest get it on rebuild, which
reads home_from_db). Kept apart from the followers fan-out in feeds.py; both only add members,
so running either twice, or both for one reader, changes nothing."""

from __future__ import annotations

from datetime import timedelta

from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession

from roost import runtime
from roost.kit.clock import utcnow
from roost.models import Status
from roost.timelines import feeds
from roost.timelines import repository as repo


async def fan_out_tags(session: AsyncSession, redis: Redis, status_id: int) -> int:
    """Push the status to its hashtags' followers' feeds. Returns how many feeds got it."""
    status = await session.get(Status, status_id)
    if (status is None or status.deleted_at is not None or status.visibility != "public"
            or status.reblog_of_id is not None):
        return 0
    active_since = utcnow() - timedelta(days=runtime.settings().fan_out_active_days + 1)
    after, pushed = 0, 0
    while True:
        readers = await repo.tag_fan_out_targets(session, status, active_since=active_since,
                                                 after=after, limit=feeds.BATCH)
        pushed += await feeds._push(redis, [feeds.feed_key(r) for r in readers], status.id)
        if len(readers) < feeds.BATCH:
            return pushed
        after = readers[-1]
