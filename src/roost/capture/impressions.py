"""Impressions: which posts a feed served to whom, at which position, from which feed.

Recorded when a signed-in person whose training consent is "all" is served a page of a feed
(captures_passively: no query, the viewer's row is loaded). One `feed.impression` event per
page — one row inserted at commit with the rest of the unit of work's events — and nothing at
all for everyone else, so their reads cost exactly what they did before."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from roost import events
from roost.capture.rules import captures_passively, shown_id
from roost.events.schemas import FeedImpression
from roost.models import Account


def served(session: AsyncSession, viewer: Account | None, feed: str, statuses: Sequence[dict], *,
           first_position: int, surface: str) -> bool:
    """A page of `feed` (status dicts as served, in order) went to `viewer`. Records the ids of
    the posts shown (a repost's original) when the viewer is captured; returns whether it was."""
    if not statuses or not captures_passively(viewer):
        return False
    assert viewer is not None
    events.record(session, FeedImpression(
        account_id=str(viewer.id), feed=feed, status_ids=[shown_id(s) for s in statuses],
        first_position=first_position, surface=surface), actor_id=viewer.id)
    return True
