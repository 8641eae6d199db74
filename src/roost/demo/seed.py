"""Seed the demo community through the services, as if people had used the app for a few days.

Plan first (pure, from a seeded `random.Random`), then write: accounts, follows, the locked
account and its pending request, posts in time order (pictures through the media service),
likes and reposts, and finally the jobs those wrote (notifications) are run."""

from __future__ import annotations

import io
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from roost.accounts import service as accounts
from roost.auth.passwords import hash_password
from roost.db import Database
from roost.demo.people import LOGIN, PEOPLE, REQUESTER
from roost.demo.pictures import Picture, avatar, draw_all
from roost.demo.writing import ANSWERS, POSTS, REPLIES, THREADS
from roost.graph import service as graph
from roost.kit.clock import utcnow
from roost.media import service as media
from roost.models import Account, Favourite, Follow, FollowRequest, MediaAttachment, Notification, Status
from roost.posts import service as posts

DEMO_PASSWORD = "roost-demo"
DAYS = 4
GENERIC_REPLIES = 26
BATCH = 40


class BytesFile:
    """What the media service reads an upload from (Starlette's UploadFile offers the same)."""

    def __init__(self, data: bytes) -> None:
        self._buf = io.BytesIO(data)

    async def read(self, size: int = -1) -> bytes:
        return self._buf.read(size)


@dataclass
class Planned:
    at: datetime
    author: str
    text: str
    parent: int | None = None  # index in the plan
    picture: Picture | None = None
    visibility: str = "public"


@dataclass
class Community:
    following: dict[str, list[str]]
    followers: dict[str, list[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.followers = {p.username: [] for p in PEOPLE}
        for who, targets in self.following.items():
            for t in targets:
                self.followers[t].append(who)


@dataclass
class DemoResult:
    login: str
    counts: dict[str, int]
    seconds: float


def popularity() -> dict[str, float]:
    """Power-law-ish: the first people in the list are followed far more than the last."""
    weights = {p.username: 1 / (i + 1) ** 0.9 for i, p in enumerate(PEOPLE)}
    weights["roost_tips"] = weights[PEOPLE[6].username]
    return weights


def _sample(rng: random.Random, items: list[str], weights: list[float], k: int) -> list[str]:
    items, weights, chosen = list(items), list(weights), []
    while items and len(chosen) < k:
        i = rng.choices(range(len(items)), weights)[0]
        chosen.append(items.pop(i))
        weights.pop(i)
    return chosen


def plan_follows(rng: random.Random) -> Community:
    pop = popularity()
    following: dict[str, list[str]] = {}
    for p in PEOPLE:
        if p.bot:
            k = 0
        elif p.username in (LOGIN, REQUESTER):
            k = 16 if p.username == LOGIN else 6
        else:
            k = rng.randint(5, 20)
        # The requester's follow of the login account comes later, as a pending request.
        others = [q for q in PEOPLE
                  if q is not p and not (p.username == REQUESTER and q.username == LOGIN)]
        weights = [pop[q.username] * (3 if set(q.topics) & set(p.topics) else 1) for q in others]
        following[p.username] = _sample(rng, [q.username for q in others], weights, k)
    return Community(following)


def _pick_author(rng: random.Random, topic: str) -> str:
    pop = popularity()
    people = [p.username for p in PEOPLE if topic in p.topics] or [PEOPLE[0].username]
    return rng.choices(people, [pop[u] for u in people])[0]


def plan_posts(rng: random.Random, community: Community, pictures: list[Picture],
               start: datetime, end: datetime) -> list[Planned]:
    span = end - start
    plan: list[Planned] = []

    def anyone_but(author: str) -> list[str]:
        return [p.username for p in PEOPLE if p.username != author]

    def friend(author: str) -> str:
        return rng.choice(community.following[author] or anyone_but(author))

    def audience(author: str, k: int) -> list[str]:
        pool = community.followers[author] or anyone_but(author)
        return rng.sample(pool, min(k, len(pool)))

    for topic, texts in POSTS.items():
        for text in texts:
            author = "roost_tips" if topic == "tips" else _pick_author(rng, topic)
            plan.append(Planned(start + span * rng.random(), author,
                                text.replace("{friend}", "@" + friend(author)),
                                visibility="unlisted" if rng.random() < 0.06 else "public"))
    for pic in pictures:
        plan.append(Planned(start + span * rng.random(), _pick_author(rng, pic.topic), pic.text,
                            picture=pic))

    for topic, lines in THREADS:
        starter = _pick_author(rng, topic)
        cast = [starter, *audience(starter, 2)]
        at, parent = start + span * rng.uniform(0.05, 0.8), None
        for speaker, line in lines:
            author = cast[speaker % len(cast)]
            to = plan[parent].author if parent is not None else author
            plan.append(Planned(min(at, end), author, line if to == author else f"@{to} {line}",
                                parent=parent))
            parent = len(plan) - 1
            at += timedelta(minutes=rng.randint(4, 90))

    roots = [i for i, p in enumerate(plan) if p.parent is None and p.author != "roost_tips"]
    for _ in range(GENERIC_REPLIES):
        i = rng.choice(roots)
        first = plan[i]
        replier = audience(first.author, 1)[0]
        at = min(end, first.at + timedelta(minutes=rng.randint(5, 360)))
        plan.append(Planned(at, replier, f"@{first.author} {rng.choice(REPLIES)}", parent=i))
        if rng.random() < 0.45:
            plan.append(Planned(min(end, at + timedelta(minutes=rng.randint(3, 120))), first.author,
                                f"@{replier} {rng.choice(ANSWERS)}", parent=len(plan) - 1))
    return plan


def _chunks(items: list[int], size: int) -> Iterator[list[int]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


async def _accounts(session: AsyncSession) -> dict[str, Account]:
    return {a.username: a for a in (await session.execute(select(Account))).scalars()}


class Seeder:
    def __init__(self, db: Database, rng: random.Random, echo: Callable[[str], None]) -> None:
        self.db, self.rng, self.echo = db, rng, echo
        self.started = time.perf_counter()

    def step(self, message: str) -> None:
        self.echo(f"  [{time.perf_counter() - self.started:5.1f} s] {message}")

    async def people(self) -> None:
        password_hash = hash_password(DEMO_PASSWORD)  # once: argon2 is slow on purpose
        async with self.db.unit_of_work() as session:
            for p in PEOPLE:
                account, _ = await accounts.create_account(
                    session, username=p.username, email=f"{p.username}@example.com",
                    password=DEMO_PASSWORD, password_hash=password_hash, display_name=p.name,
                    bot=p.bot, role="admin" if p.username == LOGIN else "user")
                await accounts.update_profile(session, account, note=p.bio)
                account.created_at = utcnow() - timedelta(days=self.rng.randint(20, 700))
                await media.store_profile_image(session, account, BytesFile(avatar(self.rng, p.username)),
                                                kind="avatar")
        self.step(f"{len(PEOPLE)} accounts with bios and avatars")

    async def follows(self, community: Community) -> None:
        async with self.db.unit_of_work() as session:
            people = await _accounts(session)
            for who, targets in community.following.items():
                for target in targets:
                    await graph.follow(session, people[who], people[target].id)
            # The login account goes private; someone new asks to follow it (left pending).
            await accounts.update_profile(session, people[LOGIN], locked=True)
            await graph.follow(session, people[REQUESTER], people[LOGIN].id)
        total = sum(len(t) for t in community.following.values())
        self.step(f"{total} follows; @{LOGIN} is locked with a pending request from @{REQUESTER}")

    async def write(self, plan: list[Planned]) -> dict[int, int]:
        order = sorted(range(len(plan)), key=lambda i: (plan[i].at, i))
        made: dict[int, int] = {}
        for batch in _chunks(order, BATCH):
            async with self.db.unit_of_work() as session:
                people = await _accounts(session)
                for i in batch:
                    p = plan[i]
                    author = people[p.author]
                    media_ids: list[int] = []
                    if p.picture is not None:
                        upload = await media.upload(session, author, BytesFile(p.picture.jpeg()),
                                                    description=p.picture.alt)
                        media_ids = [upload.id]
                    status = await posts.create_post(session, author, posts.NewPost(
                        text=p.text, visibility=p.visibility, language="en", media_ids=media_ids,
                        in_reply_to_id=made[p.parent] if p.parent is not None else None))
                    status.created_at = p.at  # backdated, in the same order as the ids
                    made[i] = status.id
        pictures = sum(1 for p in plan if p.picture)
        self.step(f"{len(plan)} posts over {DAYS} days ({pictures} with pictures, "
                  f"{sum(1 for p in plan if p.parent is not None)} replies)")
        return made

    async def react(self, plan: list[Planned], made: dict[int, int], community: Community) -> None:
        pop = popularity()
        top = max(pop.values())
        everyone = [p.username for p in PEOPLE if not p.bot]
        likes = reposts = 0
        async with self.db.unit_of_work() as session:
            people = await _accounts(session)
            for i, p in enumerate(plan):
                fans = [u for u in community.followers[p.author] if u != REQUESTER] or everyone
                reach = 1 + 7 * pop[p.author] / top
                n = min(len(fans), round(self.rng.expovariate(1.0) * reach * (0.5 if p.parent else 1)))
                for liker in self.rng.sample(fans, n):
                    if liker != p.author:
                        await posts.favourite(session, people[liker], made[i])
                        likes += 1
                boosted = self.rng.random() < 0.08 + 0.25 * pop[p.author] / top
                if p.parent is None and p.author != "roost_tips" and boosted:
                    for booster in self.rng.sample(fans, min(len(fans), self.rng.randint(1, 3))):
                        if booster != p.author:
                            await posts.repost(session, people[booster], made[i])
                            reposts += 1
        self.step(f"{likes} likes and {reposts} reposts")

    async def run_jobs(self) -> None:
        from roost.jobs.worker import Worker

        done = await Worker(self.db, concurrency=64).drain()
        self.step(f"{done} background jobs run (notifications and the like)")


async def count(db: Database) -> dict[str, int]:
    async with db.session() as session:
        async def n(stmt) -> int:  # noqa: ANN001
            return (await session.execute(stmt)).scalar_one()

        statuses = select(func.count()).select_from(Status)
        return {
            "accounts": await n(select(func.count()).select_from(Account)),
            "follows": await n(select(func.count()).select_from(Follow)),
            "follow_requests": await n(select(func.count()).select_from(FollowRequest)),
            "posts": await n(statuses.where(Status.reblog_of_id.is_(None))),
            "replies": await n(statuses.where(Status.in_reply_to_id.is_not(None))),
            "reposts": await n(statuses.where(Status.reblog_of_id.is_not(None))),
            "likes": await n(select(func.count()).select_from(Favourite)),
            "pictures": await n(select(func.count()).select_from(MediaAttachment)),
            "notifications": await n(select(func.count()).select_from(Notification)),
        }


async def seed_community(db: Database, *, seed: int, echo: Callable[[str], None]) -> DemoResult:
    """Seed an empty, migrated database (the runtime must be bound to its settings)."""
    rng = random.Random(seed)
    seeder = Seeder(db, rng, echo)
    community = plan_follows(rng)
    end = utcnow() - timedelta(minutes=5)
    plan = plan_posts(rng, community, draw_all(rng), end - timedelta(days=DAYS), end)
    await seeder.people()
    await seeder.follows(community)
    made = await seeder.write(plan)
    await seeder.react(plan, made, community)
    await seeder.run_jobs()
    return DemoResult(LOGIN, await count(db), time.perf_counter() - seeder.started)
