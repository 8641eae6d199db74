"""Editing a post: new text, warning, sensitivity, language and media; every version is kept."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from roost import events, jobs
from roost.ai.assistant import service as assistant
from roost.events import schemas as ev
from roost.kit.clock import utcnow
from roost.kit.errors import Invalid
from roost.kit.ids import parse_id
from roost.models import Account, MediaAttachment, Mention, Status, StatusEdit, StatusTag
from roost.polls import repository as polls_repo
from roost.polls import service as polls
from roost.posts import repository as repo
from roost.posts.service import (_own_status, ai_sensitive, check_content, check_language,
                                 render_content)
from roost.posts.tags import get_or_create_tags
from roost.timelines import live as timelines_live
from roost import runtime

MAX_DESCRIPTION = 1500


@dataclass
class PostEdit:
    text: str = ""
    spoiler_text: str = ""
    sensitive: bool | None = None
    language: str | None = None
    media_ids: list[str | int] | None = None
    media_attributes: list[dict] = field(default_factory=list)
    poll: polls.PollInput | None = None  # None removes the poll, as in Mastodon


async def _media_for_edit(session: AsyncSession, author: Account, status: Status,
                          raw_ids: list) -> list[MediaAttachment]:
    ids = [parse_id(m) for m in raw_ids]
    if any(i is None for i in ids) or len(set(ids)) != len(ids):
        raise Invalid("Invalid media id")
    if len(ids) > runtime.settings().max_media_per_post:
        raise Invalid(f"Too many media attachments (at most {runtime.settings().max_media_per_post})")
    if not ids:
        return []
    rows = {m.id: m for m in (await session.execute(
        select(MediaAttachment).where(MediaAttachment.id.in_(ids),
                                      MediaAttachment.account_id == author.id)
    )).scalars()}
    if len(rows) != len(ids):
        raise Invalid("Media attachment not found")
    for m in rows.values():
        if m.status_id not in (None, status.id):
            other = await session.get(Status, m.status_id)
            if other is not None and other.deleted_at is None:
                raise Invalid("Media attachment is already attached to a post")
    return [rows[i] for i in ids]  # type: ignore[index]


def _apply_media_attributes(media: list[MediaAttachment], attributes: list[dict]) -> None:
    by_id = {m.id: m for m in media}
    for attr in attributes:
        m = by_id.get(parse_id(str(attr.get("id", ""))))
        if m is None:
            raise Invalid("media_attributes refers to media that is not on the post")
        if "description" in attr and attr["description"] is not None:
            desc = str(attr["description"])
            if len(desc) > MAX_DESCRIPTION:
                raise Invalid(f"Validation failed: Description is too long (at most {MAX_DESCRIPTION})")
            m.description = desc
        if attr.get("focus"):
            try:
                x, y = (float(v) for v in str(attr["focus"]).split(","))
            except ValueError as exc:
                raise Invalid("Validation failed: focus must be two numbers like 0.5,-0.25") from exc
            if not (-1 <= x <= 1 and -1 <= y <= 1):
                raise Invalid("Validation failed: focus must be within -1 and 1")
            m.focus_x, m.focus_y = x, y


def _snapshot(status: Status, media_ids: list[int], poll_options: list[str] | None) -> StatusEdit:
    return StatusEdit(status_id=status.id, account_id=status.account_id, text=status.text,
                      content_html=status.content_html, spoiler_text=status.spoiler_text,
                      sensitive=status.sensitive, media_ids=[str(i) for i in media_ids],
                      poll_options=list(poll_options) if poll_options else None,
                      created_at=status.edited_at or status.created_at)


async def edit_post(session: AsyncSession, author: Account, status_id: str | int, edit: PostEdit) -> Status:
    status = await _own_status(session, author, status_id)
    text = (edit.text or "").replace("\r\n", "\n")
    spoiler = (edit.spoiler_text or "").strip()
    current = list((await session.execute(
        select(MediaAttachment).where(MediaAttachment.status_id == status.id)
        .order_by(MediaAttachment.position, MediaAttachment.id)
    )).scalars())
    media = current if edit.media_ids is None else await _media_for_edit(
        session, author, status, list(edit.media_ids))
    if edit.poll is not None:
        if media:
            raise Invalid("Validation failed: A post cannot have both media attachments and a poll")
        polls.check_poll(edit.poll)
    check_content(text, spoiler, has_media=bool(media))
    language = check_language(edit.language) if edit.language is not None else status.language
    _apply_media_attributes(media, edit.media_attributes)

    has_history = (await session.execute(
        select(StatusEdit.id).where(StatusEdit.status_id == status.id).limit(1)
    )).scalar_one_or_none()
    old_poll = (await polls_repo.for_statuses(session, [status.id])).get(status.id)
    if has_history is None:
        session.add(_snapshot(status, [m.id for m in current], old_poll.options if old_poll else None))

    content_html, mentioned, parsed = await render_content(session, text)
    status.text, status.content_html, status.spoiler_text = text, content_html, spoiler
    status.sensitive = bool(edit.sensitive) if edit.sensitive is not None else status.sensitive
    status.sensitive = status.sensitive or bool(spoiler) or await ai_sensitive(session, media)
    status.language = language
    status.edited_at = utcnow()

    keep = {m.id for m in media}
    for m in current:
        if m.id not in keep:
            m.status_id = None
    for pos, m in enumerate(media):
        m.status_id, m.position = status.id, pos
    await session.execute(delete(Mention).where(Mention.status_id == status.id))
    await session.execute(delete(StatusTag).where(StatusTag.status_id == status.id))
    await session.flush()
    for acc in mentioned.values():
        session.add(Mention(status_id=status.id, account_id=acc.id))
    tags = await get_or_create_tags(session, parsed.tags)
    for tag in tags:
        session.add(StatusTag(status_id=status.id, tag_id=tag.id))
    poll = await polls.replace_for_edit(session, status, old_poll, edit.poll)
    session.add(_snapshot(status, [m.id for m in media], poll.options if poll else None))
    await session.flush()

    public = status.visibility in ("public", "unlisted")
    events.record(session, ev.PostEdited(
        status_id=str(status.id), account_id=str(author.id), visibility=status.visibility,
        text=text if status.visibility == "public" else "", language=language,
        tags=[t.name for t in tags], mentions=[str(a.id) for a in mentioned.values()],
        media_ids=[str(m.id) for m in media],
    ), actor_id=author.id, subject_id=status.id, public=public)
    jobs.enqueue(session, "notifications.for_edit", status_id=status.id)
    await timelines_live.status_edited(session, status.id)  # published after commit
    assistant.mentioned(session, status, author, mentioned.values())
    return status


async def history(session: AsyncSession, viewer_id: int | None, status_id: str | int) -> tuple[Status, list[StatusEdit]]:
    """The versions of a post, oldest first; a post never edited has just its current version."""
    from roost.kit.errors import NotFound

    status = await repo.get_readable(session, parse_id(status_id), viewer_id)
    if status is None or status.reblog_of_id is not None:
        raise NotFound()
    versions = list((await session.execute(
        select(StatusEdit).where(StatusEdit.status_id == status.id).order_by(StatusEdit.id)
    )).scalars())
    if not versions:
        current = (await session.execute(
            select(MediaAttachment.id).where(MediaAttachment.status_id == status.id)
            .order_by(MediaAttachment.position, MediaAttachment.id)
        )).scalars()
        poll = (await polls_repo.for_statuses(session, [status.id])).get(status.id)
        versions = [_snapshot(status, list(current), poll.options if poll else None)]
    return status, versions
