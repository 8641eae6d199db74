"""Post writes: create, delete, repost, like, bookmark, pin. Each checks first, then writes,
records its event and enqueues its jobs in the caller's transaction."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from roost import events, jobs, runtime
from roost.accounts import repository as accounts_repo
from roost.ai.assistant import service as assistant
from roost.ai.generations.posted import record_posted
from roost.events import schemas as ev
from roost.kit import text as textkit
from roost.kit.clock import utcnow
from roost.kit.errors import Forbidden, Invalid, NotFound
from roost.kit.ids import parse_id
from roost.models import (Account, Bookmark, Favourite, IdempotencyKey, MediaAttachment, Mention,
                          Pin, Status, StatusTag)
from roost.models.posts import VISIBILITIES
from roost.polls import service as polls
from roost.posts import repository as repo
from roost.posts.tags import get_or_create_tags

MAX_PINS = 5
LANG_MAX = 16


def post_length(text: str, spoiler: str = "") -> int:
    """What the character limit measures: the text and the content warning together, as
    Mastodon counts them (see count_chars)."""
    return textkit.length(spoiler + textkit.countable(text))


def check_content(text: str, spoiler: str, *, has_media: bool) -> None:
    limit = runtime.settings().max_post_chars
    if not text.strip() and not has_media:
        raise Invalid("Validation failed: Text can't be blank")
    if post_length(text, spoiler) > limit:  # together, as Mastodon
        raise Invalid(f"Validation failed: Text character limit of {limit} exceeded")


def check_language(language: str | None) -> str | None:
    language = (language or "").strip() or None
    if language and (len(language) > LANG_MAX or not language.replace("-", "").isalnum()):
        raise Invalid("Validation failed: Language is not a language code")
    return language


async def render_content(session: AsyncSession, text: str) -> tuple[str, dict[str, Account], textkit.Parsed]:
    """Safe HTML for a post's text, with the local accounts it mentions and what it contains."""
    settings = runtime.settings()
    parsed = textkit.parse(text, local_domain=settings.domain)
    mentioned = await accounts_repo.by_usernames(session, parsed.mentions)
    content_html = textkit.render(
        text, base_url=settings.base_url, local_domain=settings.domain,
        known_accounts={u: profile_url(a) for u, a in mentioned.items()},
    )
    return content_html, mentioned, parsed


def count_chars(text: str) -> int:
    """Count like Mastodon: grapheme clusters, every link weighs 23 characters, remote domains in
    mentions are free."""
    return textkit.length(textkit.countable(text))


@dataclass
class NewPost:
    text: str = ""
    spoiler_text: str = ""
    visibility: str | None = None
    sensitive: bool = False
    language: str | None = None
    in_reply_to_id: str | int | None = None
    media_ids: list[str | int] | None = None
    idempotency_key: str | None = None
    application_id: int | None = None
    poll: polls.PollInput | None = None
    training_opt_out: bool = False  # exclude this post from training data (roost.consent)


def profile_url(account: Account) -> str:
    return f"{runtime.settings().base_url}/@{account.username}"


async def _check_media(session: AsyncSession, author: Account, raw_ids: list,
                       scheduled_id: int | None = None) -> list[MediaAttachment]:
    """The author's uploads, in order, free to attach: on no live post, and on no scheduled post
    other than `scheduled_id`."""
    settings = runtime.settings()
    ids = [parse_id(m) for m in raw_ids]
    if len(ids) > settings.max_media_per_post:
        raise Invalid(f"Too many media attachments (at most {settings.max_media_per_post})")
    if any(i is None for i in ids):
        raise Invalid("Invalid media id")
    if len(set(ids)) != len(ids):
        raise Invalid("The same media attachment is given twice")
    if not ids:
        return []
    rows = {
        m.id: m for m in (await session.execute(
            select(MediaAttachment).where(MediaAttachment.id.in_(ids),
                                          MediaAttachment.account_id == author.id)
        )).scalars()
    }
    if len(rows) != len(ids):
        raise Invalid("Media attachment not found")
    if any(m.scheduled_status_id not in (None, scheduled_id) for m in rows.values()):
        raise Invalid("Media attachment is already attached to a scheduled post")
    attached = [m.status_id for m in rows.values() if m.status_id is not None]
    if attached:
        live = (await session.execute(
            select(Status.id).where(Status.id.in_(attached), Status.deleted_at.is_(None))
        )).scalars().first()
        if live is not None:
            raise Invalid("Media attachment is already attached to a post")
    return [rows[i] for i in ids]  # type: ignore[index]


async def _default_visibility(session: AsyncSession, author: Account) -> str:
    user = await accounts_repo.user_for(session, author.id)
    chosen = ((user.preferences or {}) if user else {}).get("posting:default:visibility")
    return chosen if chosen in VISIBILITIES else "public"


@dataclass
class CheckedPost:
    text: str
    spoiler: str
    visibility: str
    language: str | None
    media: list[MediaAttachment]
    parent: Status | None
    poll: polls.PollInput | None


async def check_post(session: AsyncSession, author: Account, new: NewPost,
                     scheduled_id: int | None = None, *, pending_media: int = 0) -> CheckedPost:
    """Everything create_post checks, without writing (scheduling checks a post this way too).
    `pending_media`: files that will be uploaded and attached once the post passes (the web
    composer checks the post before it stores any file)."""
    text = (new.text or "").replace("\r\n", "\n")
    spoiler = (new.spoiler_text or "").strip()
    media = await _check_media(session, author, list(new.media_ids or []), scheduled_id)
    limit = runtime.settings().max_media_per_post
    if pending_media and len(media) + pending_media > limit:
        raise Invalid(f"Too many media attachments (at most {limit})")
    if new.poll is not None:
        if media or pending_media:
            raise Invalid("Validation failed: A post cannot have both media attachments and a poll")
        polls.check_poll(new.poll)
    check_content(text, spoiler, has_media=bool(media) or pending_media > 0)
    visibility = new.visibility or await _default_visibility(session, author)
    if visibility not in VISIBILITIES:
        raise Invalid(f"Validation failed: Visibility must be one of {', '.join(VISIBILITIES)}")
    language = check_language(new.language)

    parent = None
    if new.in_reply_to_id not in (None, ""):
        parent = await repo.get_readable(session, parse_id(new.in_reply_to_id), author.id)
        if parent is None or parent.reblog_of_id is not None:
            raise NotFound("Record not found")
    return CheckedPost(text, spoiler, visibility, language, media, parent, new.poll)


async def create_post(session: AsyncSession, author: Account, new: NewPost) -> Status:
    existing = None
    if new.idempotency_key:
        key = new.idempotency_key[:200]
        existing = await session.get(IdempotencyKey, (author.id, key))
        if existing is not None:
            status = await session.get(Status, existing.status_id)
            if status is not None:
                return status

    checked = await check_post(session, author, new)
    text, spoiler, visibility, language = (checked.text, checked.spoiler, checked.visibility,
                                           checked.language)
    media, parent = checked.media, checked.parent
    content_html, mentioned, parsed = await render_content(session, text)
    now = utcnow()
    status = Status(
        account_id=author.id, text=text, content_html=content_html, spoiler_text=spoiler,
        visibility=visibility,
        sensitive=bool(new.sensitive) or bool(spoiler) or await ai_sensitive(session, media),
        language=language, in_reply_to_id=parent.id if parent else None,
        in_reply_to_account_id=parent.account_id if parent else None,
        application_id=new.application_id, created_at=now, training_opt_out=bool(new.training_opt_out),
    )
    session.add(status)
    await session.flush()
    status.thread_id = (parent.thread_id or parent.id) if parent else status.id

    for acc in mentioned.values():
        session.add(Mention(status_id=status.id, account_id=acc.id))
    tags = await get_or_create_tags(session, parsed.tags)
    for tag in tags:
        session.add(StatusTag(status_id=status.id, tag_id=tag.id))
    for pos, m in enumerate(media):
        m.status_id, m.position, m.scheduled_status_id = status.id, pos, None
    if existing is not None:  # the key's earlier post is gone (or was a scheduled one)
        existing.status_id = status.id
    elif new.idempotency_key:
        session.add(IdempotencyKey(account_id=author.id, key=new.idempotency_key[:200],
                                   status_id=status.id))
    await session.execute(
        update(Account).where(Account.id == author.id)
        .values(statuses_count=Account.statuses_count + 1, last_status_at=now)
    )
    if parent is not None:
        await session.execute(
            update(Status).where(Status.id == parent.id).values(replies_count=Status.replies_count + 1)
        )
    await session.flush()

    events.record(session, ev.PostCreated(
        status_id=str(status.id), account_id=str(author.id), visibility=visibility,
        in_reply_to_id=str(parent.id) if parent else None, text=text if visibility == "public" else "",
        language=language, tags=[t.name for t in tags], mentions=[str(a.id) for a in mentioned.values()],
        media_ids=[str(m.id) for m in media],
    ), actor_id=author.id, subject_id=status.id, public=visibility in ("public", "unlisted"))
    await record_posted(session, status, media)
    if checked.poll is not None:
        await polls.attach(session, status, checked.poll)
    jobs.enqueue(session, "timelines.fan_out", status_id=status.id)
    if visibility == "public" and tags:  # into the homes of the tags' followers
        jobs.enqueue(session, "timelines.fan_out_tags", status_id=status.id)
    jobs.enqueue(session, "notifications.for_status", status_id=status.id)
    if visibility == "direct":
        jobs.enqueue(session, "conversations.update", status_id=status.id)
    assistant.mentioned(session, status, author, mentioned.values())
    if parent is not None:
        assistant.feedback(session, parent, author, "reply", reply=status)
    return status


async def ai_sensitive(session: AsyncSession, media: list[MediaAttachment]) -> bool:
    """Whether any attachment is an AI image that image moderation flagged sensitive (such a
    post is always marked sensitive, whatever the client asked). No query without AI media."""
    ids = [m.ai_candidate_id for m in media if m.ai_candidate_id is not None]
    if not ids:
        return False
    from roost.ai.generations import repository as generations

    return any(sensitive for _, sensitive in (await generations.candidate_facts(
        session, ids)).values())


async def _own_status(session: AsyncSession, actor: Account, status_id: str | int) -> Status:
    status = await repo.get_readable(session, parse_id(status_id), actor.id)
    if status is None or status.reblog_of_id is not None:
        raise NotFound()
    if status.account_id != actor.id:
        raise Forbidden("This action is not allowed")
    return status


async def own_post(session: AsyncSession, actor: Account, status_id: str | int) -> Status:
    """The actor's own post (to confirm a delete, say): NotFound if unreadable, Forbidden if
    someone else's."""
    return await _own_status(session, actor, status_id)


async def delete_post(session: AsyncSession, actor: Account, status_id: str | int) -> Status:
    """Soft-delete: the row stays as a tombstone (its text is erased by a job right after the
    response, which carries the source text for delete-and-redraft). Reposts of it go away."""
    status = await _own_status(session, actor, status_id)
    now = utcnow()
    status.deleted_at = now
    await session.execute(
        update(Account).where(Account.id == actor.id)
        .values(statuses_count=func.max(Account.statuses_count - 1, 0)
                if session.bind.dialect.name == "sqlite"
                else func.greatest(Account.statuses_count - 1, 0))
    )
    if status.in_reply_to_id is not None:
        await session.execute(
            update(Status).where(Status.id == status.in_reply_to_id, Status.replies_count > 0)
            .values(replies_count=Status.replies_count - 1)
        )
    reposts = list((await session.execute(
        select(Status.id, Status.account_id).where(Status.reblog_of_id == status.id)
    )).all())
    await session.execute(delete(Pin).where(Pin.status_id == status.id))
    await session.flush()
    events.record(session, ev.PostDeleted(status_id=str(status.id), account_id=str(actor.id)),
                  actor_id=actor.id, subject_id=status.id,
                  public=status.visibility in ("public", "unlisted"))
    jobs.enqueue(session, "timelines.unfan", status_id=status.id, account_id=actor.id)
    for repost_id, reposter_id in reposts:
        jobs.enqueue(session, "timelines.unfan", status_id=repost_id, account_id=reposter_id)
    jobs.enqueue(session, "posts.erase", status_id=status.id)
    if status.visibility == "direct":
        jobs.enqueue(session, "conversations.status_deleted", status_id=status.id)
    return status


async def repost(session: AsyncSession, actor: Account, status_id: str | int,
                 visibility: str | None = None) -> Status:
    original = await repo.get_readable(session, parse_id(status_id), actor.id)
    if original is None:
        raise NotFound()
    if original.reblog_of_id is not None:
        original = await repo.get_readable(session, original.reblog_of_id, actor.id)
        if original is None:
            raise NotFound()
    if original.visibility == "direct" or (original.visibility == "private"
                                            and original.account_id != actor.id):
        raise Forbidden("This post cannot be reposted")
    existing = (await session.execute(
        select(Status).where(Status.account_id == actor.id, Status.reblog_of_id == original.id)
    )).scalar_one_or_none()
    if existing is not None:
        return existing
    vis = visibility if visibility in ("public", "unlisted", "private") else original.visibility
    rep = Status(account_id=actor.id, reblog_of_id=original.id, visibility=vis,
                 thread_id=None, text="", content_html="", created_at=utcnow())
    session.add(rep)
    await session.execute(
        update(Status).where(Status.id == original.id).values(reblogs_count=Status.reblogs_count + 1)
    )
    await session.flush()
    events.record(session, ev.PostReposted(repost_id=str(rep.id), status_id=str(original.id),
                                           account_id=str(actor.id)),
                  actor_id=actor.id, subject_id=original.id, public=vis in ("public", "unlisted"))
    jobs.enqueue(session, "timelines.fan_out", status_id=rep.id)
    assistant.feedback(session, original, actor, "repost")
    if original.account_id != actor.id:
        jobs.enqueue(session, "notifications.create", account_id=original.account_id, type="reblog",
                     from_account_id=actor.id, status_id=original.id)
    return rep


async def unrepost(session: AsyncSession, actor: Account, status_id: str | int) -> Status:
    original = await repo.get_readable(session, parse_id(status_id), actor.id)
    if original is None:
        raise NotFound()
    rep = (await session.execute(
        select(Status).where(Status.account_id == actor.id, Status.reblog_of_id == original.id)
    )).scalar_one_or_none()
    if rep is None:
        return original
    rep_id = rep.id
    await session.delete(rep)
    await session.execute(
        update(Status).where(Status.id == original.id, Status.reblogs_count > 0)
        .values(reblogs_count=Status.reblogs_count - 1)
    )
    await session.flush()
    events.record(session, ev.PostUnreposted(repost_id=str(rep_id), status_id=str(original.id),
                                             account_id=str(actor.id)),
                  actor_id=actor.id, subject_id=original.id,
                  public=original.visibility in ("public", "unlisted"))
    jobs.enqueue(session, "timelines.unfan", status_id=rep_id, account_id=actor.id)
    await session.refresh(original)
    return original


async def _readable_original(session: AsyncSession, actor: Account, status_id: str | int) -> Status:
    status = await repo.get_readable(session, parse_id(status_id), actor.id)
    if status is None:
        raise NotFound()
    if status.reblog_of_id is not None:
        status = await repo.get_readable(session, status.reblog_of_id, actor.id)
        if status is None:
            raise NotFound()
    return status


async def favourite(session: AsyncSession, actor: Account, status_id: str | int) -> Status:
    status = await _readable_original(session, actor, status_id)
    exists = (await session.execute(
        select(Favourite.id).where(Favourite.account_id == actor.id, Favourite.status_id == status.id)
    )).scalar_one_or_none()
    if exists is None:
        session.add(Favourite(account_id=actor.id, status_id=status.id))
        await session.execute(
            update(Status).where(Status.id == status.id)
            .values(favourites_count=Status.favourites_count + 1)
        )
        await session.flush()
        events.record(session, ev.PostLiked(status_id=str(status.id), account_id=str(actor.id)),
                      actor_id=actor.id, subject_id=status.id,
                      public=status.visibility in ("public", "unlisted"))
        assistant.feedback(session, status, actor, "like")
        if status.account_id != actor.id:
            jobs.enqueue(session, "notifications.create", account_id=status.account_id,
                         type="favourite", from_account_id=actor.id, status_id=status.id)
        await session.refresh(status)
    return status


async def unfavourite(session: AsyncSession, actor: Account, status_id: str | int) -> Status:
    status = await _readable_original(session, actor, status_id)
    gone = await session.execute(
        delete(Favourite).where(Favourite.account_id == actor.id, Favourite.status_id == status.id)
    )
    if gone.rowcount:
        await session.execute(
            update(Status).where(Status.id == status.id, Status.favourites_count > 0)
            .values(favourites_count=Status.favourites_count - 1)
        )
        events.record(session, ev.PostUnliked(status_id=str(status.id), account_id=str(actor.id)),
                      actor_id=actor.id, subject_id=status.id,
                      public=status.visibility in ("public", "unlisted"))
        await session.flush()
        await session.refresh(status)
    return status


async def bookmark(session: AsyncSession, actor: Account, status_id: str | int) -> Status:
    status = await _readable_original(session, actor, status_id)
    exists = (await session.execute(
        select(Bookmark.id).where(Bookmark.account_id == actor.id, Bookmark.status_id == status.id)
    )).scalar_one_or_none()
    if exists is None:
        session.add(Bookmark(account_id=actor.id, status_id=status.id))
        await session.flush()
        events.record(session, ev.PostBookmarked(status_id=str(status.id), account_id=str(actor.id)),
                      actor_id=actor.id, subject_id=status.id, public=False)
    return status


async def unbookmark(session: AsyncSession, actor: Account, status_id: str | int) -> Status:
    status = await _readable_original(session, actor, status_id)
    gone = await session.execute(
        delete(Bookmark).where(Bookmark.account_id == actor.id, Bookmark.status_id == status.id)
    )
    if gone.rowcount:
        events.record(session, ev.PostUnbookmarked(status_id=str(status.id), account_id=str(actor.id)),
                      actor_id=actor.id, subject_id=status.id, public=False)
    return status


async def pin(session: AsyncSession, actor: Account, status_id: str | int) -> Status:
    status = await _own_status(session, actor, status_id)
    if status.visibility == "direct":
        raise Invalid("Validation failed: Direct posts cannot be pinned")
    exists = (await session.execute(
        select(Pin.id).where(Pin.account_id == actor.id, Pin.status_id == status.id)
    )).scalar_one_or_none()
    if exists is None:
        count = (await session.execute(
            select(func.count()).select_from(Pin).where(Pin.account_id == actor.id)
        )).scalar_one()
        if count >= MAX_PINS:
            raise Invalid(f"Validation failed: You can pin at most {MAX_PINS} posts")
        session.add(Pin(account_id=actor.id, status_id=status.id))
        await session.flush()
        events.record(session, ev.PostPinned(status_id=str(status.id), account_id=str(actor.id)),
                      actor_id=actor.id, subject_id=status.id,
                      public=status.visibility in ("public", "unlisted"))
    return status


async def unpin(session: AsyncSession, actor: Account, status_id: str | int) -> Status:
    status = await _own_status(session, actor, status_id)
    gone = await session.execute(delete(Pin).where(Pin.account_id == actor.id, Pin.status_id == status.id))
    if gone.rowcount:
        events.record(session, ev.PostUnpinned(status_id=str(status.id), account_id=str(actor.id)),
                      actor_id=actor.id, subject_id=status.id,
                      public=status.visibility in ("public", "unlisted"))
    return status
