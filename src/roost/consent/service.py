"""Changing training consent: an account's level, and a post's own opt-out."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from roost import events
from roost.consent.rules import LEVELS
from roost.events import log as event_log
from roost.events.schemas import ConsentChanged, PostTrainingOptOut
from roost.kit.clock import utcnow
from roost.kit.errors import Invalid
from roost.models import Account, Status, TrainingConsent
from roost.posts import service as posts_service

SOURCES = ("api", "web")


def check_level(value: object) -> str:
    if not isinstance(value, str) or value not in LEVELS:
        raise Invalid(f"Validation failed: training must be one of {', '.join(LEVELS)}")
    return value


async def set_training(session: AsyncSession, account: Account, level: object, *,
                       source: str) -> TrainingConsent | None:
    """Set the account's training consent. A change is appended to the ledger and announced; setting
    the level already in force records nothing and returns None."""
    level = check_level(level)
    if source not in SOURCES:
        raise ValueError(f"unknown source {source!r}")
    previous = account.training_consent
    if level == previous:
        return None
    change = TrainingConsent(account_id=account.id, level=level, changed_at=utcnow(), source=source)
    session.add(change)
    account.training_consent = level
    await session.flush()
    event_log.remember_consent(session, account.id, level)
    events.record(session, ConsentChanged(account_id=str(account.id), training=level,
                                          previous=previous, source=source),
                  actor_id=account.id, subject_id=account.id, public=True)
    return change


async def set_post_opt_out(session: AsyncSession, actor: Account, status_id: str | int,
                           opted_out: bool) -> Status:
    """Exclude (or include again) one of the actor's own posts from training data."""
    status = await posts_service.own_post(session, actor, status_id)
    if status.training_opt_out != opted_out:
        status.training_opt_out = opted_out
        await session.flush()
        events.record(session, PostTrainingOptOut(status_id=str(status.id),
                                                  account_id=str(actor.id), opted_out=opted_out),
                      actor_id=actor.id, subject_id=status.id,
                      public=status.visibility in ("public", "unlisted"))
    return status
