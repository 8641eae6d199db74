"""Post-to-stream latency of Mastodon's streaming API with N server-sent-event listeners.

    PYTHONPATH=src .venv/bin/python benchmarks/streaming.py [--listeners 1,10,50] [--posts 20]
        [--database-url URL] [--redis-url URL] [--json out.json]

A real uvicorn server on a loopback port (jobs in its process, SQLite in a temporary directory
unless --database-url). N anonymous listeners hold `GET /api/v1/streaming/public/local` open
(the per-address stream cap is raised to N for the run), one signed-in listener follows the poster
on `/api/v1/streaming/user`. The poster then posts --posts public statuses one after another
through `POST /api/v1/statuses`, each once the previous has reached every listener. The figure
per (listener, post): from just before the POST is sent to the moment that listener has read the
`update` event carrying the status (rendered for it); p50, p99 and max over all pairs."""

from __future__ import annotations

import argparse
import asyncio
import json
import socket
import statistics
import tempfile
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(data_dir: Path, database_url: str | None, redis_url: str | None, most: int):  # noqa: ANN201
    import uvicorn

    from roost.config import Settings
    from roost.main import create_app
    from roost.realtime import streams

    port = free_port()
    settings = Settings(data_dir=data_dir, domain=f"127.0.0.1:{port}", rate_limits_enabled=False,
                        database_url=database_url or f"sqlite+aiosqlite:///{data_dir / 'bench.db'}",
                        redis_url=redis_url, workers_in_process=True, ai_assistant_enabled=False)
    app = create_app(settings)
    app.state.live_streams = streams.Streams(per_person=most, most=most)
    server = streams.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    return f"http://127.0.0.1:{port}", server, thread


async def user(http: httpx.AsyncClient, name: str) -> tuple[str, str]:
    r = await http.post("/api/v1/apps", data={"client_name": "bench", "scopes": "read write follow",
                                              "redirect_uris": "urn:ietf:wg:oauth:2.0:oob"})
    app = r.json()
    r = await http.post("/oauth/token", data={"grant_type": "client_credentials",
                                              "scope": "read write follow",
                                              "client_id": app["client_id"],
                                              "client_secret": app["client_secret"]})
    r = await http.post("/api/v1/accounts", headers={"Authorization": f"Bearer {r.json()['access_token']}"},
                        data={"username": name, "email": f"{name}@example.com", "agreement": "true",
                              "password": "correct horse battery staple", "locale": "en"})
    r.raise_for_status()
    token = r.json()["access_token"]
    me = await http.get("/api/v1/accounts/verify_credentials", headers={"Authorization": f"Bearer {token}"})
    return token, me.json()["id"]


async def listen(url: str, path: str, token: str | None, ready: asyncio.Event,
                 seen: dict[str, float], opened: list) -> None:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with httpx.AsyncClient(base_url=url, timeout=None) as http, \
            http.stream("GET", path, headers=headers) as response:
        assert response.status_code == 200, response.status_code
        event = None
        async for line in response.aiter_lines():
            if line == ":)":
                opened.append(1)
                ready.set()
            elif line.startswith("event: "):
                event = line[7:]
            elif line.startswith("data: ") and event == "update":
                seen[json.loads(line[6:])["id"]] = time.perf_counter()


async def run(url: str, listeners: int, posts: int, run_no: int) -> dict:
    async with httpx.AsyncClient(base_url=url, timeout=60) as http:
        suffix = f"{run_no}x{int(time.time()) % 1000000}"  # a reused database keeps old names
        poster, poster_id = await user(http, f"poster{suffix}")
        reader, _ = await user(http, f"reader{suffix}")
        await http.post(f"/api/v1/accounts/{poster_id}/follow", headers={"Authorization": f"Bearer {reader}"})
        seen: list[dict[str, float]] = [{} for _ in range(listeners + 1)]
        opened: list = []
        tasks = [asyncio.create_task(listen(url, "/api/v1/streaming/public/local", None,
                                            asyncio.Event(), seen[i], opened))
                 for i in range(listeners)]
        tasks.append(asyncio.create_task(listen(url, "/api/v1/streaming/user", reader,
                                                asyncio.Event(), seen[listeners], opened)))
        while len(opened) < listeners + 1:
            await asyncio.sleep(0.01)
        latencies: list[float] = []
        for i in range(posts):
            sent = time.perf_counter()
            r = await http.post("/api/v1/statuses", data={"status": f"benchmark post {i}"},
                                headers={"Authorization": f"Bearer {poster}"})
            sid = r.json()["id"]
            deadline = time.perf_counter() + 30
            while not all(sid in s for s in seen) and time.perf_counter() < deadline:
                await asyncio.sleep(0.001)
            latencies += [(s[sid] - sent) * 1000 for s in seen if sid in s]
        missed = posts * (listeners + 1) - len(latencies)
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    latencies.sort()
    return {"listeners": listeners + 1, "posts": posts, "missed": missed,
            "p50_ms": round(statistics.median(latencies), 1),
            "p99_ms": round(latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))], 1),
            "max_ms": round(latencies[-1], 1)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--listeners", default="1,10,50")
    ap.add_argument("--posts", type=int, default=20)
    ap.add_argument("--database-url")
    ap.add_argument("--redis-url")
    ap.add_argument("--json")
    args = ap.parse_args()
    counts = [int(x) for x in args.listeners.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        url, server, thread = start(Path(tmp), args.database_url, args.redis_url, max(counts) + 8)
        results = []
        try:
            for n, count in enumerate(counts):
                result = asyncio.run(run(url, count - 1 if count > 1 else 0, args.posts, n))
                results.append(result)
                print(json.dumps(result))
        finally:
            server.should_exit = True
            thread.join(timeout=15)
    out = {"when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
           "database": "postgresql" if args.database_url else "sqlite",
           "broker": "redis" if args.redis_url else "in-process", "results": results}
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
