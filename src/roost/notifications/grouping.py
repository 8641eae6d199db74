"""Notification groups, as Mastodon 4.3 makes them, and the queries behind the grouped (v2) API.

A group key is a pure function of a notification's id, type and post:

* `favourite-<status id>` and `reblog-<status id>`: every favourite (or boost) of one post;
* `follow-<day>`: the follows made on one UTC day, `<day>` counted in days since 1970-01-01
  (taken from the time in the notification's id, so SQL and Python agree);
* `ungrouped-<notification id>` for every other type, and for any type the caller left out of
  `grouped_types`.

Nothing is stored: the key is computed when read, here in Python and in `key_column` in SQL.
What a person may see is always `repository.visible_to`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlalchemy import (BigInteger, ColumnElement, String, and_, case, cast, distinct, func,
                        literal, or_, select)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from roost.kit.paging import PageParams, fetch
from roost.models import Account, Notification
from roost.notifications import repository as repo
from roost.notifications.repository import NotificationFilter

GROUPABLE = ("favourite", "reblog", "follow")
BY_STATUS = ("favourite", "reblog")
SAMPLE_ACCOUNTS = 8
IDS_PER_DAY = 86_400_000 << 16  # ids carry milliseconds in their top 48 bits
WALK_FACTOR = 5  # a page looks at most limit × this many notifications for its groups

N = Notification


@dataclass
class Group:
    key: str
    type: str
    status_id: int | None
    most_recent_id: int
    report_id: int | None = None
    count: int = 1
    sample_account_ids: list[int] = field(default_factory=list)
    # Only when paging: this group's part of the page.
    page_min_id: int | None = None
    page_max_id: int | None = None
    latest_page_at: datetime | None = None


def grouped_types(requested: Iterable[str] = ()) -> tuple[str, ...]:
    """The types to group: those asked for that can be grouped, or all of them when none are."""
    wanted = [t for t in requested if t]
    return tuple(t for t in GROUPABLE if t in wanted) if wanted else GROUPABLE


def group_key(notification_id: int, type: str, status_id: int | None,
              grouped: Sequence[str] = GROUPABLE) -> str:
    if type in grouped:
        if type in BY_STATUS and status_id is not None:
            return f"{type}-{status_id}"
        if type == "follow":
            return f"follow-{notification_id // IDS_PER_DAY}"
    return f"ungrouped-{notification_id}"


def key_column(grouped: Sequence[str] = GROUPABLE) -> ColumnElement[str]:
    """`group_key` in SQL (SQLite and PostgreSQL)."""
    whens = []
    by_status = [t for t in BY_STATUS if t in grouped]
    if by_status:
        whens.append((and_(N.type.in_(by_status), N.status_id.is_not(None)),
                      N.type + literal("-") + cast(N.status_id, String)))
    if "follow" in grouped:
        day = N.id.op("/")(literal(IDS_PER_DAY, BigInteger))
        whens.append((N.type == "follow", literal("follow-") + cast(day, String)))
    ungrouped = literal("ungrouped-") + cast(N.id, String)
    return case(*whens, else_=ungrouped) if whens else ungrouped


def members(key: str) -> ColumnElement[bool] | None:
    """The condition for the notifications in group `key`; None when `key` is not one."""
    kind, _, number = key.partition("-")
    if not (number.isascii() and number.isdigit()) or len(number) > 19 or int(number) >= 1 << 63:
        return None  # ("³".isdigit() is true)
    n = int(number)
    if kind == "ungrouped":
        return N.id == n
    if kind in BY_STATUS:
        return and_(N.type == kind, N.status_id == n)
    if kind == "follow":
        return and_(N.type == "follow", N.id >= n * IDS_PER_DAY, N.id < (n + 1) * IDS_PER_DAY)
    return None


# ---- reading ------------------------------------------------------------------------------------

async def page(session: AsyncSession, account_id: int, f: NotificationFilter, paging: PageParams,
               grouped: Sequence[str]) -> list[Group]:
    """Up to `paging.limit` groups, newest first, found as Mastodon does: walk the notifications
    past the cursor (newest first; oldest first for `min_id`) and stop before the first one that
    would start one group too many. The walk looks at no more than limit × WALK_FACTOR rows, so a
    page costs the same whatever the history. Counts and samples cover each whole group."""
    stmt = repo.filtered(account_id, f).with_only_columns(
        N.id, N.type, N.status_id, N.from_account_id, N.created_at, N.report_id)
    rows = await fetch(session, stmt, N.id, replace(paging, limit=paging.limit * WALK_FACTOR))
    if paging.min_id is not None:
        rows = rows[::-1]
    walked: dict[str, list] = {}
    for row in rows:
        key = group_key(row.id, row.type, row.status_id, grouped)
        if key not in walked:
            if len(walked) == paging.limit:
                break
            walked[key] = []
        walked[key].append(row)

    groups = []
    for key, part in walked.items():
        newest = max(part, key=lambda r: r.id)
        groups.append(Group(
            key=key, type=newest.type, status_id=newest.status_id, most_recent_id=newest.id,
            report_id=newest.report_id, sample_account_ids=[newest.from_account_id],
            page_min_id=min(r.id for r in part), page_max_id=newest.id,
            latest_page_at=newest.created_at))
    await _whole_groups(session, account_id, [g for g in groups if not g.key.startswith("ungrouped-")])
    groups.sort(key=lambda g: g.page_max_id, reverse=True)
    return groups


async def get(session: AsyncSession, account_id: int, key: str) -> Group | None:
    """One group, as the caller sees it (None when nothing in it is visible to them)."""
    condition = members(key)
    if condition is None:
        return None
    newest = (await session.execute(
        repo.visible_to(account_id).where(condition).order_by(N.id.desc()).limit(1)
    )).scalar_one_or_none()
    if newest is None:
        return None
    group = Group(key=key, type=newest.type, status_id=newest.status_id, most_recent_id=newest.id,
                  report_id=newest.report_id, sample_account_ids=[newest.from_account_id])
    if not key.startswith("ungrouped-"):
        await _whole_groups(session, account_id, [group])
    return group


async def _whole_groups(session: AsyncSession, account_id: int, groups: list[Group]) -> None:
    """Fill count, most recent id and sample accounts from every visible notification in each
    group: one query for all of them (a window function keeps SAMPLE_ACCOUNTS rows per group)."""
    if not groups:
        return
    # Partitioned by plain columns rather than key_column: sorting numbers is much cheaper.
    day = case((N.type == "follow", N.id.op("/")(literal(IDS_PER_DAY, BigInteger))), else_=0)
    partition = (N.type, N.status_id, day)
    inner = repo.visible_to(account_id).where(
        or_(*(members(g.key) for g in groups))
    ).with_only_columns(
        N.id, N.type, N.status_id, N.from_account_id,
        func.row_number().over(partition_by=partition, order_by=N.id.desc()).label("rank"),
        func.count().over(partition_by=partition).label("total"),
    ).subquery()
    rows = (await session.execute(
        select(inner.c.id, inner.c.type, inner.c.status_id, inner.c.from_account_id,
               inner.c.total).where(inner.c.rank <= SAMPLE_ACCOUNTS).order_by(inner.c.id.desc())
    )).all()
    by_key = {g.key: g for g in groups}
    seen: set[str] = set()
    for row in rows:
        key = group_key(row.id, row.type, row.status_id)
        g = by_key.get(key)
        if g is None:
            continue
        if key not in seen:
            seen.add(key)
            g.count, g.most_recent_id, g.sample_account_ids = row.total, row.id, []
        if row.from_account_id not in g.sample_account_ids:
            g.sample_account_ids.append(row.from_account_id)


async def accounts(session: AsyncSession, account_id: int, key: str,
                   paging: PageParams) -> list[tuple[int, Account]]:
    """The senders in a group, newest notification first, paged by notification id."""
    condition = members(key)
    if condition is None:
        return []
    sender = aliased(Account)  # visible_to's subqueries use Account themselves
    stmt = repo.visible_to(account_id).where(condition).join(
        sender, sender.id == N.from_account_id).with_only_columns(N.id, sender)
    return [(row[0], row[1]) for row in await fetch(session, stmt, N.id, paging)]


async def unread_count(session: AsyncSession, account_id: int, f: NotificationFilter,
                       grouped: Sequence[str], *, cap: int) -> int:
    """Groups among the visible notifications newer than the "notifications" marker, counted up
    to `cap`, looking at no more than cap × WALK_FACTOR of the oldest unread."""
    last_read = await repo.last_read_id(session, account_id)
    stmt = repo.filtered(account_id, f).with_only_columns(key_column(grouped).label("key"))
    if last_read is not None:
        stmt = stmt.where(N.id > last_read)
    unread = stmt.order_by(N.id.asc()).limit(cap * WALK_FACTOR).subquery()
    n = (await session.execute(select(func.count(distinct(unread.c.key))))).scalar_one()
    return min(int(n), cap)
