"""The public firehose: events per second delivered to 1 and to 50 consumers reading from cursor 0.

    PYTHONPATH=src .venv/bin/python benchmarks/firehose.py [--posts 3000] [--consumers 1,50]
        [--database-url postgresql+asyncpg://...] [--json out.json]

1. Seed: a fresh database (a temporary SQLite file, or the PostgreSQL database given, which must
   be empty), migrated; 20 accounts, then --posts public posts (and one like per two posts) written
   through the services (posts.create_post, posts.favourite) in units of work of 50, so the event
   log holds real events. The fan-out jobs they enqueue are not run.
2. Serve: `roost serve` in a subprocess on a loopback port (jobs not run in the web process).
3. For each count in --consumers: that many NDJSON consumers at once (one client process,
   asyncio + httpx) each read `GET /api/v1/roost/firehose?cursor=0` until the newest seq. Figures:
   wall time, events per second per consumer and in total, and the server's CPU cores used
   (the client's too, as it parses every line)."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import free_port, in_process_roost, proc_cpu_seconds, wait_for_port  # noqa: E402

PATH = "/api/v1/roost/firehose"


async def seed(url: str, data_dir: Path, posts: int) -> int:
    from roost.config import Settings
    from roost.events import latest_seq
    from roost.posts import service as posts_service

    db, people = await in_process_roost(Settings(data_dir=data_dir, database_url=url), 20)
    accounts = [p.id for p in people]
    from roost.models import Account
    done = 0
    while done < posts:
        async with db.unit_of_work() as s:
            authors = [await s.get(Account, a) for a in accounts]
            made = []
            for i in range(min(50, posts - done)):
                author = authors[(done + i) % len(authors)]
                text = f"Post {done + i} from {author.username}: the firehose carries every " \
                       f"public event, in order, to whoever listens. #bench"
                made.append(await posts_service.create_post(
                    s, author, posts_service.NewPost(text=text, visibility="public")))
            for i, status in enumerate(made[::2]):
                await posts_service.favourite(s, authors[(i + 7) % len(authors)], status.id)
        done += len(made)
    async with db.read_session() as s:
        head = await latest_seq(s)
    await db.engine.dispose()
    return head


async def consume(url: str, head: int) -> tuple[int, float]:
    """Read from cursor 0 until `head`; (events, seconds)."""
    n = 0
    t0 = time.perf_counter()
    async with httpx.AsyncClient(base_url=url, timeout=120) as client:
        async with client.stream("GET", f"{PATH}?cursor=0") as r:
            r.raise_for_status()
            async for line in r.aiter_lines():
                msg = json.loads(line)
                if msg["type"] == "heartbeat":
                    if msg["seq"] >= head:
                        break
                    continue
                n += 1
                if msg["seq"] >= head:
                    break
    return n, time.perf_counter() - t0


async def measure(url: str, head: int, consumers: int, server_pid: int) -> dict:
    cpu0, mine0 = proc_cpu_seconds(server_pid), time.process_time()
    t0 = time.perf_counter()
    results = await asyncio.gather(*(consume(url, head) for _ in range(consumers)))
    wall = time.perf_counter() - t0
    cpu = proc_cpu_seconds(server_pid) - cpu0
    events = [n for n, _ in results]
    assert len(set(events)) == 1, f"consumers disagree on the count: {set(events)}"
    return {"consumers": consumers, "events_each": events[0], "wall_s": round(wall, 2),
            "events_per_s_each": round(events[0] / max(s for _, s in results), 1),
            "events_per_s_total": round(sum(events) / wall, 1),
            "server_cores": round(cpu / wall, 2),
            "client_cores": round((time.process_time() - mine0) / wall, 2)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--posts", type=int, default=3000)
    ap.add_argument("--consumers", default="1,50")
    ap.add_argument("--database-url", default=None)
    ap.add_argument("--json", default=None)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="roost-firehose-"))
    url = args.database_url or f"sqlite+aiosqlite:///{tmp / 'firehose.db'}"
    t0 = time.perf_counter()
    head = asyncio.run(seed(url, tmp, args.posts))
    seed_s = time.perf_counter() - t0
    print(f"seeded {head} events in {seed_s:.1f}s", flush=True)
    port = free_port()
    env = {**os.environ, "ROOST_DATABASE_URL": url, "ROOST_DATA_DIR": str(tmp),
           "ROOST_LOG_LEVEL": "warning", "ROOST_WORKERS_IN_PROCESS": "false",
           "ROOST_RATE_LIMITS_ENABLED": "false", "ROOST_FIREHOSE_PER_IP": "100",
           "ROOST_REDIS_URL": ""}
    proc = subprocess.Popen([sys.executable, "-c", "from roost.cli import main; main()", "serve",
                             "--host", "127.0.0.1", "--port", str(port)], env=env, cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
                            start_new_session=True)
    try:
        wait_for_port(port, proc)
        base = f"http://127.0.0.1:{port}"
        asyncio.run(consume(base, 1))  # warm-up: first connections, imports, caches
        rows = []
        for n in (int(c) for c in args.consumers.split(",")):
            row = asyncio.run(measure(base, head, n, proc.pid))
            rows.append(row)
            print(json.dumps(row), flush=True)
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
    out = {"when": datetime.now(UTC).isoformat(timespec="seconds"), "events": head,
           "database": "sqlite" if url.startswith("sqlite") else "postgresql",
           "seed_s": round(seed_s, 1), "cpus": os.cpu_count(), "results": rows}
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
