"""Realtime: the process's broker (broker.py), channel names, and publishing after commit.

Channels (Mastodon's streaming model):
  timeline:ACCOUNT_ID               a new status in that person's home ({"event": "update"})
  user:ACCOUNT_ID:notification      a new notification for that person
  public, public:local              new public posts (replies included, reposts not)
  hashtag:NAME                      new public posts with #NAME (lower case)
  list:LIST_ID                      new statuses by that list's members (the stream checks the list's rules)
  direct:ACCOUNT_ID                 a conversation of that person got a new direct post ({"event": "conversation"})
  announcements                     an announcement was published ("announcement"), withdrawn
                                    ("announcement.delete") or reacted to ("announcement.reaction", with "name")
Messages: {"event": "update" | "delete" | "notification", "id": "<status or notification id>"}.
See docs/subsystems/realtime.md."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from roost import runtime
from roost.db import after_commit
from roost.realtime.broker import Broker, InProcessBroker, RedisBroker, Subscription, make_broker

__all__ = ["Broker", "InProcessBroker", "RedisBroker", "Subscription", "broker", "direct", "hashtag", "list_",
           "make_broker", "notifications", "publish_after_commit", "timeline"]

PUBLIC, PUBLIC_LOCAL = "public", "public:local"
ANNOUNCEMENTS = "announcements"
TIMELINE_PREFIX = "timeline:"


def timeline(account_id: int) -> str:
    return f"{TIMELINE_PREFIX}{account_id}"


def notifications(account_id: int) -> str:
    return f"user:{account_id}:notification"


LIST_PREFIX = "list:"


def list_(list_id: int) -> str:
    return f"{LIST_PREFIX}{list_id}"


def direct(account_id: int) -> str:
    return f"direct:{account_id}"


def hashtag(name: str) -> str:
    return f"hashtag:{name.lower()}"


def broker() -> Broker:
    """The process's broker (bound at start-up; an in-process one if nothing was bound)."""
    if runtime.current.broker is None:
        runtime.current.broker = InProcessBroker()
    return runtime.current.broker


def message(event: str, id_: int) -> dict:
    return {"event": event, "id": str(id_)}


def publish_after_commit(session: AsyncSession, items: list[tuple[str, dict]]) -> None:
    """Publish (channel, message) pairs once this unit of work commits; nothing on rollback."""
    if not items:
        return

    async def send() -> None:
        b = broker()
        for channel, msg in items:
            await b.publish(channel, msg)

    after_commit(session, send)
