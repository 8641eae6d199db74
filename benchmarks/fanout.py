"""Fan-out time: how long after a post is sent it is in its author's followers' home feeds.

    .venv/bin/python benchmarks/fanout.py postgresql://postgres@127.0.0.1:5432/roost_bench \\
        --redis-url redis://127.0.0.1:6379/14
    .venv/bin/python benchmarks/fanout.py            # SQLite: home is read from the database

For the seeded authors with 10, 1,000 and (all but one of) 10,000 followers it posts through the
API and measures, from the moment the request is sent:
- with Redis: the time until the post id is in EVERY home feed fan-out should reach (the author's
  and each follower's whose user was active within ROOST_FAN_OUT_ACTIVE_DAYS; missing feeds are
  built first, since fan-out only adds to existing feeds), by polling the sorted sets; with
  --all-active every follower counts (their last_active_at is set to now first);
- without Redis: the time until the post is first in a follower's GET /api/v1/timelines/home.
It starts Roost itself (web process, plus `roost worker` when there is Redis) like load.py.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

import os

from common import (DATA, Seeded, data_dir_for, default_sqlite_url, ensure_feeds, free_port, git_commit,
                    normalise_url, proc_cpu_seconds, set_database)
from load import Servers, touch_users

# Counts how many of KEYS, in order, hold ARGV[1], stopping at the first that does not: the
# poller skips past the delivered prefix, so each poll is cheap however many feeds there are.
LEADING_PRESENT = """
local n = 0
for _, key in ipairs(KEYS) do
  if redis.call('ZSCORE', key, ARGV[1]) then n = n + 1 else return n end
end
return n
"""
CHUNK = 500


def feed_key(account_id: int) -> str:
    """The Redis key of a home feed, as roost.timelines.feeds names it."""
    from roost.timelines import feeds

    for name in ("home_key", "feed_key", "key"):
        fn = getattr(feeds, name, None)
        if callable(fn):
            return fn(account_id)
    raise SystemExit("roost.timelines.feeds has no home_key(account_id): give --key-pattern")


async def recipients(url: str, author_id: int, active_days: int, all_active: bool) -> list[int]:
    from sqlalchemy import select, update

    from roost.db import make_engine
    from roost.models import Follow, User

    engine = make_engine(url)
    since = datetime.now(UTC) - timedelta(days=active_days)
    followers = select(Follow.account_id).where(Follow.target_account_id == author_id)
    async with engine.begin() as conn:
        if all_active:
            await conn.execute(update(User).where(User.account_id.in_(followers))
                               .values(last_active_at=datetime.now(UTC)))
        ids = list((await conn.execute(
            select(User.account_id).where(User.account_id.in_(followers), User.last_active_at >= since)
        )).scalars())
    await engine.dispose()
    return [author_id, *ids]


def api(port: int, method: str, path: str, token: str, body: dict | None = None) -> tuple[int, dict]:
    req = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as resp:
        return resp.status, json.loads(resp.read())


async def wait_feeds(redis, keys: list[str], member: str, t0: float, timeout: float) -> dict:  # noqa: ANN001
    script = redis.register_script(LEADING_PRESENT)
    done, marks = 0, {}
    while done < len(keys):
        if time.perf_counter() - t0 > timeout:
            return {"reached": done, "timeout": True, **marks}
        n = await script(keys=keys[done:done + CHUNK], args=[member])
        done += n
        if done and "first_ms" not in marks:
            marks["first_ms"] = round((time.perf_counter() - t0) * 1000, 1)
        if done >= len(keys) / 2 and "half_ms" not in marks:
            marks["half_ms"] = round((time.perf_counter() - t0) * 1000, 1)
        if n < CHUNK and done < len(keys):
            await asyncio.sleep(0.001)
    return {"reached": done, "all_ms": round((time.perf_counter() - t0) * 1000, 1), **marks}


def wait_home(port: int, token: str, status_id: str, t0: float, timeout: float) -> dict:
    polls = 0
    while time.perf_counter() - t0 < timeout:
        polls += 1
        _, page = api(port, "GET", "/api/v1/timelines/home?limit=5", token)
        if any(s["id"] == status_id for s in page):
            return {"all_ms": round((time.perf_counter() - t0) * 1000, 1), "polls": polls}
        time.sleep(0.005)
    return {"timeout": True, "polls": polls}


async def measure(args: argparse.Namespace) -> dict:
    url = normalise_url(args.url)
    set_database(url, args.redis_url)
    seeded = Seeded.load(Path(args.data) if args.data else data_dir_for(url))
    from roost.config import Settings

    active_days = Settings().fan_out_active_days
    redis = None
    if args.redis_url:
        import redis.asyncio as aioredis

        redis = aioredis.from_url(args.redis_url, decode_responses=True)
    key_of = (lambda i: args.key_pattern.format(id=i)) if args.key_pattern else feed_key
    tokens = {t["account_id"]: t["token"] for t in seeded.tokens}
    servers = Servers()
    port = free_port()
    report: dict = {"date": datetime.now(UTC).isoformat(timespec="seconds"), "commit": git_commit(),
                    "backend": "postgresql+redis" if redis else "database", "sizes": {}}
    try:
        run_dir = DATA / "run-fanout"
        run_dir.mkdir(parents=True, exist_ok=True)
        report["server"] = servers.start_roost(port, url, args.redis_url, run_dir)
        await touch_users(url)
        warm = seeded.meta["fanout"]["10"]  # the first post after a start pays for cold caches
        api(port, "POST", "/api/v1/statuses", tokens[warm], {"status": "fan-out warm-up"})
        await asyncio.sleep(args.pause)
        for size in args.sizes.split(","):
            author = seeded.meta["fanout"][size]
            who = await recipients(url, author, active_days, args.all_active)
            if redis is not None:  # fan-out skips feeds that do not exist: build the missing
                built = await ensure_feeds(url, args.redis_url, who)
                if built["built"]:
                    print(f"built {built['built']} missing home feeds", flush=True)
            keys = [key_of(i) for i in who]
            reader = tokens[who[1]] if len(who) > 1 else tokens[author]
            runs = []
            whole = servers.meter()
            whole.start()
            me0 = proc_cpu_seconds(os.getpid())
            for k in range(args.repeat):
                meter = servers.meter()
                meter.start()
                mine = proc_cpu_seconds(os.getpid())
                t0 = time.perf_counter()
                _, status = api(port, "POST", "/api/v1/statuses", tokens[author],
                                {"status": f"fan-out benchmark {size} #{k} {time.time()}"})
                posted_ms = round((time.perf_counter() - t0) * 1000, 1)
                if redis is not None:
                    r = await wait_feeds(redis, keys, status["id"], t0, args.timeout)
                else:
                    r = wait_home(port, reader, status["id"], t0, args.timeout)
                wall = time.perf_counter() - t0
                cpu = meter.stop({"bench_cores": round((proc_cpu_seconds(os.getpid()) - mine) / wall, 2)})
                runs.append({"post_ms": posted_ms, **r, "cpu": cpu})
                reach = f"{len(who)} feeds" if redis is not None else "a follower's home"
                print(f"{size:>6} followers, {reach}: {runs[-1]}", flush=True)
                await asyncio.sleep(args.pause)
            span = time.perf_counter() - whole.t0
            totals = whole.stop({"bench_cores": round((proc_cpu_seconds(os.getpid()) - me0) / span, 2)})
            # CPU seconds over all posts of this size (pauses included: idle workers cost ~0)
            cpu_ms = {k.removesuffix("_cores"): round(v * span * 1000 / args.repeat, 1)
                      for k, v in totals.items()}
            print(f"  CPU ms per post: {cpu_ms}; other cores {totals['other_cores']}", flush=True)
            done = [r["all_ms"] for r in runs if "all_ms" in r]
            report["sizes"][size] = {
                "followers": seeded.meta["fanout_followers"][size],
                "feeds": len(who) if redis is not None else None,
                "median_all_ms": statistics.median(done) if done else None,
                "max_all_ms": max(done) if done else None, "cpu_ms_per_post": cpu_ms,
                "other_cores": totals["other_cores"], "runs": runs}
    finally:
        servers.stop_all()
        if redis is not None:
            await redis.aclose()
    return report


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("url", nargs="?", default=default_sqlite_url())
    ap.add_argument("--redis-url")
    ap.add_argument("--data", help="seed output (default: the one seed.py made for this URL)")
    ap.add_argument("--sizes", default="10,1000,10000")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--pause", type=float, default=1.0, help="seconds between posts")
    ap.add_argument("--timeout", type=float, default=30.0)
    ap.add_argument("--all-active", action="store_true",
                    help="count every follower (sets their last_active_at to now first)")
    ap.add_argument("--key-pattern", help='Redis key of a home feed, e.g. "roost:home:{id}"')
    args = ap.parse_args()
    report = asyncio.run(measure(args))
    print("\nsummary", report["backend"])
    for size, r in report["sizes"].items():
        reach = f"{r['feeds']:>6} feeds" if r["feeds"] is not None else "a follower's home"
        print(f"  {size:>6} followers -> {reach}: median {r['median_all_ms']} ms,"
              f" max {r['max_all_ms']} ms (target: 10,000 within 200 ms);"
              f" CPU ms/post {r['cpu_ms_per_post']}")
    out = DATA / f"fanout-{report['backend']}-{datetime.now():%Y%m%d-%H%M%S}.json"
    out.write_text(json.dumps(report, indent=1))
    print(f"results in {out}")


if __name__ == "__main__":
    main()
