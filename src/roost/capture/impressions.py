"""Impressions: which posts a feed served to whom, at which position, from which feed.

Recorded when a signed-in person whose training consent is "all" is served a page of a feed
(captures_passively: no query, the viewer's row is loaded). One `feed.impression` event per
page, written in a short unit of work of its own right after the read's commit (as auth's
touch_active does): a read stays read-only (on SQLite, a GET's deferred transaction never has to
become a writer), and an impression that fails to be written never fails the read. Nothing at
all happens for everyone else, so their reads cost exactly what they did before."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from roost import events
from roost.capture.rules import captures_passively, first_position, shown_id
from roost.db import after_commit, database_of
from roost.events import log as event_log
from roost.events.schemas import EventData, FeedImpression
from roost.models import Account


def record_after_read(session: AsyncSession, viewer: Account, data: EventData, *,
                      subject_id: int | None = None) -> None:
    """Record `data` (the viewer its actor) once this read's unit of work has committed, in a
    short unit of work of its own; the viewer's consent is known, so no query looks it up."""
    db = database_of(session)
    viewer_id, consent = viewer.id, viewer.training_consent

    async def write() -> None:
        async with db.unit_of_work() as own:
            event_log.remember_consent(own, viewer_id, consent)
            events.record(own, data, actor_id=viewer_id, subject_id=subject_id)

    after_commit(session, write)


# Where each captured viewer's next page of each feed starts, for clients that page with
# `max_id` alone (Mastodon.py, Tusky...): (viewer id, feed) -> (the page's last paging key, the
# next position). Per process and bounded: a miss only leaves a position unknown (-1).
PLACES_KEPT = 10_000
_places: OrderedDict[tuple[int, str], tuple[int, int]] = OrderedDict()


def served_page(session: AsyncSession, viewer: Account | None, feed: str,
                statuses: Sequence[dict], *, top: bool, claimed: object, surface: str,
                after: int | None = None, last: int | None = None) -> int | None:
    """A page of `feed` went to `viewer`: `top` when it is the top of the feed, else `claimed` is
    the position the client carried over (a next link's `position`), else, when the page goes on
    from (`after`, its max_id) the last paging key of the viewer's previous page of this feed,
    where that page ended. Records it (see `served`) and returns where the next page starts, or
    None when it was not recorded or is not known. `last`: this page's last paging key."""
    start = first_position(top=top, claimed=claimed)
    if start < 0 and viewer is not None and after is not None:
        key, place = _places.get((viewer.id, feed), (None, -1))
        start = place if key == after else -1
    if not served(session, viewer, feed, statuses, first_position=start, surface=surface):
        return None
    if start < 0:
        return None
    assert viewer is not None
    if last is not None:
        _places[(viewer.id, feed)] = (last, start + len(statuses))
        _places.move_to_end((viewer.id, feed))
        while len(_places) > PLACES_KEPT:
            _places.popitem(last=False)
    return start + len(statuses)


def served(session: AsyncSession, viewer: Account | None, feed: str, statuses: Sequence[dict], *,
           first_position: int, surface: str) -> bool:
    """A page of `feed` (status dicts as served, in order) went to `viewer`. Records the ids of
    the posts shown (a repost's original) when the viewer is captured; returns whether it was."""
    if not statuses or not captures_passively(viewer):
        return False
    assert viewer is not None
    record_after_read(session, viewer, FeedImpression(
        account_id=str(viewer.id), feed=feed, status_ids=[shown_id(s) for s in statuses],
        first_position=first_position, surface=surface))
    return True
