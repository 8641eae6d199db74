"""Timeline queries: home, public and hashtag, plus the follower lists that home-feed fan-out
walks. Every status a person sees is loaded through posts/repository.for_timeline(viewer), so
deletion, visibility, blocks and mutes are decided there; this module adds only what makes a
timeline (whose posts, which replies, which reposts)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Sequence
from datetime import datetime
from functools import cache
from typing import NamedTuple

from sqlalchemy import (BigInteger, ColumnElement, Integer, Select, String, and_, bindparam, cast,
                        exists, func, literal, or_, select, text, true)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from roost.db import in_ids
from roost.kit.clock import utcnow
from roost.kit.ids import new_id
from roost.kit.paging import PageParams, fetch, fetch_template
from roost.kit.types import UTCDateTime
from roost.lists.repository import in_exclusive_list
from roost.models import (Account, Block, Follow, List, ListAccount, MediaAttachment, Mention, Mute,
                          Status, StatusTag, Tag, TagFollow, User)
from roost.posts.repository import (VIEWER, as_rows, for_timeline, timeline_params,
                                    timeline_statement)


def _follows(viewer_id: int, target) -> ColumnElement[bool]:  # noqa: ANN001
    return exists(select(1).where(Follow.account_id == viewer_id,
                                  Follow.target_account_id == target))


def wanted_language(follow=Follow, status=Status) -> ColumnElement[bool]:  # noqa: ANN001
    """The follow's languages filter lets `status` through: no filter, a post without a
    language, or one in the list (codes are letters, digits and '-', so the text match on the
    JSON list is exact)."""
    text_ = cast(follow.languages, String)  # a cleared filter may be JSON null: no '"' in it
    listed = text_.like(literal('%"') + func.lower(status.language) + '"%')
    return or_(follow.languages.is_(None), ~text_.like('%"%'), status.language.is_(None), listed)


def home_rules(viewer_id: int) -> ColumnElement[bool]:
    """What makes a (readable) status belong in `viewer_id`'s home, besides whose it is:
    reposts only from accounts followed with show_reblogs, posts only in the languages the
    follow asked for, and replies only when the viewer also follows the account replied to
    (or it is a self-reply, or a reply to the viewer)."""
    return and_(
        ~exists(select(1).where(Follow.account_id == viewer_id,
                                Follow.target_account_id == Status.account_id,
                                ~wanted_language())),
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


def followed_tag_condition(viewer_id) -> ColumnElement[bool]:  # noqa: ANN001
    """A public original post carrying a hashtag the viewer follows."""
    return and_(Status.visibility == "public", Status.reblog_of_id.is_(None),
                exists(select(1).select_from(StatusTag)
                       .join(TagFollow, TagFollow.tag_id == StatusTag.tag_id)
                       .where(StatusTag.status_id == Status.id, TagFollow.account_id == viewer_id)))


def home_condition(viewer_id) -> ColumnElement[bool]:  # noqa: ANN001
    """Full membership test of one status row in the viewer's home (readability excluded):
    the viewer's own, or by a followed account that is in none of the viewer's exclusive lists,
    or a public post with a hashtag the viewer follows."""
    by_followed = and_(_follows(viewer_id, Status.account_id),
                       ~in_exclusive_list(viewer_id, Status.account_id))
    return or_(and_(or_(Status.account_id == viewer_id, by_followed), home_rules(viewer_id)),
               followed_tag_condition(viewer_id))


HOUR_MS = 3600 * 1000
# Windows, in time, that the PostgreSQL home query widens through until a page is full.
WINDOWS_MS = (6 * HOUR_MS, 72 * HOUR_MS, 30 * 24 * HOUR_MS, 365 * 24 * HOUR_MS, None)
# Below this many (authors x page size) rows, one unwindowed LATERAL query is cheapest.
LATERAL_BUDGET = 2000

# The home statements are built once per shape with bound parameters (the viewer is
# posts.repository.VIEWER): building them per call cost more CPU than running them.
# Authors of a home page: "home" is the viewer and everyone they follow (less the members of
# the viewer's exclusive lists), "listed" the ids in :author_ids (followed celebrities). A list
# timeline's kind is "list:" + its replies policy, its authors the members of :list_id.
HOME, LISTED = "home", "listed"
LIST_ID = bindparam("list_id", type_=BigInteger)
# What a home statement selects: whole rows (Status attribute names), ids only (a feed
# rebuild), or ids with reblog_of_id (what repost collapsing needs of the entries below a page).
ROWS, IDS, LIGHT = "rows", "ids", "light"


def _shaped(stmt: Select, shape: str) -> Select:
    if shape == IDS:
        return stmt.with_only_columns(Status.id)
    if shape == LIGHT:
        return stmt.with_only_columns(Status.id, Status.reblog_of_id)
    return as_rows(stmt)


def _authors(kind: str) -> Select:
    if kind == HOME:
        followed = (select(Follow.target_account_id.label("author_id"))
                    .where(Follow.account_id == VIEWER,
                           ~in_exclusive_list(VIEWER, Follow.target_account_id)))
        return followed.union_all(select(Account.id).where(Account.id == VIEWER))
    if kind.startswith("list:"):  # driven by the (list_id, account_id) unique index
        return select(ListAccount.account_id.label("author_id")).where(ListAccount.list_id == LIST_ID)
    return (select(Account.id.label("author_id"))
            .where(in_ids(Account.id, "author_ids")))


def _rules(kind: str) -> ColumnElement[bool]:
    return list_rules(kind.removeprefix("list:")) if kind.startswith("list:") else home_rules(VIEWER)


@cache
def _celebrities() -> Select:
    return (select(Follow.target_account_id)
            .join(Account, Account.id == Follow.target_account_id)
            .where(Follow.account_id == VIEWER,
                   Account.followers_count > bindparam("min_followers", type_=Integer)))


@cache
def _home_rows_statement(shape: str) -> Select:
    return _shaped(timeline_statement().where(in_ids(Status.id), home_condition(VIEWER)), shape)


@cache
def _by_authors_statement(kind: str, shape: str) -> Select:
    return _shaped(timeline_statement().where(Status.account_id.in_(_authors(kind)), _rules(kind)),
                   shape)


async def _by_authors(session: AsyncSession, viewer_id: int, kind: str, page: PageParams, *,
                      how_many: int, author_ids: Sequence[int] = (), shape: str = ROWS,
                      list_id: int | None = None) -> list:
    """Home (or list) statuses written by the authors of `kind` (about `how_many` of them),
    paged, newest first, as plain rows of `shape` (IDS: the ids themselves)."""
    params = {**timeline_params(viewer_id), "author_ids": list(author_ids), "list_id": list_id}
    if session.bind.dialect.name != "postgresql":  # type: ignore[union-attr]
        rows = await fetch_template(session, _by_authors_statement(kind, shape), Status.id,
                                    page, params)
        return [row[0] for row in rows] if shape == IDS else rows
    windows = (None,) if how_many * page.limit <= LATERAL_BUDGET else WINDOWS_MS
    await _without_jit(session)
    return await _by_authors_pg(session, kind, params, page, windows, shape)


async def _without_jit(session: AsyncSession) -> None:
    """The planner's cost guess for the LATERAL query is far too high and switches on JIT
    compilation, which costs ~50 ms for a query that runs in 1 ms. Once per transaction."""
    tx = session.get_transaction()
    if session.info.get("roost.jit_off") is not tx:
        await session.execute(text("SET LOCAL jit = off"))
        session.info["roost.jit_off"] = tx


async def _by_authors_pg(session: AsyncSession, kind: str, params: dict, page: PageParams,
                         windows: tuple, shape: str) -> list:
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
    rows: list = []
    done = upper if not ascending else lower  # the edge of what was already searched
    for window in windows:
        edge = None if window is None else (anchor + (window << 16) if ascending
                                            else anchor - (window << 16))
        # (done, edge, the far bound): the exclusive start of this round, its inclusive end,
        # and the page's exclusive end, as far as they apply.
        far = upper if ascending else lower
        stmt = _lateral_page(kind, shape, ascending, done is not None, edge is not None,
                             far is not None)
        found = await session.execute(stmt, {
            **params, "lat_done": done, "lat_edge": edge, "lat_far": far,
            "lat_limit": page.limit - len(rows)})
        rows += found.scalars() if shape == IDS else found.all()
        finished = edge is None or (ascending and upper is not None and edge >= upper) or (
            not ascending and lower is not None and edge <= lower)
        if len(rows) >= page.limit or finished:
            break
        done = edge
    return rows[::-1] if ascending else rows


@cache
def _lateral_page(kind: str, shape: str, ascending: bool, has_done: bool, has_edge: bool,
                  has_far: bool) -> Select:
    authors = _authors(kind).subquery()
    done = bindparam("lat_done", type_=BigInteger)
    edge = bindparam("lat_edge", type_=BigInteger)
    far = bindparam("lat_far", type_=BigInteger)
    cond = []
    if has_done:
        cond.append(Status.id > done if ascending else Status.id < done)
    if has_edge:
        cond.append(Status.id <= edge if ascending else Status.id >= edge)
    if has_far:
        cond.append(Status.id < far if ascending else Status.id > far)
    limit = bindparam("lat_limit", type_=Integer)
    order = Status.id.asc() if ascending else Status.id.desc()
    inner = _shaped(timeline_statement(), shape)
    inner = (inner.where(Status.account_id == authors.c.author_id, _rules(kind), *cond)
             .order_by(order).limit(limit).lateral())
    return (select(*inner.c).select_from(authors)
            .join(inner, true())
            .order_by(inner.c.id.asc() if ascending else inner.c.id.desc()).limit(limit))


async def home_from_db(session: AsyncSession, viewer: Account, page: PageParams, *,
                       shape: str = ROWS) -> list[Status]:
    """The home timeline straight from the database, newest first: the followed accounts'
    statuses merged with the public posts of followed hashtags (rows of `shape`, not IDS)."""
    rows = await _by_authors(session, viewer.id, HOME, page, how_many=viewer.following_count + 1,
                             shape=shape)
    return merge_pages(rows, await followed_tag_posts(session, viewer, page, shape=shape), page)


async def home_ids_from_db(session: AsyncSession, viewer: Account, limit: int) -> list[int]:
    """The ids of the newest `limit` statuses of the viewer's home, newest first: what a feed
    rebuild needs, without loading the rows (followed hashtags' posts included)."""
    ids = await _by_authors(session, viewer.id, HOME, PageParams(limit=limit),
                            how_many=viewer.following_count + 1, shape=IDS)
    tagged = await followed_tag_posts(session, viewer, PageParams(limit=limit), shape=IDS)
    return sorted(set(ids) | set(tagged), reverse=True)[:limit] if tagged else ids


def merge_pages(a: list, b: list, page: PageParams) -> list:
    """Two newest-first pages of the same window merged into one (duplicates once)."""
    if not b:
        return a
    merged = {s.id: s for s in [*a, *b]}
    if page.min_id is not None:  # the page just above min_id: the lowest ids
        return sorted(merged.values(), key=lambda s: s.id)[:page.limit][::-1]
    return sorted(merged.values(), key=lambda s: s.id, reverse=True)[:page.limit]


@cache
def _followed_tags_statement(shape: str) -> Select:
    tagged = select(StatusTag.status_id).where(in_ids(StatusTag.tag_id, "tag_ids"))
    return _shaped(timeline_statement().where(Status.id.in_(tagged), Status.visibility == "public",
                                              Status.reblog_of_id.is_(None)), shape)


async def _followed_tag_ids(session: AsyncSession, viewer_id: int) -> list[int]:
    """The viewer's followed hashtags, looked up once per session (one request or job; a home
    page may read the database more than once)."""
    key = ("roost.followed_tags", viewer_id)
    if key not in session.info:
        session.info[key] = list((await session.execute(
            select(TagFollow.tag_id).where(TagFollow.account_id == viewer_id))).scalars())
    return session.info[key]


async def followed_tag_posts(session: AsyncSession, viewer: Account, page: PageParams, *,
                             shape: str = ROWS) -> list:
    """Public posts with a hashtag the viewer follows (plain rows of `shape`), driven by the
    (tag_id, status_id) index. One cheap query when the viewer follows no hashtag."""
    tag_ids = await _followed_tag_ids(session, viewer.id)
    if not tag_ids:
        return []
    rows = await fetch_template(session, _followed_tags_statement(shape), Status.id, page,
                                {**timeline_params(viewer.id), "tag_ids": tag_ids})
    return [row[0] for row in rows] if shape == IDS else rows


# ---- list timelines ---------------------------------------------------------------------------
def list_rules(policy: str) -> ColumnElement[bool]:
    """What of a member's statuses belongs in the list (VIEWER owns it, :list_id is the list):
    no direct posts; reposts as in home (show_reblogs of the owner's follow); replies by the
    replies policy: to anyone the owner follows (followed), to list members (list), to nobody
    (none). Self-replies and replies to the owner always show (Mastodon's rule)."""
    allowed = [Status.in_reply_to_account_id.is_(None),
               Status.in_reply_to_account_id == Status.account_id,
               Status.in_reply_to_account_id == VIEWER]
    if policy == "followed":
        allowed.append(_follows(VIEWER, Status.in_reply_to_account_id))
    elif policy == "list":
        allowed.append(exists(select(1).where(
            ListAccount.list_id == LIST_ID,
            ListAccount.account_id == Status.in_reply_to_account_id)))
    return and_(
        Status.visibility != "direct",
        or_(Status.reblog_of_id.is_(None), Status.account_id == VIEWER,
            exists(select(1).where(Follow.account_id == VIEWER,
                                   Follow.target_account_id == Status.account_id,
                                   Follow.show_reblogs.is_(True)))),
        or_(*allowed),
    )


async def list_from_db(session: AsyncSession, lst: List, member_ids: Sequence[int],
                       page: PageParams) -> list:
    """A list's timeline, newest first, read like home from the database: per member an index
    range scan on (account_id, id) (PostgreSQL) or one IN query (SQLite)."""
    if not member_ids:
        return []
    return await _by_authors(session, lst.account_id, f"list:{lst.replies_policy}", page,
                             how_many=len(member_ids), list_id=lst.id)


async def celebrity_posts(session: AsyncSession, viewer: Account, page: PageParams,
                          min_followers: int, *, shape: str = ROWS) -> list[Status]:
    """Home posts of followed accounts with more than `min_followers` followers: their posts
    are not fanned out, so the Redis read path merges these in. Which accounts those are is
    looked up once per session (a home page with reposts reads home twice)."""
    key = ("roost.celebrities", viewer.id, min_followers)
    if key not in session.info:
        session.info[key] = list((await session.execute(
            _celebrities(), {"readable_viewer_id": viewer.id, "min_followers": min_followers}
        )).scalars())
    ids = session.info[key]
    if not ids:  # the common case: one cheap query
        return []
    return await _by_authors(session, viewer.id, LISTED, page, how_many=len(ids), author_ids=ids,
                             shape=shape)


async def home_rows(session: AsyncSession, viewer: Account, ids: Sequence[int], *,
                    shape: str = ROWS) -> list[Status]:
    """The statuses among `ids` still in the viewer's home, in the order of `ids`: whatever was
    deleted, hidden, muted, blocked or unfollowed since it was fanned out drops out here."""
    if not ids:
        return []
    rows = await session.execute(_home_rows_statement(shape),
                                 {**timeline_params(viewer.id), "ids": list(ids)})
    found = {s.id: s for s in rows}
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


async def public_among(session: AsyncSession, viewer: Account | None, ids: Sequence[int], *,
                       tag: str | None = None) -> list[Status]:
    """Which of `ids` are on the public timeline (or the hashtag `tag`'s) for the viewer: what
    a live stream checks before it announces them. Newest first."""
    if not ids:
        return []
    stmt = _public_statement(viewer.id if viewer else None, only_media=False)
    if tag is not None:
        known = await _tag_ids(session, [tag])
        if normalize_tag(tag) not in known:
            return []
        stmt = stmt.where(_has_tag([known[normalize_tag(tag)]]))
    rows = await session.execute(stmt.where(Status.id.in_(list(ids))).order_by(Status.id.desc()))
    return list(rows.scalars())


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
class FanOutPost(NamedTuple):
    """What fan-out needs to know about a post (or repost), read without ORM objects."""
    id: int
    account_id: int
    visibility: str
    in_reply_to_account_id: int | None
    reblog_of_id: int | None
    original_account_id: int | None  # the reposted post's author, for a repost
    followers_count: int  # the author's
    language: str | None


async def fan_out_post(session: AsyncSession, status_id: int) -> FanOutPost | None:
    """The post to fan out, or None when it is gone: deleted, or a repost of a deleted post."""
    original = aliased(Status)
    stmt = (select(Status.id, Status.account_id, Status.visibility, Status.in_reply_to_account_id,
                   Status.reblog_of_id, original.account_id, Account.followers_count,
                   Status.language)
            .join(Account, Account.id == Status.account_id)
            .outerjoin(original, original.id == Status.reblog_of_id)
            .where(Status.id == status_id, Status.deleted_at.is_(None),
                   or_(Status.reblog_of_id.is_(None),
                       and_(original.id.is_not(None), original.deleted_at.is_(None)))))
    row = (await session.execute(stmt)).first()
    return FanOutPost(*row) if row is not None else None


_AUTHOR = bindparam("fan_author_id", type_=BigInteger)
_ORIGINAL_AUTHOR = bindparam("fan_original_author_id", type_=BigInteger)
_REPLY_TO = bindparam("fan_reply_to_id", type_=BigInteger)
_STATUS = bindparam("fan_status_id", type_=BigInteger)
_ACTIVE_SINCE = bindparam("fan_active_since", type_=UTCDateTime)
_NOW = bindparam("fan_now", type_=UTCDateTime)
_LANGUAGE = bindparam("fan_language", type_=String)


def _not_muting_or_blocking(author_id) -> ColumnElement[bool]:  # noqa: ANN001
    """The follower (Follow.account_id) neither mutes nor blocks `author_id`, nor is blocked."""
    return and_(
        ~exists(select(1).where(Mute.account_id == Follow.account_id,
                                Mute.target_account_id == author_id,
                                or_(Mute.expires_at.is_(None), Mute.expires_at > _NOW))),
        ~exists(select(1).where(Block.account_id == Follow.account_id,
                                Block.target_account_id == author_id)),
        ~exists(select(1).where(Block.account_id == author_id,
                                Block.target_account_id == Follow.account_id)),
    )


@cache
def _targets_statement(direct: bool, repost: bool, other_original: bool, reply: bool,
                       language: bool) -> Select:
    """The fan-out targets of one shape of post, built once with bound parameters (building
    and caching a statement like this costs milliseconds of CPU)."""
    stmt = (select(Follow.account_id)
            .join(User, User.account_id == Follow.account_id)
            .where(Follow.target_account_id == _AUTHOR, User.last_active_at >= _ACTIVE_SINCE,
                   _not_muting_or_blocking(_AUTHOR)))
    if direct:
        stmt = stmt.where(exists(select(1).where(Mention.status_id == _STATUS,
                                                 Mention.account_id == Follow.account_id)))
    if language:
        text_ = cast(Follow.languages, String)  # see wanted_language
        stmt = stmt.where(or_(Follow.languages.is_(None), ~text_.like('%"%'),
                              text_.like(literal('%"') + _LANGUAGE + '"%')))
    stmt = stmt.where(~in_exclusive_list(Follow.account_id, _AUTHOR))
    if repost:
        stmt = stmt.where(Follow.show_reblogs.is_(True))
        if other_original:
            stmt = stmt.where(_not_muting_or_blocking(_ORIGINAL_AUTHOR))
    if reply:
        replied = aliased(Follow)
        stmt = stmt.where(or_(Follow.account_id == _REPLY_TO,
                              exists(select(1).where(replied.account_id == Follow.account_id,
                                                     replied.target_account_id == _REPLY_TO))))
    return stmt


async def _stream_ids(session: AsyncSession, stmt: Select, params: dict,
                     fetch: int) -> AsyncIterator[Sequence[int]]:
    """The ids a one-column statement selects, `fetch` at a time from a server-side cursor (on
    PostgreSQL), through Core rather than the ORM (a third of the CPU)."""
    conn = await session.connection()
    result = await conn.stream(stmt, params, execution_options={"yield_per": fetch})
    try:
        async for ids in result.scalars().partitions():
            yield ids
    finally:
        await result.close()


async def fan_out_targets(session: AsyncSession, post: FanOutPost, *, active_since: datetime,
                          fetch: int) -> AsyncIterator[Sequence[int]]:
    """The ids of the followers whose home feed should get `post`, `fetch` at a time as they
    arrive from one query (a server-side cursor on PostgreSQL): followers active since
    `active_since` who neither mute nor block the author (nor the reposted post's author) nor
    are blocked, who may see it (direct: only those mentioned) and want it (reposts: only with
    show_reblogs; replies: only followers of the account replied to, or that account; posts with
    a language: only followers whose follow has no languages filter or lists it)."""
    reply = post.in_reply_to_account_id not in (None, post.account_id)
    repost = post.reblog_of_id is not None
    stmt = _targets_statement(post.visibility == "direct", repost,
                              repost and post.original_account_id != post.account_id, reply,
                              post.language is not None)
    params = {"fan_author_id": post.account_id, "fan_active_since": active_since,
              "fan_now": utcnow(), "fan_status_id": post.id,
              "fan_original_author_id": post.original_account_id,
              "fan_reply_to_id": post.in_reply_to_account_id,
              "fan_language": (post.language or "").lower()}
    async for ids in _stream_ids(session, stmt, params, fetch):
        yield ids


async def live_followers(session: AsyncSession, account_id: int, *, active_since: datetime,
                         fetch: int) -> AsyncIterator[Sequence[int]]:
    """Ids of `account_id`'s followers active since `active_since` (only they can have a home
    feed), `fetch` at a time from one query, for removals."""
    stmt = (select(Follow.account_id).join(User, User.account_id == Follow.account_id)
            .where(Follow.target_account_id == account_id, User.last_active_at >= active_since))
    async for ids in _stream_ids(session, stmt, {}, fetch):
        yield ids


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


async def tag_fan_out_targets(session: AsyncSession, status: Status, *, active_since: datetime,
                              after: int, limit: int) -> list[int]:
    """One keyset page (by account id, after `after`) of the active accounts that follow one of
    `status`'s hashtags and neither mute nor block its author, nor are blocked by them."""
    author = status.account_id
    now = utcnow()
    stmt = (select(TagFollow.account_id).distinct()
            .join(StatusTag, StatusTag.tag_id == TagFollow.tag_id)
            .join(User, User.account_id == TagFollow.account_id)
            .where(StatusTag.status_id == status.id, TagFollow.account_id > after,
                   TagFollow.account_id != author, User.last_active_at >= active_since,
                   ~exists(select(1).where(Mute.account_id == TagFollow.account_id,
                                           Mute.target_account_id == author,
                                           or_(Mute.expires_at.is_(None), Mute.expires_at > now))),
                   ~exists(select(1).where(Block.account_id == TagFollow.account_id,
                                           Block.target_account_id == author)),
                   ~exists(select(1).where(Block.account_id == author,
                                           Block.target_account_id == TagFollow.account_id)))
            .order_by(TagFollow.account_id).limit(limit))
    return list((await session.execute(stmt)).scalars())
