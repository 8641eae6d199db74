"""Redis home feeds: one capped sorted set of status ids per account, filled on write (fan-out)
and read through the database, so what a person sees is still decided by for_timeline().

Layout: `roost:feed:home:{account_id}`, member = status id as decimal text (the repost's id for a
repost), score = the same id. Scores are doubles, exact only to 53 bits, while ids have 57-64:
neighbouring ids can share a score. Members with equal scores sort by their text, which for ids
of equal length is numeric order, so the set's order is still exact; reads ask for scores
inclusively and filter the exact ids in Python.

Member "0" is a sentinel that is always the lowest entry: score 0 means the feed is complete,
-1 that it is being rebuilt. No sentinel, no feed: it is rebuilt from the database on the next
read. A feed lives `fan_out_active_days` after its owner last read it."""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta

from redis.asyncio import Redis
from redis.exceptions import LockError, NoScriptError
from sqlalchemy.ext.asyncio import AsyncSession

from roost import runtime
from roost.kit.clock import utcnow
from roost.kit.paging import PageParams
from roost.models import Account, Status
from roost.timelines import repository as repo

log = logging.getLogger("roost.timelines")

SENTINEL = "0"
READY, BUILDING = 0, -1
BATCH = 500  # followers per Redis call during fan-out: one call keeps Redis busy ~2-4 ms
FETCH = 2000  # follower ids per database round trip during fan-out
IN_FLIGHT = 4  # Redis calls of one fan-out under way at once
LOCK_SECONDS = 30
MAX_SCAN_ROUNDS = 4

# Add one member to each of KEYS that exists, then trim it to ARGV[3] entries (rank 0, the
# sentinel, is kept) once it holds more than ARGV[3] + ARGV[4]. Keys that do not exist are left
# alone: those feeds get rebuilt.
_PUSH = """
local keep = tonumber(ARGV[3]) + 1
local most = keep + tonumber(ARGV[4])
local n = 0
for _, key in ipairs(KEYS) do
  if redis.call('EXISTS', key) == 1 then
    redis.call('ZADD', key, ARGV[1], ARGV[2])
    if redis.call('ZCARD', key) > most then
      redis.call('ZREMRANGEBYRANK', key, 1, -keep)
    end
    n = n + 1
  end
end
return n
"""
_PUSH_SHA = hashlib.sha1(_PUSH.encode()).hexdigest()

# Add many (score, member) pairs to KEYS[1] if it exists, then trim to ARGV[1] entries.
_MERGE = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('ZADD', KEYS[1], unpack(ARGV, 2))
redis.call('ZREMRANGEBYRANK', KEYS[1], 1, -(tonumber(ARGV[1]) + 1))
return 1
"""
MERGE_CHUNK = 500  # pairs per script call (Lua's unpack has a stack limit)


def feed_key(account_id: int) -> str:
    return f"roost:feed:home:{account_id}"


def lock_key(account_id: int) -> str:
    return f"roost:feed:lock:{account_id}"


def _ttl() -> int:
    return runtime.settings().fan_out_active_days * 86400


def _size() -> int:
    return runtime.settings().home_feed_size


def trim_slack() -> int:
    """Entries a feed may hold beyond its size before a push trims it: trimming every feed on
    every push costs Redis a quarter of its fan-out work."""
    return _size() // 16


async def _push(redis: Redis, keys: list[str], status_id: int) -> int:
    if not keys:
        return 0
    args = (*keys, status_id, str(status_id), _size(), trim_slack())
    try:
        return int(await redis.evalsha(_PUSH_SHA, len(keys), *args))
    except NoScriptError:  # Redis restarted or its script cache was flushed: EVAL loads it again
        return int(await redis.eval(_PUSH, len(keys), *args))


async def _merge(redis: Redis, key: str, ids: list[int]) -> None:
    for i in range(0, len(ids), MERGE_CHUNK):
        args: list = []
        for sid in ids[i:i + MERGE_CHUNK]:
            args += [sid, str(sid)]
        if not await redis.eval(_MERGE, 1, key, _size(), *args):
            return


class _Concurrently:
    """Start Redis calls as their input arrives, at most IN_FLIGHT at once; `wait()` for all.
    Leaving the block early (an error, a cancelled job) cancels what is still running."""

    def __init__(self) -> None:
        self.tasks: list[asyncio.Task] = []
        self.slots = asyncio.Semaphore(IN_FLIGHT)

    async def __aenter__(self) -> _Concurrently:
        return self

    def start(self, fn: Callable[..., Awaitable], *args: object) -> None:
        async def run() -> None:
            async with self.slots:
                await fn(*args)
        self.tasks.append(asyncio.create_task(run()))

    async def wait(self) -> None:
        await asyncio.gather(*self.tasks)

    async def __aexit__(self, *exc: object) -> None:
        for t in self.tasks:
            t.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)


def _batches(ids: Sequence[int]) -> list[Sequence[int]]:
    return [ids[i:i + BATCH] for i in range(0, len(ids), BATCH)]


def _active_since() -> datetime:
    # A day of slack: last_active_at is only touched every few minutes, and a feed that still
    # exists must not miss posts.
    return utcnow() - timedelta(days=runtime.settings().fan_out_active_days + 1)


# ---- write side -------------------------------------------------------------------------------
async def fan_out(session: AsyncSession, redis: Redis, status_id: int) -> None:
    """Push a new status (or repost) into its author's feed and into the feeds of the followers
    who should see it. The targets come from one query, in batches, and each batch's Redis call
    starts as soon as it arrives. Safe to run again (a retried job): a sorted set holds a
    member once, so adding it again changes nothing."""
    post = await repo.fan_out_post(session, status_id)
    if post is None:
        return
    async with _Concurrently() as pushes:
        pushes.start(_push, redis, [feed_key(post.account_id)], post.id)
        if post.followers_count <= runtime.settings().fan_out_max_followers:
            # (above it: a "celebrity", whose posts are merged into followers' homes at read time)
            async for ids in repo.fan_out_targets(session, post, active_since=_active_since(),
                                                  fetch=FETCH):
                for part in _batches(ids):
                    pushes.start(_push, redis, [feed_key(i) for i in part], post.id)
        await pushes.wait()


async def unfan(session: AsyncSession, redis: Redis, status_id: int, account_id: int) -> None:
    """Remove a deleted status or repost from its author's and followers' feeds. The row may be
    gone already, so this works from ids. Reads drop deleted posts anyway; this frees space.
    Only followers active recently enough to have a feed are visited."""
    member = str(status_id)
    await redis.zrem(feed_key(account_id), member)
    author = await session.get(Account, account_id)
    if author is not None and author.followers_count > runtime.settings().fan_out_max_followers:
        return

    async def remove(ids: Sequence[int]) -> None:
        pipe = redis.pipeline(transaction=False)
        for f in ids:
            pipe.zrem(feed_key(f), member)
        await pipe.execute()

    async with _Concurrently() as removals:
        async for ids in repo.live_followers(session, account_id, active_since=_active_since(),
                                             fetch=FETCH):
            for part in _batches(ids):
                removals.start(remove, part)
        await removals.wait()


async def _feed_bottom(redis: Redis, key: str) -> tuple[float | None, int | None]:
    """(sentinel score or None, oldest status id in the feed or None)."""
    pipe = redis.pipeline(transaction=False)
    pipe.zscore(key, SENTINEL)
    pipe.zrange(key, 1, 1)
    state, oldest = await pipe.execute()
    return state, (int(oldest[0]) if oldest else None)


async def merge_account(session: AsyncSession, redis: Redis, account_id: int,
                        target_account_id: int) -> None:
    """After `account_id` follows `target_account_id`: add the target's recent posts to the
    follower's feed, if it has one. Only posts newer than the feed's oldest entry go in (older
    ones are read from the database when paging past the feed's end)."""
    key = feed_key(account_id)
    state, oldest = await _feed_bottom(redis, key)
    if state is None:
        return
    viewer = await session.get(Account, account_id)
    target = await session.get(Account, target_account_id)
    if viewer is None or target is None:
        return
    if target.followers_count > runtime.settings().fan_out_max_followers:
        return
    ids = await repo.merge_candidates(session, viewer, target.id, above=oldest or 0,
                                      limit=_size())
    await _merge(redis, key, ids)


async def purge_account(session: AsyncSession, redis: Redis, account_id: int,
                        target_account_id: int) -> None:
    """After an unfollow or a block: remove `target_account_id`'s posts and reposts from the
    feed of `account_id`. (Others' reposts of the target's posts stay; reads hide them if
    there is a block.)"""
    key = feed_key(account_id)
    members = await redis.zrange(key, 1, -1)
    ids = [int(m) for m in members]
    gone = await repo.authored_by(session, ids, target_account_id)
    if gone:
        await redis.zrem(key, *[str(i) for i in gone])


# ---- read side --------------------------------------------------------------------------------
async def rebuild(session: AsyncSession, redis: Redis, viewer: Account) -> bool:
    """Fill a missing (or half-built) feed from the database under a short lock. False if
    someone else holds the lock. The sentinel is set to BUILDING first, so fan-outs that
    happen during the rebuild land in the feed too."""
    lock = redis.lock(lock_key(viewer.id), timeout=LOCK_SECONDS)
    if not await lock.acquire(blocking=False):
        return False
    try:
        key = feed_key(viewer.id)
        pipe = redis.pipeline(transaction=False)
        pipe.zadd(key, {SENTINEL: BUILDING})
        pipe.expire(key, _ttl())
        await pipe.execute()
        await _merge(redis, key, await repo.home_ids_from_db(session, viewer, _size()))
        await redis.zadd(key, {SENTINEL: READY})
    finally:
        try:
            await lock.release()
        except LockError:  # expired while we worked; harmless, the feed is complete anyway
            pass
    return True


class _Window:
    """The id window of one page: exclusive `upper` and `lower`, and the direction read."""

    def __init__(self, page: PageParams) -> None:
        bounds = [x for x in (page.since_id, page.min_id) if x is not None]
        self.lower = max(bounds) if bounds else None
        self.upper = page.max_id
        self.ascending = page.min_id is not None
        self.limit = page.limit

    def holds(self, sid: int) -> bool:
        return ((self.upper is None or sid < self.upper)
                and (self.lower is None or sid > self.lower))

    def past(self, sid: int, cursor: int) -> bool:
        """Whether `sid` comes after `cursor` in reading order."""
        return sid > cursor if self.ascending else sid < cursor

    def range_args(self, cursor: int | None) -> tuple[str, str]:
        """(start, stop) scores, inclusive, for ZRANGE BYSCORE in reading order; `cursor` is the
        last id already read. Exactness comes from `holds` and the cursor filter."""
        if self.ascending:
            lo = cursor if cursor is not None else self.lower
            return (str(lo) if lo is not None else "(0",
                    str(self.upper) if self.upper is not None else "+inf")
        hi = cursor if cursor is not None else self.upper
        return (str(hi) if hi is not None else "+inf",
                str(self.lower) if self.lower is not None else "(0")


async def read_home(session: AsyncSession, redis: Redis, viewer: Account,
                    page: PageParams, *, rebuilt: bool = False,
                    shape: str = repo.ROWS) -> list[Status]:
    """A page of the viewer's home, newest first: ids from the feed, posts of followed
    celebrities from the database, rows (of `shape`, not IDS) loaded through
    for_timeline(viewer)."""
    key = feed_key(viewer.id)
    window = _Window(page)
    count = max(64, 2 * page.limit)  # more than the ids that can share one score
    pipe = redis.pipeline(transaction=False)
    pipe.zscore(key, SENTINEL)
    pipe.zrange(key, 1, 1)
    pipe.zrange(key, *window.range_args(None), byscore=True, desc=not window.ascending,
                offset=0, num=count)
    pipe.expire(key, _ttl())
    state, oldest_raw, batch, _ = await pipe.execute()
    if state != READY:
        if rebuilt or not await rebuild(session, redis, viewer):
            return await repo.home_from_db(session, viewer, page, shape=shape)  # being rebuilt
        return await read_home(session, redis, viewer, page, rebuilt=True, shape=shape)
    if not oldest_raw:  # an empty feed (follows no one, or everything in it went away)
        return await repo.home_from_db(session, viewer, page, shape=shape)
    oldest = int(oldest_raw[0])
    if window.ascending and window.lower < oldest:  # starts below the feed's end
        return await repo.home_from_db(session, viewer, page, shape=shape)

    rows: dict[int, Status] = {}
    cursor: int | None = None  # the last id scanned, in reading order
    for round_ in range(MAX_SCAN_ROUNDS):
        if round_:
            count *= 2
            batch = await redis.zrange(key, *window.range_args(cursor), byscore=True,
                                       desc=not window.ascending, offset=0, num=count)
        raw = [int(m) for m in batch]
        fresh = [i for i in raw if window.holds(i) and (cursor is None or window.past(i, cursor))]
        for s in await repo.home_rows(session, viewer, fresh, shape=shape):
            rows[s.id] = s
        cursor = raw[-1] if raw else cursor
        exhausted = len(raw) < count
        if exhausted or len(rows) >= page.limit:
            break

    for s in await repo.celebrity_posts(session, viewer, page,
                                        runtime.settings().fan_out_max_followers, shape=shape):
        rows.setdefault(s.id, s)
    merged = sorted(rows.values(), key=lambda s: s.id, reverse=not window.ascending)
    if not exhausted and cursor is not None:  # stopped early: keep to what the scan covered
        merged = [s for s in merged if not window.past(s.id, cursor)]
    merged = merged[:page.limit]
    if window.ascending:
        return merged[::-1]

    if (len(merged) < page.limit and exhausted
            and (window.lower is None or oldest > window.lower)):
        # Past the end of the feed: the rest comes from the database.
        merged = [s for s in merged if s.id >= oldest]
        rest = PageParams(max_id=min(oldest, page.max_id or oldest), since_id=window.lower,
                          limit=page.limit - len(merged))
        merged += await repo.home_from_db(session, viewer, rest, shape=shape)
    return merged
