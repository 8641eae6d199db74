"""CPU, SQL statements and bytes per page of the web app, in-process: the demo community
(`roost demo`'s seeding, seed 7) in a fresh temporary data directory on SQLite, the app driven by
httpx without a network, signed in through the web form as the demo's `ada`, and signed out.

    .venv/bin/python benchmarks/web_pages.py                      # --reads 200 per page
    .venv/bin/python benchmarks/web_pages.py --reads 50 --json benchmarks/.data/web-pages.json

Per page: 5 warm-up requests, then `--reads` requests with `Accept-Encoding: gzip` (as a browser
sends; the web app compresses pages itself). CPU is the whole process's (the app, SQLite, which
runs in-process, and the httpx client, whose share is small: the body is read raw, not
decompressed), per request; statements are counted by a before_cursor_execute listener. `html`
is the page after decompression, `sent` the bytes that came over the wire. Also: the stylesheet
and script the pages link to (raw and gzip), and the home page's weight (html + css + js)."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import resource
import subprocess
import tempfile
import time
from pathlib import Path

WARM_UP = 5
GZIP = {"Accept-Encoding": "gzip"}
IDENTITY = {"Accept-Encoding": "identity"}
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
ASSETS = re.compile(r'(?:href|src)="(/static/app\.[0-9a-f]{12}\.(?:css|js))"')
POPULAR = "mara"        # the demo's most followed account after ada (demo/people.py)
SEARCH = "photo"        # finds a hashtag (#photography) and a post ada took part in


def cpu_seconds() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def git_commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True, check=True, cwd=Path(__file__).parent).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "?"


async def find_targets(db) -> dict[str, str]:  # noqa: ANN001
    """From the seeded data: the thread with the most public posts and the most used hashtag."""
    from sqlalchemy import func, select

    from roost.models import Account, Status
    from roost.models.posts import StatusTag, Tag

    async with db.session() as session:
        size = func.count(Status.id)
        thread_id = (await session.execute(
            select(Status.thread_id).where(Status.deleted_at.is_(None), Status.reblog_of_id.is_(None),
                                           Status.visibility == "public")
            .group_by(Status.thread_id).order_by(size.desc(), Status.thread_id).limit(1))).scalar_one()
        root, author = (await session.execute(
            select(Status.id, Account.username).join(Account, Account.id == Status.account_id)
            .where(Status.id == thread_id))).one()
        posts = (await session.execute(select(size).where(Status.thread_id == thread_id,
                                                          Status.deleted_at.is_(None)))).scalar_one()
        tag = (await session.execute(
            select(Tag.name).join(StatusTag, StatusTag.tag_id == Tag.id)
            .group_by(Tag.name).order_by(func.count().desc(), Tag.name).limit(1))).scalar_one()
    return {"thread": f"/@{author}/{root}", "thread_posts": str(posts), "tag": f"/tags/{tag}"}


async def sign_in(client, login: str, password: str) -> None:  # noqa: ANN001
    page = await client.get("/login")
    m = CSRF.search(page.text)
    assert m, "no csrf_token on /login"
    r = await client.post("/login", data={"login": login, "password": password,
                                          "csrf_token": m.group(1)})
    assert r.status_code == 303, (r.status_code, r.text[:500])


async def fetch_sent(client, path: str) -> int:  # noqa: ANN001
    """One gzip request; the bytes as sent (read raw: the client does not decompress)."""
    async with client.stream("GET", path, headers=GZIP) as r:
        async for _ in r.aiter_raw():
            pass
        if r.status_code != 200:
            raise SystemExit(f"GET {path}: {r.status_code}")
        return r.num_bytes_downloaded


async def measure(client, path: str, reads: int, counter: dict) -> dict:  # noqa: ANN001
    plain = await client.get(path, headers=IDENTITY)
    if plain.status_code != 200:
        raise SystemExit(f"GET {path}: {plain.status_code}")
    zipped = await client.get(path, headers=GZIP)
    assert zipped.headers.get("content-encoding") == "gzip", (path, zipped.headers)
    for _ in range(WARM_UP):
        await fetch_sent(client, path)
    counter["n"] = 0
    sent, per_request = 0, []
    t0, w0 = cpu_seconds(), time.monotonic()
    for _ in range(reads):
        before = counter["n"]
        sent = await fetch_sent(client, path)
        per_request.append(counter["n"] - before)
    cpu, wall = cpu_seconds() - t0, time.monotonic() - w0
    return {"path": path, "cpu_ms": 1000 * cpu / reads, "wall_ms": 1000 * wall / reads,
            "statements": sum(per_request) / reads, "statements_min": min(per_request),
            "statements_max": max(per_request), "html_bytes": len(plain.content), "sent_bytes": sent,
            "statuses": plain.text.count('<article class="status')}


async def asset_sizes(client, html: str) -> dict[str, dict]:  # noqa: ANN001
    out = {}
    for url in ASSETS.findall(html):
        raw = await client.get(url, headers=IDENTITY)
        assert raw.status_code == 200, url
        out[url.rsplit(".", 1)[1]] = {"url": url, "raw_bytes": len(raw.content),
                                      "sent_bytes": await fetch_sent(client, url)}
    assert set(out) == {"css", "js"}, out
    return out


async def run(args: argparse.Namespace) -> dict:
    os.environ["ROOST_LOG_LEVEL"] = "warning"
    from httpx import ASGITransport, AsyncClient
    from sqlalchemy import event

    from roost.config import Settings
    from roost.demo import DEMO_PASSWORD, seed_demo
    from roost.main import create_app

    with tempfile.TemporaryDirectory(prefix="roost-web-pages-") as tmp:
        # as `roost demo` seeds (its own SQLite database, no Redis), on the default domain
        settings = Settings(data_dir=Path(tmp), database_url=None, redis_url=None,
                            rate_limits_enabled=False, workers_in_process=False, log_level="warning")
        demo = await seed_demo(settings, seed=args.seed, echo=lambda _line: None)
        app = create_app(settings, run_workers=False)
        counter = {"n": 0}

        def count(*_a: object) -> None:
            counter["n"] += 1

        async with app.router.lifespan_context(app):
            targets = await find_targets(app.state.db)
            db = app.state.db  # on SQLite GET requests read through a second engine
            for engine in {db.engine, db.read_engine or db.engine}:
                event.listen(engine.sync_engine, "before_cursor_execute", count)
            transport = ASGITransport(app=app)
            async with (AsyncClient(transport=transport, base_url=settings.base_url) as me,
                        AsyncClient(transport=transport, base_url=settings.base_url) as anon):
                await sign_in(me, demo.login, DEMO_PASSWORD)
                home = await me.get("/home", headers=IDENTITY)
                older = re.search(r'href="/home\?max_id=(\d+)"', home.text)
                assert older, "no older-posts link on /home"
                signed_in = ["/home", f"/home?max_id={older.group(1)}", "/local", "/public",
                             "/notifications", f"/@{demo.login}", f"/@{POPULAR}", targets["thread"],
                             targets["tag"], f"/search?q={SEARCH}", "/compose", "/bookmarks"]
                signed_out = ["/", f"/@{POPULAR}", targets["thread"]]
                pages = []
                for who, client, paths in (("signed in", me, signed_in), ("signed out", anon, signed_out)):
                    for path in paths:
                        row = await measure(client, path, args.reads, counter)
                        row["viewer"] = who
                        pages.append(row)
                        print(f"  {who:<10} {path:<40} {row['cpu_ms']:6.2f} ms "
                              f"{statements(row)} statements", flush=True)
                assets = await asset_sizes(me, home.text)
    html = next(p for p in pages if p["path"] == "/home" and p["viewer"] == "signed in")
    weight = {"sent_bytes": html["sent_bytes"] + sum(a["sent_bytes"] for a in assets.values()),
              "raw_bytes": html["html_bytes"] + sum(a["raw_bytes"] for a in assets.values())}
    return {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "commit": git_commit(),
            "database": "sqlite", "reads": args.reads, "seed": args.seed,
            "thread_posts": int(targets["thread_posts"]), "load_avg": os.getloadavg()[0],
            "pages": pages, "assets": assets, "home_weight": weight}


def kb(n: float) -> str:
    return f"{n / 1024:.1f} KB"


def statements(p: dict) -> str:
    """Per request: the count, or the mean and the range when requests differed."""
    if p["statements_min"] == p["statements_max"]:
        return str(p["statements_min"])
    return f"{p['statements']:.2f} ({p['statements_min']}–{p['statements_max']})"


def table(result: dict) -> str:
    lines = ["| viewer | page | CPU ms/req | statements/req | HTML raw | sent (gzip) | statuses |",
             "| --- | --- | ---: | ---: | ---: | ---: | ---: |"]
    for p in result["pages"]:
        lines.append(f"| {p['viewer']} | `{p['path']}` | {p['cpu_ms']:.2f} | {statements(p)} | "
                     f"{kb(p['html_bytes'])} | {kb(p['sent_bytes'])} | {p['statuses']} |")
    lines.append("")
    for a in result["assets"].values():
        lines.append(f"- `{a['url']}`: {kb(a['raw_bytes'])} raw, {kb(a['sent_bytes'])} sent (gzip)")
    w = result["home_weight"]
    lines.append(f"- home page weight (html + css + js): {kb(w['sent_bytes'])} sent, "
                 f"{kb(w['raw_bytes'])} raw")
    lines.append(f"- the thread page is the demo's longest thread: {result['thread_posts']} posts")
    lines.append(f"\n{result['reads']} requests per page after {WARM_UP} warm-up; load average "
                 f"{result['load_avg']:.1f} at the end; commit {result['commit']}, {result['date']}")
    return "\n".join(lines)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--reads", type=int, default=200, help="measured requests per page")
    p.add_argument("--seed", type=int, default=7, help="the demo's seed (roost demo --seed)")
    p.add_argument("--json", help="write the results here")
    args = p.parse_args()
    result = asyncio.run(run(args))
    print(table(result))
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
