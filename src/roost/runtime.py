"""Process-wide handles that jobs need (jobs get a session, not the app): Redis and settings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from roost.config import Settings, get_settings


@dataclass
class Runtime:
    db: Any = None
    redis: Any = None
    settings: Settings | None = None
    broker: Any = None  # realtime.Broker: set by start-up, or made in-process on first use
    assistant_id: int | None = None  # the assistant's account (ai/assistant/account.py)


current = Runtime()


def bind(*, db: Any, redis: Any, settings: Settings, broker: Any = None) -> None:
    current.db, current.redis, current.settings = db, redis, settings
    current.broker = broker


def settings() -> Settings:
    return current.settings or get_settings()


def redis() -> Any:
    return current.redis


def public_base_url() -> str:
    """base_url for links handed to the caller now: https when this request came over TLS
    (directly or through a trusted proxy) even if ROOST_HTTPS is off."""
    from roost.kit.proxies import request_scheme

    s = settings()
    if not s.https and request_scheme.get() in ("https", "wss"):
        return f"https://{s.domain}"
    return s.base_url
