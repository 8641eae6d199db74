"""What Mastodon's streaming API says to one viewer: the streams (user, public, hashtag, ...),
the broker channels each listens to, and the turning of broker messages (ids only) into
Mastodon events whose payloads are rendered for that viewer by the REST API's Presenter.

A stream re-reads everything it tells: new statuses go through the timelines' own statements
(`timelines.service.live_visible`: visibility, blocks, mutes), then the viewer's filters
(`hide` drops, `warn` marks `filtered`); notifications through `notifications.repository.get`
(the one statement for what a person sees). See docs/subsystems/realtime.md."""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from roost import realtime
from roost.announcements import repository as announcements_repo
from roost.api.mastodon.announcements import render as render_announcements
from roost.api.mastodon.presenter import Presenter
from roost.api.mastodon.conversations import render_conversations
from roost.auth.actor import Actor
from roost.conversations import service as conversations
from roost.kit.errors import BadRequest, Forbidden, NotAuthenticated, NotFound
from roost.models import Account
from roost.lists import repository as lists_repo
from roost.notifications import repository as notifications_repo
from roost.timelines import service as timelines
from roost.timelines.repository import normalize_tag

# Mastodon's stream names; the scopes a token must hold for them (any one of them).
STATUS_SCOPES = ("read", "read:statuses")
SCOPES = {"user": STATUS_SCOPES, "user:notification": ("read", "read:notifications"),
          "public": STATUS_SCOPES, "public:local": STATUS_SCOPES, "public:remote": STATUS_SCOPES,
          "public:media": STATUS_SCOPES, "public:local:media": STATUS_SCOPES,
          "public:remote:media": STATUS_SCOPES, "hashtag": STATUS_SCOPES,
          "hashtag:local": STATUS_SCOPES, "direct": STATUS_SCOPES, "list": ("read", "read:lists")}
SIGNED_IN = {"user", "user:notification", "direct", "list"}  # the others may be read anonymously
REMOTE_NOBODY = "public:remote"  # a single server has no remote posts: a channel nobody publishes


@dataclass(frozen=True)
class Stream:
    name: str                  # Mastodon's name: "user", "public:local", "hashtag", ...
    tag: str | None = None     # hashtag streams
    list_id: int | None = None  # list streams

    @property
    def key(self) -> list[str]:
        """Mastodon's `stream` field on WebSocket messages: ["hashtag", "birds"], ["user"]."""
        if self.list_id is not None:
            return [self.name, str(self.list_id)]
        return [self.name, self.tag] if self.tag is not None else [self.name]

    @property
    def only_media(self) -> bool:
        return self.name.endswith(":media")

    @property
    def timeline(self) -> str:
        """The timelines.service.live_visible timeline that decides what this stream shows."""
        base = self.name.removesuffix(":media")
        if base == "user":
            return "home"
        if base == "list":
            return f"list:{self.list_id}"
        if base.startswith("hashtag"):
            return f"tag:{self.tag}"
        return "local" if base == "public:local" else "public"

    @property
    def filter_context(self) -> str:
        return "home" if self.name in ("user", "list") else "public"


def resolve(name: str, actor: Actor | None, *, tag: str | None = None,
            list_id: str | None = None, only_media: bool = False) -> Stream:
    """The stream `name` for this caller, or the error Mastodon gives: 404 an unknown stream,
    400 a hashtag stream without a tag, 401 a personal stream without a token, 403 a token
    without a read scope for it."""
    if only_media and name in ("public", "public:local", "public:remote"):
        name += ":media"
    scopes = SCOPES.get(name)
    if scopes is None:
        raise NotFound("Unknown stream type")
    if actor is not None:
        if actor.account is None and name in SIGNED_IN:
            raise Forbidden("This method requires an authenticated user")
        if not any(actor.can(s) for s in scopes):
            raise Forbidden("Access token does not have the required scopes")
    elif name in SIGNED_IN:
        raise NotAuthenticated("Missing access token")
    if name.startswith("hashtag"):
        tag = normalize_tag(tag or "")
        if not tag:
            raise BadRequest("No tag for stream provided")
        return Stream(name, tag.lower())
    if name == "list":
        if not (list_id or "").isdigit():
            raise NotFound("Unknown list")
        return Stream(name, list_id=int(list_id))  # owned? check_owner(), when opened
    return Stream(name)


async def check_owner(session: AsyncSession, viewer: Account, stream: Stream) -> None:
    """404 for a list stream of a list the viewer does not own (Mastodon's answer)."""
    if stream.list_id is not None and await lists_repo.owned(session, viewer.id, stream.list_id) is None:
        raise NotFound("Unknown list")


def channels(stream: Stream, viewer_id: int | None) -> list[str]:
    base = stream.name.removesuffix(":media")
    if base == "user":
        return [realtime.timeline(viewer_id), realtime.notifications(viewer_id), realtime.ANNOUNCEMENTS]
    if base == "user:notification":
        return [realtime.notifications(viewer_id)]
    if base == "direct":
        return [realtime.direct(viewer_id)]
    if base == "list":
        return [realtime.list_(stream.list_id)]
    if base == "public":
        return [realtime.PUBLIC]
    if base == "public:local":
        return [realtime.PUBLIC_LOCAL]
    if base == "public:remote":
        return [REMOTE_NOBODY]
    return [realtime.hashtag(stream.tag)]


def payload(data: object) -> str:
    return data if isinstance(data, str) else json.dumps(data, separators=(",", ":"))


async def render(session: AsyncSession, viewer: Account | None, stream: Stream,
                 batch: list[dict]) -> list[tuple[str, str]]:
    """(event, payload JSON text) for a batch of broker messages, oldest first, as this viewer
    may have them on this stream."""
    updates = [int(m["id"]) for m in batch if m.get("event") == "update"]
    edits = [int(m["id"]) for m in batch if m.get("event") == "status.update"]
    deletes = [m["id"] for m in batch if m.get("event") == "delete"]
    noted = [int(m["id"]) for m in batch if m.get("event") == "notification"]
    talks = [int(m["id"]) for m in batch if m.get("event") == "conversation"]
    out: list[tuple[str, str]] = []
    presenter = Presenter(session, viewer, filter_context=stream.filter_context)
    for event, ids in (("update", updates), ("status.update", edits)):
        if ids:
            rows = await timelines.live_visible(session, viewer, stream.timeline, ids)
            shown = await presenter.statuses(rows)
            if stream.only_media:
                shown = [s for s in shown if s.get("media_attachments")]
            out += [(event, payload(s)) for s in reversed(shown)]
    if noted and viewer is not None:
        rows = [n for n in [await notifications_repo.get(session, viewer.id, i) for i in noted]
                if n is not None]
        out += [("notification", payload(n)) for n in await presenter.notifications(rows)]
    if talks and viewer is not None:
        views = await conversations.conversations_of(session, viewer, talks)
        out += [("conversation", payload(c)) for c in await render_conversations(session, viewer, views)]
    if viewer is not None:
        out += await _announcements(session, viewer, batch)
    return out + [("delete", str(i)) for i in deletes]


async def _announcements(session: AsyncSession, viewer: Account, batch: list[dict]) -> list[tuple[str, str]]:
    """Mastodon's announcement events: the announcement as this viewer sees it (dismissed ones
    too: `read` says so), the new count of a reaction, or the id of a withdrawn one."""
    wanted = {int(m["id"]) for m in batch if m.get("event") in ("announcement", "announcement.reaction")}
    if not wanted:
        return [("announcement.delete", m["id"]) for m in batch if m.get("event") == "announcement.delete"]
    seen = await announcements_repo.for_viewer(session, viewer.id, with_dismissed=True, only=wanted)
    shown = {a["id"]: a for a in await render_announcements(session, seen)}
    out: list[tuple[str, str]] = []
    for m in batch:
        event, aid = m.get("event"), m.get("id")
        if event == "announcement.delete":
            out.append((event, aid))
        elif event == "announcement" and aid in shown:
            out.append((event, payload(shown[aid])))
        elif event == "announcement.reaction" and aid in shown:
            count = next((r["count"] for r in shown[aid]["reactions"] if r["name"] == m.get("name")), 0)
            out.append((event, payload({"name": m.get("name"), "count": count, "announcement_id": aid})))
    return out
