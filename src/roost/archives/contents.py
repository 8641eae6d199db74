"""What goes into a person's archive: one function per file, each reading its rows in batches of
BATCH (keyset pages, each in its own short read session), so an account with 100,000 posts never
has more than one page in memory and never holds the database for long.

Every reader takes the Database and the account id and yields lists of JSON-ready dicts. Ids are
strings, times ISO 8601 UTC, as in the API."""

from __future__ import annotations

import posixpath
from collections import defaultdict
from collections.abc import AsyncIterator, Callable
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import aliased

from roost import runtime
from roost.api.mastodon.serializers import iso
from roost.db import Database
from roost.models import (Account, AssistantRating, Block, Bookmark, Candidate, Favourite, Follow,
                          Generation, List, ListAccount, MediaAttachment, Mute, Note, NoteRating,
                          Poll, Status, StatusEdit, StatusFeedback, StatusTag, Tag,
                          TrainingConsent, User)

BATCH = 500
Rows = AsyncIterator[list[Any]]


def media_name(path: str) -> str:
    """Where a stored media file goes in the archive."""
    return f"media/{posixpath.basename(path)}"


def generated_name(path: str) -> str:
    return f"media/generations/{posixpath.basename(path)}"


def profile_name(path: str) -> str:
    return f"media/profile/{posixpath.basename(path)}"


def base_url() -> str:
    return runtime.settings().base_url


def _s(value: int | None) -> str | None:
    return None if value is None else str(value)


async def pages(db: Database, query: Callable[[int], Select], key: Callable[[Any], int]) -> Rows:
    """Keyset pages: `query(after)` must select rows with key > after, ordered by that key."""
    after = -(2**63)
    while True:
        async with db.read_session() as s:
            rows = list((await s.execute(query(after).limit(BATCH))).all())
        if not rows:
            return
        yield rows
        if len(rows) < BATCH:
            return
        after = key(rows[-1])


# ---- account.json, consent.json -----------------------------------------------------------------

async def account(db: Database, account_id: int) -> dict:
    async with db.read_session() as s:
        a = await s.get(Account, account_id)
        u = await s.scalar(select(User).where(User.account_id == account_id))
    assert a is not None
    out = {
        "id": str(a.id), "username": a.username, "url": f"{base_url()}/@{a.username}",
        "display_name": a.display_name, "note": a.note, "note_html": a.note_html,
        "fields": a.fields, "locked": a.locked, "bot": a.bot, "discoverable": a.discoverable,
        "indexable": a.indexable, "created_at": iso(a.created_at), "updated_at": iso(a.updated_at),
        "avatar": profile_name(a.avatar_path) if a.avatar_path else None,
        "header": profile_name(a.header_path) if a.header_path else None,
        "followers_count": a.followers_count, "following_count": a.following_count,
        "statuses_count": a.statuses_count, "training_consent": a.training_consent,
    }
    if u is not None:  # the login, less its secrets (password hash, sessions, tokens)
        out["user"] = {"email": u.email, "role": u.role, "locale": u.locale,
                       "approved": u.approved, "created_at": iso(u.created_at),
                       "sign_up_reason": u.sign_up_reason, "sign_up_ip": u.sign_up_ip,
                       "last_active_at": iso(u.last_active_at), "preferences": u.preferences}
    return out


async def consent_history(db: Database, account_id: int) -> list[dict]:
    """Every change of the training consent, oldest first (a handful per person)."""
    async with db.read_session() as s:
        rows = (await s.scalars(select(TrainingConsent)
                                .where(TrainingConsent.account_id == account_id)
                                .order_by(TrainingConsent.changed_at, TrainingConsent.id))).all()
    return [{"training": c.level, "changed_at": iso(c.changed_at), "source": c.source}
            for c in rows]


async def excluded_posts(db: Database, account_id: int) -> Rows:
    async for rows in pages(db, lambda after: select(Status.id).where(
            Status.account_id == account_id, Status.training_opt_out.is_(True),
            Status.deleted_at.is_(None), Status.id > after).order_by(Status.id),
            key=lambda r: r.id):
        yield [str(r.id) for r in rows]


# ---- posts.json ----------------------------------------------------------------------------------

def _own_statuses(account_id: int) -> Callable[[int], Select]:
    return lambda after: (select(Status).where(Status.account_id == account_id,
                                               Status.deleted_at.is_(None), Status.id > after)
                          .order_by(Status.id))


async def posts(db: Database, account_id: int, username: str) -> Rows:
    async for rows in pages(db, _own_statuses(account_id), key=lambda r: r[0].id):
        statuses = [r[0] for r in rows]
        ids = [st.id for st in statuses]
        async with db.read_session() as s:
            media = (await s.scalars(select(MediaAttachment).where(
                MediaAttachment.status_id.in_(ids))
                .order_by(MediaAttachment.status_id, MediaAttachment.position))).all()
            edits = (await s.scalars(select(StatusEdit).where(StatusEdit.status_id.in_(ids))
                                     .order_by(StatusEdit.status_id, StatusEdit.id))).all()
            tags = (await s.execute(select(StatusTag.status_id, Tag.display_name)
                                    .join(Tag, Tag.id == StatusTag.tag_id)
                                    .where(StatusTag.status_id.in_(ids)))).all()
            polls = (await s.scalars(select(Poll).where(Poll.status_id.in_(ids)))).all()
            gen_ids = {m.ai_generation_id for m in media if m.ai_generation_id}
            prompts = dict((await s.execute(select(Generation.id, Generation.prompt).where(
                Generation.id.in_(gen_ids)))).all()) if gen_ids else {}
        by_status: dict[int, dict[str, list]] = defaultdict(lambda: defaultdict(list))
        for m in media:
            by_status[m.status_id]["media"].append(_media(m, prompts))
        for e in edits:
            by_status[e.status_id]["edits"].append({
                "created_at": iso(e.created_at), "text": e.text, "spoiler_text": e.spoiler_text,
                "sensitive": e.sensitive, "media_ids": [str(i) for i in e.media_ids],
                "poll_options": e.poll_options})
        for status_id, name in tags:
            by_status[status_id]["tags"].append(name)
        poll_of = {p.status_id: p for p in polls}
        yield [_post(st, username, by_status[st.id], poll_of.get(st.id)) for st in statuses]


def _media(m: MediaAttachment, prompts: dict[int, str]) -> dict:
    out = {"id": str(m.id), "type": m.type, "file": media_name(m.file_path),
           "content_type": m.content_type, "size": m.file_size, "width": m.width,
           "height": m.height, "description": m.description, "created_at": iso(m.created_at)}
    if m.ai_generation_id or m.ai_provenance_source:
        out["ai"] = {"generation_id": _s(m.ai_generation_id), "candidate_id": _s(m.ai_candidate_id),
                     "prompt": prompts.get(m.ai_generation_id),  # type: ignore[arg-type]
                     "provenance_source": m.ai_provenance_source, "provenance": m.ai_provenance}
    return out


def _post(st: Status, username: str, extra: dict[str, list], poll: Poll | None) -> dict:
    return {
        "id": str(st.id), "url": f"{base_url()}/@{username}/{st.id}", "created_at": iso(st.created_at),
        "edited_at": iso(st.edited_at), "visibility": st.visibility,
        "in_reply_to_id": _s(st.in_reply_to_id),
        "in_reply_to_account_id": _s(st.in_reply_to_account_id),
        "repost_of_id": _s(st.reblog_of_id), "sensitive": st.sensitive,
        "spoiler_text": st.spoiler_text, "text": st.text, "content_html": st.content_html,
        "language": st.language, "training_opt_out": st.training_opt_out,
        "replies_count": st.replies_count, "reblogs_count": st.reblogs_count,
        "favourites_count": st.favourites_count, "tags": extra.get("tags", []),
        "media": extra.get("media", []),
        "poll": None if poll is None else {
            "options": poll.options, "votes": poll.tallies, "multiple": poll.multiple,
            "votes_count": poll.votes_count},
        "edits": extra.get("edits", []),
    }


# ---- outbox.json (ActivityStreams, as in Mastodon's archive) ----------------------------------------

PUBLIC = "https://www.w3.org/ns/activitystreams#Public"


async def outbox(db: Database, account_id: int, username: str) -> Rows:
    actor = f"{base_url()}/@{username}"
    original, author = aliased(Status), aliased(Account)

    def query(after: int) -> Select:
        return (select(Status, author.username)
                .outerjoin(original, original.id == Status.reblog_of_id)
                .outerjoin(author, author.id == original.account_id)
                .where(Status.account_id == account_id, Status.deleted_at.is_(None),
                       Status.id > after).order_by(Status.id))

    async for rows in pages(db, query, key=lambda r: r[0].id):
        yield [_activity(st, actor, reposted_from) for st, reposted_from in rows]


def _activity(st: Status, actor: str, reposted_from: str | None) -> dict:
    followers = f"{actor}/followers"
    to, cc = {"public": ([PUBLIC], [followers]), "unlisted": ([followers], [PUBLIC]),
              "private": ([followers], [])}.get(st.visibility, ([], []))
    url = f"{actor}/{st.id}"
    if st.reblog_of_id is not None:
        return {"id": f"{url}/activity", "type": "Announce", "actor": actor,
                "published": iso(st.created_at), "to": to, "cc": cc,
                "object": f"{base_url()}/@{reposted_from}/{st.reblog_of_id}"}
    return {"id": f"{url}/activity", "type": "Create", "actor": actor,
            "published": iso(st.created_at), "to": to, "cc": cc,
            "object": {"id": url, "type": "Note", "url": url, "attributedTo": actor,
                       "published": iso(st.created_at), "updated": iso(st.edited_at),
                       "inReplyTo": _s(st.in_reply_to_id), "summary": st.spoiler_text or None,
                       "sensitive": st.sensitive, "content": st.content_html,
                       "to": to, "cc": cc}}


# ---- media files ----------------------------------------------------------------------------------

async def media_paths(db: Database, account_id: int) -> AsyncIterator[list[tuple[str, str]]]:
    """(stored path, name in the archive) of every file the person uploaded or picked, then of
    every generated candidate still kept."""
    async for rows in pages(db, lambda after: select(MediaAttachment.id, MediaAttachment.file_path)
                            .where(MediaAttachment.account_id == account_id,
                                   MediaAttachment.id > after).order_by(MediaAttachment.id),
                            key=lambda r: r.id):
        yield [(r.file_path, media_name(r.file_path)) for r in rows]
    async for rows in pages(db, lambda after: select(Candidate.id, Candidate.file_path)
                            .join(Generation, Generation.id == Candidate.generation_id)
                            .where(Generation.account_id == account_id, Candidate.id > after)
                            .order_by(Candidate.id), key=lambda r: r.id):
        yield [(r.file_path, generated_name(r.file_path)) for r in rows]


# ---- the social graph and reactions ---------------------------------------------------------------

def _person(account_id: int, username: str) -> dict:
    return {"account_id": str(account_id), "acct": username, "url": f"{base_url()}/@{username}"}


async def follows(db: Database, account_id: int, *, followers: bool = False) -> Rows:
    mine, theirs = ((Follow.target_account_id, Follow.account_id) if followers
                    else (Follow.account_id, Follow.target_account_id))
    async for rows in pages(db, lambda after: select(Follow, Account.username)
                            .join(Account, Account.id == theirs)
                            .where(mine == account_id, Follow.id > after).order_by(Follow.id),
                            key=lambda r: r[0].id):
        out = []
        for f, username in rows:
            other = f.account_id if followers else f.target_account_id
            item = {**_person(other, username), "created_at": iso(f.created_at)}
            if not followers:
                item.update(show_reblogs=f.show_reblogs, notify=f.notify, languages=f.languages)
            out.append(item)
        yield out


async def reactions(db: Database, account_id: int, model: type[Favourite] | type[Bookmark]) -> Rows:
    """likes.json and bookmarks.json: the posts, with their address."""
    author = aliased(Account)
    async for rows in pages(db, lambda after: select(model.id, model.status_id, model.created_at,
                                                     author.username)
                            .join(Status, Status.id == model.status_id)
                            .join(author, author.id == Status.account_id)
                            .where(model.account_id == account_id, model.id > after)
                            .order_by(model.id), key=lambda r: r.id):
        yield [{"status_id": str(r.status_id), "url": f"{base_url()}/@{r.username}/{r.status_id}",
                "created_at": iso(r.created_at)} for r in rows]


async def blocks(db: Database, account_id: int) -> Rows:
    async for rows in pages(db, lambda after: select(Block.id, Block.target_account_id,
                                                     Block.created_at, Account.username)
                            .join(Account, Account.id == Block.target_account_id)
                            .where(Block.account_id == account_id, Block.id > after)
                            .order_by(Block.id), key=lambda r: r.id):
        yield [{**_person(r.target_account_id, r.username), "created_at": iso(r.created_at)}
               for r in rows]


async def mutes(db: Database, account_id: int) -> Rows:
    async for rows in pages(db, lambda after: select(Mute, Account.username)
                            .join(Account, Account.id == Mute.target_account_id)
                            .where(Mute.account_id == account_id, Mute.id > after)
                            .order_by(Mute.id), key=lambda r: r[0].id):
        yield [{**_person(m.target_account_id, username), "created_at": iso(m.created_at),
                "hide_notifications": m.hide_notifications, "expires_at": iso(m.expires_at)}
               for m, username in rows]


async def lists(db: Database, account_id: int) -> Rows:
    async for rows in pages(db, lambda after: select(List).where(
            List.account_id == account_id, List.id > after).order_by(List.id),
            key=lambda r: r[0].id):
        ids = [r[0].id for r in rows]
        async with db.read_session() as s:
            members = (await s.execute(select(ListAccount.list_id, Account.id, Account.username)
                                       .join(Account, Account.id == ListAccount.account_id)
                                       .where(ListAccount.list_id.in_(ids))
                                       .order_by(ListAccount.id))).all()
        of: dict[int, list] = defaultdict(list)
        for list_id, member_id, username in members:
            of[list_id].append(_person(member_id, username))
        yield [{"id": str(lst.id), "title": lst.title, "replies_policy": lst.replies_policy,
                "exclusive": lst.exclusive, "created_at": iso(lst.created_at),
                "accounts": of[lst.id]} for (lst,) in rows]


# ---- generations.json -------------------------------------------------------------------------------

async def generations(db: Database, account_id: int) -> Rows:
    async for rows in pages(db, lambda after: select(Generation).where(
            Generation.account_id == account_id, Generation.id > after).order_by(Generation.id),
            key=lambda r: r[0].id):
        gens = [r[0] for r in rows]
        async with db.read_session() as s:
            candidates = (await s.scalars(select(Candidate).where(
                Candidate.generation_id.in_([g.id for g in gens]))
                .order_by(Candidate.generation_id, Candidate.index))).all()
        of: dict[int, list] = defaultdict(list)
        for c in candidates:
            of[c.generation_id].append({
                "id": str(c.id), "index": c.index, "seed": c.seed, "width": c.width,
                "height": c.height, "content_type": c.content_type, "sensitive": c.sensitive,
                "file": generated_name(c.file_path), "picked": c.picked_at is not None,
                "picked_at": iso(c.picked_at), "media_id": _s(c.media_attachment_id),
                "created_at": iso(c.created_at)})
        yield [{"id": str(g.id), "prompt": g.prompt, "style": g.style,
                "aspect_ratio": g.aspect_ratio, "seed": g.seed, "n": g.n,
                "provider": {"name": g.provider_name, "model": g.provider_model,
                             "label": g.provider_label},
                "state": g.state, "error": g.error, "remix_of_status_id": _s(g.remix_of_status_id),
                "created_at": iso(g.created_at), "started_at": iso(g.started_at),
                "finished_at": iso(g.finished_at), "candidates": of[g.id]} for g in gens]


# ---- notes.json, feedback.json ---------------------------------------------------------------------

async def notes(db: Database, account_id: int) -> Rows:
    """Your live notes on posts."""
    async for rows in pages(db, lambda after: select(Note.id, Note.status_id, Note.text, Note.created_at)
                            .where(Note.account_id == account_id, Note.deleted_at.is_(None),
                                   Note.id > after).order_by(Note.id), key=lambda r: r.id):
        yield [{"id": str(r.id), "status_id": str(r.status_id), "text": r.text,
                "created_at": iso(r.created_at)} for r in rows]


async def feedback(db: Database, account_id: int) -> Rows:
    """Your ratings of notes and of the assistant's answers, and your "show more / less" choices."""
    async for rows in pages(db, lambda after: select(NoteRating, Note.status_id)
                            .join(Note, Note.id == NoteRating.note_id)
                            .where(NoteRating.account_id == account_id, NoteRating.note_id > after)
                            .order_by(NoteRating.note_id), key=lambda r: r[0].note_id):
        yield [{"kind": "note_rating", "note_id": str(r.note_id), "status_id": str(status_id),
                "helpful": r.helpful, "reason": r.reason, "updated_at": iso(r.updated_at)}
               for r, status_id in rows]
    async for rows in pages(db, lambda after: select(AssistantRating)
                            .where(AssistantRating.account_id == account_id,
                                   AssistantRating.status_id > after)
                            .order_by(AssistantRating.status_id), key=lambda r: r[0].status_id):
        yield [{"kind": "assistant_rating", "status_id": str(r.status_id), "rating": r.rating,
                "reason": r.reason, "created_at": iso(r.created_at)} for (r,) in rows]
    async for rows in pages(db, lambda after: select(StatusFeedback)
                            .where(StatusFeedback.account_id == account_id,
                                   StatusFeedback.status_id > after)
                            .order_by(StatusFeedback.status_id), key=lambda r: r[0].status_id):
        yield [{"kind": "show_" + r.signal, "status_id": str(r.status_id),
                "created_at": iso(r.created_at)} for (r,) in rows]
