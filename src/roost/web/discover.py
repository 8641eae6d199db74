"""The right-hand "Discover" column of every page: trending tags and, for a signed-in viewer,
who to follow. Both are read through the services the API uses (the stored trends computed by
the `trends.refresh` job; the suggestions query) and kept a short while per process, so a page
usually costs no query for them: at most two for the trends and two for the suggestions when
the cached copy is older than TTL."""

from __future__ import annotations

import time
from collections import OrderedDict
from typing import Any

from fastapi import Request
from sqlalchemy.ext.asyncio import AsyncSession

from roost.api.mastodon import serializers as ser
from roost.kit.clock import utcnow
from roost.models import Account
from roost.suggestions import repository as suggestions_repo
from roost.trends import repository as trends_repo
from roost.trends.history import tag_history

TTL = 60.0  # seconds a process keeps the trends and a viewer's suggestions
TRENDS = 5
SUGGESTIONS = 3
MAX_VIEWERS = 2000  # suggestions cached for this many viewers at most (least recent dropped)


class Cache:
    """A small per-process cache with expiry, kept on app.state (one per app)."""

    def __init__(self) -> None:
        self.items: OrderedDict[Any, tuple[float, Any]] = OrderedDict()

    def get(self, key: Any) -> Any:  # noqa: ANN401
        hit = self.items.get(key)
        if hit is None or hit[0] < time.monotonic():
            return None
        self.items.move_to_end(key)
        return hit[1]

    def put(self, key: Any, value: Any) -> None:  # noqa: ANN401
        self.items[key] = (time.monotonic() + TTL, value)
        self.items.move_to_end(key)
        while len(self.items) > MAX_VIEWERS + 1:
            self.items.popitem(last=False)


def _cache(request: Request) -> Cache:
    state = request.app.state
    cache = getattr(state, "web_discover", None)
    if cache is None:
        cache = state.web_discover = Cache()
    return cache


async def trending_tags(session: AsyncSession, limit: int) -> list[dict]:
    """The stored trending tags as {name, uses, accounts} (this week's uses, distinct people)."""
    tags = await trends_repo.tags(session, limit=limit, offset=0)
    history = await tag_history(session, [t.id for t in tags], utcnow()) if tags else {}
    out = []
    for t in tags:
        days = history.get(t.id) or []
        out.append({"name": t.display_name or t.name,
                    "uses": sum(int(d["uses"]) for d in days),
                    "accounts": max((int(d["accounts"]) for d in days), default=0)})
    return out


async def trends(request: Request, session: AsyncSession) -> list[dict]:
    cache = _cache(request)
    found = cache.get("trends")
    if found is None:
        found = await trending_tags(session, TRENDS)
        cache.put("trends", found)
    return found


async def suggestions(request: Request, session: AsyncSession, viewer: Account) -> list[dict]:
    cache = _cache(request)
    # following someone changes the count, so the next page asks again (in every process)
    key = ("suggestions", viewer.id, viewer.following_count)
    found = cache.get(key)
    if found is None:
        rows = await suggestions_repo.suggestions(session, viewer.id, limit=SUGGESTIONS)
        found = [ser.account(s.account) for s in rows]
        cache.put(key, found)
    return found


async def load(request: Request, session: AsyncSession, viewer: Account | None) -> None:
    """Fill request.state.aside for render.page (whole pages only: not fragments, not POSTs)."""
    if request.method != "GET" or request.headers.get("x-roost-fragment") == "1":
        return
    request.state.aside = {
        "trends": await trends(request, session),
        "suggestions": await suggestions(request, session, viewer) if viewer is not None else [],
    }
