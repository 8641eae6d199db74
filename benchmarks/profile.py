"""Where a Roost request spends its CPU: drive one request mix at a fixed concurrency against a
seeded database while py-spy samples the web process, then print the inclusive share of Roost's
functions and of the main library layers.

    .venv/bin/pip install py-spy          # not a project dependency
    .venv/bin/python benchmarks/profile.py --mix home
    .venv/bin/python benchmarks/profile.py postgresql://postgres@127.0.0.1:5432/roost_bench \\
        --redis-url redis://127.0.0.1:6379/14 --mix home --concurrency 1

Samples are taken only while a thread holds the GIL (py-spy --gil), so waiting on the database
is not counted: what is left is Python work. SQLAlchemy's async session runs each query in a
greenlet, whose samples py-spy shows under a separate root ("Session.execute"); they are folded
into the totals. The raw samples stay in benchmarks/.data/profile-<mix>.txt (flamegraph.pl or
speedscope can draw them).
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import re
import shutil
import subprocess
from pathlib import Path

from common import (DATA, PYTHON, Seeded, data_dir_for, default_sqlite_url, ensure_feeds, free_port,
                    normalise_url, set_database)
from load import Servers, line, run_client, touch_users

EXECUTING = re.compile(r"(Session\.execute|Connection\.execute|_execute_internal|Session\.get )")
LAYERS = {
    "SQLAlchemy: building statements (outside execute)": r"sqlalchemy/sql/",
    "SQLAlchemy: cache keys": r"_generate_cache_key",
    "SQLAlchemy: compiling/executing": r"(_compile_w_cache|_init_compiled|_execute_context)",
    "SQLAlchemy: loading ORM rows": r"sqlalchemy/orm/loading\.py",
    "FastAPI: dependencies": r"solve_dependencies",
    "FastAPI: response serialising": r"serialize_response",
    "Starlette BaseHTTPMiddleware": r"BaseHTTPMiddleware\.__call__ ",
    "asyncpg": r"asyncpg/",
    "redis-py": r"redis/asyncio/",
    "uvicorn HTTP": r"httptools_impl",
}


def summarise(raw: Path, top: int) -> str:
    incl: collections.Counter = collections.Counter()
    layers: collections.Counter = collections.Counter()
    total = 0
    for text_line in raw.read_text().splitlines():
        stack, _, n = text_line.rpartition(" ")
        if not stack:
            continue
        count = int(n)
        total += count
        frames = {re.sub(r":\d+\)$", ")", f) for f in stack.split(";")}
        for f in frames:
            if "roost/" in f and "roost/cli/" not in f:
                incl[f] += count
        executing = any(EXECUTING.search(f) for f in frames)
        for name, pattern in LAYERS.items():
            if name.startswith("SQLAlchemy: building") and executing:
                continue
            if any(re.search(pattern, f) for f in frames):
                layers[name] += count
    if not total:
        return "no samples"
    out = [f"{total} samples with the GIL held", "", "Roost functions (inclusive):"]
    out += [f"  {100 * n / total:5.1f}%  {f}" for f, n in incl.most_common(top)]
    out += ["", "Library layers (inclusive, overlapping):"]
    out += [f"  {100 * n / total:5.1f}%  {name}" for name, n in layers.most_common()]
    return "\n".join(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("url", nargs="?", default=default_sqlite_url())
    ap.add_argument("--redis-url")
    ap.add_argument("--data")
    ap.add_argument("--mix", default="home", help="ceiling is not allowed; home, account, writes, mix")
    ap.add_argument("--concurrency", type=int, default=1)
    ap.add_argument("--duration", type=int, default=20)
    ap.add_argument("--rate", type=int, default=200, help="py-spy samples per second")
    ap.add_argument("--top", type=int, default=30)
    args = ap.parse_args()
    spy = shutil.which("py-spy") or str(Path(PYTHON).parent / "py-spy")
    if not Path(spy).exists():
        raise SystemExit("py-spy is not installed: .venv/bin/pip install py-spy")

    url = normalise_url(args.url)
    set_database(url, args.redis_url)
    base = {"port": free_port(), "data_dir": args.data or str(data_dir_for(url)), "mix": args.mix,
            "mode": "closed", "concurrency": args.concurrency}
    raw = DATA / f"profile-{args.mix}.txt"
    servers = Servers()
    try:
        run_dir = DATA / "run-profile"
        run_dir.mkdir(parents=True, exist_ok=True)
        if args.redis_url:  # the steady state: every active account has its home feed
            seeded = Seeded.load(Path(base["data_dir"]))
            print("feeds:", asyncio.run(ensure_feeds(
                url, args.redis_url, [t["account_id"] for t in seeded.tokens if t["active"]])))
        servers.start_roost(base["port"], url, args.redis_url, run_dir)
        asyncio.run(touch_users(url))
        run_client(servers, {**base, "warmup_s": 0.0, "duration_s": 5.0})
        sampler = subprocess.Popen(
            [spy, "record", "--gil", "-r", str(args.rate), "-d", str(args.duration), "-f", "raw",
             "-o", str(raw), "-p", str(servers.procs["server"].pid)],
            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        result = run_client(servers, {**base, "warmup_s": 0.0, "duration_s": float(args.duration)})
        sampler.wait(timeout=args.duration + 60)
    finally:
        servers.stop_all()
    print(line(f"{args.mix} c={args.concurrency}", result))
    print(summarise(raw, args.top))


if __name__ == "__main__":
    main()
