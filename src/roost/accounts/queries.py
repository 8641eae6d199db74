"""Paged lists around accounts: a profile's posts, and finding accounts by name."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from sqlalchemy import BigInteger, Select, String, bindparam, case, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from roost.accounts.repository import visible
from roost.kit.paging import PageParams, fetch, fetch_template
from roost.models import Account, Follow, MediaAttachment, Pin, Status, StatusTag, Tag
from roost.posts import repository as posts_repo
from roost.posts.repository import not_blocked


@dataclass
class ProfileFilter:
    pinned: bool = False
    exclude_replies: bool = False
    exclude_reblogs: bool = False
    only_media: bool = False
    tagged: str | None = None


async def profile_statuses(session: AsyncSession, account: Account, viewer_id: int | None,
                           page: PageParams, f: ProfileFilter) -> list[Status]:
    """The account's posts and reposts that the viewer may read, newest first."""
    tag = f.tagged.replace("\x00", "").strip().lstrip("#").lower() if f.tagged else None
    stmt = _profile_statement(viewer_id is None, f.pinned, f.exclude_replies, f.exclude_reblogs,
                              f.only_media, tag is not None)
    params = {"readable_viewer_id": viewer_id, "profile_account_id": account.id,
              "profile_tag": tag}
    return await fetch_template(session, stmt, Status.id, page, params)


@cache
def _profile_statement(anonymous: bool, pinned: bool, exclude_replies: bool,
                       exclude_reblogs: bool, only_media: bool, tagged: bool) -> Select:
    """Built once per shape (building it per request cost more CPU than running it)."""
    account_id = bindparam("profile_account_id", type_=BigInteger)
    base = posts_repo.readable_by(None) if anonymous else posts_repo.readable_statement()
    stmt = base.where(Status.account_id == account_id)
    if pinned:
        stmt = stmt.where(exists(select(1).where(Pin.status_id == Status.id,
                                                 Pin.account_id == account_id)))
    if exclude_replies:  # threads (replies to oneself) stay, as in Mastodon
        stmt = stmt.where(or_(Status.in_reply_to_id.is_(None),
                              Status.in_reply_to_account_id == account_id))
    if exclude_reblogs:
        stmt = stmt.where(Status.reblog_of_id.is_(None))
    if only_media:
        stmt = stmt.where(exists(select(1).where(MediaAttachment.status_id == Status.id)))
    if tagged:
        tag = bindparam("profile_tag", type_=String)
        stmt = stmt.where(exists(select(1).select_from(StatusTag).join(Tag, Tag.id == StatusTag.tag_id)
                                 .where(StatusTag.status_id == Status.id, Tag.name == tag)))
    return posts_repo.as_rows(stmt)


async def fetch_scalars(session: AsyncSession, stmt, column, page: PageParams) -> list:  # noqa: ANN001
    return [row[0] for row in await fetch(session, stmt, column, page)]


def name_matches(term: str):  # noqa: ANN201
    """Any part of the username or of the display name, in any case. On PostgreSQL the pg_trgm
    indexes (roost.search.trigram) serve both; elsewhere it is a scan."""
    return or_(Account.username_lower.contains(term, autoescape=True),
               func.lower(Account.display_name).contains(term, autoescape=True))


def search_term(q: str, local_domain: str) -> str | None:
    """The lower-cased name to look for in `q` ("ann", "@ann", "ann@this.domain"); None when
    `q` names another server (there is no federation to ask)."""
    name, _, domain = q.replace("\x00", "").strip().lstrip("@").partition("@")
    if domain and domain.strip().lower() != local_domain.lower():
        return None
    name = name.strip().lower()
    return name or None


def profile_username(q: str, base_url: str) -> str | None:
    """The username in one of our profile URLs (…/@ann or …/users/ann), else None."""
    q = q.replace("\x00", "").strip()
    if not q.lower().startswith(base_url.lower() + "/"):
        return None
    path = q[len(base_url):].split("?")[0].split("#")[0].rstrip("/")
    for prefix in ("/@", "/users/"):
        name = path[len(prefix):] if path.startswith(prefix) else ""
        if name and "/" not in name:
            return name.lower()
    return None


def search_statement(viewer_id: int | None, term: str, *, following: bool = False):  # noqa: ANN201
    """Ranked as Mastodon: the exact username first, then accounts the viewer follows, then
    names that start with the term, then the most followed."""
    followed = exists(select(1).where(Follow.account_id == viewer_id,
                                      Follow.target_account_id == Account.id))
    stmt = visible().where(name_matches(term), not_blocked(viewer_id, Account.id))
    if following and viewer_id is not None:
        stmt = stmt.where(followed)
    order = [case((Account.username_lower == term, 0), else_=1)]
    if viewer_id is not None and not following:
        order.append(case((followed, 0), else_=1))
    order.append(case((Account.username_lower.startswith(term, autoescape=True), 0),
                      (func.lower(Account.display_name).startswith(term, autoescape=True), 0),
                      else_=1))
    return stmt.order_by(*order, Account.followers_count.desc(), Account.id)


async def search(session: AsyncSession, viewer_id: int | None, q: str, *, local_domain: str,
                 limit: int = 40, offset: int = 0, following: bool = False,
                 base_url: str | None = None) -> list[Account]:
    """Accounts by name (see search_statement); one of our profile URLs finds exactly that one."""
    following = following and viewer_id is not None
    exact = profile_username(q, base_url) if base_url else None
    if exact is not None:
        stmt = search_statement(viewer_id, exact, following=following).where(
            Account.username_lower == exact)
    else:
        term = search_term(q, local_domain)
        if term is None:
            return []
        stmt = search_statement(viewer_id, term, following=following)
    return list((await session.execute(stmt.offset(offset).limit(limit))).scalars())
