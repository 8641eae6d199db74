"""Suggestion and directory queries. Both show only active, discoverable accounts and leave out
anyone the viewer blocks, is blocked by or mutes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import ColumnElement, and_, exists, func, nulls_last, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from roost.kit.clock import utcnow
from roost.models import Account, Follow, FollowRequest, Mute, SuggestionDismissal, User
from roost.posts.repository import not_blocked

ACTIVE_DAYS = 30  # "popular" needs a post in this many days


@dataclass
class Suggestion:
    account: Account
    sources: list[str]


def listed() -> ColumnElement[bool]:
    """Accounts that may be shown to strangers: active, discoverable, a signed-up local user."""
    return and_(Account.suspended_at.is_(None), Account.deleted_at.is_(None),
                Account.discoverable.is_(True),
                exists(select(1).where(User.account_id == Account.id, User.approved.is_(True),
                                       User.disabled.is_(False))))


def not_excluded(viewer_id: int | None) -> ColumnElement[bool]:
    if viewer_id is None:
        return true()
    now = utcnow()
    return and_(
        not_blocked(viewer_id, Account.id),
        ~exists(select(1).where(Mute.account_id == viewer_id, Mute.target_account_id == Account.id,
                                or_(Mute.expires_at.is_(None), Mute.expires_at > now))),
    )


def _candidate(viewer_id: int) -> ColumnElement[bool]:
    return and_(
        Account.id != viewer_id, listed(), not_excluded(viewer_id),
        ~exists(select(1).where(Follow.account_id == viewer_id, Follow.target_account_id == Account.id)),
        ~exists(select(1).where(FollowRequest.account_id == viewer_id,
                                FollowRequest.target_account_id == Account.id)),
        ~exists(select(1).where(SuggestionDismissal.account_id == viewer_id,
                                SuggestionDismissal.target_account_id == Account.id)),
    )


async def suggestions(session: AsyncSession, viewer_id: int, *, limit: int) -> list[Suggestion]:
    """People followed by the people you follow (most shared first), then the most followed
    people who posted in the last 30 days."""
    mine, theirs = aliased(Follow), aliased(Follow)
    shared = func.count(theirs.id)
    fof = list((await session.execute(
        select(Account, shared)
        .join(theirs, theirs.target_account_id == Account.id)
        .join(mine, and_(mine.target_account_id == theirs.account_id, mine.account_id == viewer_id))
        .where(_candidate(viewer_id))
        .group_by(Account.id).order_by(shared.desc(), Account.followers_count.desc(), Account.id)
        .limit(limit)
    )).all())
    out = [Suggestion(account, ["friends_of_friends"]) for account, _ in fof]
    if len(out) < limit:
        taken = [s.account.id for s in out]
        popular = (await session.execute(
            select(Account).where(_candidate(viewer_id), Account.id.not_in(taken),
                                  Account.last_status_at >= utcnow() - timedelta(days=ACTIVE_DAYS))
            .order_by(Account.followers_count.desc(), Account.last_status_at.desc(), Account.id)
            .limit(limit - len(out))
        )).scalars()
        out += [Suggestion(account, ["most_followed"]) for account in popular]
    return out


async def directory(session: AsyncSession, viewer_id: int | None, *, order: str, offset: int,
                    limit: int) -> list[Account]:
    """Discoverable accounts, most recently posting first (`active`) or newest (`new`)."""
    ordering = ((Account.created_at.desc(), Account.id.desc()) if order == "new"
                else (nulls_last(Account.last_status_at.desc()), Account.id.desc()))
    return list((await session.execute(
        select(Account).where(listed(), not_excluded(viewer_id))
        .order_by(*ordering).offset(offset).limit(limit)
    )).scalars())
