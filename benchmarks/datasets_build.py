"""Dataset builds: events per second for the `posts`, `engagement` and `notes` kinds.

    PYTHONPATH=src .venv/bin/python benchmarks/datasets_build.py [--posts 3000] [--json out.json]

1. Seed: a fresh SQLite database in a temporary directory, migrated; 40 accounts (30 of them
   consenting: 15 `all`, 15 `public_posts`), then --posts public posts through the services
   (posts.create_post, units of work of 100; one in ten a near duplicate of an earlier one, one in
   seven with an email address in it), one feed.impression of 20 posts per 4 posts, one
   note.created per 10 posts and two note.rated per note: events as the services record them.
2. Build each kind in-process (builder.run_build, as the job and the CLI run it): wall time, rows,
   and events per second = events in the build's log range / wall time.
3. Add 10% more posts, build `posts` again (incremental: reads only the new events, carries the
   previous build's items forward and checks them again): its wall time."""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import in_process_roost  # noqa: E402


WORDS = ("river heron dawn garden train bread window coffee rain market bicycle lantern harbour "
         "orchard violin meadow pebble kettle thunder library ferry quilt mountain sparrow tide "
         "workshop lemon compass attic festival canyon ember glacier hammock island jasmine "
         "kayak lagoon maple nectar oyster prairie quartz saddle tundra umbrella valley willow "
         "yarn zephyr").split()


def _text(n: int) -> str:
    """Twelve words picked by n: different posts share few 5-grams."""
    import random

    rng = random.Random(n)
    return " ".join(rng.choice(WORDS) for _ in range(12)) + f" #{rng.choice(WORDS)}"


async def seed(db, accounts: list[int], posts: int, start: int) -> None:  # noqa: ANN001
    from roost import events
    from roost.events import schemas as ev
    from roost.models import Account
    from roost.posts import service as posts_service

    done, recent = start, []
    while done < start + posts:
        async with db.unit_of_work() as s:
            people = [await s.get(Account, a) for a in accounts]
            for i in range(min(100, start + posts - done)):
                n = done + i
                author = people[n % len(people)]
                text = _text(n // 10 * 10) + " !" if n % 10 == 9 else _text(n)
                if n % 7 == 0:
                    text += f" write to person{n}@example.org"
                status = await posts_service.create_post(
                    s, author, posts_service.NewPost(text=text, visibility="public"))
                recent = (recent + [str(status.id)])[-20:]
                viewer = people[(n + 3) % len(people)]
                if n % 4 == 0:
                    events.record(s, ev.FeedImpression(account_id=str(viewer.id), feed="home",
                                                       status_ids=recent), actor_id=viewer.id)
                if n % 10 == 0:
                    events.record(s, ev.NoteCreated(note_id=str(n), status_id=str(status.id),
                                                    account_id=str(viewer.id), text="Context: ..."),
                                  actor_id=viewer.id)
                    for r in (1, 2):
                        rater = people[(n + r) % len(people)]
                        events.record(s, ev.NoteRated(note_id=str(n), status_id=str(status.id),
                                                      account_id=str(rater.id), helpful=r == 1),
                                      actor_id=rater.id)
        done += min(100, start + posts - done)


async def main(posts: int) -> dict:
    from roost.config import Settings
    from roost.consent import service as consent
    from roost.datasets import service
    from roost.datasets.builder import run_build
    from roost.models import Account

    tmp = Path(tempfile.mkdtemp(prefix="roost-bench-datasets-"))
    db, people = await in_process_roost(
        Settings(data_dir=tmp, database_url=f"sqlite+aiosqlite:///{tmp / 'roost.db'}"), 40)
    accounts = [p.id for p in people]
    async with db.unit_of_work() as s:
        for i, account_id in enumerate(accounts[:30]):
            await consent.set_training(s, await s.get(Account, account_id),
                                       "all" if i < 15 else "public_posts", source="api")
    t0 = time.perf_counter()
    await seed(db, accounts, posts, 0)
    seed_s = time.perf_counter() - t0
    out: dict = {"posts": posts, "seed_s": round(seed_s, 1), "builds": {}}

    async def build(kind: str) -> dict:
        async with db.unit_of_work() as s:
            build_id = (await service.request_build(s, None, kind, run_as_job=False)).id
        t = time.perf_counter()
        b = await run_build(db, build_id)
        wall = time.perf_counter() - t
        span = b.to_seq - b.from_seq
        return {"events_in_range": span, "rows": b.rows, "bytes": b.bytes,
                "seconds": round(wall, 2), "events_per_s": round(span / wall)}

    for kind in ("posts", "engagement", "notes"):
        out["builds"][kind] = await build(kind)
    await seed(db, accounts, posts // 10, posts)
    out["builds"]["posts (incremental, +10%)"] = await build("posts")
    await db.dispose()
    return out


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=3000)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    result = {"at": datetime.now(UTC).isoformat(timespec="seconds"),
              **asyncio.run(main(args.posts))}
    print(json.dumps(result, indent=2))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))
