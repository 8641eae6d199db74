"""Time from "generate" to candidates shown, through the service and the job worker, on SQLite in
a temporary directory, with the built-in sketch generator and moderation.

    .venv/bin/python benchmarks/ai_generations.py
    .venv/bin/python benchmarks/ai_generations.py --rounds 5 --json benchmarks/.data/ai-generations.json

For 1 and then 8 concurrent requests (8 people, 4 candidates each at 512 px): each request is
start_generation() committed, then a worker (concurrency 8) drains the jobs; the figure is, per
request, the time from its commit to its generation's `done` (median and max over rounds)."""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
from pathlib import Path

PROMPTS = ["a red fox in the snow under the aurora", "three sailboats on a calm lake at dusk",
           "a lighthouse on a cliff in a storm", "palm trees on a beach at sunset",
           "a cat asleep on a windowsill", "mountains and a river in autumn",
           "a city skyline at night with stars", "an owl in a pine forest under the moon"]


async def run(rounds: int) -> dict:
    import roost.tasks  # noqa: F401
    from roost import runtime
    from roost.accounts.service import create_account
    from roost.ai.generations import service
    from roost.config import Settings
    from roost.db import Database
    from roost.jobs.worker import Worker
    from roost.migrate import upgrade
    from roost.models import Generation

    folder = Path(tempfile.mkdtemp(prefix="roost-bench-gen-"))
    settings = Settings(data_dir=folder, ai_daily_generations=10_000)
    db = Database(settings.effective_database_url)
    await upgrade(db.engine)
    runtime.bind(db=db, redis=None, settings=settings)
    people = []
    async with db.unit_of_work() as session:
        for i in range(8):
            account, _ = await create_account(session, username=f"bench{i}",
                                              email=f"bench{i}@example.com",
                                              password="long enough password")
            people.append(account)
    worker = Worker(db, concurrency=8)
    out: dict = {}
    for concurrent in (1, 1, 8):  # the first round of 1 warms the models and is dropped
        latencies: list[float] = []
        for _ in range(rounds):
            started: dict[int, float] = {}
            for i in range(concurrent):
                async with db.unit_of_work() as session:
                    gen = await service.start_generation(session, people[i], PROMPTS[i], n=4)
                started[gen.id] = time.perf_counter()
            finished: dict[int, float] = {}
            drain = asyncio.create_task(worker.drain())
            while len(finished) < concurrent:
                await asyncio.sleep(0.01)
                async with db.read_session() as session:
                    for gid in started.keys() - finished.keys():
                        row = await session.get(Generation, gid)
                        if row.state == "done":
                            finished[gid] = time.perf_counter()
            await drain
            latencies += [finished[g] - started[g] for g in started]
        out[f"concurrent_{concurrent}"] = {
            "requests": len(latencies), "median_s": round(statistics.median(latencies), 3),
            "max_s": round(max(latencies), 3)}
    await db.dispose()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    result = asyncio.run(run(args.rounds))
    print(json.dumps(result, indent=2))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
