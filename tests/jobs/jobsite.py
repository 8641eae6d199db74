"""Test-only jobs, a fresh-database helper, and a worker process entry point:

    python -m tests.jobs.jobsite DATABASE_URL [--lease S] [--poll S] [--concurrency N] [--runlog F]

The process prints "ready" once it can be woken (LISTEN is active on PostgreSQL), runs jobs until
SIGTERM (graceful stop) or SIGKILL, and appends the key of every job it starts to --runlog.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import shutil
import signal
import sys
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

from roost.db import Database
from roost.jobs import enqueue, job
from roost.migrate import upgrade

PG_URL = os.environ.get("ROOST_TEST_DATABASE_URL") or None
REPO = Path(__file__).resolve().parents[2]

FAILS: dict[str, int] = {}  # key -> how many more times test.flaky fails
GATES: dict[str, asyncio.Event] = {}  # key -> test.gated waits for it
RUNLOG: Path | None = None


async def effect(session: AsyncSession, k: str) -> None:
    await session.execute(text("INSERT INTO test_effects (k) VALUES (:k)"), {"k": k})


async def count_effects(db: Database, k: str | None = None) -> int:
    async with db.session() as s:
        if k is None:
            return (await s.execute(text("SELECT count(*) FROM test_effects"))).scalar_one()
        return (await s.execute(text("SELECT count(*) FROM test_effects WHERE k = :k"),
                                {"k": k})).scalar_one()


def _log_run(k: str) -> None:
    if RUNLOG is not None:
        with RUNLOG.open("a") as f:
            f.write(k + "\n")


@job("test.effect")
async def effect_job(session: AsyncSession, *, k: str, pause: float = 0.0) -> None:
    _log_run(k)
    if pause:
        await asyncio.sleep(pause)
    await effect(session, k)


@job("test.flaky", max_attempts=3)
async def flaky(session: AsyncSession, *, k: str) -> None:
    await effect(session, k)  # rolled back when we fail below
    if FAILS.get(k, 0) > 0:
        FAILS[k] -= 1
        raise RuntimeError(f"flaky {k}")


@job("test.gated")
async def gated(session: AsyncSession, *, k: str) -> None:
    await GATES[k].wait()
    await effect(session, k)


@job("test.sleepy", timeout=0.3)
async def sleepy(session: AsyncSession, *, k: str) -> None:
    await asyncio.sleep(5)
    await effect(session, k)


@job("test.crashy")
async def crashy(session: AsyncSession, *, k: str, marker: str, children: int = 0,
                 sleep: float = 30.0) -> None:
    """Writes its effect and fans out, then, on the first run only, announces itself through
    `marker` and sleeps (to be killed or stopped mid-job)."""
    _log_run(k)
    await effect(session, k)
    for i in range(children):
        enqueue(session, "test.effect", k=f"{k}/{i}")
    await session.flush()
    if not os.path.exists(marker):
        Path(marker).write_text(str(os.getpid()))
        await asyncio.sleep(sleep)


# Fresh, migrated databases with real commits: the schema is migrated once into a template (a
# SQLite file, or a PostgreSQL template database) and each test gets a copy.

async def _admin(sql: str) -> None:
    admin = create_async_engine(PG_URL, isolation_level="AUTOCOMMIT")
    async with admin.connect() as conn:
        await conn.execute(text(sql))
    await admin.dispose()


async def create_template(tmp_dir: Path) -> str:
    if PG_URL:
        name = f"roost_tmpl_{secrets.token_hex(4)}"
        await _admin(f'CREATE DATABASE "{name}"')
        url = f"{PG_URL.rpartition('/')[0]}/{name}"
    else:
        name = str(tmp_dir / "template.db")
        url = f"sqlite+aiosqlite:///{name}"
    db = Database(url)
    await upgrade(db.engine)
    async with db.unit_of_work() as s:
        await s.execute(text("CREATE TABLE test_effects (k VARCHAR(200) NOT NULL)"))
    await db.dispose()
    return name


async def create_database(template: str, tmp_dir: Path) -> tuple[str, str | None]:
    if not PG_URL:
        path = tmp_dir / "fresh.db"
        shutil.copyfile(template, path)
        return f"sqlite+aiosqlite:///{path}", None
    name = f"roost_fresh_{secrets.token_hex(4)}"
    await _admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    return f"{PG_URL.rpartition('/')[0]}/{name}", name


async def drop_database(name: str | None) -> None:
    if name is not None and PG_URL:
        await _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def worker_command(url: str, *args: str) -> list[str]:
    return [sys.executable, "-m", "tests.jobs.jobsite", url, *args]


async def _main() -> None:
    global RUNLOG
    from roost.jobs.worker import Worker

    p = argparse.ArgumentParser()
    p.add_argument("url")
    p.add_argument("--lease", type=float, default=60.0)
    p.add_argument("--poll", type=float, default=1.0)
    p.add_argument("--concurrency", type=int, default=4)
    p.add_argument("--grace", type=float, default=8.0)
    p.add_argument("--runlog")
    a = p.parse_args()
    RUNLOG = Path(a.runlog) if a.runlog else None
    db = Database(a.url)
    worker = Worker(db, concurrency=a.concurrency, poll_interval=a.poll, lease_seconds=a.lease,
                    shutdown_grace=a.grace, schedules=False)
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, worker.stop)
    task = asyncio.create_task(worker.run_forever())
    if worker.listen:
        await asyncio.wait_for(worker.listening.wait(), timeout=10)
    print("ready", flush=True)
    await task
    print(f"processed {worker.processed}", flush=True)
    await db.dispose()


if __name__ == "__main__":
    asyncio.run(_main())
