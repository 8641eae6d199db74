"""Trend writes: the periodic recomputation and admins hiding items."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from roost import events, runtime
from roost.events.schemas import TrendHidden, TrendsRefreshed, TrendUnhidden
from roost.kit.clock import utcnow
from roost.kit.errors import Invalid, NotFound
from roost.kit.ids import id_floor, parse_id
from roost.models import Account, Status, StatusTag, Tag, TrendHide, TrendItem
from roost.trends import history, links, scoring

MAX_ITEMS = 100  # per kind
STATUS_WINDOW = timedelta(days=3)


def _author_ok(*, discoverable: bool = False):  # noqa: ANN202
    cond = and_(Account.id == Status.account_id, Account.suspended_at.is_(None),
                Account.deleted_at.is_(None))
    return and_(cond, Account.discoverable.is_(True)) if discoverable else cond


def _public_since(since: datetime):  # noqa: ANN202
    return and_(Status.id >= id_floor(since), Status.deleted_at.is_(None),
                Status.visibility == "public", Status.reblog_of_id.is_(None))


async def _hidden(session: AsyncSession) -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for kind, key in (await session.execute(select(TrendHide.kind, TrendHide.key))).all():
        out[kind].add(key)
    return out


async def _tags(session: AsyncSession, now: datetime, hidden: set[str]) -> list[tuple[float, int, list]]:
    rows = (await session.execute(
        select(StatusTag.tag_id, Tag.name, Status.account_id, Status.created_at)
        .join(Status, Status.id == StatusTag.status_id).join(Tag, Tag.id == StatusTag.tag_id)
        .join(Account, _author_ok())
        .where(_public_since(history.window_start(now)))
    )).all()
    names = {tag_id: name for tag_id, name, _, _ in rows}
    today: dict[int, set[int]] = defaultdict(set)
    for tag_id, _, account_id, created_at in rows:
        if now - created_at <= timedelta(days=1):
            today[tag_id].add(account_id)
    daily = history.days([(t, a, c) for t, _, a, c in rows], now)
    scored = []
    for tag_id, people in today.items():
        if names[tag_id] in hidden:
            continue
        earlier = [int(d["accounts"]) for d in daily[tag_id][1:]]
        score = scoring.tag_score(len(people), earlier)
        if score > 0:
            scored.append((score, tag_id, []))
    return scored


async def _statuses(session: AsyncSession, now: datetime, hidden: set[str]) -> list[tuple[float, int, list]]:
    rows = (await session.execute(
        select(Status.id, Status.created_at, Status.favourites_count + Status.reblogs_count)
        .join(Account, _author_ok(discoverable=True))
        .where(_public_since(now - STATUS_WINDOW), Status.in_reply_to_id.is_(None),
               Status.sensitive.is_(False), Status.spoiler_text == "",
               Status.favourites_count + Status.reblogs_count >= scoring.MIN_INTERACTIONS)
    )).all()
    scored = []
    for status_id, created_at, interactions in rows:
        score = scoring.status_score(interactions, created_at, now)
        if score > 0 and str(status_id) not in hidden:
            scored.append((score, status_id, []))
    return scored


async def _links(session: AsyncSession, now: datetime, hidden: set[str]) -> list[tuple[float, str, list]]:
    rows = (await session.execute(
        select(Status.account_id, Status.created_at, Status.text)
        .join(Account, _author_ok())
        .where(_public_since(history.window_start(now)), Status.text.contains("http"))
    )).all()
    domain = runtime.settings().domain
    uses = []
    for account_id, created_at, text in rows:
        for url in links_in_text(text, domain):
            uses.append((url, account_id, created_at))
    daily = history.days(uses, now)
    shares: dict[str, dict[int, datetime]] = defaultdict(dict)
    for url, account_id, created_at in uses:
        if now - created_at <= timedelta(days=1) and url not in hidden:
            prior = shares[url].get(account_id)
            shares[url][account_id] = max(prior, created_at) if prior else created_at
    scored = []
    for url, people in shares.items():
        score = scoring.link_score(people, now)
        if score > 0:
            scored.append((score, url, daily[url]))
    return scored


def links_in_text(text: str, domain: str) -> set[str]:
    return links.links_in(text, local_domain=domain)


@dataclass
class Refreshed:
    tags: int
    statuses: int
    links: int


async def refresh(session: AsyncSession, *, now: datetime | None = None) -> Refreshed:
    """Recompute every kind of trend from the last week's public activity, replacing the
    stored ranking in this transaction."""
    now = now or utcnow()
    hidden = await _hidden(session)
    found = {"tag": await _tags(session, now, hidden["tag"]),
             "status": await _statuses(session, now, hidden["status"]),
             "link": await _links(session, now, hidden["link"])}
    await session.execute(delete(TrendItem))
    for kind, scored in found.items():
        scored.sort(key=lambda item: (-item[0], str(item[1])))
        for rank, (score, ref, hist) in enumerate(scored[:MAX_ITEMS]):
            session.add(TrendItem(kind=kind, rank=rank, score=score, history=hist,
                                  ref_id=ref if kind != "link" else None,
                                  url=ref if kind == "link" else None, computed_at=now))
    await session.flush()
    counts = Refreshed(*(min(len(found[k]), MAX_ITEMS) for k in ("tag", "status", "link")))
    events.record(session, TrendsRefreshed(tags=counts.tags, statuses=counts.statuses,
                                           links=counts.links), actor_id=None)
    return counts


async def _key(session: AsyncSession, kind: str, value: str) -> tuple[str, TrendItem | None]:
    """The hide key for `value` and the matching trend row's condition."""
    if kind == "tag":
        key = value.lstrip("#").lower()
        tag = (await session.execute(select(Tag).where(Tag.name == key))).scalar_one_or_none()
        if tag is None:
            raise NotFound(f"No tag #{key}")
        return key, TrendItem.ref_id == tag.id
    if kind == "status":
        sid = parse_id(value)
        if sid is None or await session.get(Status, sid) is None:
            raise NotFound(f"No status {value}")
        return str(sid), TrendItem.ref_id == sid
    if kind == "link":
        url = links.normalise(value)
        if url is None:
            raise Invalid("Not an http(s) URL")
        return url, TrendItem.url == url
    raise Invalid("kind must be tag, status or link")


async def hide(session: AsyncSession, kind: str, value: str, *, actor_id: int | None = None) -> str:
    """Take an item out of trends now and in every later refresh. Returns its key."""
    key, cond = await _key(session, kind, value)
    if await session.get(TrendHide, (kind, key)) is None:
        session.add(TrendHide(kind=kind, key=key))
        await session.execute(delete(TrendItem).where(TrendItem.kind == kind, cond))
        await session.flush()
        events.record(session, TrendHidden(kind=kind, key=key), actor_id=actor_id)
    return key


async def unhide(session: AsyncSession, kind: str, value: str, *, actor_id: int | None = None) -> str:
    """Let an item trend again (from the next refresh)."""
    if kind == "link":
        key = links.normalise(value) or value
    elif kind == "tag":
        key = value.lstrip("#").lower()
    else:
        key = value
    row = await session.get(TrendHide, (kind, key))
    if row is None:
        raise NotFound(f"{kind} {value} is not hidden")
    await session.delete(row)
    await session.flush()
    events.record(session, TrendUnhidden(kind=kind, key=key), actor_id=actor_id)
    return key
