"""Note queries. `visible_notes` is the one place that decides which notes a viewer sees: live
notes by active authors the viewer has not blocked or muted (and who have not blocked the
viewer), on a post the caller has already loaded through posts.repository.readable_by."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, case, func, literal, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from roost.models import Account, Note, NoteRating
from roost.posts.repository import not_blocked, not_muted

LIST_LIMIT = 200  # notes listed for one post at most (the most-rated-helpful first)


@dataclass
class NoteRow:
    note: Note
    author: Account
    helpful: int  # ratings saying helpful
    total: int  # all ratings
    own_helpful: bool | None  # the viewer's rating, None when they have not rated it
    own_reason: str | None


def visible_condition(viewer_id: int | None) -> ColumnElement[bool]:
    return and_(Note.deleted_at.is_(None), Account.suspended_at.is_(None),
                Account.deleted_at.is_(None), not_blocked(viewer_id, Note.account_id),
                not_muted(viewer_id, Note.account_id))


async def visible_notes(session: AsyncSession, viewer_id: int | None, *, status_id: int,
                        note_id: int | None = None, limit: int = LIST_LIMIT) -> list[NoteRow]:
    """The notes on a post the viewer may see, with their rating counts and the viewer's own
    rating: one query however many notes. Ordered by helpful ratings, then oldest first (the
    caller orders by rating status)."""
    ratings = (select(NoteRating.note_id, func.count().label("total"),
                      func.sum(case((NoteRating.helpful.is_(True), 1), else_=0)).label("helpful"))
               .where(NoteRating.note_id.in_(select(Note.id).where(Note.status_id == status_id)))
               .group_by(NoteRating.note_id).subquery())
    helpful = func.coalesce(ratings.c.helpful, 0)
    columns = [Note, Account, helpful, func.coalesce(ratings.c.total, 0)]
    if viewer_id is not None:
        own = aliased(NoteRating)
        columns += [own.helpful, own.reason]
    else:
        columns += [literal(None), literal(None)]
    stmt = (select(*columns).join(Account, Account.id == Note.account_id)
            .outerjoin(ratings, ratings.c.note_id == Note.id)
            .where(Note.status_id == status_id, visible_condition(viewer_id))
            .order_by(helpful.desc(), Note.id).limit(limit))
    if viewer_id is not None:
        stmt = stmt.outerjoin(own, and_(own.note_id == Note.id, own.account_id == viewer_id))
    if note_id is not None:
        stmt = stmt.where(Note.id == note_id)
    rows = (await session.execute(stmt)).all()
    return [NoteRow(n, a, int(h), int(t), oh, orr) for n, a, h, t, oh, orr in rows]


async def visible_note(session: AsyncSession, note_id: int | None, viewer_id: int | None
                       ) -> Note | None:
    """A live note the viewer may see, whether or not they may read its post (the caller checks
    the post)."""
    if note_id is None:
        return None
    stmt = (select(Note).join(Account, Account.id == Note.account_id)
            .where(Note.id == note_id, visible_condition(viewer_id)))
    return (await session.execute(stmt)).scalar_one_or_none()


async def live_note_by(session: AsyncSession, status_id: int, account_id: int) -> Note | None:
    stmt = select(Note).where(Note.status_id == status_id, Note.account_id == account_id,
                              Note.deleted_at.is_(None))
    return (await session.execute(stmt)).scalar_one_or_none()


async def rating_of(session: AsyncSession, note_id: int, account_id: int) -> NoteRating | None:
    return await session.get(NoteRating, (note_id, account_id))
