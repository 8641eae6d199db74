"""Paging keys shared by repositories: Mastodon's max_id / since_id / min_id / limit."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select


@dataclass
class PageParams:
    max_id: int | None = None
    since_id: int | None = None
    min_id: int | None = None
    limit: int = 20


def apply(stmt: Select, column, page: PageParams) -> tuple[Select, bool]:  # noqa: ANN001
    """Page a statement on a descending id column. Returns (statement, flipped): flipped means the
    rows come oldest-first (min_id paging) and the caller must reverse them."""
    if page.max_id is not None:
        stmt = stmt.where(column < page.max_id)
    if page.since_id is not None:
        stmt = stmt.where(column > page.since_id)
    if page.min_id is not None:
        stmt = stmt.where(column > page.min_id)
        return stmt.order_by(column.asc()).limit(page.limit), True
    return stmt.order_by(column.desc()).limit(page.limit), False


async def fetch(session, stmt: Select, column, page: PageParams) -> list:  # noqa: ANN001
    """Run a paged statement and return rows newest-first."""
    stmt, flipped = apply(stmt, column, page)
    rows = list((await session.execute(stmt)).all())
    return rows[::-1] if flipped else rows
