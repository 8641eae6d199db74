"""CPU per home timeline read, in-process: the app driven by httpx without a network, a fixed
set of viewers, on a database seeded by seed.py. Reports the process's CPU time and the SQL
statements per read, which (unlike latency) hardly depend on what else the machine is doing.

    .venv/bin/python benchmarks/home_cpu.py postgresql://postgres@127.0.0.1:5432/roost_bench \\
        --redis-url redis://127.0.0.1:6379/14 --reads 600
    .venv/bin/python benchmarks/home_cpu.py --dump before.json   # responses, to compare runs

The viewers are the first `--viewers` active accounts of tokens.tsv in a fixed shuffled order;
each read is a home page (`--max-id`: the second page, from the first page's last id). Redis
feeds are built first if missing (as load.py does) and nothing is written, so two runs on the
same data give byte-identical responses (`--dump` writes them, for a before/after check)."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import sys
import time
from pathlib import Path

from common import Seeded, data_dir_for, default_sqlite_url, ensure_feeds, normalise_url
from load import touch_users


def cpu_seconds() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _profiler():  # noqa: ANN202
    """cProfile, imported past benchmarks/profile.py (which shadows the stdlib's `profile`)."""
    here = sys.path.pop(0)
    try:
        import cProfile
    finally:
        sys.path.insert(0, here)
    return cProfile.Profile(time.process_time)  # CPU, not waiting


async def run(args: argparse.Namespace) -> None:
    url = normalise_url(args.url)
    seeded = Seeded.load(data_dir_for(url))
    active = [t for t in seeded.tokens if t["active"]]
    random.Random(7).shuffle(active)
    viewers = active[:args.viewers]
    if args.redis_url:
        await ensure_feeds(url, args.redis_url, [v["account_id"] for v in viewers])
    await touch_users(url)

    os.environ["ROOST_DATABASE_URL"] = url
    os.environ["ROOST_LOG_LEVEL"] = "warning"
    if args.redis_url:
        os.environ["ROOST_REDIS_URL"] = args.redis_url
    else:
        os.environ.pop("ROOST_REDIS_URL", None)
    from httpx import ASGITransport, AsyncClient
    from sqlalchemy import event

    from roost.config import Settings
    from roost.main import create_app

    app = create_app(Settings(), run_workers=False, migrate=False)
    statements = 0

    def count(_conn: object, _cursor: object, sql: str, _params: object, context: object,
              *_a: object) -> None:
        nonlocal statements
        statements += 1
        if args.trace:  # with SQLAlchemy's compiled-cache state ("generated" is a miss)
            state = getattr(context, "_get_cache_stats", lambda: "")()
            print(f"[{state.split(' in ')[0]}] " + " ".join(sql.split())[:args.trace])

    async with app.router.lifespan_context(app):
        for engine in (app.state.db.engine, app.state.db.read_engine):  # SQLite reads: their own
            if engine is not None:
                event.listen(engine.sync_engine, "before_cursor_execute", count)
        async with AsyncClient(transport=ASGITransport(app=app), base_url="http://roost.test") as c:
            max_ids: dict[int, str] = {}

            async def read(v: dict) -> bytes:
                params = {}
                if args.max_id:
                    params["max_id"] = max_ids[v["account_id"]]
                r = await c.get("/api/v1/timelines/home", params=params,
                                headers={"Authorization": f"Bearer {v['token']}"})
                r.raise_for_status()
                return r.content

            dump = {}
            for v in viewers:  # warm-up, and the pages to compare
                first = await c.get("/api/v1/timelines/home",
                                    headers={"Authorization": f"Bearer {v['token']}"})
                page = first.json()
                max_ids[v["account_id"]] = page[-1]["id"] if page else "1"
                dump[v["account_id"]] = {"first": page, "measured": json.loads(await read(v))}
            if args.dump:
                Path(args.dump).write_text(json.dumps(dump, indent=1, sort_keys=True))
            if args.trace:
                print("--- one read:")
                await read(viewers[0])
                return
            statements = 0
            profile = _profiler() if args.profile else None
            if profile:
                profile.enable()
            t0, w0 = cpu_seconds(), time.monotonic()
            for i in range(args.reads):
                await read(viewers[i % len(viewers)])
            cpu, wall = cpu_seconds() - t0, time.monotonic() - w0
            if profile:
                profile.disable()
                profile.dump_stats(args.profile)
    kind = "home, max_id" if args.max_id else "home"
    print(f"{kind}: {args.reads} reads, {len(viewers)} viewers: "
          f"CPU {1000 * cpu / args.reads:.2f} ms/read, "
          f"{statements / args.reads:.2f} statements/read, wall {1000 * wall / args.reads:.1f} ms/read, "
          f"load {os.getloadavg()[0]:.1f}")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("url", nargs="?", default=default_sqlite_url())
    p.add_argument("--redis-url")
    p.add_argument("--reads", type=int, default=500)
    p.add_argument("--viewers", type=int, default=100)
    p.add_argument("--max-id", action="store_true", help="read the second page (max_id)")
    p.add_argument("--profile", help="write a cProfile of the measured reads here (CPU figures "
                   "then include the profiler's overhead)")
    p.add_argument("--trace", type=int, default=0, metavar="CHARS",
                   help="print the SQL of one read (cut to CHARS characters) instead of measuring")
    p.add_argument("--dump", help="write each viewer's measured page here (JSON)")
    asyncio.run(run(p.parse_args()))


if __name__ == "__main__":
    main()
