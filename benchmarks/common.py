"""Helpers shared by the benchmark scripts: paths, the seed's output files, database URLs,
percentiles, CPU accounting from /proc, free ports and server subprocesses."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATA = HERE / ".data"
PYTHON = sys.executable
CLK_TCK = os.sysconf("SC_CLK_TCK")


def default_sqlite_url() -> str:
    return f"sqlite+aiosqlite:///{DATA / 'roost.db'}"


def normalise_url(url: str) -> str:
    if url.startswith(("postgres://", "postgresql://")):
        return "postgresql+asyncpg://" + url.split("://", 1)[1]
    if url.endswith(".db") and "://" not in url:
        return f"sqlite+aiosqlite:///{Path(url).resolve()}"
    return url


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def data_dir_for(url: str) -> Path:
    """Where seed.py leaves tokens.tsv and meta.json for this database."""
    from sqlalchemy.engine import make_url

    u = make_url(url)
    if is_sqlite(url):
        return DATA / f"sqlite-{Path(u.database or 'roost.db').stem}"
    return DATA / f"pg-{u.database}"


# --- what seed.py leaves for the load generator ---------------------------------------------

@dataclass
class Seeded:
    meta: dict
    tokens: list[dict]  # {account_id, username, token, followers, following, active}

    @classmethod
    def load(cls, out_dir: Path) -> Seeded:
        meta = json.loads((out_dir / "meta.json").read_text())
        tokens = []
        with open(out_dir / "tokens.tsv") as fh:
            header = fh.readline().rstrip("\n").split("\t")
            for line in fh:
                row = dict(zip(header, line.rstrip("\n").split("\t"), strict=True))
                for k in ("account_id", "followers", "following", "active"):
                    row[k] = int(row[k])
                tokens.append(row)
        return cls(meta, tokens)

    def token_of(self, account_id: int) -> str:
        for t in self.tokens:
            if t["account_id"] == account_id:
                return t["token"]
        raise KeyError(account_id)


# --- measuring ------------------------------------------------------------------------------

def percentile(sorted_values: list[float], p: float) -> float:
    if not sorted_values:
        return float("nan")
    k = (len(sorted_values) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (k - lo)


def proc_cpu_seconds(pid: int) -> float:
    """User + system CPU time of one process and its reaped children."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    utime, stime, cutime, cstime = (int(x) for x in fields[11:15])
    return (utime + stime + cutime + cstime) / CLK_TCK


def machine_cpu() -> tuple[float, float]:
    """(busy seconds, total seconds) summed over all cores since boot."""
    parts = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = parts[3] + parts[4]
    total = sum(parts[:8])
    return (total - idle) / CLK_TCK, total / CLK_TCK


# a backend's title: "postgres: [CLUSTER: ]USER DATABASE HOST(PORT) STATE"
PG_CLIENT = re.compile(r"^postgres: (?:[^ ]+: )?[^ ]+ ([^ ]+) [^ ]+\(\d+\)")
our_database: str | None = None  # set by set_database(): whose PostgreSQL backends to count
our_redis = False


def service_cpu_seconds() -> dict[int, float]:
    """CPU time, per process, of the PostgreSQL backends serving `our_database` and of Redis
    when we use it. PostgreSQL's shared background processes are left out: on a shared machine
    they mostly work for other databases."""
    found: dict[int, float] = {}
    if our_database is None and not our_redis:
        return found
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            comm = (d / "comm").read_text().strip()
            if comm == "redis-server" and our_redis:
                found[int(d.name)] = proc_cpu_seconds(int(d.name))
            elif comm == "postgres" and our_database is not None:
                m = PG_CLIENT.match((d / "cmdline").read_bytes().replace(b"\0", b" ").decode())
                if m and m.group(1) == our_database:
                    found[int(d.name)] = proc_cpu_seconds(int(d.name))
        except OSError:
            continue
    return found


def set_database(url: str, redis_url: str | None = None) -> None:
    """Say which database (and whether Redis) the measured Roost uses, for CpuMeter."""
    global our_database, our_redis
    if not is_sqlite(url):
        from sqlalchemy.engine import make_url

        our_database = make_url(url).database
    our_redis = bool(redis_url)


class CpuMeter:
    """Cores used by named processes, by PostgreSQL + Redis, and by everything else on the machine
    (other work on a shared machine shows up as `other`) between start() and stop()."""

    def __init__(self, pids: dict[str, int]) -> None:
        self.pids = pids

    def start(self) -> None:
        self.t0 = time.monotonic()
        self.p0 = {n: proc_cpu_seconds(p) for n, p in self.pids.items()}
        self.s0 = service_cpu_seconds()
        self.m0 = machine_cpu()

    def stop(self, extra: dict[str, float] | None = None) -> dict:
        """`extra`: cores measured elsewhere (the client reports its own)."""
        wall = time.monotonic() - self.t0
        busy1, _ = machine_cpu()
        out = {f"{n}_cores": round((proc_cpu_seconds(p) - self.p0[n]) / wall, 2)
               for n, p in self.pids.items()}
        now = service_cpu_seconds()  # a backend that exited meanwhile is not counted
        out["db_cores"] = round(sum(v - self.s0.get(pid, 0.0) for pid, v in now.items()) / wall, 2)
        out.update(extra or {})
        busy = (busy1 - self.m0[0]) / wall
        out["other_cores"] = round(max(0.0, busy - sum(out.values())), 2)
        return out


# --- processes ------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, proc: subprocess.Popen, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode} before listening")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"nothing listening on 127.0.0.1:{port} after {timeout}s")


def start(cmd: list[str], env: dict | None = None, log: Path | None = None) -> subprocess.Popen:
    out = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115
    return subprocess.Popen(cmd, env={**os.environ, **(env or {})}, cwd=ROOT, stdout=out,
                            stderr=subprocess.STDOUT, start_new_session=True)


def stop(proc: subprocess.Popen | None, timeout: float = 15.0) -> None:
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def git_commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                              text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


# --- Redis home feeds -----------------------------------------------------------------------

def home_ids(viewer: int, follows: dict[int, set[int]], by_author: dict[int, list[tuple]],
             size: int) -> list[int]:
    """The newest `size` ids of `viewer`'s home as roost.timelines.repository.home_from_db
    selects them on a seeded database (no blocks, mutes, deletions or direct posts there):
    posts and reposts of the viewer and of followed accounts; replies only to oneself, to the
    viewer, by the viewer, or to someone the viewer follows."""
    import heapq

    followed = follows.get(viewer, set())
    lists = [by_author.get(a, []) for a in followed | {viewer}]
    out: list[int] = []
    for sid, author, reply_to in heapq.merge(*lists, reverse=True):
        if (reply_to is None or reply_to == author or reply_to == viewer or author == viewer
                or reply_to in followed):
            out.append(sid)
            if len(out) >= size:
                break
    return out


async def build_feeds(url: str, redis_url: str, account_ids: list[int], *, check: int = 5) -> dict:
    """Give each of `account_ids` the home feed its first read would build
    (roost.timelines.feeds.rebuild), computed in bulk: rebuilding 7,000 feeds one by one through
    the database takes many minutes on two cores. `check` feeds are compared with the
    database's own home query, so a change in Roost's home rules shows up here."""
    from collections import defaultdict

    import redis.asyncio as aioredis
    from sqlalchemy import select

    from roost.config import Settings
    from roost.db import Database
    from roost.kit.paging import PageParams
    from roost.models import Account, Follow, Status
    from roost.timelines import feeds
    from roost.timelines import repository as timelines_repo

    t0 = time.monotonic()
    settings = Settings(database_url=url, redis_url=redis_url)
    size, ttl = settings.home_feed_size, settings.fan_out_active_days * 86400
    db = Database(url)
    follows: dict[int, set[int]] = defaultdict(set)
    by_author: dict[int, list[tuple]] = defaultdict(list)
    async with db.session() as session:
        for a, b in await session.execute(select(Follow.account_id, Follow.target_account_id)):
            follows[a].add(b)
        rows = await session.execute(
            select(Status.id, Status.account_id, Status.in_reply_to_account_id)
            .where(Status.deleted_at.is_(None)).order_by(Status.id.desc()))
        for sid, author, reply_to in rows:
            by_author[author].append((sid, author, reply_to))
    redis = aioredis.from_url(redis_url, socket_timeout=120)
    built = 0
    for start in range(0, len(account_ids), 200):
        pipe = redis.pipeline(transaction=False)
        for viewer in account_ids[start:start + 200]:
            key = feeds.feed_key(viewer)
            ids = home_ids(viewer, follows, by_author, size)
            pipe.delete(key)
            pipe.zadd(key, {feeds.SENTINEL: feeds.READY, **{str(i): i for i in ids}})
            pipe.expire(key, ttl)
            built += 1
        await pipe.execute()
    mismatches = 0
    async with db.session() as session:
        for viewer in account_ids[:check]:
            account = await session.get(Account, viewer)
            want = [s.id for s in await timelines_repo.home_from_db(session, account,
                                                                    PageParams(limit=size))]
            if want != home_ids(viewer, follows, by_author, size):
                mismatches += 1
    await redis.aclose()
    await db.dispose()
    if mismatches:
        print(f"WARNING: {mismatches}/{check} bulk-built feeds differ from the database's home "
              "query: benchmarks/common.py home_ids() no longer matches Roost's home rules")
    return {"built": built, "checked": check, "mismatches": mismatches,
            "seconds": round(time.monotonic() - t0, 1)}


async def ensure_feeds(url: str, redis_url: str, account_ids: list[int]) -> dict:
    """Build the home feeds among `account_ids` that do not exist (or are not complete)."""
    import redis.asyncio as aioredis

    from roost.timelines import feeds

    redis = aioredis.from_url(redis_url)
    pipe = redis.pipeline(transaction=False)
    for i in account_ids:
        pipe.zscore(feeds.feed_key(i), feeds.SENTINEL)
    states = await pipe.execute()
    await redis.aclose()
    missing = [i for i, s in zip(account_ids, states, strict=True) if s != feeds.READY]
    if not missing:
        return {"built": 0}
    return await build_feeds(url, redis_url, missing, check=0)


async def in_process_roost(settings, accounts: int = 0):  # noqa: ANN001, ANN201
    """Migrate the settings' database, bind the services to it (no Redis) and create `accounts`
    people named bench0, bench1, ...; returns (Database, [Account])."""
    import roost.tasks  # noqa: F401 - registers the jobs the services enqueue
    from roost import runtime
    from roost.accounts.service import create_account
    from roost.db import Database
    from roost.migrate import upgrade

    db = Database(settings.effective_database_url)
    await upgrade(db.engine)
    runtime.bind(db=db, redis=None, settings=settings)
    people = []
    async with db.unit_of_work() as session:
        for i in range(accounts):
            account, _ = await create_account(session, username=f"bench{i}",
                                              email=f"bench{i}@example.com",
                                              password="benchmark-password",
                                              password_hash="!benchmark")
            people.append(account)
    return db, people
