"""List timelines: read from the database (what Roost does) against reading ids from a Redis
sorted set and loading those rows (what a fanned-out list feed would cost), on a seeded database.

    .venv/bin/python benchmarks/seed.py postgresql://postgres@127.0.0.1:5432/roost_bench --posts 1000000
    .venv/bin/python benchmarks/lists.py postgresql://postgres@127.0.0.1:5432/roost_bench \
        --redis-url redis://127.0.0.1:6379/14

For the most-following account it makes lists of 10, 50 and 300 followed accounts, picked among
the busiest and among the quietest posters, then times (minimum and median of --runs) a first
page of 20 and a page 200 posts deep. The "redis" column reads 20 ids from a sorted set already
holding the list's newest 800 ids and loads those rows through the same filters. The lists it
made are deleted at the end. Redis is used only under the key roost:bench:list (deleted after).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time

from redis.asyncio import Redis
from sqlalchemy import delete, func, select

from common import normalise_url
from roost.db import Database
from roost.kit.paging import PageParams
from roost.lists import repository as lists_repo
from roost.lists import service as lists_service
from roost.models import Account, Follow, List, Status
from roost.posts.repository import for_timeline
from roost.timelines import repository as tl

KEY = "roost:bench:list"


async def _timed(fn, runs: int) -> tuple[float, float, int]:  # noqa: ANN001
    times, n = [], 0
    for _ in range(runs):
        t = time.perf_counter()
        n = len(await fn())
        times.append((time.perf_counter() - t) * 1000)
    return min(times), statistics.median(times), n


async def main(args: argparse.Namespace) -> None:
    db = Database(normalise_url(args.url))
    redis = Redis.from_url(args.redis_url) if args.redis_url else None
    async with db.unit_of_work() as s:
        viewer = (await s.execute(select(Account).order_by(Account.following_count.desc())
                                  .limit(1))).scalar_one()
        posts = (select(Status.account_id, func.count().label("n")).group_by(Status.account_id)
                 .subquery())
        followed = list((await s.execute(
            select(Follow.target_account_id, func.coalesce(posts.c.n, 0))
            .outerjoin(posts, posts.c.account_id == Follow.target_account_id)
            .where(Follow.account_id == viewer.id)
            .order_by(func.coalesce(posts.c.n, 0).desc()))).all())
    print(f"viewer {viewer.id} follows {len(followed)}; posts per followed account "
          f"{followed[0][1]} .. {followed[-1][1]}")
    made: list[int] = []
    print("| members | who | page | database min / median ms | redis ids + rows min / median ms |")
    print("| --- | --- | --- | --- | --- |")
    for size in (10, 50, 300):
        for who, pick in (("busiest", followed[:size]), ("quietest", followed[-size:])):
            if len(pick) < size:
                continue
            async with db.unit_of_work() as s:
                owner = await s.get(Account, viewer.id)
                lst = await lists_service.create_list(s, owner, title=f"bench {who} {size}")
                ids = [a for a, _ in pick]
                for i in range(0, len(ids), 200):
                    await lists_service.add_accounts(s, owner, lst.id, ids[i:i + 200])
                made.append(lst.id)
                list_id = lst.id
            async with db.session() as s:
                lst = await s.get(List, list_id)
                members = await lists_repo.member_ids(s, list_id)
                top = await tl.list_from_db(s, lst, members, PageParams(limit=800))
                deep = top[199].id if len(top) > 200 else None
                if redis is not None:
                    await redis.delete(KEY)
                    if top:
                        await redis.zadd(KEY, {str(x.id): x.id for x in top})
                for page_name, page in (("first", PageParams(limit=20)),
                                        ("200 deep", PageParams(max_id=deep, limit=20))):
                    if page_name != "first" and deep is None:
                        continue
                    db_min, db_med, n = await _timed(
                        lambda p=page: tl.list_from_db(s, lst, members, p), args.runs)
                    rd = "-"
                    if redis is not None:
                        async def from_redis(p=page):  # noqa: ANN202
                            hi = f"({p.max_id}" if p.max_id else "+inf"
                            ids = [int(i) for i in await redis.zrange(
                                KEY, hi, "-inf", byscore=True, desc=True, offset=0, num=p.limit)]
                            stmt = for_timeline(lst.account_id).where(Status.id.in_(ids),
                                                                      tl.list_rules(lst))
                            return list((await s.execute(stmt)).scalars())
                        r_min, r_med, _ = await _timed(from_redis, args.runs)
                        rd = f"{r_min:.1f} / {r_med:.1f}"
                    print(f"| {size} | {who} | {page_name} ({n}) | {db_min:.1f} / {db_med:.1f} | {rd} |")
    async with db.unit_of_work() as s:
        await s.execute(delete(List).where(List.id.in_(made)))
    if redis is not None:
        await redis.delete(KEY)
        await redis.aclose()
    await db.dispose()


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("url")
    ap.add_argument("--redis-url")
    ap.add_argument("--runs", type=int, default=7)
    asyncio.run(main(ap.parse_args()))
