from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from roost.db import insert as db_insert
from roost.kit.clock import utcnow
from roost.kit.ids import new_id
from roost.models import Tag


async def get_or_create_tags(session: AsyncSession, names: list[str]) -> list[Tag]:
    """Race-safe: concurrent posts with a new tag both end up with the same row."""
    if not names:
        return []
    wanted = {n.lower()[:100]: n[:100] for n in names}
    rows = [{"id": new_id(), "name": k, "display_name": v, "created_at": utcnow()}
            for k, v in wanted.items()]
    await session.execute(db_insert(session, Tag).values(rows).on_conflict_do_nothing(index_elements=["name"]))
    found = (await session.execute(select(Tag).where(Tag.name.in_(list(wanted))))).scalars()
    by_name = {t.name: t for t in found}
    return [by_name[k] for k in wanted if k in by_name]
