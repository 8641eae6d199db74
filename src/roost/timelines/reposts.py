"""Repost collapsing in home, as Mastodon does it: a repost is left out when the post it
reposts, or an earlier repost of that post, is among the `FALLOFF` entries just older than it.
Decided while reading (for feeds in Redis and from the database alike) from the page and the
`FALLOFF` entries below it, so each entry's fate depends only on older entries and paging stays
consistent."""

from __future__ import annotations

from collections.abc import Sequence

from roost.models import Status

FALLOFF = 40  # Mastodon's FeedManager::REBLOG_FALLOFF


def collapse(page: Sequence[Status], below: Sequence[Status]) -> list[Status]:
    """`page` and `below` newest first; `below` are the entries just older than the page (only
    their `id` and `reblog_of_id` are read)."""
    kept: list[Status] = []
    recent: list[int] = []  # "original ids" of kept entries, oldest first, capped at FALLOFF
    for st in reversed([*page, *below]):
        original = st.reblog_of_id or st.id
        if st.reblog_of_id is not None and original in recent:
            continue
        kept.append(st)
        recent.append(original)
        if len(recent) > FALLOFF:
            recent.pop(0)
    on_page = {st.id for st in page}
    return [st for st in reversed(kept) if st.id in on_page]
