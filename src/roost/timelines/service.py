"""Reading timelines. Home comes from the Redis feed when Redis is configured (and from the
database if Redis fails), otherwise straight from the database."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from redis.exceptions import RedisError
from sqlalchemy.ext.asyncio import AsyncSession

from roost import runtime
from roost.kit.paging import PageParams
from roost.lists import repository as lists_repo
from roost.lists import service as lists_service
from roost.models import Account, Status
from roost.timelines import feeds, reposts
from roost.timelines import repository as repo

log = logging.getLogger("roost.timelines")


async def home(session: AsyncSession, viewer: Account, page: PageParams) -> list[Status]:
    """A page of home, reposts collapsed (timelines/reposts.py)."""
    statuses = await _home(session, viewer, page)
    if not statuses or not any(st.reblog_of_id for st in statuses):
        return statuses
    # of the entries below the page, collapsing needs only id and reblog_of_id
    below = await _home(session, viewer, PageParams(statuses[-1].id, None, None, reposts.FALLOFF),
                        shape=repo.LIGHT)
    return reposts.collapse(statuses, below)


async def _home(session: AsyncSession, viewer: Account, page: PageParams, *,
                shape: str = repo.ROWS) -> list[Status]:
    redis = runtime.redis()
    if redis is None:
        return await repo.home_from_db(session, viewer, page, shape=shape)
    try:
        return await feeds.read_home(session, redis, viewer, page, shape=shape)
    except RedisError:
        log.warning("home feed: Redis failed, reading from the database", exc_info=True)
        return await repo.home_from_db(session, viewer, page, shape=shape)


async def public(session: AsyncSession, viewer: Account | None, page: PageParams, *,
                 local: bool = False, remote: bool = False,
                 only_media: bool = False) -> list[Status]:
    return await repo.public(session, viewer, page, local=local, remote=remote,
                             only_media=only_media)


async def tag(session: AsyncSession, viewer: Account | None, name: str, page: PageParams, *,
              any_: Sequence[str] = (), all_: Sequence[str] = (), none: Sequence[str] = (),
              local: bool = False, remote: bool = False,
              only_media: bool = False) -> list[Status]:
    return await repo.tag(session, viewer, name, page, any_=any_, all_=all_, none=none,
                          local=local, remote=remote, only_media=only_media)


async def list_timeline(session: AsyncSession, viewer: Account, list_id: str,
                        page: PageParams) -> list[Status]:
    """A list's timeline, from the database with or without Redis (see docs/subsystems/lists.md
    for why). 404 unless the viewer owns the list."""
    lst = await lists_service.get_owned(session, viewer, list_id)
    members = await lists_repo.member_ids(session, lst.id)
    return await repo.list_from_db(session, lst, members, page)


async def live_visible(session: AsyncSession, viewer: Account | None, timeline: str,
                       ids: Sequence[int]) -> list[Status]:
    """Which of `ids` (new statuses announced to a live stream) belong on `timeline` ("home",
    "local", "public", "tag:NAME" or "list:ID", a list the viewer owns) for the viewer: home
    and list membership (the list's rules), visibility, blocks and
    mutes decided by the same statements as the pages. Newest first."""
    if timeline == "home" or timeline.startswith("list:"):
        if viewer is None:
            return []
        if timeline.startswith("list:"):  # the list's own timeline statement, over those ids
            wanted = set(ids)
            lst = await lists_service.get_owned(session, viewer, timeline[5:])
            members = await lists_repo.member_ids(session, lst.id)
            page = PageParams(since_id=min(wanted) - 1, max_id=max(wanted) + 1, limit=len(wanted) + 40)
            return [s for s in await repo.list_from_db(session, lst, members, page) if s.id in wanted]
        rows = await repo.home_rows(session, viewer, sorted(set(ids), reverse=True))
    elif timeline.startswith("tag:"):
        rows = await repo.public_among(session, viewer, ids, tag=timeline[4:])
    else:
        rows = await repo.public_among(session, viewer, ids)
    return list(rows)
