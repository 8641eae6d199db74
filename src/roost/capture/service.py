"""Capture verbs: opens, "show more / show less like this", ratings of the assistant's answers and
"try again". Each checks its input and what the actor may read, writes, and records its event in
the same unit of work. Impressions are in impressions.py."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from roost import events, jobs, runtime
from roost.ai.assistant import repository as assistant_repo
from roost.ai.assistant.regenerate import REGENERATE
from roost.ai.assistant import service as assistant
from roost.capture import repository as repo
from roost.capture.impressions import record_after_read
from roost.capture.rules import captures_passively, check_feed, check_reason, check_what
from roost.events.schemas import AiAssistantRated, StatusFeedback as FeedbackEvent, StatusOpened
from roost.kit.clock import utcnow
from roost.kit.errors import Forbidden, Invalid, NotFound, RateLimited
from roost.kit.ids import parse_id
from roost.models import (Account, AssistantRating, AssistantRegeneration, MediaAttachment, Status,
                          StatusFeedback)
from roost.models.capture import FEEDBACK_SIGNALS, RATINGS
from roost.posts import repository as posts_repo



async def readable_original(session: AsyncSession, actor: Account, status_id: str | int) -> Status:
    """The post `status_id` shows (the original of a repost), if the actor may read it."""
    status = await posts_repo.get_readable(session, parse_id(status_id), actor.id)
    if status is not None and status.reblog_of_id is not None:
        status = await posts_repo.get_readable(session, status.reblog_of_id, actor.id)
    if status is None:
        raise NotFound()
    return status


# ---- opens ------------------------------------------------------------------------------------
def thread_opened(session: AsyncSession, viewer: Account | None, status: Status, *,
                  surface: str, feed: str | None = None) -> bool:
    """A thread page was served with `status` (already loaded, readable) as its post: recorded
    after the page's read commits, as impressions are. No query."""
    if not captures_passively(viewer):
        return False
    assert viewer is not None
    record_after_read(session, viewer, StatusOpened(
        account_id=str(viewer.id), status_id=str(status.id), what="thread",
        feed=check_feed(feed), surface=surface), subject_id=status.id)
    return True


async def opened(session: AsyncSession, actor: Account, status_id: str | int, what: object, *,
                 media_id: object = None, feed: object = None, surface: str) -> bool:
    """A client says the actor opened a post's thread or one of its images full size. Recorded
    only when the actor's training consent is "all" (returns whether it was)."""
    what = check_what(what)
    status = await readable_original(session, actor, status_id)
    media = None
    if what == "image":
        mid = parse_id(media_id if isinstance(media_id, (str, int)) else None)
        if mid is None:
            raise Invalid("Validation failed: media_id is required for an image")
        media = await session.scalar(select(MediaAttachment.id).where(
            MediaAttachment.id == mid, MediaAttachment.status_id == status.id))
        if media is None:
            raise Invalid("Validation failed: media_id is not an attachment of this post")
    if not captures_passively(actor):
        return False
    events.record(session, StatusOpened(
        account_id=str(actor.id), status_id=str(status.id), what=what,
        media_id=str(media) if media is not None else None, feed=check_feed(feed),
        surface=surface), actor_id=actor.id, subject_id=status.id)
    return True


# ---- show more / show less like this ----------------------------------------------------------
async def set_feedback(session: AsyncSession, actor: Account, status_id: str | int, signal: object,
                       *, feed: object = None) -> tuple[Status, StatusFeedback]:
    """"Show more like this" or "show less like this" on a post (its original, for a repost);
    replaces the actor's earlier signal on it. "less" hides it from the actor's timelines."""
    if signal not in FEEDBACK_SIGNALS:
        raise Invalid("Validation failed: signal must be more or less")
    signal = str(signal)
    status = await readable_original(session, actor, status_id)
    if status.account_id == actor.id:  # as on X: "not interested" is for others' posts
        raise Invalid("Validation failed: feedback is for other people's posts, not your own")
    row = await repo.feedback(session, actor.id, status.id)
    if row is not None and row.signal == signal:
        return status, row
    if row is None:
        row = StatusFeedback(account_id=actor.id, status_id=status.id, signal=signal,
                             created_at=utcnow())
        session.add(row)
    else:
        row.signal, row.created_at = signal, utcnow()
    await session.flush()
    events.record(session, FeedbackEvent(account_id=str(actor.id), status_id=str(status.id),
                                         signal=signal, feed=check_feed(feed)),
                  actor_id=actor.id, subject_id=status.id)
    return status, row


async def undo_feedback(session: AsyncSession, actor: Account, status_id: str | int, *,
                        feed: object = None) -> Status:
    """Take back the actor's signal on a post (records it with undone=true); none: nothing."""
    status = await readable_original(session, actor, status_id)
    row = await repo.feedback(session, actor.id, status.id)
    if row is not None:
        signal = row.signal
        await session.delete(row)
        await session.flush()
        events.record(session, FeedbackEvent(account_id=str(actor.id), status_id=str(status.id),
                                             signal=signal, undone=True, feed=check_feed(feed)),
                      actor_id=actor.id, subject_id=status.id)
    return status


# ---- ratings of the assistant's answers -------------------------------------------------------
async def assistant_answer(session: AsyncSession, actor: Account, status_id: str | int) -> Status:
    """One of the assistant's posts that the actor may read; 422 for anyone else's post."""
    status = await readable_original(session, actor, status_id)
    if assistant.known_id() is None or status.account_id != assistant.known_id():
        raise Invalid("Validation failed: only the assistant's answers can be rated or tried again")
    return status


async def rate_answer(session: AsyncSession, actor: Account, status_id: str | int, rating: object,
                      reason: object = None) -> tuple[Status, AssistantRating]:
    """Rate one of the assistant's answers helpful or not_helpful, with an optional reason (one
    of rules.REASONS or free text); replaces the actor's earlier rating of it."""
    if rating not in RATINGS:
        raise Invalid("Validation failed: rating must be helpful or not_helpful")
    rating = str(rating)
    reason = check_reason(reason)
    status = await assistant_answer(session, actor, status_id)
    row = await repo.rating(session, actor.id, status.id)
    if row is not None and (row.rating, row.reason) == (rating, reason):
        return status, row
    if row is None:
        row = AssistantRating(account_id=actor.id, status_id=status.id, rating=rating,
                              reason=reason, created_at=utcnow())
        session.add(row)
    else:
        row.rating, row.reason, row.created_at = rating, reason, utcnow()
    await session.flush()
    events.record(session, AiAssistantRated(reply_status_id=str(status.id),
                                            account_id=str(actor.id), rating=rating,
                                            reason=reason),
                  actor_id=actor.id, subject_id=status.id)
    return status, row


async def withdraw_rating(session: AsyncSession, actor: Account, status_id: str | int) -> Status:
    """Take back the actor's rating of an answer (records rating "none"); none: nothing."""
    status = await assistant_answer(session, actor, status_id)
    row = await repo.rating(session, actor.id, status.id)
    if row is not None:
        await session.delete(row)
        await session.flush()
        events.record(session, AiAssistantRated(reply_status_id=str(status.id),
                                                account_id=str(actor.id), rating="none"),
                      actor_id=actor.id, subject_id=status.id)
    return status


# ---- try again --------------------------------------------------------------------------------
async def regenerate(session: AsyncSession, actor: Account,
                     status_id: str | int) -> AssistantRegeneration:
    """The person who asked has the assistant answer again: a pending regeneration and the job
    that edits the answer with a new text. One at a time per answer (asking again while one is
    pending returns it); it counts against the asker's ROOST_AI_ASSISTANT_PER_HOUR, which answers
    and "try again"s share."""
    status = await assistant_answer(session, actor, status_id)
    answer = await assistant_repo.answer_of_reply(session, status.id)
    if answer is None:
        raise Invalid("Validation failed: this post is not an answer to a question")
    if answer.asker_account_id != actor.id:
        raise Forbidden("Only the person who asked can have the assistant try again")
    if answer.kind != "text":
        raise Invalid("Validation failed: only text answers can be tried again")
    pending = await assistant_repo.pending_regeneration(session, status.id)
    if pending is not None:
        return pending
    since = utcnow() - timedelta(hours=1)
    budget = runtime.settings().ai_assistant_per_hour
    if await assistant_repo.used_since(session, actor.id, since) >= budget:
        raise RateLimited("The assistant has answered you as often as it may this hour; "
                          "try again later")
    row = AssistantRegeneration(reply_status_id=status.id, asker_account_id=actor.id,
                                state="pending", created_at=utcnow())
    session.add(row)
    await session.flush()
    jobs.enqueue(session, REGENERATE, regeneration_id=row.id)
    return row
