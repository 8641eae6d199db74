"""Status queries. `readable_by(viewer)` decides, in one place, which posts a person may load:
deletion, suspended authors, visibility (followers-only, direct) and blocks both ways."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from sqlalchemy import BigInteger, ColumnElement, Select, and_, bindparam, exists, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from roost.models import Account, Block, Follow, Mention, Mute, Status, StatusFeedback
from roost.kit.clock import utcnow
from roost.kit.types import UTCDateTime

PUBLICLY_LISTED = ("public", "unlisted")


def _author_active(status=Status) -> ColumnElement[bool]:  # noqa: ANN001
    return exists(
        select(1).where(Account.id == status.account_id, Account.suspended_at.is_(None),
                        Account.deleted_at.is_(None))
    )


def visible_to(viewer_id: int | None, status=Status) -> ColumnElement[bool]:  # noqa: ANN001
    """Visibility rules for one status row (not counting blocks)."""
    if viewer_id is None:
        return status.visibility.in_(PUBLICLY_LISTED)
    return or_(
        status.visibility.in_(PUBLICLY_LISTED),
        status.account_id == viewer_id,
        and_(status.visibility == "private",
             exists(select(1).where(Follow.account_id == viewer_id,
                                    Follow.target_account_id == status.account_id))),
        exists(select(1).where(Mention.status_id == status.id, Mention.account_id == viewer_id)),
    )


def not_blocked(viewer_id: int | None, author_col) -> ColumnElement[bool]:  # noqa: ANN001
    if viewer_id is None:
        return true()
    return ~exists(
        select(1).where(
            or_(
                and_(Block.account_id == viewer_id, Block.target_account_id == author_col),
                and_(Block.account_id == author_col, Block.target_account_id == viewer_id),
            )
        )
    )


def not_muted(viewer_id: int | None, author_col, now=None) -> ColumnElement[bool]:  # noqa: ANN001
    if viewer_id is None:
        return true()
    now = utcnow() if now is None else now
    return ~exists(
        select(1).where(Mute.account_id == viewer_id, Mute.target_account_id == author_col,
                        or_(Mute.expires_at.is_(None), Mute.expires_at > now))
    )


def not_shown_less(viewer_id: int | None, status=Status) -> ColumnElement[bool]:  # noqa: ANN001
    """Not a post the viewer said "show less like this" about, nor a repost of one (capture:
    docs/subsystems/capture.md). One primary-key probe per row, inside the timeline statement."""
    if viewer_id is None:
        return true()
    return ~exists(
        select(1).where(StatusFeedback.account_id == viewer_id, StatusFeedback.signal == "less",
                        StatusFeedback.status_id.in_([status.id, status.reblog_of_id]))
    )


def readable_condition(viewer_id: int | None, status=Status) -> ColumnElement[bool]:  # noqa: ANN001
    return and_(
        status.deleted_at.is_(None),
        _author_active(status),
        visible_to(viewer_id, status),
        not_blocked(viewer_id, status.account_id),
    )


def _build_readable(viewer_id) -> Select:  # noqa: ANN001
    original = aliased(Status)
    return select(Status).where(
        readable_condition(viewer_id),
        or_(
            Status.reblog_of_id.is_(None),
            exists(select(1).where(original.id == Status.reblog_of_id,
                                   readable_condition(viewer_id, original))),
        ),
    )


def _build_timeline(viewer_id, now) -> Select:  # noqa: ANN001
    stmt = _build_readable(viewer_id)
    if viewer_id is None:
        return stmt
    original = aliased(Status)
    return stmt.where(
        not_muted(viewer_id, Status.account_id, now),
        not_shown_less(viewer_id),
        or_(
            Status.reblog_of_id.is_(None),
            exists(select(1).where(original.id == Status.reblog_of_id,
                                   not_muted(viewer_id, original.account_id, now))),
        ),
    )


# Building these statements costs milliseconds of CPU on every request, so each shape is built
# once with bound parameters and only the viewer (and the time, for mute expiry) is filled in.
_VIEWER = bindparam("readable_viewer_id", type_=BigInteger)
_NOW = bindparam("readable_now", type_=UTCDateTime)


@cache
def _templates() -> dict[str, Select]:
    return {
        "readable": _build_readable(_VIEWER),
        "readable_anon": _build_readable(None),
        "timeline": _build_timeline(_VIEWER, _NOW),
    }


def readable_by(viewer_id: int | None) -> Select:
    """Statuses `viewer_id` may read; a repost is readable only if its original is too."""
    if viewer_id is None:
        return _templates()["readable_anon"]
    return _templates()["readable"].params({"readable_viewer_id": viewer_id})


def readable_statement() -> Select:
    """readable_by() for a viewer, unfilled: execute with {"readable_viewer_id": viewer_id}."""
    return _templates()["readable"]


def timeline_statement() -> Select:
    """for_timeline() unfilled, to build other statements on once: filter it with VIEWER (the
    viewer's id) and execute it with timeline_params(viewer_id)."""
    return _templates()["timeline"]


def timeline_params(viewer_id: int) -> dict:
    return {"readable_viewer_id": viewer_id, "readable_now": utcnow()}


VIEWER = _VIEWER


def as_rows(stmt: Select) -> Select:
    """A statement of Status entities turned into one of plain rows with the same attribute
    names (row.id, row.content_html, ...): read-only, no ORM bookkeeping, about 40% less CPU
    for a page. For statements built once."""
    return stmt.with_only_columns(*Status.__table__.c)


def for_timeline(viewer_id: int | None) -> Select:
    """Like readable_by, also dropping muted authors (and muted authors of reposted posts) and
    the posts the viewer asked to see less of (and reposts of them)."""
    if viewer_id is None:
        return _templates()["readable_anon"]
    return _templates()["timeline"].params({"readable_viewer_id": viewer_id, "readable_now": utcnow()})


async def get_readable(session: AsyncSession, status_id: int | None, viewer_id: int | None) -> Status | None:
    if status_id is None:
        return None
    stmt = readable_by(viewer_id).where(Status.id == status_id)
    return (await session.execute(stmt)).scalar_one_or_none()


async def readable_many(session: AsyncSession, ids: list[int], viewer_id: int | None) -> list[Status]:
    """The readable ones among `ids`, in the order asked."""
    if not ids:
        return []
    found = {s.id: s for s in (await session.execute(
        readable_by(viewer_id).where(Status.id.in_(ids)))).scalars()}
    return [found[i] for i in ids if i in found]


async def by_ids(session: AsyncSession, ids: Iterable[int]) -> dict[int, Status]:
    ids = list(set(ids))
    if not ids:
        return {}
    rows = (await session.execute(select(Status).where(Status.id.in_(ids)))).scalars()
    return {s.id: s for s in rows}


async def readable_ids(session: AsyncSession, ids: Iterable[int], viewer_id: int | None) -> set[int]:
    ids = list(set(ids))
    if not ids:
        return set()
    stmt = readable_by(viewer_id).with_only_columns(Status.id).where(Status.id.in_(ids))
    return set((await session.execute(stmt)).scalars())


async def thread_context(session: AsyncSession, status: Status, viewer_id: int | None,
                         limit: int = 4096) -> tuple[list[Status], list[Status]]:
    """(ancestors oldest-first, descendants in reading order) that the viewer may read."""
    root = status.thread_id or status.id
    rows = list((await session.execute(
        for_timeline(viewer_id).where(Status.thread_id == root, Status.reblog_of_id.is_(None))
        .order_by(Status.id).limit(limit)
    )).scalars())
    by_id = {s.id: s for s in rows}
    ancestors: list[Status] = []
    cur = status.in_reply_to_id
    seen = set()
    while cur is not None and cur not in seen:
        seen.add(cur)
        parent = by_id.get(cur)
        if parent is None:
            parent = await get_readable(session, cur, viewer_id)
            if parent is None:
                break
        ancestors.append(parent)
        cur = parent.in_reply_to_id
    ancestors.reverse()

    children: dict[int, list[Status]] = {}
    for s in rows:
        if s.in_reply_to_id is not None:
            children.setdefault(s.in_reply_to_id, []).append(s)
    descendants: list[Status] = []
    stack = list(reversed(children.get(status.id, [])))
    while stack:  # depth-first, so replies follow the post they answer
        s = stack.pop()
        descendants.append(s)
        stack.extend(reversed(children.get(s.id, [])))
    return ancestors, descendants
