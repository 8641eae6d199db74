from __future__ import annotations

from sqlalchemy import delete, update
from sqlalchemy.ext.asyncio import AsyncSession

from roost.jobs import job
from roost.models import Bookmark, Favourite, Mention, Poll, Status, StatusTag
from roost.notes import service as notes


@job("posts.erase")
async def erase(session: AsyncSession, *, status_id: int) -> None:
    """Erase a deleted post's content, keeping the row as a tombstone, and delete its notes.
    Media stay attached so a delete-and-redraft can reuse them."""
    await session.execute(
        update(Status).where(Status.id == status_id, Status.deleted_at.is_not(None))
        .values(text="", content_html="", spoiler_text="")
    )
    for model in (Mention, StatusTag, Favourite, Bookmark, Poll):  # a poll takes its votes along
        await session.execute(delete(model).where(model.status_id == status_id))
    await session.execute(delete(Status).where(Status.reblog_of_id == status_id))
    await notes.remove_for_statuses(session, [status_id])  # each with its note.deleted tombstone
