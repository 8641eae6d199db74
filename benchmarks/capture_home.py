"""What capture costs on the hot path: a home timeline read, in-process (httpx without a
network), for one viewer following 40 accounts with 10 posts each, whose training consent is
`none` (not captured) or `all` (one `feed.impression` per page). Blocks of reads alternate
between the two levels; each block reports the process's CPU, the SQL statements and the wall
time per read. Runs on any checkout with the consent API (so also on one before capture, for a
before/after comparison of the `none` rows):

    .venv/bin/python benchmarks/capture_home.py                        # SQLite, temporary
    .venv/bin/python benchmarks/capture_home.py postgresql+asyncpg://postgres@127.0.0.1:5432/roost_bench \\
        --redis-url redis://127.0.0.1:6379/14                          # an empty database
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import statistics
import tempfile
import time
from pathlib import Path

AUTHORS, POSTS_EACH = 40, 10


def cpu_seconds() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


async def seed(app) -> str:  # noqa: ANN001
    """The viewer's token, after 40 authors posted 10 times each and the viewer followed them."""
    from roost.accounts.service import create_account
    from roost.auth.service import create_app as create_oauth_app, issue_token
    from roost.graph import service as graph
    from roost.jobs.worker import Worker
    from roost.posts import service as posts

    db = app.state.db
    async with db.unit_of_work() as session:
        oauth, _ = await create_oauth_app(session, name="bench", scopes=["read", "write"],
                                          redirect_uris=["urn:ietf:wg:oauth:2.0:oob"])
        viewer, user = await create_account(session, username="viewer",
                                            email="viewer@example.com", password="x" * 12,
                                            password_hash="!bench")
        _, token = await issue_token(session, app=oauth, user=user, scopes=["read", "write"])
    for a in range(AUTHORS):
        async with db.unit_of_work() as session:
            author, _ = await create_account(session, username=f"author{a}",
                                             email=f"author{a}@example.com", password="x" * 12,
                                             password_hash="!bench")
            me = await session.merge(viewer)
            await graph.follow(session, me, author.id)
            for p in range(POSTS_EACH):
                await posts.create_post(session, author, posts.NewPost(text=f"post {p} by {a}"))
    await Worker(db).drain()
    return token


async def run(args: argparse.Namespace) -> None:
    from httpx import ASGITransport, AsyncClient
    from sqlalchemy import event

    from roost.config import Settings
    from roost.main import create_app

    data = Path(tempfile.mkdtemp(prefix="roost-capture-bench-"))
    url = args.url or f"sqlite+aiosqlite:///{data / 'bench.db'}"
    settings = Settings(data_dir=data, database_url=url, redis_url=args.redis_url,
                        domain="bench.test", rate_limits_enabled=False, workers_in_process=False,
                        ai_assistant_enabled=False)
    app = create_app(settings, run_workers=False)
    async with app.router.lifespan_context(app):
        if app.state.redis is not None:
            await app.state.redis.flushdb()
        token = await seed(app)
        headers = {"Authorization": f"Bearer {token}"}
        statements = 0

        def count(*_a: object) -> None:
            nonlocal statements
            statements += 1

        for engine in (app.state.db.engine, app.state.db.read_engine):  # GETs read on SQLite's
            if engine is not None:                                       # read engine
                event.listen(engine.sync_engine, "before_cursor_execute", count)
        async with AsyncClient(transport=ASGITransport(app=app), base_url="http://bench.test") as c:
            async def level(value: str) -> None:
                r = await c.put("/api/v1/roost/consent", data={"training": value}, headers=headers)
                assert r.status_code == 200, r.text

            for _ in range(20):  # warm up
                assert len((await c.get("/api/v1/timelines/home", headers=headers)).json()) == 20
            results: dict[str, list[tuple[float, float, float]]] = {"none": [], "all": []}
            for block in range(args.blocks):
                name = "none" if block % 2 == 0 else "all"
                await level(name)
                statements, cpu, wall = 0, cpu_seconds(), time.perf_counter()
                for _ in range(args.reads):
                    r = await c.get("/api/v1/timelines/home", headers=headers)
                    assert r.status_code == 200
                cpu, wall = cpu_seconds() - cpu, time.perf_counter() - wall
                results[name].append((cpu * 1000 / args.reads, statements / args.reads,
                                      wall * 1000 / args.reads))
        for name, rows in results.items():
            cpus, stmts, walls = zip(*rows, strict=True)
            print(f"consent {name:4}: CPU {statistics.median(cpus):.2f} ms/read "
                  f"(blocks {', '.join(f'{x:.2f}' for x in cpus)}), "
                  f"{statistics.median(stmts):.2f} statements/read, "
                  f"wall {statistics.median(walls):.2f} ms/read")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("url", nargs="?", help="an empty database (default: a temporary SQLite)")
    p.add_argument("--redis-url")
    p.add_argument("--reads", type=int, default=200, help="reads per block")
    p.add_argument("--blocks", type=int, default=6, help="blocks, alternating none / all")
    asyncio.run(run(p.parse_args()))


if __name__ == "__main__":
    main()
