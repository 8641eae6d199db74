"""Queries for filters. A person's filters with all their keywords and statuses come back from
one statement (the keyword and status rows are a UNION ALL joined to the filters)."""

from __future__ import annotations

from datetime import datetime

from functools import cache

from sqlalchemy import (BigInteger, Boolean, Text, bindparam, cast, literal, null, or_, select,
                        union_all)
from sqlalchemy.ext.asyncio import AsyncSession

from roost.filters.matching import FilteredStatus, FilterRules, Keyword
from roost.kit.types import UTCDateTime
from roost.models import CustomFilter, CustomFilterKeyword, CustomFilterStatus


def _rules_stmt(account_id: int):  # noqa: ANN202
    kw = select(
        CustomFilterKeyword.filter_id.label("filter_id"), literal("k").label("kind"),
        CustomFilterKeyword.id.label("rule_id"), CustomFilterKeyword.keyword.label("keyword"),
        CustomFilterKeyword.whole_word.label("whole_word"),
        cast(null(), BigInteger).label("status_id"))
    st = select(
        CustomFilterStatus.filter_id, literal("s"), CustomFilterStatus.id, cast(null(), Text),
        cast(null(), Boolean), CustomFilterStatus.status_id)
    rules = union_all(kw, st).subquery()
    return (select(CustomFilter, rules.c.kind, rules.c.rule_id, rules.c.keyword,
                   rules.c.whole_word, rules.c.status_id)
            .outerjoin(rules, rules.c.filter_id == CustomFilter.id)
            .where(CustomFilter.account_id == account_id)
            .order_by(CustomFilter.id, rules.c.rule_id))


@cache
def _active_stmt():  # noqa: ANN202
    """The statement every rendering request runs, built once (building it cost more CPU than
    running it); filled with {"filters_account_id", "filters_now"}."""
    now = bindparam("filters_now", type_=UTCDateTime)
    return (_rules_stmt(bindparam("filters_account_id", type_=BigInteger))
            .where(or_(CustomFilter.expires_at.is_(None), CustomFilter.expires_at > now)))


async def filters_with_rules(session: AsyncSession, account_id: int, *,
                             active_at: datetime | None = None,
                             filter_id: int | None = None) -> list[tuple[CustomFilter, FilterRules]]:
    """The account's filters, oldest first, each with its keywords and statuses (one query).
    With `active_at`, only those not expired by then; with `filter_id`, only that one."""
    params = {}
    if active_at is not None and filter_id is None:
        stmt = _active_stmt()
        params = {"filters_account_id": account_id, "filters_now": active_at}
    else:
        stmt = _rules_stmt(account_id)
        if active_at is not None:
            stmt = stmt.where(or_(CustomFilter.expires_at.is_(None),
                                  CustomFilter.expires_at > active_at))
        if filter_id is not None:
            stmt = stmt.where(CustomFilter.id == filter_id)
    out: dict[int, tuple[CustomFilter, FilterRules]] = {}
    rows = (await session.execute(stmt, params)).all()
    for row, kind, rule_id, keyword, whole_word, status_id in rows:
        if row.id not in out:
            out[row.id] = (row, FilterRules(row.id, row.title, list(row.context or []), row.action,
                                            row.expires_at))
        rules = out[row.id][1]
        if kind == "k":
            rules.keywords.append(Keyword(rule_id, keyword, bool(whole_word)))
        elif kind == "s":
            rules.statuses.append(FilteredStatus(rule_id, status_id))
    return list(out.values())


async def own_filter(session: AsyncSession, account_id: int, filter_id: int | None, *,
                     for_update: bool = False) -> CustomFilter | None:
    if filter_id is None:
        return None
    stmt = select(CustomFilter).where(CustomFilter.id == filter_id,
                                      CustomFilter.account_id == account_id)
    if for_update:
        stmt = stmt.with_for_update()
    return (await session.execute(stmt)).scalar_one_or_none()


async def own_keyword(session: AsyncSession, account_id: int,
                      keyword_id: int | None) -> tuple[CustomFilterKeyword, CustomFilter] | None:
    if keyword_id is None:
        return None
    row = (await session.execute(
        select(CustomFilterKeyword, CustomFilter)
        .join(CustomFilter, CustomFilter.id == CustomFilterKeyword.filter_id)
        .where(CustomFilterKeyword.id == keyword_id, CustomFilter.account_id == account_id)
    )).first()
    return (row[0], row[1]) if row else None


async def own_keywords(session: AsyncSession, account_id: int) -> list[tuple[CustomFilterKeyword, CustomFilter]]:
    """Every keyword of the account's filters with its filter (the v1 list), oldest first."""
    rows = (await session.execute(
        select(CustomFilterKeyword, CustomFilter)
        .join(CustomFilter, CustomFilter.id == CustomFilterKeyword.filter_id)
        .where(CustomFilter.account_id == account_id)
        .order_by(CustomFilterKeyword.id)
    )).all()
    return [(k, f) for k, f in rows]


async def own_status(session: AsyncSession, account_id: int,
                     filter_status_id: int | None) -> tuple[CustomFilterStatus, CustomFilter] | None:
    if filter_status_id is None:
        return None
    row = (await session.execute(
        select(CustomFilterStatus, CustomFilter)
        .join(CustomFilter, CustomFilter.id == CustomFilterStatus.filter_id)
        .where(CustomFilterStatus.id == filter_status_id, CustomFilter.account_id == account_id)
    )).first()
    return (row[0], row[1]) if row else None


async def keywords_of(session: AsyncSession, filter_id: int) -> list[CustomFilterKeyword]:
    return list((await session.execute(
        select(CustomFilterKeyword).where(CustomFilterKeyword.filter_id == filter_id)
        .order_by(CustomFilterKeyword.id)
    )).scalars())


async def statuses_of(session: AsyncSession, filter_id: int) -> list[CustomFilterStatus]:
    return list((await session.execute(
        select(CustomFilterStatus).where(CustomFilterStatus.filter_id == filter_id)
        .order_by(CustomFilterStatus.id)
    )).scalars())


async def has_status(session: AsyncSession, filter_id: int, status_id: int) -> bool:
    return (await session.execute(
        select(CustomFilterStatus.id).where(CustomFilterStatus.filter_id == filter_id,
                                            CustomFilterStatus.status_id == status_id)
    )).first() is not None
