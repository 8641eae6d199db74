"""Social-graph queries: relationships in a fixed number of queries, paged lists, predicates.

Expired mutes count as absent everywhere (`active_mute`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, func, literal, or_, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from roost.kit.clock import utcnow
from roost.kit.errors import NotFound
from roost.kit.paging import PageParams, fetch
from roost.models import (Account, AccountDomainBlock, AccountNote, AccountPin, Block, Follow,
                          FollowRequest, Mute)
from roost.posts.repository import not_blocked


@dataclass
class Relationship:
    """How the viewer stands towards one account (Mastodon's Relationship, in rows' terms)."""

    id: int
    following: bool = False
    showing_reblogs: bool = False
    notifying: bool = False
    languages: list[str] | None = None
    followed_by: bool = False
    blocking: bool = False
    blocked_by: bool = False
    muting: bool = False
    muting_notifications: bool = False
    muting_expires_at: datetime | None = None
    requested: bool = False
    requested_by: bool = False
    endorsed: bool = False
    note: str = ""


def active_mute(now: datetime | None = None) -> ColumnElement[bool]:
    return or_(Mute.expires_at.is_(None), Mute.expires_at > (now or utcnow()))


def _active_account() -> ColumnElement[bool]:
    return and_(Account.suspended_at.is_(None), Account.deleted_at.is_(None))


def _pairs(model, viewer_id: int, ids: list[int]) -> ColumnElement[bool]:  # noqa: ANN001
    """Rows of `model` from the viewer to any of `ids`, or from any of them to the viewer."""
    return or_(
        and_(model.account_id == viewer_id, model.target_account_id.in_(ids)),
        and_(model.account_id.in_(ids), model.target_account_id == viewer_id),
    )


async def relationships(session: AsyncSession, viewer_id: int,
                        target_ids: Iterable[int]) -> dict[int, Relationship]:
    """Relationship of the viewer to each target, in four queries whatever the number of targets."""
    ids = list(dict.fromkeys(target_ids))
    out = {i: Relationship(id=i) for i in ids}
    if not ids:
        return out
    for row in (await session.execute(
        select(Follow.account_id, Follow.target_account_id, Follow.show_reblogs, Follow.notify,
               Follow.languages).where(_pairs(Follow, viewer_id, ids))
    )).all():
        if row.account_id == viewer_id and row.target_account_id in out:
            rel = out[row.target_account_id]
            rel.following, rel.showing_reblogs, rel.notifying = True, row.show_reblogs, row.notify
            rel.languages = row.languages
        if row.target_account_id == viewer_id and row.account_id in out:
            out[row.account_id].followed_by = True
    for row in (await session.execute(
        select(FollowRequest.account_id, FollowRequest.target_account_id, FollowRequest.show_reblogs,
               FollowRequest.notify, FollowRequest.languages)
        .where(_pairs(FollowRequest, viewer_id, ids))
    )).all():
        if row.account_id == viewer_id and row.target_account_id in out:
            rel = out[row.target_account_id]
            rel.requested = True
            if not rel.following:  # Mastodon shows the options asked for while pending
                rel.showing_reblogs, rel.notifying = row.show_reblogs, row.notify
                rel.languages = row.languages
        if row.target_account_id == viewer_id and row.account_id in out:
            out[row.account_id].requested_by = True
    for a, t in (await session.execute(
        select(Block.account_id, Block.target_account_id).where(_pairs(Block, viewer_id, ids))
    )).all():
        if a == viewer_id and t in out:
            out[t].blocking = True
        if t == viewer_id and a in out:
            out[a].blocked_by = True
    for t, hide, expires in (await session.execute(
        select(Mute.target_account_id, Mute.hide_notifications, Mute.expires_at)
        .where(Mute.account_id == viewer_id, Mute.target_account_id.in_(ids), active_mute())
    )).all():
        rel = out[t]
        rel.muting, rel.muting_notifications, rel.muting_expires_at = True, hide, expires
    for t, comment, pinned in (await session.execute(_own_extras(viewer_id, ids))).all():
        out[t].note, out[t].endorsed = comment or "", bool(pinned)
    return out


def _own_extras(viewer_id: int, ids: list[int]):  # noqa: ANN202
    """(target, note, endorsed) for each target with a note or an endorsement: one query."""
    notes = select(AccountNote.target_account_id.label("t"), AccountNote.comment.label("c"),
                   literal(None).label("p")).where(AccountNote.account_id == viewer_id,
                                                   AccountNote.target_account_id.in_(ids))
    pins = select(AccountPin.target_account_id.label("t"), literal(None).label("c"),
                  literal(1).label("p")).where(AccountPin.account_id == viewer_id,
                                               AccountPin.target_account_id.in_(ids))
    both = union_all(notes, pins).subquery()
    return select(both.c.t, func.max(both.c.c), func.max(both.c.p)).group_by(both.c.t)


# ---- predicates ---------------------------------------------------------------------------------

async def _exists(session: AsyncSession, stmt) -> bool:  # noqa: ANN001
    return (await session.execute(select(stmt.exists()))).scalar_one()


async def is_following(session: AsyncSession, account_id: int, target_id: int) -> bool:
    return await _exists(session, select(Follow.id).where(
        Follow.account_id == account_id, Follow.target_account_id == target_id))


async def has_requested(session: AsyncSession, account_id: int, target_id: int) -> bool:
    return await _exists(session, select(FollowRequest.id).where(
        FollowRequest.account_id == account_id, FollowRequest.target_account_id == target_id))


async def is_blocking(session: AsyncSession, account_id: int, target_id: int) -> bool:
    return await _exists(session, select(Block.id).where(
        Block.account_id == account_id, Block.target_account_id == target_id))


async def blocked_either_way(session: AsyncSession, a: int, b: int) -> bool:
    return await _exists(session, select(Block.id).where(or_(
        and_(Block.account_id == a, Block.target_account_id == b),
        and_(Block.account_id == b, Block.target_account_id == a),
    )))


async def is_muting(session: AsyncSession, account_id: int, target_id: int) -> bool:
    return await _exists(session, select(Mute.id).where(
        Mute.account_id == account_id, Mute.target_account_id == target_id, active_mute()))


async def get_follow(session: AsyncSession, account_id: int, target_id: int) -> Follow | None:
    return (await session.execute(select(Follow).where(
        Follow.account_id == account_id, Follow.target_account_id == target_id))).scalar_one_or_none()


async def get_follow_request(session: AsyncSession, account_id: int,
                             target_id: int) -> FollowRequest | None:
    return (await session.execute(select(FollowRequest).where(
        FollowRequest.account_id == account_id, FollowRequest.target_account_id == target_id)
    )).scalar_one_or_none()


async def get_mute(session: AsyncSession, account_id: int, target_id: int) -> Mute | None:
    return (await session.execute(select(Mute).where(
        Mute.account_id == account_id, Mute.target_account_id == target_id))).scalar_one_or_none()


# ---- paged lists: (paging key, Account), newest first -------------------------------------------

async def followers(session: AsyncSession, account_id: int, viewer_id: int | None,
                    page: PageParams) -> list[tuple[int, Account]]:
    stmt = (select(Follow.id, Account).join(Account, Account.id == Follow.account_id)
            .where(Follow.target_account_id == account_id, _active_account(),
                   not_blocked(viewer_id, Account.id)))
    return [(k, a) for k, a in await fetch(session, stmt, Follow.id, page)]


async def following(session: AsyncSession, account_id: int, viewer_id: int | None,
                    page: PageParams) -> list[tuple[int, Account]]:
    stmt = (select(Follow.id, Account).join(Account, Account.id == Follow.target_account_id)
            .where(Follow.account_id == account_id, _active_account(),
                   not_blocked(viewer_id, Account.id)))
    return [(k, a) for k, a in await fetch(session, stmt, Follow.id, page)]


async def blocked_accounts(session: AsyncSession, account_id: int,
                           page: PageParams) -> list[tuple[int, Account]]:
    stmt = (select(Block.id, Account).join(Account, Account.id == Block.target_account_id)
            .where(Block.account_id == account_id, _active_account()))
    return [(k, a) for k, a in await fetch(session, stmt, Block.id, page)]


async def muted_accounts(session: AsyncSession, account_id: int,
                         page: PageParams) -> list[tuple[int, Account, Mute]]:
    stmt = (select(Mute.id, Account, Mute).join(Account, Account.id == Mute.target_account_id)
            .where(Mute.account_id == account_id, active_mute(), _active_account()))
    return [(k, a, m) for k, a, m in await fetch(session, stmt, Mute.id, page)]


async def follow_requesters(session: AsyncSession, account_id: int,
                            page: PageParams) -> list[tuple[int, Account]]:
    """Who asks to follow `account_id` (pending requests)."""
    stmt = (select(FollowRequest.id, Account).join(Account, Account.id == FollowRequest.account_id)
            .where(FollowRequest.target_account_id == account_id, _active_account()))
    return [(k, a) for k, a in await fetch(session, stmt, FollowRequest.id, page)]


async def network_of(session: AsyncSession, account_id: int | None, viewer_id: int | None,
                     page: PageParams, *, direction: str) -> list[tuple[int, Account]]:
    """Someone's followers or following as the viewer may see them: 404 for a missing or hidden
    account, an empty list when that account blocks the viewer (as Mastodon does)."""
    account = await session.get(Account, account_id) if account_id is not None else None
    if account is None or not account.is_active:
        raise NotFound()
    if viewer_id is not None and await is_blocking(session, account.id, viewer_id):
        return []
    lister = followers if direction == "followers" else following
    return await lister(session, account.id, viewer_id, page)


async def existing_accounts(session: AsyncSession, ids: list[int], *,
                            with_suspended: bool = False) -> set[int]:
    """Which of `ids` name accounts one may ask a relationship about."""
    if not ids:
        return set()
    cond = Account.deleted_at.is_(None) if with_suspended else _active_account()
    return set((await session.execute(select(Account.id).where(Account.id.in_(ids), cond))).scalars())


# ---- endorsements, domain blocks, familiar followers -------------------------------------------

async def endorsement_count(session: AsyncSession, account_id: int) -> int:
    return (await session.execute(select(func.count()).select_from(AccountPin).where(
        AccountPin.account_id == account_id))).scalar_one()


async def endorsed_accounts(session: AsyncSession, account_id: int, viewer_id: int | None,
                            page: PageParams) -> list[tuple[int, Account]]:
    """Accounts `account_id` features, newest endorsement first, keyed by the endorsement id;
    suspended and deleted accounts and those blocking or blocked by the viewer left out."""
    stmt = (select(AccountPin.id, Account).join(Account, Account.id == AccountPin.target_account_id)
            .where(AccountPin.account_id == account_id, _active_account()))
    if viewer_id is not None:
        stmt = stmt.where(not_blocked(viewer_id, Account.id))
    return [(k, a) for k, a in await fetch(session, stmt, AccountPin.id, page)]


async def blocked_domains_page(session: AsyncSession, account_id: int,
                               page: PageParams) -> list[tuple[int, str]]:
    stmt = select(AccountDomainBlock.id, AccountDomainBlock.domain).where(
        AccountDomainBlock.account_id == account_id)
    return [(k, d) for k, d in await fetch(session, stmt, AccountDomainBlock.id, page)]


async def familiar_followers(session: AsyncSession, viewer_id: int,
                             ids: list[int]) -> dict[int, list[Account]]:
    """For each target, the accounts the viewer follows that follow it (active, not blocked
    either way with the viewer), in one query."""
    mine = select(Follow.target_account_id).where(Follow.account_id == viewer_id)
    stmt = (select(Follow.target_account_id, Account)
            .join(Account, Account.id == Follow.account_id)
            .where(Follow.target_account_id.in_(ids), Follow.account_id.in_(mine),
                   Follow.account_id != viewer_id, _active_account(),
                   not_blocked(viewer_id, Account.id))
            .order_by(Follow.target_account_id, Follow.id.desc()))
    out: dict[int, list[Account]] = {i: [] for i in ids}
    for target, acc in (await session.execute(stmt)).all():
        out[target].append(acc)
    return out


async def followed_among(session: AsyncSession, account_id: int, target_ids: Iterable[int]) -> set[int]:
    """Which of `target_ids` `account_id` follows, in one query."""
    ids = list(set(target_ids))
    if not ids:
        return set()
    return set((await session.execute(select(Follow.target_account_id).where(
        Follow.account_id == account_id, Follow.target_account_id.in_(ids)))).scalars())
