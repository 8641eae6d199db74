"""CPU and SQL statements of the web app's AI pages, in-process (httpx without a network) on SQLite
in a temporary directory, with the built-in sketch generator and moderation: the composer (with
its "Create image" section and quota), the generation panel as app.js polls it, the no-JS
generation page, a profile of 9 AI posts (8 of them remixes) beside one of 10 plain posts, a thread of an AI post and
its remix family page. Also the time from "Create images" (the fragment POST) to the panel
reading `done`, as app.js sees it (polling every second) and as the server has it.

    .venv/bin/python benchmarks/web_ai.py
    .venv/bin/python benchmarks/web_ai.py --reads 50 --json benchmarks/.data/web-ai.json

Each page: web_pages.py's measure() (5 warm-up requests, then --reads gzip requests)."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from web_pages import CSRF, kb, measure, statements  # noqa: E402

FRAGMENT = {"X-Roost-Fragment": "1"}
PROMPTS = ["a red fox in the snow under the aurora", "three sailboats on a calm lake at dusk",
           "a lighthouse on a cliff in a storm", "palm trees on a beach at sunset",
           "a cat asleep on a windowsill"]


async def web_sign_up(client, name: str) -> str:  # noqa: ANN001
    page = await client.get("/signup")
    r = await client.post("/signup", data={
        "csrf_token": CSRF.search(page.text).group(1), "username": name,
        "email": f"{name}@example.com", "password": "a long enough password",
        "password_confirmation": "a long enough password", "agreement": "1"})
    assert r.status_code == 303, (r.status_code, r.text[:300])
    return CSRF.search((await client.get("/compose")).text).group(1)


async def run(args: argparse.Namespace) -> dict:
    os.environ["ROOST_LOG_LEVEL"] = "warning"
    import roost.tasks  # noqa: F401
    from httpx import ASGITransport, AsyncClient
    from sqlalchemy import event

    from roost.config import Settings
    from roost.jobs.worker import Worker
    from roost.main import create_app

    with tempfile.TemporaryDirectory(prefix="roost-web-ai-") as tmp:
        settings = Settings(data_dir=Path(tmp), database_url=None, redis_url=None,
                            rate_limits_enabled=False, workers_in_process=False,
                            log_level="warning", ai_daily_generations=10_000,
                            registrations="open")
        app = create_app(settings, run_workers=False)
        counter = {"n": 0}

        def count(*_a: object) -> None:
            counter["n"] += 1

        async with app.router.lifespan_context(app):
            db = app.state.db
            worker = Worker(db, concurrency=8)
            for engine in {db.engine, db.read_engine or db.engine}:
                event.listen(engine.sync_engine, "before_cursor_execute", count)
            transport = ASGITransport(app=app)
            async with (AsyncClient(transport=transport, base_url=settings.base_url) as ada,
                        AsyncClient(transport=transport, base_url=settings.base_url) as bo):
                token = await web_sign_up(ada, "ada")
                bo_token = await web_sign_up(bo, "bo")

                async def generate(prompt: str, n: int = 1, **extra: str) -> tuple[str, str]:
                    r = await ada.post("/compose/generate", headers=FRAGMENT, data={
                        "csrf_token": token, "prompt": prompt, "n": str(n), **extra})
                    assert r.status_code == 202, r.text[:300]
                    return re.search(r'data-poll="([^"]+)"', r.text).group(1), r.text

                async def post_ai(prompt: str, **extra: str) -> str:
                    poll, _ = await generate(prompt, **extra)
                    await worker.drain()
                    panel = await ada.get(poll, headers=FRAGMENT)
                    cid = re.search(r'name="candidate_ids\[\]" value="(\d+)"', panel.text).group(1)
                    picked = await ada.post(f"{poll}/pick", headers=FRAGMENT, data={
                        "csrf_token": token, "candidate_ids[]": cid})
                    media = re.search(r'name="media_ids\[\]" value="(\d+)"', picked.text).group(1)
                    r = await ada.post("/compose", data={"csrf_token": token, "status": prompt,
                                                         "media_ids[]": media})
                    assert r.status_code == 303, r.text[:300]
                    return r.headers["location"]

                # as app.js: the fragment POST, then a poll every second until done
                waits, seen = [], []
                await post_ai(PROMPTS[0])  # warms the models
                for prompt in PROMPTS:
                    t0 = time.perf_counter()
                    poll, _ = await generate(prompt, n=4)
                    drain = asyncio.create_task(worker.drain())
                    done_at = None
                    while done_at is None:
                        await asyncio.sleep(0.05)
                        panel = await ada.get(poll, headers=FRAGMENT)
                        if 'data-state="done"' in panel.text:
                            done_at = time.perf_counter()
                    await drain
                    waits.append(done_at - t0)
                    seen.append(1.0 * (int((done_at - t0) / 1.0) + 1))  # app.js polls each second
                first = await post_ai(PROMPTS[1])
                for prompt in PROMPTS[2:] + PROMPTS[:4]:
                    await post_ai(prompt, remix_of=first.rsplit("/", 1)[1])
                for i in range(10):
                    await bo.post("/compose", data={"csrf_token": bo_token,
                                                    "status": f"a plain post {i}"})
                done_poll, _ = await generate(PROMPTS[4], n=4)
                await worker.drain()
                paths = [("/compose", ada), (done_poll, ada), (f"{done_poll}?frag", ada),
                         ("/@ada", ada), ("/@bo", ada), (first, ada), (f"{first}/remixes", ada)]
                pages = []
                for path, client in paths:
                    if path.endswith("?frag"):
                        client.headers.update(FRAGMENT)
                        row = await measure(client, path.removesuffix("?frag"), args.reads, counter)
                        del client.headers["X-Roost-Fragment"]
                        row["path"] = path.removesuffix("?frag") + " (fragment)"
                    else:
                        row = await measure(client, path, args.reads, counter)
                    pages.append(row)
                    print(f"  {row['path']:<48} {row['cpu_ms']:6.2f} ms {statements(row)} statements",
                          flush=True)
    return {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
            "reads": args.reads, "load_avg": os.getloadavg()[0], "pages": pages,
            "create_to_done_s": {"server_median": sorted(waits)[len(waits) // 2],
                                 "server_max": max(waits),
                                 "shown_by_app_js_median": sorted(seen)[len(seen) // 2]}}


def table(result: dict) -> str:
    lines = ["| page | CPU ms/req | statements/req | HTML raw | sent (gzip) | statuses |",
             "| --- | ---: | ---: | ---: | ---: | ---: |"]
    for p in result["pages"]:
        lines.append(f"| `{p['path']}` | {p['cpu_ms']:.2f} | {statements(p)} | "
                     f"{kb(p['html_bytes'])} | {kb(p['sent_bytes'])} | {p['statuses']} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reads", type=int, default=100)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    result = asyncio.run(run(args))
    print(table(result))
    print(json.dumps(result["create_to_done_s"], indent=2))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
