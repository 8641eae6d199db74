"""Paging keys shared by repositories: Mastodon's max_id / since_id / min_id / limit."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import BigInteger, Integer, Select, bindparam


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


_templates: dict[tuple, tuple] = {}


def paged_template(stmt: Select, column, page: PageParams) -> tuple[Select, dict, bool]:  # noqa: ANN001
    """apply() for a statement built once (a template): the page's bounds and limit become bound
    parameters, so each shape is built (and its cache key computed) once. Returns (statement,
    parameters, flipped)."""
    shape = (page.max_id is not None, page.since_id is not None, page.min_id is not None)
    key = (id(stmt), id(column), shape)
    found = _templates.get(key)
    if found is None or found[0] is not stmt or found[1] is not column:
        paged = stmt
        if shape[0]:
            paged = paged.where(column < bindparam("page_max_id", type_=BigInteger))
        if shape[1]:
            paged = paged.where(column > bindparam("page_since_id", type_=BigInteger))
        if shape[2]:
            paged = paged.where(column > bindparam("page_min_id", type_=BigInteger))
        order = column.asc() if shape[2] else column.desc()
        paged = paged.order_by(order).limit(bindparam("page_limit", type_=Integer))
        if len(_templates) > 1000:  # only for templates; a caller building per call would grow it
            _templates.clear()
        found = _templates[key] = (stmt, column, paged)  # keeps stmt alive, so its id stays its own
    params = {"page_max_id": page.max_id, "page_since_id": page.since_id,
              "page_min_id": page.min_id, "page_limit": page.limit}
    return found[2], params, shape[2]


async def fetch_template(session, stmt: Select, column, page: PageParams,  # noqa: ANN001
                         params: dict) -> list:
    """fetch() for a template statement executed with `params`: rows newest-first."""
    paged, page_params, flipped = paged_template(stmt, column, page)
    rows = list((await session.execute(paged, {**params, **page_params})).all())
    return rows[::-1] if flipped else rows
