"""List queries: a person's lists, their members (paged), and the membership tests that home
and list timelines use."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import ColumnElement, and_, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from roost.kit.paging import PageParams, fetch
from roost.models import Account, Follow, List, ListAccount


def _active(account=Account) -> ColumnElement[bool]:  # noqa: ANN001
    return and_(account.suspended_at.is_(None), account.deleted_at.is_(None))


def in_exclusive_list(owner_id, author_id) -> ColumnElement[bool]:  # noqa: ANN001
    """`author_id` is a member of one of `owner_id`'s exclusive lists (their posts skip home)."""
    return exists(select(1).select_from(ListAccount)
                  .join(List, List.id == ListAccount.list_id)
                  .where(ListAccount.account_id == author_id, List.account_id == owner_id,
                         List.exclusive.is_(True)))


async def owned(session: AsyncSession, owner_id: int, list_id: int | None) -> List | None:
    if list_id is None:
        return None
    return (await session.execute(select(List).where(
        List.id == list_id, List.account_id == owner_id))).scalar_one_or_none()


async def lists_of(session: AsyncSession, owner_id: int) -> list[List]:
    stmt = select(List).where(List.account_id == owner_id).order_by(List.id)
    return list((await session.execute(stmt)).scalars())


async def count_of(session: AsyncSession, owner_id: int) -> int:
    return (await session.execute(select(func.count()).select_from(List)
                                  .where(List.account_id == owner_id))).scalar_one()


async def lists_holding(session: AsyncSession, owner_id: int, account_id: int) -> list[List]:
    """The owner's lists that `account_id` is a member of."""
    stmt = (select(List).join(ListAccount, ListAccount.list_id == List.id)
            .where(List.account_id == owner_id, ListAccount.account_id == account_id)
            .order_by(List.id))
    return list((await session.execute(stmt)).scalars())


async def holding_among(session: AsyncSession, account_id: int, list_ids: Iterable[int]) -> list[int]:
    """Which of `list_ids` have `account_id` as a member (the lists a live stream watches)."""
    ids = list(list_ids)
    if not ids:
        return []
    stmt = (select(ListAccount.list_id).where(ListAccount.list_id.in_(ids),
                                              ListAccount.account_id == account_id)
            .order_by(ListAccount.list_id))
    return list((await session.execute(stmt)).scalars())


async def members(session: AsyncSession, list_id: int,
                  page: PageParams | None) -> list[tuple[int, Account]]:
    """(paging key, Account) of the list's members, newest first; every one for page None."""
    stmt = (select(ListAccount.id, Account).join(Account, Account.id == ListAccount.account_id)
            .where(ListAccount.list_id == list_id, _active()))
    if page is None:
        rows = (await session.execute(stmt.order_by(ListAccount.id.desc()))).all()
    else:
        rows = await fetch(session, stmt, ListAccount.id, page)
    return [(k, a) for k, a in rows]


async def member_ids(session: AsyncSession, list_id: int) -> list[int]:
    stmt = select(ListAccount.account_id).where(ListAccount.list_id == list_id)
    return list((await session.execute(stmt)).scalars())


async def members_among(session: AsyncSession, list_id: int, ids: Iterable[int]) -> set[int]:
    ids = list(ids)
    if not ids:
        return set()
    stmt = select(ListAccount.account_id).where(ListAccount.list_id == list_id,
                                                ListAccount.account_id.in_(ids))
    return set((await session.execute(stmt)).scalars())


async def followed_among(session: AsyncSession, owner_id: int, ids: Iterable[int]) -> set[int]:
    """Which of `ids` the owner follows (active accounts only)."""
    ids = list(ids)
    if not ids:
        return set()
    stmt = (select(Follow.target_account_id).join(Account, Account.id == Follow.target_account_id)
            .where(Follow.account_id == owner_id, Follow.target_account_id.in_(ids), _active()))
    return set((await session.execute(stmt)).scalars())


async def existing_accounts(session: AsyncSession, ids: Iterable[int]) -> set[int]:
    ids = list(ids)
    if not ids:
        return set()
    stmt = select(Account.id).where(Account.id.in_(ids), _active())
    return set((await session.execute(stmt)).scalars())


async def exclusive_members(session: AsyncSession, owner_id: int, ids: Iterable[int]) -> set[int]:
    """Which of `ids` are in at least one of the owner's exclusive lists."""
    ids = list(ids)
    if not ids:
        return set()
    stmt = (select(ListAccount.account_id).join(List, List.id == ListAccount.list_id)
            .where(List.account_id == owner_id, List.exclusive.is_(True),
                   ListAccount.account_id.in_(ids)))
    return set((await session.execute(stmt)).scalars())


async def memberships(session: AsyncSession, owner_id: int, account_id: int) -> list[tuple[int, bool]]:
    """(list id, exclusive) of the owner's lists holding `account_id`."""
    stmt = (select(List.id, List.exclusive).join(ListAccount, ListAccount.list_id == List.id)
            .where(List.account_id == owner_id, ListAccount.account_id == account_id))
    return [(i, e) for i, e in (await session.execute(stmt)).all()]
