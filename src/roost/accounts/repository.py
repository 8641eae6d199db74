"""Account queries. `visible()` is the one statement for loading accounts a person may see."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from roost.models import Account, FollowRequest, Marker, User


def visible() -> Select:
    return select(Account).where(Account.suspended_at.is_(None), Account.deleted_at.is_(None))


async def get(session: AsyncSession, account_id: int | None, *, include_hidden: bool = False) -> Account | None:
    if account_id is None:
        return None
    acc = await session.get(Account, account_id)
    if acc is None or (not include_hidden and not acc.is_active):
        return None
    return acc


async def by_username(session: AsyncSession, username: str, *, include_hidden: bool = False) -> Account | None:
    stmt = select(Account).where(Account.username_lower == username.lower())
    acc = (await session.execute(stmt)).scalar_one_or_none()
    if acc is None or (not include_hidden and not acc.is_active):
        return None
    return acc


async def by_usernames(session: AsyncSession, usernames: Iterable[str]) -> dict[str, Account]:
    names = [u.lower() for u in usernames]
    if not names:
        return {}
    rows = (await session.execute(visible().where(Account.username_lower.in_(names)))).scalars()
    return {a.username_lower: a for a in rows}


async def by_ids(session: AsyncSession, ids: Iterable[int]) -> dict[int, Account]:
    ids = list(set(ids))
    if not ids:
        return {}
    rows = (await session.execute(select(Account).where(Account.id.in_(ids)))).scalars()
    return {a.id: a for a in rows}


async def profiles(session: AsyncSession, ids: Iterable[int]) -> dict[int, Account]:
    """Accounts as GET /api/v1/accounts answers them: not deleted and not waiting for approval
    (suspended ones are kept: their entity says so)."""
    ids = list(set(ids))
    if not ids:
        return {}
    rows = (await session.execute(select(Account).outerjoin(User, User.account_id == Account.id).where(
        Account.id.in_(ids), Account.deleted_at.is_(None),
        or_(User.id.is_(None), User.approved.is_(True))))).scalars()
    return {a.id: a for a in rows}


async def user_for(session: AsyncSession, account_id: int) -> User | None:
    return (await session.execute(select(User).where(User.account_id == account_id))).scalar_one_or_none()


async def user_by_email(session: AsyncSession, email: str) -> User | None:
    stmt = select(User).where(func.lower(User.email) == email.strip().lower())
    return (await session.execute(stmt)).scalar_one_or_none()


async def user_by_login(session: AsyncSession, login: str) -> User | None:
    """Find a user by email or username (the login form accepts either)."""
    if "@" in login.strip("@"):
        return await user_by_email(session, login)
    acc = await by_username(session, login.lstrip("@"), include_hidden=True)
    return await user_for(session, acc.id) if acc else None


DEFAULT_PREFERENCES = {
    "posting:default:visibility": "public",
    "posting:default:sensitive": False,
    "posting:default:language": None,
    "reading:expand:media": "default",
    "reading:expand:spoilers": False,
    "reading:autoplay:gifs": False,
}


def preferences_of(user: User | None) -> dict:
    """Mastodon's Preferences entity: the defaults overlaid with what the user chose."""
    return {**DEFAULT_PREFERENCES, **((user.preferences or {}) if user else {})}


async def by_acct(session: AsyncSession, acct: str, local_domain: str) -> Account | None:
    """`user`, `@user` or `user@this.domain` (suspended accounts included, deleted ones not)."""
    name, _, domain = acct.replace("\x00", "").strip().lstrip("@").partition("@")
    if domain and domain.lower() != local_domain.lower():
        return None
    acc = await by_username(session, name, include_hidden=True) if name else None
    return None if acc is None or acc.deleted_at is not None else acc


async def follow_requests_count(session: AsyncSession, account_id: int) -> int:
    stmt = select(func.count()).select_from(FollowRequest).where(
        FollowRequest.target_account_id == account_id)
    return int((await session.execute(stmt)).scalar_one())


async def markers(session: AsyncSession, account_id: int, timelines: Iterable[str]) -> list:
    names = list(set(timelines))
    if not names:
        return []
    stmt = (select(Marker).where(Marker.account_id == account_id, Marker.timeline.in_(names))
            .execution_options(populate_existing=True))
    return list((await session.execute(stmt)).scalars())
