"""The load client. load.py runs it in its own process (so its CPU is counted apart from the
server's): it reads a JSON plan from argv[1], sends requests to 127.0.0.1 only, and prints one
JSON result on stdout.

It speaks HTTP/1.1 keep-alive itself over asyncio with httptools (the C parser uvicorn uses):
a general client such as aiohttp or httpx spends more CPU per request than the bare Starlette app
it measures, and on two cores that would make the client, not the server, the ceiling.

Plan: {"port", "mix": "ceiling" | "home" | "mix", "mode": "closed" | "open",
       "concurrency" (closed) or "rate" (open, requests/s), "warmup_s", "duration_s", "data_dir"}

Closed loop: `concurrency` workers each send a request as soon as the previous one is answered.
Open loop: requests start at a fixed rate whatever the answers; latency counts from the moment a
request was due, so a server that falls behind shows it (no coordinated omission).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import random
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

import httptools

from common import Seeded, percentile

NEXT_MAX_ID = re.compile(r"max_id=(\d+)[^>]*>;\s*rel=\"next\"")
MAX_IN_FLIGHT = 2000
TEXTS = ["Benchmark post about coffee and trains.", "Rain again in the city, birds in the garden.",
         "Reading a long book this morning.", "Python and music and a walk by the river."]

# (name, weight): 60% home (a fifth of it paging), 30% account timelines, 10% writes
MIXES = {
    "ceiling": [("ceiling", 1.0)],
    "home": [("home", 0.8), ("home_page", 0.2)],
    "account": [("account", 1.0)],
    "writes": [("post", 0.4), ("favourite", 0.3), ("reblog", 0.15), ("follow", 0.15)],
    "mix": [("home", 0.48), ("home_page", 0.12), ("account", 0.30), ("post", 0.04),
            ("favourite", 0.03), ("reblog", 0.015), ("follow", 0.015)],
}


class Traffic:
    """Chooses each next request: who sends it and what it asks for."""

    def __init__(self, seeded: Seeded | None, rng: random.Random) -> None:
        self.rng = rng
        self.n = itertools.count()
        self.next_page: dict[str, int] = {}
        if seeded is None:  # the ceiling needs no data
            return
        self.actors = [t for t in seeded.tokens if t["active"]] or seeded.tokens
        everyone = seeded.tokens
        self.targets = [t["account_id"] for t in everyone]
        self.target_cum = list(itertools.accumulate(t["followers"] + 1 for t in everyone))
        self.statuses = list(seeded.meta["recent_public_ids"])

    def popular_account(self) -> int:
        return self.rng.choices(self.targets, cum_weights=self.target_cum)[0]

    def request(self, name: str) -> tuple[str, str, str | None, dict | None]:
        """(method, path, token, json body)"""
        if name == "ceiling":
            return "GET", "/", None, None
        token = self.rng.choice(self.actors)["token"]
        if name == "home":
            return "GET", "/api/v1/timelines/home", token, None
        if name == "home_page":
            max_id = self.next_page.get(token)
            if max_id is None:  # scrolled back to somewhere in the last three days
                ms = int((time.time() - self.rng.uniform(3600, 3 * 86400)) * 1000)
                max_id = ms << 16
            return "GET", f"/api/v1/timelines/home?max_id={max_id}", token, None
        if name == "account":
            return "GET", f"/api/v1/accounts/{self.popular_account()}/statuses", token, None
        if name == "post":
            body = {"status": f"{self.rng.choice(TEXTS)} #{next(self.n)}", "visibility": "public"}
            return "POST", "/api/v1/statuses", token, body
        if name in ("favourite", "reblog"):
            sid = self.statuses[-1 - int(len(self.statuses) * self.rng.random() ** 2)]
            return "POST", f"/api/v1/statuses/{sid}/{name}", token, None
        if name == "follow":
            return "POST", f"/api/v1/accounts/{self.popular_account()}/follow", token, None
        raise ValueError(name)


class Recorder:
    def __init__(self) -> None:
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.codes: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
        self.recording = False

    def add(self, name: str, ms: float, code: int) -> None:
        if self.recording:
            self.latencies[name].append(ms)
            self.codes[name][code] += 1

    def summary(self, seconds: float) -> dict:
        out = {}
        for name, values in self.latencies.items():
            values.sort()
            codes = self.codes[name]
            out[name] = {
                "count": len(values), "rps": round(len(values) / seconds, 1),
                "p50_ms": round(percentile(values, 0.50), 2), "p90_ms": round(percentile(values, 0.90), 2),
                "p99_ms": round(percentile(values, 0.99), 2), "max_ms": round(values[-1], 2),
                "errors": {str(c): n for c, n in codes.items() if not 200 <= c < 300},
            }
        return out


class Connection(asyncio.Protocol):
    """One keep-alive connection; one request at a time."""

    def __init__(self) -> None:
        self.parser = httptools.HttpResponseParser(self)
        self.transport: asyncio.Transport | None = None
        self.waiter: asyncio.Future | None = None
        self.closed = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_exception(ConnectionError("connection lost"))

    def data_received(self, data: bytes) -> None:
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserError as exc:
            self.transport.close()
            if self.waiter is not None and not self.waiter.done():
                self.waiter.set_exception(exc)

    def on_message_begin(self) -> None:
        self.link, self.body = b"", []

    def on_header(self, name: bytes, value: bytes) -> None:
        if name.lower() == b"link":
            self.link = value

    def on_body(self, body: bytes) -> None:
        self.body.append(body)

    def on_message_complete(self) -> None:
        keep = self.parser.should_keep_alive()
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_result((self.parser.get_status_code(), self.link, b"".join(self.body)))
        if not keep:
            self.transport.close()

    async def request(self, raw: bytes) -> tuple[int, bytes, bytes]:
        self.waiter = asyncio.get_running_loop().create_future()
        self.transport.write(raw)
        return await self.waiter


class Pool:
    def __init__(self, port: int) -> None:
        self.port = port
        self.idle: list[Connection] = []

    async def get(self) -> Connection:
        while self.idle:
            conn = self.idle.pop()
            if not conn.closed:
                return conn
        _, conn = await asyncio.get_running_loop().create_connection(Connection, "127.0.0.1", self.port)
        return conn

    def put(self, conn: Connection) -> None:
        if not conn.closed:
            self.idle.append(conn)

    def close(self) -> None:
        for conn in self.idle:
            conn.transport.close()


def encode(method: str, path: str, token: str | None, body: dict | None, port: int) -> bytes:
    head = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Accept: application/json"]
    if token:
        head.append(f"Authorization: Bearer {token}")
    payload = json.dumps(body).encode() if body is not None else b""
    if method != "GET":
        head += ["Content-Type: application/json", f"Content-Length: {len(payload)}"]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + payload


async def send(pool: Pool, traffic: Traffic, name: str) -> int:
    method, path, token, body = traffic.request(name)
    try:
        conn = await pool.get()
        status, link, data = await asyncio.wait_for(
            conn.request(encode(method, path, token, body, pool.port)), timeout=30)
    except (OSError, ConnectionError, TimeoutError, httptools.HttpParserError):
        return 599
    pool.put(conn)
    if status == 200 and name in ("home", "home_page"):
        m = NEXT_MAX_ID.search(link.decode("latin-1"))
        if m:
            traffic.next_page[token] = int(m.group(1))
    elif status == 200 and name == "post":
        traffic.statuses.append(int(json.loads(data)["id"]))
    return status


def picker(mix: str, rng: random.Random):  # noqa: ANN201
    names = [n for n, _ in MIXES[mix]]
    cum = list(itertools.accumulate(w for _, w in MIXES[mix]))
    return lambda: rng.choices(names, cum_weights=cum)[0]


async def closed_loop(plan: dict, pool, traffic, rec, pick) -> float:  # noqa: ANN001
    t0 = time.perf_counter()
    start_rec = t0 + plan["warmup_s"]
    end = start_rec + plan["duration_s"]

    async def worker() -> None:
        while True:
            now = time.perf_counter()
            if now >= end:
                return
            if not rec.recording and now >= start_rec:
                rec.recording = True
            name = pick()
            code = await send(pool, traffic, name)
            if now >= start_rec:
                rec.add(name, (time.perf_counter() - now) * 1000, code)

    await asyncio.gather(*(worker() for _ in range(plan["concurrency"])))
    return plan["duration_s"]


async def open_loop(plan: dict, pool, traffic, rec, pick) -> tuple[float, int]:  # noqa: ANN001
    rate = plan["rate"]
    warm_n = int(rate * plan["warmup_s"])
    total = warm_n + int(rate * plan["duration_s"])
    t0 = time.perf_counter()
    tasks: set[asyncio.Task] = set()
    dropped = 0

    async def one(name: str, due: float, record: bool) -> None:
        code = await send(pool, traffic, name)
        if record:
            rec.add(name, (time.perf_counter() - due) * 1000, code)

    rec.recording = True
    for i in range(total):
        due = t0 + i / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        if len(tasks) >= MAX_IN_FLIGHT:
            dropped += 1
            continue
        t = asyncio.create_task(one(pick(), due, i >= warm_n))
        tasks.add(t)
        t.add_done_callback(tasks.discard)
    if tasks:
        await asyncio.wait(tasks, timeout=60)
    return plan["duration_s"], dropped


async def run(plan: dict) -> dict:
    seeded = Seeded.load(Path(plan["data_dir"])) if plan["mix"] != "ceiling" else None
    rng = random.Random(plan.get("seed", 1))
    traffic = Traffic(seeded, rng)
    rec = Recorder()
    pool = Pool(plan["port"])
    cpu0 = time.process_time()
    dropped = 0
    if plan["mode"] == "closed":
        seconds = await closed_loop(plan, pool, traffic, rec, picker(plan["mix"], rng))
    else:
        seconds, dropped = await open_loop(plan, pool, traffic, rec, picker(plan["mix"], rng))
    pool.close()
    cpu = time.process_time() - cpu0
    wall = plan["warmup_s"] + plan["duration_s"]
    endpoints = rec.summary(seconds)
    completed = sum(e["count"] for e in endpoints.values())
    everything = sorted(itertools.chain.from_iterable(rec.latencies.values()))
    return {
        "plan": {k: v for k, v in plan.items() if k != "data_dir"},
        "rps": round(completed / seconds, 1), "completed": completed, "dropped": dropped,
        "errors": sum(sum(e["errors"].values()) for e in endpoints.values()),
        "p50_ms": round(percentile(everything, 0.5), 2), "p99_ms": round(percentile(everything, 0.99), 2),
        "endpoints": endpoints, "client_cores": round(cpu / wall, 2),
    }


def main() -> None:
    plan = json.loads(sys.argv[1])
    try:
        from uvloop import new_event_loop
    except ImportError:
        new_event_loop = None
    with asyncio.Runner(loop_factory=new_event_loop) as runner:
        print(json.dumps(runner.run(run(plan))))


if __name__ == "__main__":
    main()
