"""Running `roost` for real: subprocesses with a clean ROOST_* environment and a temp data dir."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

PG_URL = os.environ.get("ROOST_TEST_DATABASE_URL") or None

# every migration a fresh database gets, and the progress line that says so
MIGRATIONS = sorted(p.name[:4] for p in (Path(__file__).resolve().parents[2] / "src" / "roost" /
                                          "migrations" / "versions").glob("[0-9][0-9][0-9][0-9]_*.py"))
APPLYING = (f"Applying {len(MIGRATIONS)} database migration{'s' if len(MIGRATIONS) > 1 else ''} "
            f"({', '.join(MIGRATIONS)})")
REDIS_URL = os.environ.get("ROOST_TEST_REDIS_URL") or None


def clean_env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ROOST_")}
    env.update(ROOST_DATA_DIR=str(data_dir), PYTHONUNBUFFERED="1", **extra)
    return env


def roost(*args: str) -> list[str]:
    return [sys.executable, "-m", "roost.cli", *args]


def run(args: list[str], env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(args, env=env, capture_output=True, text=True, timeout=timeout)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_json(url: str, proc: subprocess.Popen, timeout: float = 60) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            out = proc.stdout.read() if proc.stdout else ""
            raise AssertionError(f"roost exited with {proc.returncode} before answering:\n{out}")
        try:
            r = httpx.get(url, timeout=2)
            if r.status_code == 200:
                return r.json()
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"no answer from {url} within {timeout} s")


def error_lines(result: subprocess.CompletedProcess) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.strip()]
