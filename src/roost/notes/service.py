"""Note writes: add a note to a post, delete it, rate it, take a rating back, and remove notes
when their post or their author goes. Each checks first, then writes and records its event in
the caller's unit of work."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import and_, delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from roost import events
from roost.events.schemas import NoteCreated, NoteDeleted, NoteRated
from roost.kit.clock import utcnow
from roost.kit.errors import Conflict, Forbidden, Invalid, NotFound
from roost.kit.ids import parse_id
from roost.models import Account, Note, NoteRating, Status
from roost.notes import repository as repo
from roost.notes import rules
from roost.posts import repository as posts_repo

PUBLICLY_LISTED = ("public", "unlisted")


async def readable_post(session: AsyncSession, viewer: Account | None, status_id: str | int
                        ) -> Status:
    """The post the viewer may read (a repost stands for its original), else NotFound."""
    vid = viewer.id if viewer else None
    status = await posts_repo.get_readable(session, parse_id(status_id), vid)
    if status is not None and status.reblog_of_id is not None:
        status = await posts_repo.get_readable(session, status.reblog_of_id, vid)
    if status is None:
        raise NotFound()
    return status


async def visible_note(session: AsyncSession, viewer: Account, note_id: str | int
                       ) -> tuple[Note, Status]:
    """A live note the viewer may see, on a post they may read, else NotFound."""
    note = await repo.visible_note(session, parse_id(note_id), viewer.id)
    if note is None:
        raise NotFound()
    status = await posts_repo.get_readable(session, note.status_id, viewer.id)
    if status is None:
        raise NotFound()
    return note, status


def _record_deleted(session: AsyncSession, note_id: int, status_id: int, author_id: int,
                    visibility: str) -> None:
    # The note's author is the actor of record, also when a moderator or an erasure deleted it,
    # so the public tombstone never names a moderator (the firehose shows account.suspended as
    # the account concerned for the same reason), and a consumer following the author gets it.
    events.record(session, NoteDeleted(note_id=str(note_id), status_id=str(status_id),
                                       account_id=str(author_id)),
                  actor_id=author_id, subject_id=note_id, public=visibility in PUBLICLY_LISTED)


async def create_note(session: AsyncSession, actor: Account, status_id: str | int,
                      text: object) -> Note:
    status = await readable_post(session, actor, status_id)  # blocks either way: NotFound
    if status.account_id == actor.id:
        raise Forbidden("You cannot add a note to your own post")
    text = rules.check_text(text)
    if await repo.live_note_by(session, status.id, actor.id) is not None:
        raise Conflict("You already have a note on this post: delete it to write another")
    note = Note(status_id=status.id, account_id=actor.id, text=text, created_at=utcnow())
    session.add(note)
    try:
        await session.flush()
    except IntegrityError as exc:  # the same person, at the same moment, in another request
        raise Conflict("You already have a note on this post: delete it to write another") from exc
    events.record(session, NoteCreated(
        note_id=str(note.id), status_id=str(status.id), account_id=str(actor.id),
        text=text if status.visibility == "public" else ""),  # as post.created: public text only
        actor_id=actor.id, subject_id=note.id, public=status.visibility in PUBLICLY_LISTED)
    return note


async def delete_note(session: AsyncSession, actor: Account, note_id: str | int, *,
                      moderator: bool = False) -> Note:
    """Soft-delete: the row stays with `deleted_at` set and its text erased. The author, or a
    moderator, may delete a note."""
    note, status = await visible_note(session, actor, note_id)
    if note.account_id != actor.id and not moderator:
        raise Forbidden("Only the note's author or a moderator can delete it")
    note.deleted_at, note.text = utcnow(), ""
    await session.flush()
    _record_deleted(session, note.id, status.id, note.account_id, status.visibility)
    return note


async def rate_note(session: AsyncSession, actor: Account, note_id: str | int, helpful: object,
                    reason: object = None) -> Note:
    """Rate a note helpful or not (with an optional reason); rating again replaces the rating.
    A rating that changes nothing records nothing."""
    if not isinstance(helpful, bool):
        raise Invalid("Validation failed: helpful is required (true or false)",
                      details={"helpful": "blank"})
    note, status = await visible_note(session, actor, note_id)
    if note.account_id == actor.id:
        raise Forbidden("You cannot rate your own note")
    reason = rules.check_reason(helpful, reason)
    rating = await repo.rating_of(session, note.id, actor.id)
    now = utcnow()
    if rating is None:
        session.add(NoteRating(note_id=note.id, account_id=actor.id, helpful=helpful,
                               reason=reason, created_at=now, updated_at=now))
    elif (rating.helpful, rating.reason) == (helpful, reason):
        return note
    else:
        rating.helpful, rating.reason, rating.updated_at = helpful, reason, now
    try:
        await session.flush()
    except IntegrityError as exc:  # a second rating by the same person at the same moment
        raise Conflict("This note was rated at the same moment: try again") from exc
    _record_rated(session, note, actor, helpful, reason, removed=False)
    return note


async def unrate_note(session: AsyncSession, actor: Account, note_id: str | int) -> Note:
    note, _ = await visible_note(session, actor, note_id)
    rating = await repo.rating_of(session, note.id, actor.id)
    if rating is not None:
        helpful, reason = rating.helpful, rating.reason
        await session.delete(rating)
        await session.flush()
        _record_rated(session, note, actor, helpful, reason, removed=True)
    return note


def _record_rated(session: AsyncSession, note: Note, actor: Account, helpful: bool,
                  reason: str | None, *, removed: bool) -> None:
    # Not public: the app shows how many rated a note, never who rated it how.
    events.record(session, NoteRated(note_id=str(note.id), status_id=str(note.status_id),
                                     account_id=str(actor.id), helpful=helpful, reason=reason,
                                     removed=removed),
                  actor_id=actor.id, subject_id=note.id, public=False)


# ---- when posts and accounts go ---------------------------------------------------------------

async def _remove(session: AsyncSession, condition) -> int:  # noqa: ANN001 - a where clause
    rows = list((await session.execute(
        select(Note.id, Note.status_id, Note.account_id, Status.visibility)
        .join(Status, Status.id == Note.status_id)
        .where(condition, Note.deleted_at.is_(None)).order_by(Note.id))).all())
    if not rows:
        return 0
    await session.execute(update(Note).where(Note.id.in_([r.id for r in rows]))
                          .values(deleted_at=utcnow(), text=""))
    for r in rows:
        _record_deleted(session, r.id, r.status_id, r.account_id, r.visibility)
    return len(rows)


async def remove_for_statuses(session: AsyncSession, status_ids: Sequence[int]) -> int:
    """Delete the live notes on these posts, if the posts are deleted; each sends its
    note.deleted tombstone."""
    if not status_ids:
        return 0
    return await _remove(session, and_(Note.status_id.in_(list(status_ids)),
                                       Status.deleted_at.is_not(None)))


async def remove_by_account(session: AsyncSession, account_id: int) -> int:
    """A deleted account's notes (with their tombstones) and its ratings."""
    count = await _remove(session, Note.account_id == account_id)
    await session.execute(delete(NoteRating).where(NoteRating.account_id == account_id))
    return count
