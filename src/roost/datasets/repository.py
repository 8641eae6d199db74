"""Queries over dataset builds."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from roost.models import DatasetBuild, DatasetBuildAccount


async def get(session: AsyncSession, build_id: int | None) -> DatasetBuild | None:
    return await session.get(DatasetBuild, build_id) if build_id is not None else None


async def next_version(session: AsyncSession, kind: str) -> int:
    return ((await session.scalar(select(func.max(DatasetBuild.version))
                                  .where(DatasetBuild.kind == kind))) or 0) + 1


async def latest_done(session: AsyncSession, kind: str, *, before: int | None = None
                      ) -> DatasetBuild | None:
    """The newest finished, not recalled, build of `kind` (older than version `before`)."""
    stmt = select(DatasetBuild).where(DatasetBuild.kind == kind, DatasetBuild.state == "done")
    if before is not None:
        stmt = stmt.where(DatasetBuild.version < before)
    return (await session.scalars(stmt.order_by(DatasetBuild.version.desc()).limit(1))).first()


async def newer_done(session: AsyncSession, build: DatasetBuild) -> DatasetBuild | None:
    return (await session.scalars(select(DatasetBuild).where(
        DatasetBuild.kind == build.kind, DatasetBuild.state == "done",
        DatasetBuild.version > build.version).order_by(DatasetBuild.version).limit(1))).first()


async def page(session: AsyncSession, *, kind: str | None = None, limit: int = 50
               ) -> list[DatasetBuild]:
    stmt = select(DatasetBuild).order_by(DatasetBuild.created_at.desc(), DatasetBuild.id.desc())
    if kind:
        stmt = stmt.where(DatasetBuild.kind == kind)
    return list((await session.scalars(stmt.limit(limit))).all())


async def including(session: AsyncSession, account_id: int, *, limit: int = 200
                    ) -> list[tuple[DatasetBuild, int]]:
    """The builds that included the account's data, newest first, with its rows in each."""
    rows = await session.execute(
        select(DatasetBuild, DatasetBuildAccount.rows)
        .join(DatasetBuildAccount, DatasetBuildAccount.build_id == DatasetBuild.id)
        .where(DatasetBuildAccount.account_id == account_id)
        .order_by(DatasetBuild.created_at.desc(), DatasetBuild.id.desc()).limit(limit))
    return [(b, n) for b, n in rows.all()]
