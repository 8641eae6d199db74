"""Reading notes: a post's notes as the viewer may see them, in the order a post shows them
(helpful first), each with its rating status."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from roost import runtime
from roost.models import Account, Note, Status
from roost.notes import repository as repo
from roost.notes import rules
from roost.notes.repository import NoteRow
from roost.notes.service import readable_post


@dataclass
class NoteView:
    row: NoteRow
    rating_status: str


def _view(row: NoteRow) -> NoteView:
    return NoteView(row, rules.rating_status(row.helpful, row.total,
                                             runtime.settings().notes_min_ratings))


def _order(views: list[NoteView]) -> list[NoteView]:
    rank = {s: i for i, s in enumerate(rules.RATING_STATUSES)}
    return sorted(views, key=lambda v: rank[v.rating_status])  # stable: most helpful first


async def for_post(session: AsyncSession, viewer: Account | None, status_id: str | int
                   ) -> tuple[Status, list[NoteView]]:
    status = await readable_post(session, viewer, status_id)
    rows = await repo.visible_notes(session, viewer.id if viewer else None, status_id=status.id)
    return status, _order([_view(r) for r in rows])


async def for_status(session: AsyncSession, viewer: Account | None, status: Status
                     ) -> list[NoteView]:
    """The notes of a post already loaded through readable_by (the web thread page)."""
    rows = await repo.visible_notes(session, viewer.id if viewer else None, status_id=status.id)
    return _order([_view(r) for r in rows])


async def one(session: AsyncSession, viewer: Account, note: Note) -> NoteView:
    [row] = await repo.visible_notes(session, viewer.id, status_id=note.status_id, note_id=note.id)
    return _view(row)
