"""Seed a database for the benchmarks: a power-law follower graph, posts, favourites, tokens.

    .venv/bin/python benchmarks/seed.py                                    # SQLite in benchmarks/.data
    .venv/bin/python benchmarks/seed.py postgresql://postgres@127.0.0.1:5432/roost_bench

The database is created afresh (an SQLite file is replaced; a PostgreSQL database is dropped and
created), migrated with roost.migrate, then filled with bulk Core inserts. The same --seed gives the
same graph, posts and tokens; timestamps are relative to the moment of seeding (the past 30 days).

Writes to --out (default benchmarks/.data/sqlite-NAME or pg-NAME): tokens.tsv (one bearer token per account) and meta.json
(counts, the celebrity and fan-out accounts, a sample of public post ids) for load.py and fanout.py.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import html
import itertools
import json
import random
import sqlite3
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from common import data_dir_for, default_sqlite_url, is_sqlite, normalise_url
from roost.auth.passwords import hash_password
from roost.auth.tokens import digest
from roost.db import make_engine
from roost.migrate import upgrade
from roost.models import AccessToken, Account, Favourite, Follow, OAuthApp, Status, User

SCOPES = "read write follow push"
PASSWORD = "benchmark-password"
CELEBRITIES = 3
ZIPF = 0.8  # in-degree exponent of the regular graph
BATCH = 10_000
WORDS = ("the of and a to in is you that it he was for on are as with his they at be this have from "
         "or one had by word but not what all were we when your can said there use an each which she "
         "do how their if will up other about out many then them these so some her would make like "
         "him into time has look two more write go see number no way could people my than first "
         "water been call who oil its now find long down day did get come made may part coffee "
         "garden birds morning train rain code python music film book walk city river").split()

t_start = time.monotonic()


def say(msg: str) -> None:
    print(f"[{time.monotonic() - t_start:6.1f}s] {msg}", flush=True)


class Ids:
    """Time-sortable ids like roost.kit.ids (48 bits of ms, 16 low bits), unique per table."""

    def __init__(self) -> None:
        self.n = itertools.count()

    def at(self, when: datetime) -> int:
        return (int(when.timestamp() * 1000) << 16) | (next(self.n) & 0xFFFF)


# --- the graph ------------------------------------------------------------------------------

def usernames(n: int) -> list[str]:
    special = [f"celeb{i + 1}" for i in range(CELEBRITIES)] + ["fanout1k", "fanout10"]
    return special + [f"user{i:05d}" for i in range(len(special), n)]


def build_follows(rng: random.Random, n: int, target: int) -> list[tuple[int, int]]:
    """(follower, followed) index pairs. Celebrities are followed by everyone else, 'fanout1k' by
    1,000 accounts, 'fanout10' by 10; the rest is a power law over a shuffled popularity order."""
    fan1k, fan10 = CELEBRITIES, CELEBRITIES + 1
    pairs: set[tuple[int, int]] = set()
    for c in range(CELEBRITIES):
        pairs.update((a, c) for a in range(n) if a != c)
    others = [a for a in range(n) if a != fan1k]
    pairs.update((a, fan1k) for a in rng.sample(others, min(1000, len(others))))
    others = [a for a in range(n) if a != fan10]
    pairs.update((a, fan10) for a in rng.sample(others, min(10, len(others))))

    pool = list(range(CELEBRITIES + 2, n))
    rng.shuffle(pool)  # rank 1 is the most followed
    cum, total = [], 0.0
    for rank in range(1, len(pool) + 1):
        total += rank ** -ZIPF
        cum.append(total)
    remaining = max(0, target - len(pairs))
    raw = [rng.lognormvariate(0, 1.1) for _ in range(n)]
    scale = remaining / sum(raw)
    for a in range(n):
        want = max(1, min(2000, round(raw[a] * scale)))
        got, tries = 0, 0
        while got < want and tries < 4:
            for i in rng.choices(range(len(pool)), cum_weights=cum, k=int(want * 1.3) + 4):
                b = pool[i]
                if b != a and (a, b) not in pairs:
                    pairs.add((a, b))
                    got += 1
                    if got >= want:
                        break
            tries += 1
    return sorted(pairs)


def build_posts(rng: random.Random, n: int, count: int, now: datetime, handles: list[str]) -> list[dict]:
    """Originals (80%), replies (10%) and reposts (10%) over the past 30 days, oldest first."""
    activity = [rng.lognormvariate(0, 1.2) * (3 if a < CELEBRITIES else 1) for a in range(n)]
    cum = list(itertools.accumulate(activity))
    authors = rng.choices(range(n), cum_weights=cum, k=count)
    span = 30 * 86400
    offsets = sorted(rng.uniform(60, span) for _ in range(count))
    texts = [" ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 40))).capitalize() + "."
             for _ in range(500)]
    ids = Ids()
    posts: list[dict] = []
    recent_public: list[int] = []  # indexes into posts of public/unlisted non-reposts
    reposted: set[tuple[int, int]] = set()
    for k, author in enumerate(authors):
        at = now - timedelta(seconds=offsets[-1 - k])  # oldest first
        p = {"id": ids.at(at), "account_id": author, "created_at": at, "text": "",
             "content_html": "", "spoiler_text": "", "visibility": "public", "sensitive": False,
             "language": "en", "in_reply_to_id": None, "in_reply_to_account_id": None,
             "reblog_of_id": None, "thread_id": None, "replies_count": 0, "reblogs_count": 0,
             "favourites_count": 0}
        u = rng.random()
        parent = posts[recent_public[-1 - rng.randrange(min(5000, len(recent_public)))]] \
            if recent_public else None
        if u < 0.10 and parent is not None and parent["account_id"] != author \
                and (author, parent["id"]) not in reposted:
            reposted.add((author, parent["id"]))
            p["reblog_of_id"] = parent["id"]
            p["visibility"] = "public"
            p["language"] = None
            parent["reblogs_count"] += 1
        else:
            body = rng.choice(texts)
            if u < 0.20 and parent is not None:
                body = f"@{handles[parent['account_id']]} {body}"
                p["in_reply_to_id"] = parent["id"]
                p["in_reply_to_account_id"] = parent["account_id"]
                p["thread_id"] = parent["thread_id"]
                parent["replies_count"] += 1
            else:
                p["thread_id"] = p["id"]
            v = rng.random()
            p["visibility"] = "public" if v < 0.85 else "unlisted" if v < 0.95 else "private"
            p["text"] = body
            p["content_html"] = f"<p>{html.escape(body)}</p>"
            if p["visibility"] != "private":
                recent_public.append(len(posts))
        posts.append(p)
    return posts


def build_favourites(rng: random.Random, n: int, count: int, posts: list[dict],
                     now: datetime) -> list[dict]:
    candidates = [p for p in posts if p["reblog_of_id"] is None and p["visibility"] != "private"]
    ids, seen, favs = Ids(), set(), []
    # later posts are liked more often: pick with a bias towards the end of the list
    while len(favs) < count and candidates:
        p = candidates[int(len(candidates) * (rng.random() ** 0.5))]
        a = rng.randrange(n)
        if a == p["account_id"] or (a, p["id"]) in seen:
            continue
        seen.add((a, p["id"]))
        at = min(now, p["created_at"] + timedelta(seconds=rng.expovariate(1 / 7200)))
        favs.append({"id": ids.at(at), "account_id": a, "status_id": p["id"], "created_at": at})
        p["favourites_count"] += 1
    return favs


# --- the database ---------------------------------------------------------------------------

async def recreate(url: str) -> None:
    if is_sqlite(url):
        path = Path(make_url(url).database or "")
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    u = make_url(url)
    if u.database in (None, "", "postgres", "template0", "template1"):
        raise SystemExit(f"refusing to drop database {u.database!r}: name a dedicated one")
    admin = create_async_engine(u.set(database="postgres"), isolation_level="AUTOCOMMIT")
    async with admin.connect() as conn:
        await conn.execute(text(f'DROP DATABASE IF EXISTS "{u.database}" WITH (FORCE)'))
        await conn.execute(text(f'CREATE DATABASE "{u.database}"'))
    await admin.dispose()


async def bulk(engine, model, rows: list[dict], label: str) -> None:  # noqa: ANN001
    table = model.__table__
    for i in range(0, len(rows), BATCH):
        async with engine.begin() as conn:
            await conn.execute(insert(table), rows[i:i + BATCH])
    say(f"  {label}: {len(rows):,} rows")


def token_for(rng: random.Random) -> str:
    return base64.urlsafe_b64encode(rng.randbytes(32)).rstrip(b"=").decode()


async def seed(args: argparse.Namespace) -> None:
    url = normalise_url(args.url)
    rng = random.Random(args.seed)
    now = datetime.now(UTC).replace(microsecond=0)
    n = args.accounts
    handles = usernames(n)

    say(f"generating: {n:,} accounts, ~{args.follows:,} follows, {args.posts:,} posts (seed {args.seed})")
    pairs = build_follows(rng, n, args.follows)
    posts = build_posts(rng, n, args.posts, now, handles)
    favs = build_favourites(rng, n, args.favourites, posts, now)
    say(f"generated {len(pairs):,} follows, {len(posts):,} posts, {len(favs):,} favourites")

    ids = Ids()
    created = [now - timedelta(days=31 + rng.uniform(0, 60)) for _ in range(n)]
    order = sorted(range(n), key=lambda a: created[a])
    account_id = [0] * n
    for a in order:
        account_id[a] = ids.at(created[a])
    followers = [0] * n
    following = [0] * n
    for a, b in pairs:
        following[a] += 1
        followers[b] += 1
    statuses = [0] * n
    last_status: list[datetime | None] = [None] * n
    for p in posts:
        if p["reblog_of_id"] is None:
            statuses[p["account_id"]] += 1
            last_status[p["account_id"]] = p["created_at"]
    active = [a < CELEBRITIES + 2 or rng.random() < args.active for a in range(n)]
    last_active = [now - timedelta(seconds=rng.uniform(0, 7 * 86400)) if active[a]
                   else now - timedelta(days=rng.uniform(20, 90)) for a in range(n)]

    accounts = [{
        "id": account_id[a], "username": handles[a], "username_lower": handles[a].lower(),
        "display_name": handles[a].capitalize(), "note": "", "note_html": "", "fields": [],
        "locked": False, "bot": False, "discoverable": True, "indexable": True,
        "created_at": created[a], "followers_count": followers[a], "following_count": following[a],
        "statuses_count": statuses[a], "last_status_at": last_status[a],
    } for a in order]
    pw_hash = hash_password(PASSWORD)
    users = [{
        "id": ids.at(created[a]), "account_id": account_id[a], "email": f"{handles[a]}@bench.invalid",
        "password_hash": pw_hash, "role": "user", "approved": True, "disabled": False, "locale": "en",
        "sign_up_reason": "", "created_at": created[a], "last_active_at": last_active[a],
    } for a in order]
    user_of = {u["account_id"]: u["id"] for u in users}
    client_secret = token_for(rng)
    app_row = {"id": ids.at(now - timedelta(days=91)), "name": "Roost benchmark", "website": None,
               "redirect_uris": "urn:ietf:wg:oauth:2.0:oob", "scopes": SCOPES,
               "client_id": token_for(rng)[:32], "client_secret_hash": digest(client_secret),
               "owner_account_id": None, "created_at": now - timedelta(days=91)}
    raw_tokens = [token_for(rng) for _ in range(n)]
    tokens = [{
        "id": ids.at(created[a]), "token_hash": digest(raw_tokens[a]), "app_id": app_row["id"],
        "user_id": user_of[account_id[a]], "scopes": SCOPES, "kind": "oauth", "created_at": created[a],
        "last_used_at": last_active[a], "revoked_at": None,
    } for a in order]
    follow_ids = Ids()
    follows = []
    for a, b in pairs:
        at = max(created[a], created[b]) + timedelta(seconds=rng.uniform(0, 20 * 86400))
        follows.append({"id": follow_ids.at(at), "account_id": account_id[a],
                        "target_account_id": account_id[b], "show_reblogs": True, "notify": False,
                        "created_at": at})
    follows.sort(key=lambda f: f["id"])
    for p in posts:
        p["account_id"] = account_id[p["account_id"]]
        if p["in_reply_to_account_id"] is not None:
            p["in_reply_to_account_id"] = account_id[p["in_reply_to_account_id"]]
    for f in favs:
        f["account_id"] = account_id[f["account_id"]]
    favs.sort(key=lambda f: f["id"])

    say(f"creating and migrating {_safe(url)}")
    await recreate(url)
    engine = make_engine(url)
    await upgrade(engine)
    say("inserting")
    await bulk(engine, Account, accounts, "accounts")
    await bulk(engine, User, users, "users")
    await bulk(engine, OAuthApp, [app_row], "oauth_apps")
    await bulk(engine, AccessToken, tokens, "access_tokens")
    await bulk(engine, Status, posts, "statuses")
    await bulk(engine, Follow, follows, "follows")
    await bulk(engine, Favourite, favs, "favourites")
    say("analysing")
    if is_sqlite(url):
        async with engine.begin() as conn:
            await conn.execute(text("ANALYZE"))
    else:
        async with engine.connect() as conn:
            conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.execute(text("VACUUM ANALYZE"))
    await engine.dispose()
    if is_sqlite(url):
        with sqlite3.connect(make_url(url).database) as raw:
            raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    out = Path(args.out) if args.out else data_dir_for(url)
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "tokens.tsv", "w") as fh:
        fh.write("account_id\tusername\ttoken\tfollowers\tfollowing\tactive\n")
        for a in range(n):
            fh.write(f"{account_id[a]}\t{handles[a]}\t{raw_tokens[a]}\t{followers[a]}\t"
                     f"{following[a]}\t{int(active[a])}\n")
    public = [p["id"] for p in posts if p["reblog_of_id"] is None and p["visibility"] == "public"]
    meta = {
        "url": _safe(url), "seed": args.seed, "seeded_at": now.isoformat(),
        "accounts": n, "follows": len(follows), "posts": len(posts), "favourites": len(favs),
        "active_accounts": sum(active), "active_days": 14,
        "celebrities": [account_id[c] for c in range(CELEBRITIES)],
        "fanout": {"10": account_id[CELEBRITIES + 1], "1000": account_id[CELEBRITIES],
                   "10000": account_id[0]},
        "fanout_followers": {"10": followers[CELEBRITIES + 1], "1000": followers[CELEBRITIES],
                             "10000": followers[0]},
        "recent_public_ids": public[-5000:],
        "password": PASSWORD,
    }
    (out / "meta.json").write_text(json.dumps(meta, indent=1))
    top = sorted(range(n), key=lambda a: -followers[a])[:8]
    say("most followed: " + ", ".join(f"{handles[a]}={followers[a]}" for a in top))
    say(f"done: {n:,} accounts, {len(follows):,} follows, {len(posts):,} posts, "
        f"{len(favs):,} favourites; tokens in {out / 'tokens.tsv'}")


def _safe(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("url", nargs="?", default=default_sqlite_url(),
                    help="sqlite+aiosqlite:///path.db, path.db, or postgresql://user@host/dbname")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--accounts", type=int, default=10_000)
    ap.add_argument("--follows", type=int, default=300_000)
    ap.add_argument("--posts", type=int, default=200_000)
    ap.add_argument("--favourites", type=int, default=100_000)
    ap.add_argument("--active", type=float, default=0.7,
                    help="fraction of users active in the last 7 days (the rest: 20-90 days ago)")
    ap.add_argument("--out", help="default: benchmarks/.data/sqlite-NAME or pg-NAME")
    asyncio.run(seed(ap.parse_args()))


if __name__ == "__main__":
    main()
