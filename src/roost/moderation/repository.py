"""Report queries, for the reporter and for moderators."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from roost.kit.paging import PageParams, fetch
from roost.models import Report


async def get(session: AsyncSession, report_id: int | None) -> Report | None:
    return await session.get(Report, report_id) if report_id is not None else None


async def page(session: AsyncSession, page: PageParams, *, resolved: bool = False,
               account_id: int | None = None, target_account_id: int | None = None) -> list[Report]:
    """Open reports (or resolved ones), newest first, optionally by reporter or target."""
    stmt = select(Report).where(Report.action_taken_at.is_not(None) if resolved
                                else Report.action_taken_at.is_(None))
    if account_id is not None:
        stmt = stmt.where(Report.account_id == account_id)
    if target_account_id is not None:
        stmt = stmt.where(Report.target_account_id == target_account_id)
    return [row[0] for row in await fetch(session, stmt, Report.id, page)]
