"""Announcement writes: admins create, publish, unpublish and remove them (CLI, `actor=None`);
users dismiss them and react with emojis."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from roost import events, realtime
from roost.announcements import repository as repo
from roost.announcements.emoji import is_unicode_emoji
from roost.db import insert as db_insert
from roost.emojis import repository as emojis_repo
from roost.events import schemas as ev
from roost.kit.clock import utcnow
from roost.kit.errors import Invalid, NotFound
from roost.kit.ids import parse_id
from roost.models import Account, Announcement, AnnouncementDismissal, AnnouncementReaction
from roost.posts.service import render_content

MAX_TEXT = 5000
MAX_REACTION_KINDS = 8  # different reactions per announcement, as Mastodon


def _stream(session: AsyncSession, event: str, row: Announcement, **extra: str) -> None:
    """Tell every user stream after commit (Mastodon's announcement, announcement.delete and
    announcement.reaction events); each stream renders it for its viewer."""
    realtime.publish_after_commit(session, [(realtime.ANNOUNCEMENTS,
                                             {**realtime.message(event, row.id), **extra})])


async def create(session: AsyncSession, text: str, *, starts_at: datetime | None = None,
                 ends_at: datetime | None = None, all_day: bool = False,
                 publish: bool = True) -> Announcement:
    text = (text or "").strip()
    if not text or len(text) > MAX_TEXT:
        raise Invalid(f"An announcement needs 1-{MAX_TEXT} characters of text")
    if starts_at and ends_at and ends_at < starts_at:
        raise Invalid("An announcement cannot end before it starts")
    content_html, _, _ = await render_content(session, text)
    now = utcnow()
    row = Announcement(text=text, content_html=content_html, starts_at=starts_at, ends_at=ends_at,
                       all_day=bool(all_day and (starts_at or ends_at)),
                       published_at=now if publish else None, created_at=now, updated_at=now)
    session.add(row)
    await session.flush()
    events.record(session, ev.AnnouncementCreated(announcement_id=str(row.id), published=publish),
                  actor_id=None, subject_id=row.id)
    if publish:
        _stream(session, "announcement", row)
    return row


async def _get(session: AsyncSession, announcement_id: str | int) -> Announcement:
    aid = parse_id(str(announcement_id))
    row = await session.get(Announcement, aid) if aid is not None else None
    if row is None:
        raise NotFound(f"No announcement {announcement_id}")
    return row


async def publish(session: AsyncSession, announcement_id: str | int) -> Announcement:
    row = await _get(session, announcement_id)
    if row.published_at is None:
        row.published_at = row.updated_at = utcnow()
        await session.flush()
        events.record(session, ev.AnnouncementPublished(announcement_id=str(row.id)),
                      actor_id=None, subject_id=row.id)
        _stream(session, "announcement", row)
    return row


async def unpublish(session: AsyncSession, announcement_id: str | int) -> Announcement:
    row = await _get(session, announcement_id)
    if row.published_at is not None:
        row.published_at = None
        row.updated_at = utcnow()
        await session.flush()
        events.record(session, ev.AnnouncementUnpublished(announcement_id=str(row.id)),
                      actor_id=None, subject_id=row.id)
        _stream(session, "announcement.delete", row)
    return row


async def remove(session: AsyncSession, announcement_id: str | int) -> None:
    row = await _get(session, announcement_id)
    await session.delete(row)
    await session.flush()
    events.record(session, ev.AnnouncementRemoved(announcement_id=str(row.id)),
                  actor_id=None, subject_id=row.id)
    if row.published_at is not None:
        _stream(session, "announcement.delete", row)


async def _visible(session: AsyncSession, announcement_id: str | int) -> Announcement:
    row = await repo.get_active(session, parse_id(str(announcement_id)))
    if row is None:
        raise NotFound()
    return row


async def dismiss(session: AsyncSession, actor: Account, announcement_id: str | int) -> None:
    row = await _visible(session, announcement_id)
    done = await session.execute(
        db_insert(session, AnnouncementDismissal).values(announcement_id=row.id, account_id=actor.id)
        .on_conflict_do_nothing(index_elements=["announcement_id", "account_id"]))
    if done.rowcount:
        events.record(session, ev.AnnouncementDismissed(announcement_id=str(row.id),
                                                        account_id=str(actor.id)),
                      actor_id=actor.id, subject_id=row.id)


async def react(session: AsyncSession, actor: Account, announcement_id: str | int, name: str) -> None:
    row = await _visible(session, announcement_id)
    name = (name or "").strip()
    if not is_unicode_emoji(name) and await emojis_repo.by_shortcode(session, name) is None:
        raise Invalid("Validation failed: Name is not a recognized emoji")
    names = set((await session.execute(select(AnnouncementReaction.name).where(
        AnnouncementReaction.announcement_id == row.id).distinct())).scalars())
    if name not in names and len(names) >= MAX_REACTION_KINDS:
        raise Invalid("Validation failed: Maximum number of different reactions reached")
    done = await session.execute(
        db_insert(session, AnnouncementReaction)
        .values(announcement_id=row.id, account_id=actor.id, name=name, created_at=utcnow())
        .on_conflict_do_nothing(index_elements=["announcement_id", "account_id", "name"]))
    if done.rowcount:
        events.record(session, ev.AnnouncementReacted(announcement_id=str(row.id),
                                                      account_id=str(actor.id), name=name),
                      actor_id=actor.id, subject_id=row.id)
        _stream(session, "announcement.reaction", row, name=name)


async def unreact(session: AsyncSession, actor: Account, announcement_id: str | int, name: str) -> None:
    row = await _visible(session, announcement_id)
    done = await session.execute(delete(AnnouncementReaction).where(
        AnnouncementReaction.announcement_id == row.id, AnnouncementReaction.account_id == actor.id,
        AnnouncementReaction.name == (name or "").strip()))
    if done.rowcount:
        events.record(session, ev.AnnouncementUnreacted(announcement_id=str(row.id),
                                                        account_id=str(actor.id), name=name.strip()),
                      actor_id=actor.id, subject_id=row.id)
        _stream(session, "announcement.reaction", row, name=name.strip())

