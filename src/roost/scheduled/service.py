"""Scheduling posts, as Mastodon 4.3 does: `scheduled_at` at least 5 minutes ahead (a time already
past publishes at once), at most 300 scheduled per person and 25 on one UTC day. The post is
checked in full when scheduled; at its time the `scheduled.publish` job hands the kept parameters
to `posts.service.create_post`, so fan-out, notifications and events happen as for any post."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from roost import events, jobs
from roost.events import schemas as ev
from roost.kit.clock import utcnow
from roost.kit.errors import Invalid, NotFound, RoostError
from roost.kit.ids import parse_id
from roost.models import Account, IdempotencyKey, MediaAttachment, ScheduledStatus, Status
from roost.polls.service import from_params as poll_from_params
from roost.posts import service as posts
from roost.scheduled import repository as repo

log = logging.getLogger("roost.scheduled")

MIN_OFFSET = timedelta(minutes=5)
MAX_TOTAL = 300
MAX_DAILY = 25


def parse_time(raw: object) -> datetime:
    """An ISO 8601 time (a time without a zone is UTC)."""
    try:
        when = datetime.fromisoformat(str(raw).strip())
        return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)
    except (ValueError, OverflowError) as exc:  # OverflowError: a zone pushing it past year 9999
        raise Invalid("Validation failed: Scheduled at is not a valid time") from exc


async def _check_time(session: AsyncSession, account_id: int, when: datetime,
                      exclude_id: int | None = None) -> None:
    if when <= utcnow() + MIN_OFFSET:
        raise Invalid("Validation failed: Scheduled at must be at least 5 minutes in the future")
    if exclude_id is None and await repo.count(session, account_id) >= MAX_TOTAL:
        raise Invalid(f"Validation failed: You have exceeded the limit of {MAX_TOTAL} scheduled posts")
    if await repo.count(session, account_id, day_of=when, exclude_id=exclude_id) >= MAX_DAILY:
        raise Invalid(f"Validation failed: You have exceeded the limit of {MAX_DAILY} scheduled "
                      f"posts for that day")


def _params(new: posts.NewPost, checked: posts.CheckedPost) -> dict:
    """Mastodon's ScheduledStatus `params`, which is also what publishing reads back."""
    return {
        "text": checked.text,
        "spoiler_text": checked.spoiler or None,
        "visibility": checked.visibility,
        "sensitive": bool(new.sensitive),
        "language": checked.language,
        "in_reply_to_id": checked.parent.id if checked.parent else None,
        "media_ids": [str(m.id) for m in checked.media] or None,
        "poll": checked.poll.as_params() if checked.poll else None,
        "application_id": new.application_id or 0,
        "idempotency": None,
        "scheduled_at": None,
        "with_rate_limit": False,
    }


def _new_post(params: dict) -> posts.NewPost:
    return posts.NewPost(
        text=params.get("text") or "", spoiler_text=params.get("spoiler_text") or "",
        visibility=params.get("visibility"), sensitive=bool(params.get("sensitive")),
        language=params.get("language"), in_reply_to_id=params.get("in_reply_to_id"),
        media_ids=list(params.get("media_ids") or []),
        application_id=params.get("application_id") or None,
        poll=poll_from_params(params.get("poll")))


async def schedule_post(session: AsyncSession, author: Account, new: posts.NewPost,
                        raw_time: object) -> ScheduledStatus | Status:
    """Keep `new` for later; a time already past publishes it now, as Mastodon does."""
    when = parse_time(raw_time)
    if when <= utcnow():
        return await posts.create_post(session, author, new)
    key = new.idempotency_key[:200] if new.idempotency_key else None
    earlier = await session.get(IdempotencyKey, (author.id, key)) if key else None
    if earlier is not None:
        found = (await repo.own(session, author.id, earlier.status_id)
                 or await session.get(Status, earlier.status_id))  # scheduled, or published since
        if found is not None:
            return found
    await _check_time(session, author.id, when)
    checked = await posts.check_post(session, author, new)
    row = ScheduledStatus(account_id=author.id, scheduled_at=when, params=_params(new, checked))
    session.add(row)
    await session.flush()
    for m in checked.media:
        m.scheduled_status_id = row.id
    if earlier is not None:
        earlier.status_id = row.id
    elif key:
        session.add(IdempotencyKey(account_id=author.id, key=key, status_id=row.id))
    await session.flush()
    events.record(session, ev.PostScheduled(scheduled_status_id=str(row.id), account_id=str(author.id),
                                            scheduled_at=when.isoformat()),
                  actor_id=author.id, subject_id=row.id)
    jobs.enqueue(session, "scheduled.publish", run_at=when, scheduled_status_id=row.id)
    return row


async def reschedule(session: AsyncSession, actor: Account, scheduled_id: str | int,
                     raw_time: object) -> ScheduledStatus:
    row = await repo.own(session, actor.id, parse_id(scheduled_id))
    if row is None:
        raise NotFound()
    if raw_time in (None, ""):
        return row
    when = parse_time(raw_time)
    await _check_time(session, actor.id, when, exclude_id=row.id)
    row.scheduled_at = when
    await session.flush()
    events.record(session, ev.PostScheduled(scheduled_status_id=str(row.id), account_id=str(actor.id),
                                            scheduled_at=when.isoformat(), rescheduled=True),
                  actor_id=actor.id, subject_id=row.id)
    # The earlier job finds the new time still ahead and leaves it to this one.
    jobs.enqueue(session, "scheduled.publish", run_at=when, scheduled_status_id=row.id)
    return row


async def _remove(session: AsyncSession, row: ScheduledStatus) -> bool:
    """Delete the row and free its media; False when another transaction removed it first."""
    await session.execute(update(MediaAttachment).where(MediaAttachment.scheduled_status_id == row.id)
                          .values(scheduled_status_id=None))
    gone = await session.execute(delete(ScheduledStatus).where(ScheduledStatus.id == row.id)
                                 .execution_options(synchronize_session=False))
    session.expunge(row)
    return bool(gone.rowcount)


async def cancel(session: AsyncSession, actor: Account, scheduled_id: str | int) -> None:
    row = await repo.own(session, actor.id, parse_id(scheduled_id))
    if row is None:
        raise NotFound()
    await _remove(session, row)
    events.record(session, ev.PostUnscheduled(scheduled_status_id=str(row.id),
                                              account_id=str(actor.id), reason="cancelled"),
                  actor_id=actor.id, subject_id=row.id)


async def publish(session: AsyncSession, scheduled_id: int) -> Status | None:
    """Publish a scheduled post whose time has come (the job). A post that no longer passes
    create_post's checks (its reply target gone, say) is dropped, as Mastodon drops it."""
    row = (await session.execute(
        select(ScheduledStatus).where(ScheduledStatus.id == scheduled_id).with_for_update()
        .execution_options(populate_existing=True)
    )).scalar_one_or_none()
    if row is None or row.scheduled_at > utcnow():
        return None  # cancelled, published, or moved later (its new job will come)
    author = await session.get(Account, row.account_id)
    params, row_id, author_id = dict(row.params), row.id, row.account_id
    if not await _remove(session, row):
        return None  # a job for an earlier time of the same post got there first
    status = None
    if author is not None and author.suspended_at is None and author.deleted_at is None:
        try:
            async with session.begin_nested():
                status = await posts.create_post(session, author, _new_post(params))
        except RoostError as exc:
            log.warning("scheduled post %s dropped: %s", row_id, exc.message)
    events.record(session, ev.PostUnscheduled(
        scheduled_status_id=str(row_id), account_id=str(author_id),
        reason="published" if status else "dropped", status_id=str(status.id) if status else None),
        actor_id=author_id, subject_id=row_id)
    return status
