"""Mastodon entity shapes, as pure functions of already-loaded rows."""

from __future__ import annotations

from datetime import datetime

from roost import runtime
from roost.ai.upload_provenance import labelled_description
from roost.models import Account, MediaAttachment, OAuthApp, Poll, Status, Tag, User
from roost.notifications.grouping import group_key


def iso(dt: datetime | None) -> str | None:
    if dt is None:
        return None
    return (f"{dt.year:04d}-{dt.month:02d}-{dt.day:02d}T{dt.hour:02d}:{dt.minute:02d}:"
            f"{dt.second:02d}.{dt.microsecond // 1000:03d}Z")


def _base() -> str:
    return runtime.settings().base_url


def media_url(path: str | None, fallback: str) -> str:
    base = runtime.public_base_url()  # https behind a TLS proxy: no mixed content
    return f"{base}/media/{path}" if path else f"{base}/static/{fallback}"


def account(a: Account) -> dict:
    base = _base()
    avatar = media_url(a.avatar_path, "avatar-missing.png")
    header = media_url(a.header_path, "header-missing.png")
    created = a.created_at.replace(hour=0, minute=0, second=0, microsecond=0)
    data = {
        "id": str(a.id),
        "username": a.username,
        "acct": a.username,
        "display_name": a.display_name,
        "locked": a.locked,
        "bot": a.bot,
        "discoverable": a.discoverable,
        "indexable": a.indexable,
        "group": False,
        "created_at": iso(created),
        "note": a.note_html,
        "url": f"{base}/@{a.username}",
        "uri": f"{base}/users/{a.username}",
        "avatar": avatar,
        "avatar_static": avatar,
        "header": header,
        "header_static": header,
        "followers_count": a.followers_count,
        "following_count": a.following_count,
        "statuses_count": a.statuses_count,
        "last_status_at": a.last_status_at.strftime("%Y-%m-%d") if a.last_status_at else None,
        "hide_collections": False,
        "noindex": not a.indexable,
        "emojis": [],
        "roles": [],
        "fields": [
            {"name": f.get("name", ""), "value": f.get("value_html", ""), "verified_at": None}
            for f in (a.fields or [])
        ],
    }
    if a.suspended_at is not None:  # as Mastodon: the profile is blanked, only the name stays
        missing_avatar = media_url(None, "avatar-missing.png")
        missing_header = media_url(None, "header-missing.png")
        data.update(suspended=True, display_name="", note="", fields=[], locked=False, bot=False,
                    avatar=missing_avatar, avatar_static=missing_avatar, header=missing_header,
                    header_static=missing_header, followers_count=0, following_count=0,
                    statuses_count=0, last_status_at=None)
    return data


def credential_fields(a: Account, user: User | None, *, follow_requests_count: int = 0) -> dict:
    prefs = {**(user.preferences or {})} if user else {}
    return {
        "source": {
            "privacy": prefs.get("posting:default:visibility") or "public",
            "sensitive": bool(prefs.get("posting:default:sensitive", False)),
            "language": prefs.get("posting:default:language") or "",
            "note": a.note,
            "fields": [{"name": f.get("name", ""), "value": f.get("value", ""), "verified_at": None}
                       for f in (a.fields or [])],
            "follow_requests_count": follow_requests_count,
            "hide_collections": False,
            "discoverable": a.discoverable,
            "indexable": a.indexable,
        },
        "role": {
            "id": {"admin": "3", "moderator": "2"}.get(user.role, "-99") if user else "-99",
            "name": (user.role.capitalize() if user and user.role != "user" else ""),
            "color": "",
            "permissions": "1" if user and user.role == "admin" else "0",
            "highlighted": bool(user and user.role != "user"),
        },
    }


def media(m: MediaAttachment) -> dict:
    meta: dict = {}
    if m.width and m.height:
        meta["original"] = {"width": m.width, "height": m.height, "size": f"{m.width}x{m.height}",
                            "aspect": round(m.width / m.height, 6)}
    if m.thumb_width and m.thumb_height:
        meta["small"] = {"width": m.thumb_width, "height": m.thumb_height,
                         "size": f"{m.thumb_width}x{m.thumb_height}",
                         "aspect": round(m.thumb_width / m.thumb_height, 6)}
    meta["focus"] = {"x": m.focus_x, "y": m.focus_y}
    data = {
        "id": str(m.id),
        "type": m.type,
        "url": media_url(m.file_path, ""),
        "preview_url": media_url(m.thumbnail_path or m.file_path, ""),
        "remote_url": None,
        "preview_remote_url": None,
        "text_url": None,
        "meta": meta,
        "description": m.description,
        "blurhash": m.blurhash,
    }
    if m.ai_generation_id is not None:  # Roost's extension (Mastodon clients ignore unknown keys)
        data["roost"] = {"ai_generated": True, "generation_id": str(m.ai_generation_id),
                         "candidate_id": str(m.ai_candidate_id) if m.ai_candidate_id else None}
    elif m.ai_provenance_source is not None:  # an upload whose file claimed AI generation
        data["roost"] = {"ai_generated": True,
                         "provenance": {"source": m.ai_provenance_source, **(m.ai_provenance or {})}}
        data["description"] = labelled_description(m.description)
    return data


def tag(t: Tag, *, history: list[dict] | None = None, following: bool | None = None) -> dict:
    """A status's tag (name and url) or, given its `history`, the full Tag entity."""
    data: dict = {"name": t.display_name, "url": f"{_base()}/tags/{t.name}"}
    if history is not None:
        data.update(id="" if t.id is None else str(t.id), history=history)  # "": never used
    if following is not None:
        data["following"] = following
    return data


def poll(p: Poll, *, now: datetime, viewer_id: int | None, own_votes: list[int]) -> dict:
    """A Poll. Option counts stay hidden while a `hide_totals` poll is open; `voted` is true for
    the author too (Mastodon's rule: they cannot vote)."""
    expired = p.expires_at <= now
    show = expired or not p.hide_totals
    tallies = list(p.tallies or [])
    data = {
        "id": str(p.id),
        "expires_at": iso(p.expires_at),
        "expired": expired,
        "multiple": p.multiple,
        "votes_count": p.votes_count,
        "voters_count": p.voters_count,
        "options": [{"title": title, "votes_count": (tallies[i] if i < len(tallies) else 0)
                     if show else None} for i, title in enumerate(p.options)],
        "emojis": [],
    }
    if viewer_id is not None:
        data["voted"] = bool(own_votes) or p.account_id == viewer_id
        data["own_votes"] = list(own_votes)
    return data


def list_(lst) -> dict:  # noqa: ANN001 - roost.models.List
    return {"id": str(lst.id), "title": lst.title, "replies_policy": lst.replies_policy,
            "exclusive": lst.exclusive}


def featured_tag(f, account: Account) -> dict:  # noqa: ANN001 - roost.tags.repository.Featured
    last = f.last_status_at
    return {"id": str(f.row.id), "name": f.tag.display_name,
            "url": f"{_base()}/@{account.username}/tagged/{f.tag.name}",
            "statuses_count": str(f.statuses_count),
            "last_status_at": last.date().isoformat() if last else None}


def application(app: OAuthApp | None) -> dict | None:
    if app is None:
        return None
    return {"name": app.name, "website": app.website}


def mention(account_id: int, username: str) -> dict:
    return {"id": str(account_id), "username": username, "acct": username,
            "url": f"{_base()}/@{username}"}


def tag_ref(name: str, display_name: str) -> dict:
    """A Tag as a status lists it."""
    return {"name": display_name, "url": f"{_base()}/tags/{name}"}


def status(st: Status, *, account: dict, parts) -> dict:  # noqa: ANN001 - content.Parts
    """A status as every viewer sees it: `account` is the author already rendered, `parts` the
    content parts (api.mastodon.content). The presenter adds the viewer's own fields."""
    base = _base()
    username = account["username"]
    return {
        "id": str(st.id),
        "uri": f"{base}/users/{username}/statuses/{st.id}",
        "url": f"{base}/@{username}/{st.id}",
        "created_at": iso(st.created_at),
        "account": account,
        "content": st.content_html,
        "visibility": st.visibility,
        "sensitive": st.sensitive,
        "spoiler_text": st.spoiler_text,
        "media_attachments": parts.media,
        "application": parts.application,
        "mentions": parts.mentions,
        "tags": parts.tags,
        "emojis": [],
        "reblogs_count": st.reblogs_count,
        "favourites_count": st.favourites_count,
        "replies_count": st.replies_count,
        "in_reply_to_id": str(st.in_reply_to_id) if st.in_reply_to_id else None,
        "in_reply_to_account_id": str(st.in_reply_to_account_id) if st.in_reply_to_account_id else None,
        "reblog": None,
        "poll": None,
        "card": None,
        "language": st.language,
        "text": None,
        "edited_at": iso(st.edited_at),
        "roost": {"training_opt_out": st.training_opt_out},
    }


def reblog_wrapper(rep: Status, account_data: dict, original: dict, *, viewer_id: int | None) -> dict:
    base = _base()
    data = {
        "id": str(rep.id),
        "uri": f"{base}/users/{account_data['username']}/statuses/{rep.id}/activity",
        "url": None,
        "created_at": iso(rep.created_at),
        "account": account_data,
        "content": "",
        "visibility": rep.visibility,
        "sensitive": False,
        "spoiler_text": "",
        "media_attachments": [],
        "application": None,
        "mentions": [],
        "tags": [],
        "emojis": [],
        "reblogs_count": 0,
        "favourites_count": 0,
        "replies_count": 0,
        "in_reply_to_id": None,
        "in_reply_to_account_id": None,
        "reblog": original,
        "poll": None,
        "card": None,
        "language": None,
        "text": None,
        "edited_at": None,
    }
    if viewer_id is not None:
        data.update(favourited=original.get("favourited", False),
                    reblogged=original.get("reblogged", False), muted=False,
                    bookmarked=original.get("bookmarked", False), filtered=[])
    return data


def relationship(rel) -> dict:  # noqa: ANN001 - roost.graph.repository.Relationship
    return {
        "id": str(rel.id),
        "following": rel.following,
        "showing_reblogs": rel.showing_reblogs,
        "notifying": rel.notifying,
        "languages": rel.languages,
        "followed_by": rel.followed_by,
        "blocking": rel.blocking,
        "blocked_by": rel.blocked_by,
        "muting": rel.muting,
        "muting_notifications": rel.muting_notifications,
        "muting_expires_at": iso(rel.muting_expires_at),
        "requested": rel.requested,
        "requested_by": rel.requested_by,
        "domain_blocking": False,
        "endorsed": rel.endorsed,
        "note": rel.note,
    }


STATUS_NOTIFICATIONS = ("mention", "status", "reblog", "favourite", "poll", "update")


def notification(n, account_data: dict, status_data: dict | None,  # noqa: ANN001
                 report_data: dict | None = None) -> dict:
    data = {"id": str(n.id), "type": n.type, "created_at": iso(n.created_at),
            "group_key": group_key(n.id, n.type, n.status_id), "account": account_data}
    if n.type in STATUS_NOTIFICATIONS:
        data["status"] = status_data
    if n.type == "admin.report":
        data["report"] = report_data
    return data


def notification_group(g, *, paginated: bool, report: dict | None = None) -> dict:  # noqa: ANN001
    """A NotificationGroup. `most_recent_notification_id` is a number, as Mastodon sends it."""
    data = {"group_key": g.key, "notifications_count": g.count, "type": g.type,
            "most_recent_notification_id": g.most_recent_id,
            "sample_account_ids": [str(i) for i in g.sample_account_ids]}
    if paginated:
        data.update(page_min_id=str(g.page_min_id), page_max_id=str(g.page_max_id),
                    latest_page_notification_at=iso(g.latest_page_at))
    if g.type in STATUS_NOTIFICATIONS:
        data["status_id"] = str(g.status_id)
    if g.type == "admin.report":
        data["report"] = report
    return data
