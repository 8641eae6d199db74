"""Timeline queries: home, public and hashtag, plus the follower lists that home-feed fan-out
walks. Every status a person sees is loaded through posts/repository.for_timeline(viewer), so
deletion, visibility, blocks and mutes are decided there; this module adds only what makes a
timeline (whose posts, which replies, which reposts)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, Select, and_, exists, or_, select, text, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from roost.kit.clock import utcnow
from roost.kit.ids import new_id
from roost.kit.paging import PageParams, fetch
from roost.models import (Account, Block, Follow, MediaAttachment, Mention, Mute, Status,
                          StatusTag, Tag, User)
from roost.posts.repository import for_timeline


def _follows(viewer_id: int, target) -> ColumnElement[bool]:  # noqa: ANN001
    return exists(select(1).where(Follow.account_id == viewer_id,
                                  Follow.target_account_id == target))


def home_rules(viewer_id: int) -> ColumnElement[bool]:
    """What makes a (readable) status belong in `viewer_id`'s home, besides whose it is:
    reposts only from accounts followed with show_reblogs, and replies only when the viewer
    also follows the account replied to (or it is a self-reply, or a reply to the viewer)."""
    return and_(
        or_(Status.reblog_of_id.is_(None), Status.account_id == viewer_id,
            exists(select(1).where(Follow.account_id == viewer_id,
                                   Follow.target_account_id == Status.account_id,
                                   Follow.show_reblogs.is_(True)))),
        or_(Status.in_reply_to_account_id.is_(None),
            Status.in_reply_to_account_id == Status.account_id,
            Status.in_reply_to_account_id == viewer_id,
            Status.account_id == viewer_id,
            _follows(viewer_id, Status.in_reply_to_account_id)),
    )


def home_condition(viewer_id: int) -> ColumnElement[bool]:
    """Full membership test of one status row in the viewer's home (readability excluded)."""
    return and_(or_(Status.account_id == viewer_id, _follows(viewer_id, Status.account_id)),
                home_rules(viewer_id))


HOUR_MS = 3600 * 1000
# Windows, in time, that the PostgreSQL home query widens through until a page is full.
WINDOWS_MS = (6 * HOUR_MS, 72 * HOUR_MS, 30 * 24 * HOUR_MS, 365 * 24 * HOUR_MS, None)
# Below this many (authors x page size) rows, one unwindowed LATERAL query is cheapest.
LATERAL_BUDGET = 2000


def _home_authors(viewer_id: int) -> Select:
    """The viewer and everyone they follow."""
    followed = (select(Follow.target_account_id.label("author_id"))
                .where(Follow.account_id == viewer_id))
    return followed.union_all(select(Account.id).where(Account.id == viewer_id))


def _celebrities(viewer_id: int, min_followers: int) -> Select:
    return (select(Follow.target_account_id.label("author_id"))
            .join(Account, Account.id == Follow.target_account_id)
            .where(Follow.account_id == viewer_id, Account.followers_count > min_followers))


async def _by_authors(session: AsyncSession, viewer_id: int, authors: Select, page: PageParams,
                      *, how_many: int) -> list[Status]:
    """Home statuses written by `authors` (a one-column select of about `how_many` ids),
    paged, newest first."""
    if session.bind.dialect.name != "postgresql":  # type: ignore[union-attr]
        stmt = for_timeline(viewer_id).where(Status.account_id.in_(authors), home_rules(viewer_id))
        return [row[0] for row in await fetch(session, stmt, Status.id, page)]
    windows = (None,) if how_many * page.limit <= LATERAL_BUDGET else WINDOWS_MS
    await _without_jit(session)
    return await _by_authors_pg(session, viewer_id, authors.subquery(), page, windows)


async def _without_jit(session: AsyncSession) -> None:
    """The planner's cost guess for the LATERAL query is far too high and switches on JIT
    compilation, which costs ~50 ms for a query that runs in 1 ms. Once per transaction."""
    tx = session.get_transaction()
    if session.info.get("roost.jit_off") is not tx:
        await session.execute(text("SET LOCAL jit = off"))
        session.info["roost.jit_off"] = tx


async def _by_authors_pg(session: AsyncSession, viewer_id: int, authors,  # noqa: ANN001
                         page: PageParams, windows: tuple) -> list[Status]:
    """PostgreSQL cannot merge per-author index scans for `account_id IN (...) ORDER BY id`; left
    alone it walks the whole statuses primary key backwards, which costs the whole table when
    the followed accounts post rarely. So: for each author a LATERAL index range scan on
    (account_id, id), limited to the page size, within a time window of ids that widens
    (6 hours, 3 days, 30 days, a year, everything) until the page is full, or no window at all
    when there are few authors. Cost stays near (authors x rounds) index probes plus rows read."""
    ascending = page.min_id is not None
    bounds = [x for x in (page.since_id, page.min_id) if x is not None]
    lower = max(bounds) if bounds else None  # exclusive
    upper = page.max_id  # exclusive
    anchor = lower if ascending else (upper if upper is not None else new_id())
    rows: list[Status] = []
    done = upper if not ascending else lower  # the edge of what was already searched
    for window in windows:
        edge = None if window is None else (anchor + (window << 16) if ascending
                                            else anchor - (window << 16))
        cond = []
        if ascending:
            cond.append(Status.id > done)
            if edge is not None:
                cond.append(Status.id <= edge)
            if upper is not None:
                cond.append(Status.id < upper)
        else:
            if done is not None:
                cond.append(Status.id < done)
            if edge is not None:
                cond.append(Status.id >= edge)
            if lower is not None:
                cond.append(Status.id > lower)
        rows += await _lateral_page(session, viewer_id, authors, cond, ascending,
                                    page.limit - len(rows))
        finished = edge is None or (ascending and upper is not None and edge >= upper) or (
            not ascending and lower is not None and edge <= lower)
        if len(rows) >= page.limit or finished:
            break
        done = edge
    return rows[::-1] if ascending else rows


async def _lateral_page(session: AsyncSession, viewer_id: int, authors, cond: list,  # noqa: ANN001
                        ascending: bool, limit: int) -> list[Status]:
    order = Status.id.asc() if ascending else Status.id.desc()
    inner = (for_timeline(viewer_id)
             .where(Status.account_id == authors.c.author_id, home_rules(viewer_id), *cond)
             .order_by(order).limit(limit).lateral())
    row = aliased(Status, inner)
    stmt = (select(row).select_from(authors).join(inner, true())
            .order_by(row.id.asc() if ascending else row.id.desc()).limit(limit))
    return list((await session.execute(stmt)).scalars())


async def home_from_db(session: AsyncSession, viewer: Account, page: PageParams) -> list[Status]:
    """The home timeline straight from the database, newest first."""
    return await _by_authors(session, viewer.id, _home_authors(viewer.id), page,
                             how_many=viewer.following_count + 1)


async def celebrity_posts(session: AsyncSession, viewer: Account, page: PageParams,
                          min_followers: int) -> list[Status]:
    """Home posts of followed accounts with more than `min_followers` followers: their posts
    are not fanned out, so the Redis read path merges these in."""
    ids = list((await session.execute(_celebrities(viewer.id, min_followers))).scalars())
    if not ids:  # the common case: one cheap query
        return []
    authors = select(Account.id.label("author_id")).where(Account.id.in_(ids))
    return await _by_authors(session, viewer.id, authors, page, how_many=len(ids))


async def home_rows(session: AsyncSession, viewer: Account, ids: Sequence[int]) -> list[Status]:
    """The statuses among `ids` still in the viewer's home, in the order of `ids`: whatever was
    deleted, hidden, muted, blocked or unfollowed since it was fanned out drops out here."""
    if not ids:
        return []
    stmt = for_timeline(viewer.id).where(Status.id.in_(list(ids)), home_condition(viewer.id))
    found = {s.id: s for s in (await session.execute(stmt)).scalars()}
    return [found[i] for i in ids if i in found]


# ---- public and hashtag timelines -------------------------------------------------------------
def _with_media() -> ColumnElement[bool]:
    return exists(select(1).where(MediaAttachment.status_id == Status.id))


def _public_statement(viewer_id: int | None, *, only_media: bool) -> Select:
    stmt = for_timeline(viewer_id).where(Status.visibility == "public",
                                         Status.reblog_of_id.is_(None))
    if only_media:
        stmt = stmt.where(_with_media())
    return stmt


async def public(session: AsyncSession, viewer: Account | None, page: PageParams, *,
                 local: bool = False, remote: bool = False,
                 only_media: bool = False) -> list[Status]:
    """Public posts (replies included, reposts not). Every post is local until federation."""
    if remote:
        return []
    stmt = _public_statement(viewer.id if viewer else None, only_media=only_media)
    return [row[0] for row in await fetch(session, stmt, Status.id, page)]


def normalize_tag(name: str) -> str:
    return name.strip().lstrip("#").lower()[:100]


async def _tag_ids(session: AsyncSession, names: Iterable[str]) -> dict[str, int]:
    wanted = {normalize_tag(n) for n in names if n and normalize_tag(n)}
    if not wanted:
        return {}
    rows = await session.execute(select(Tag.name, Tag.id).where(Tag.name.in_(wanted)))
    return dict(rows.tuples().all())


def _has_tag(tag_ids: list[int]) -> ColumnElement[bool]:
    return exists(select(1).where(StatusTag.status_id == Status.id, StatusTag.tag_id.in_(tag_ids)))


async def tag(session: AsyncSession, viewer: Account | None, name: str, page: PageParams, *,
              any_: Sequence[str] = (), all_: Sequence[str] = (), none: Sequence[str] = (),
              local: bool = False, remote: bool = False, only_media: bool = False) -> list[Status]:
    """Public posts with the tag `name` (or any of `any_`), with every tag in `all_` and none in
    `none`."""
    if remote:
        return []
    known = await _tag_ids(session, [name, *any_, *all_, *none])
    wanted = [known[n] for n in {normalize_tag(x) for x in [name, *any_]} if n in known]
    if not wanted:
        return []
    stmt = _public_statement(viewer.id if viewer else None, only_media=only_media)
    # Drive the scan from the (tag_id, status_id) index rather than from every public post.
    tagged = select(StatusTag.status_id).where(StatusTag.tag_id.in_(wanted))
    stmt = stmt.where(Status.id.in_(tagged))
    for n in {normalize_tag(x) for x in all_ if normalize_tag(x)}:
        if n not in known:
            return []
        stmt = stmt.where(_has_tag([known[n]]))
    excluded = [known[n] for n in {normalize_tag(x) for x in none} if n in known]
    if excluded:
        stmt = stmt.where(~_has_tag(excluded))
    return [row[0] for row in await fetch(session, stmt, Status.id, page)]


# ---- fan-out support ------------------------------------------------------------------------
def _not_muting_or_blocking(author_id: int) -> ColumnElement[bool]:
    """The follower (Follow.account_id) neither mutes nor blocks `author_id`, nor is blocked."""
    now = utcnow()
    return and_(
        ~exists(select(1).where(Mute.account_id == Follow.account_id,
                                Mute.target_account_id == author_id,
                                or_(Mute.expires_at.is_(None), Mute.expires_at > now))),
        ~exists(select(1).where(Block.account_id == Follow.account_id,
                                Block.target_account_id == author_id)),
        ~exists(select(1).where(Block.account_id == author_id,
                                Block.target_account_id == Follow.account_id)),
    )


async def fan_out_targets(session: AsyncSession, status: Status, original: Status | None, *,
                          active_since: datetime, after: int, limit: int) -> list[int]:
    """One keyset page (by follower account id, after `after`) of the followers whose home
    feed should get `status` (`original` is the reposted post for a repost)."""
    stmt = (select(Follow.account_id)
            .join(User, User.account_id == Follow.account_id)
            .where(Follow.target_account_id == status.account_id, Follow.account_id > after,
                   User.last_active_at >= active_since,
                   _not_muting_or_blocking(status.account_id))
            .order_by(Follow.account_id).limit(limit))
    if status.visibility == "direct":
        stmt = stmt.where(exists(select(1).where(Mention.status_id == status.id,
                                                 Mention.account_id == Follow.account_id)))
    if original is not None:
        stmt = stmt.where(Follow.show_reblogs.is_(True))
        if original.account_id != status.account_id:
            stmt = stmt.where(_not_muting_or_blocking(original.account_id))
    reply_to = status.in_reply_to_account_id
    if reply_to is not None and reply_to != status.account_id:
        replied = aliased(Follow)
        stmt = stmt.where(or_(Follow.account_id == reply_to,
                              exists(select(1).where(replied.account_id == Follow.account_id,
                                                     replied.target_account_id == reply_to))))
    return list((await session.execute(stmt)).scalars())


async def followers_page(session: AsyncSession, account_id: int, *, after: int,
                         limit: int) -> list[int]:
    """Every follower of `account_id` (keyset page by follower id), for removals."""
    stmt = (select(Follow.account_id).where(Follow.target_account_id == account_id,
                                            Follow.account_id > after)
            .order_by(Follow.account_id).limit(limit))
    return list((await session.execute(stmt)).scalars())


async def merge_candidates(session: AsyncSession, viewer: Account, target_id: int, *,
                           above: int, limit: int) -> list[int]:
    """Ids of `target_id`'s newest statuses (newer than `above`) that belong in the viewer's
    home, for merging into the feed after a follow."""
    stmt = (for_timeline(viewer.id).with_only_columns(Status.id)
            .where(Status.account_id == target_id, Status.id > above, home_condition(viewer.id))
            .order_by(Status.id.desc()).limit(limit))
    return list((await session.execute(stmt)).scalars())


async def authored_by(session: AsyncSession, ids: Sequence[int], account_id: int) -> list[int]:
    """Which of `ids` were written (or reposted) by `account_id`, deleted rows included."""
    if not ids:
        return []
    stmt = select(Status.id).where(Status.id.in_(list(ids)), Status.account_id == account_id)
    return list((await session.execute(stmt)).scalars())

