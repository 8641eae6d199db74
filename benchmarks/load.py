"""The load benchmark: the ceiling app, then Roost on a seeded database, each driven by client.py
in its own process over loopback.

    .venv/bin/python benchmarks/load.py                      # SQLite (benchmarks/.data/roost.db)
    .venv/bin/python benchmarks/load.py postgresql://postgres@127.0.0.1:5432/roost_bench \\
        --redis-url redis://127.0.0.1:6379/14                 # PostgreSQL + Redis (db 14 is flushed)

For each server: a closed-loop concurrency sweep finds saturation (the most requests/s), then an
open-loop run at half of that rate measures latency. Phases: ceiling sweep; Roost warm-up; home
timeline sweep; mix sweep; mix at half saturation; home timeline at half saturation.
Results go to stdout and to benchmarks/.data/results-<backend>-<time>.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

from common import (DATA, HERE, PYTHON, ROOT, CpuMeter, Seeded, build_feeds, data_dir_for,
                    default_sqlite_url, free_port, git_commit, is_sqlite, normalise_url, set_database,
                    start, stop, wait_for_port)

LEVELS = [1, 2, 4, 8, 16, 32, 64, 128]


def log(msg: str) -> None:
    print(f"[{datetime.now():%H:%M:%S}] {msg}", flush=True)


def roost_command() -> list[str] | None:
    """The `roost` command, when the CLI has `serve` and `worker`."""
    try:
        from roost.cli import main as cli
    except ImportError:
        return None
    if not {"serve", "worker"} <= set(getattr(cli, "commands", {})):
        return None
    script = Path(PYTHON).parent / "roost"
    return [str(script)] if script.exists() else [PYTHON, "-c", "from roost.cli import main; main()"]


class Servers:
    """The processes under test and the CPU they use."""

    def __init__(self) -> None:
        self.procs: dict[str, subprocess.Popen] = {}

    def start_ceiling(self, port: int) -> None:
        cmd = [PYTHON, str(HERE / "ceiling.py"), "--port", str(port)]
        self.procs["server"] = start(cmd, log=DATA / "ceiling.log")
        wait_for_port(port, self.procs["server"])

    def start_roost(self, port: int, url: str, redis_url: str | None, run_dir: Path) -> str:
        env = {"ROOST_DATABASE_URL": url, "ROOST_DATA_DIR": str(run_dir), "ROOST_LOG_LEVEL": "warning",
               "ROOST_REDIS_URL": redis_url or ""}
        roost = roost_command()
        separate_worker = redis_url is not None and roost is not None
        env["ROOST_WORKERS_IN_PROCESS"] = "false" if separate_worker else "true"
        if roost is not None:
            cmd = [*roost, "serve", "--host", "127.0.0.1", "--port", str(port)]
            how = "roost serve"
        else:
            cmd = [PYTHON, "-m", "uvicorn", "--factory", "roost.main:create_app", "--port", str(port),
                   "--host", "127.0.0.1", "--log-level", "warning"]
            how = "uvicorn --factory roost.main:create_app"
        self.procs["server"] = start(cmd, env=env, log=DATA / "roost-server.log")
        wait_for_port(port, self.procs["server"])
        if separate_worker:
            self.procs["worker"] = start([*roost, "worker"], env=env, log=DATA / "roost-worker.log")
            how += " + roost worker"
        else:
            how += " (jobs in-process)"
        return how

    def meter(self) -> CpuMeter:
        return CpuMeter({name: p.pid for name, p in self.procs.items()})

    def stop_all(self) -> None:
        for p in self.procs.values():
            stop(p)
        self.procs.clear()


def run_client(servers: Servers, plan: dict) -> dict:
    meter = servers.meter()
    meter.start()
    proc = subprocess.run([PYTHON, str(HERE / "client.py"), json.dumps(plan)], cwd=ROOT,
                          capture_output=True, text=True,
                          timeout=plan["warmup_s"] + plan["duration_s"] + 120)
    if proc.returncode != 0:
        raise RuntimeError(f"client failed:\n{proc.stderr[-3000:]}")
    result = json.loads(proc.stdout)
    cpu = result["cpu"] = meter.stop({"client_cores": result.pop("client_cores")})
    if result["rps"]:
        roost = cpu.get("server_cores", 0) + cpu.get("worker_cores", 0)
        result["server_cpu_ms"] = round(roost * 1000 / result["rps"], 2)
        result["db_cpu_ms"] = round(cpu["db_cores"] * 1000 / result["rps"], 2)
    return result


def line(label: str, r: dict) -> str:
    cpu = " ".join(f"{k.removesuffix('_cores')}={v}" for k, v in r["cpu"].items())
    err = f" errors={r['errors']}" if r["errors"] else ""
    per = f" cpu/req {r.get('server_cpu_ms', 0):.2f}+{r.get('db_cpu_ms', 0):.2f} ms"
    return (f"{label:>22}: {r['rps']:8.1f} req/s  p50 {r['p50_ms']:7.2f} ms  p99 {r['p99_ms']:8.2f} ms"
            f"  [{cpu}]{per}{err}")


def settle(port: int, path: str, timeout: float = 120.0) -> float:
    """Wait until the server answers `path` within 250 ms: after an overloaded step it still
    works through the requests queued before the client left. Returns the seconds waited."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        t = time.monotonic()
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30) as resp:
                resp.read()
        except OSError:
            pass
        if time.monotonic() - t < 0.25:
            return round(time.monotonic() - t0, 1)
        time.sleep(1.0)
    return round(time.monotonic() - t0, 1)


def sweep(servers: Servers, base_plan: dict, label: str, step_s: float, levels: list[int],
          probe: str, every_level: bool = False) -> dict:
    """Closed loop at rising concurrency until throughput stops growing (3% for two steps,
    unless `every_level`), or the server is plainly past saturation (errors, or a p99 over 5 s)."""
    steps, best, flat = [], None, 0
    for c in levels:
        r = run_client(servers, {**base_plan, "mode": "closed", "concurrency": c, "warmup_s": 1.0,
                                 "duration_s": step_s})
        steps.append(r)
        log(line(f"{label} c={c}", r))
        r["settled_s"] = settle(base_plan["port"], probe)
        if best is None or r["rps"] > best["rps"] * 1.03:
            best, flat = r, 0
        else:
            flat += 1
        if (flat >= 2 and not every_level) or r["errors"] > 0.01 * r["completed"] \
                or r["p99_ms"] > 5000:
            break
    return {"saturation_rps": best["rps"], "at_concurrency": best["plan"]["concurrency"],
            "steps": steps}


def open_run(servers: Servers, base_plan: dict, label: str, rate: float, duration: float) -> dict:
    r = run_client(servers, {**base_plan, "mode": "open", "rate": rate, "warmup_s": 3.0,
                             "duration_s": duration})
    log(line(f"{label} @{rate:.0f}/s", r))
    for name, e in sorted(r["endpoints"].items()):
        err = f" errors={e['errors']}" if e["errors"] else ""
        log(f"{'':>24}{name:>12}: {e['rps']:7.1f} req/s  p50 {e['p50_ms']:7.2f}  p99 {e['p99_ms']:8.2f}"
            f"  max {e['max_ms']:8.2f} ms{err}")
    return r


async def touch_users(url: str) -> int:
    """Mark active users as seen now, as the first request of a session does (once per 10 minutes),
    so the measured requests are steady-state ones and not each user's first."""
    from sqlalchemy import update

    from roost.db import make_engine
    from roost.models import User

    engine = make_engine(url)
    now = datetime.now(UTC)
    async with engine.begin() as conn:
        res = await conn.execute(update(User).where(User.last_active_at > now - timedelta(days=14))
                                 .values(last_active_at=now))
    await engine.dispose()
    return res.rowcount


async def flush_redis(redis_url: str) -> None:
    import redis.asyncio as aioredis

    client = aioredis.from_url(redis_url, socket_timeout=120)
    await client.flushdb(asynchronous=True)  # freeing ~600 MB of feeds blocks Redis for seconds
    await client.aclose()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("url", nargs="?", default=default_sqlite_url())
    ap.add_argument("--redis-url", help="a dedicated Redis database: it is flushed, then every "
                    "active account's home feed is built")
    ap.add_argument("--data", help="seed output (default: the one seed.py made for this URL)")
    ap.add_argument("--step", type=float, default=6.0, help="seconds per sweep step")
    ap.add_argument("--duration", type=float, default=60.0, help="seconds of the open-loop mix run")
    ap.add_argument("--levels", default=",".join(map(str, LEVELS)))
    ap.add_argument("--skip-ceiling", action="store_true")
    args = ap.parse_args()

    url = normalise_url(args.url)
    set_database(url, args.redis_url)
    data_dir = Path(args.data) if args.data else data_dir_for(url)
    seeded = Seeded.load(data_dir)
    levels = [int(x) for x in args.levels.split(",")]
    backend = "sqlite" if is_sqlite(url) else ("postgresql+redis" if args.redis_url else "postgresql")
    report: dict = {"backend": backend, "date": datetime.now(UTC).isoformat(timespec="seconds"),
                    "commit": git_commit(), "cores": os.cpu_count(), "python": sys.version.split()[0],
                    "seed": {k: seeded.meta[k] for k in ("accounts", "follows", "posts", "favourites",
                                                         "active_accounts")}}
    servers = Servers()
    try:
        if not args.skip_ceiling:
            port = free_port()
            servers.start_ceiling(port)
            log("ceiling: bare Starlette JSON endpoint")
            # every level: a few seconds each, and on a busy machine the noise can look flat
            report["ceiling"] = sweep(servers, {"port": port, "mix": "ceiling"}, "ceiling", args.step,
                                      levels, "/", every_level=True)
            servers.stop_all()

        if args.redis_url:
            asyncio.run(flush_redis(args.redis_url))
            active = [t["account_id"] for t in seeded.tokens if t["active"]]
            report["feeds"] = asyncio.run(build_feeds(url, args.redis_url, active))
            log(f"home feeds built in Redis: {report['feeds']}")
        port = free_port()
        run_dir = DATA / f"run-{backend}"
        run_dir.mkdir(parents=True, exist_ok=True)
        report["server"] = servers.start_roost(port, url, args.redis_url, run_dir)
        log(f"roost ({backend}) on 127.0.0.1:{port}: {report['server']}")
        log(f"touched {asyncio.run(touch_users(url))} active users")
        base = {"port": port, "data_dir": str(data_dir)}
        report["warmup"] = run_client(servers, {**base, "mix": "mix", "mode": "closed", "concurrency": 8,
                                                "warmup_s": 0.0, "duration_s": 15.0})
        log(line("warm-up mix c=8", report["warmup"]))
        probe = "/api/v1/instance"
        report["home_sweep"] = sweep(servers, {**base, "mix": "home"}, "home", args.step, levels, probe)
        report["mix_sweep"] = sweep(servers, {**base, "mix": "mix"}, "mix", args.step, levels, probe)
        half = report["mix_sweep"]["saturation_rps"] / 2
        report["mix_half"] = open_run(servers, {**base, "mix": "mix"}, "mix", half, args.duration)
        settle(port, probe)
        half_home = report["home_sweep"]["saturation_rps"] / 2
        report["home_half"] = open_run(servers, {**base, "mix": "home"}, "home", half_home,
                                       max(10.0, args.duration / 2))
    finally:
        servers.stop_all()

    summarise(report)
    out = DATA / f"results-{backend}-{datetime.now():%Y%m%d-%H%M%S}.json"
    out.write_text(json.dumps(report, indent=1))
    log(f"results in {out}")


def summarise(report: dict) -> None:
    ceiling = report.get("ceiling", {}).get("saturation_rps")
    home = report["home_sweep"]["saturation_rps"]
    print("\nsummary", report["backend"])
    if ceiling:
        print(f"  ceiling (bare Starlette):   {ceiling:8.1f} req/s")
        print(f"  home timeline saturation:   {home:8.1f} req/s = {home / ceiling:.2f} of ceiling"
              f" (target >= 0.40)")
    else:
        print(f"  home timeline saturation:   {home:8.1f} req/s")
    print(f"  mix saturation:             {report['mix_sweep']['saturation_rps']:8.1f} req/s")
    phases = [*report["home_sweep"]["steps"], *report["mix_sweep"]["steps"], report["home_half"],
              report["mix_half"]]
    other = sum(p["cpu"]["other_cores"] for p in phases) / len(phases)
    cpu_ms = report["home_sweep"]["steps"][0].get("server_cpu_ms")
    print(f"  home read CPU (c=1):        {cpu_ms} ms in Roost per request")
    if other > 0.2:
        print(f"  NOTE: other processes used {other:.2f} of {os.cpu_count()} cores on average during"
              " the Roost phases: req/s and latencies are pessimistic; compare CPU per request")
    hh = report["home_half"]
    print(f"  home at half saturation:    p50 {hh['p50_ms']:.1f} ms, p99 {hh['p99_ms']:.1f} ms"
          f" (target p99 < 50 ms)")
    mh = report["mix_half"]
    for name, e in sorted(mh["endpoints"].items()):
        print(f"  mix at half: {name:>10}  {e['rps']:7.1f} req/s  p50 {e['p50_ms']:7.2f} ms"
              f"  p99 {e['p99_ms']:8.2f} ms")


if __name__ == "__main__":
    main()
