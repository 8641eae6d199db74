"""Per-token and per-IP rate limits in fixed 5-minute windows (Mastodon's default shape).

Counts live in Redis when it is configured (shared by every web process) and in memory otherwise.
Every response carries X-RateLimit-Limit / -Remaining / -Reset; over the limit answers 429.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

from fastapi import Request

from roost.config import Settings
from roost.kit.errors import RateLimited

WINDOW = 300


class _MemoryCounter:
    def __init__(self) -> None:
        self.counts: dict[str, int] = {}
        self.window = 0

    async def hit(self, key: str, window_start: int, ttl: int) -> int:
        if window_start != self.window:
            self.counts, self.window = {}, window_start
        self.counts[key] = self.counts.get(key, 0) + 1
        return self.counts[key]


class _RedisCounter:
    def __init__(self, redis) -> None:  # noqa: ANN001
        self.redis = redis

    async def hit(self, key: str, window_start: int, ttl: int) -> int:
        k = f"roost:rl:{key}:{window_start}"
        pipe = self.redis.pipeline()
        pipe.incr(k)
        pipe.expire(k, ttl)
        count, _ = await pipe.execute()
        return int(count)


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


class RateLimiter:
    def __init__(self, settings: Settings, redis=None) -> None:  # noqa: ANN001
        self.settings = settings
        self.enabled = settings.rate_limits_enabled
        self.counter = _RedisCounter(redis) if redis is not None else _MemoryCounter()

    async def _hit(self, request: Request, key: str, limit: int, window: int = WINDOW) -> None:
        now = int(time.time())
        start = now - now % window
        count = await self.counter.hit(key, start, window + 5)
        reset = datetime.fromtimestamp(start + window, tz=UTC)
        remaining = max(0, limit - count)
        request.state.ratelimit = (limit, remaining, reset)
        if count > limit:
            exc = RateLimited("Too many requests")
            exc.headers = _headers(limit, 0, reset)  # type: ignore[attr-defined]
            raise exc

    async def check_request(self, request: Request, actor) -> None:  # noqa: ANN001
        if not self.enabled:
            return
        if actor is not None:
            await self._hit(request, f"token:{actor.token.id}", self.settings.rate_limit_per_token)
        else:
            await self._hit(request, f"ip:{client_ip(request)}", self.settings.rate_limit_per_ip)

    async def check_registration(self, request: Request) -> None:
        if not self.enabled:
            return
        await self._hit(request, f"signup:{client_ip(request)}", self.settings.rate_limit_registrations,
                        window=1800)


def _headers(limit: int, remaining: int, reset: datetime) -> dict[str, str]:
    return {
        "X-RateLimit-Limit": str(limit),
        "X-RateLimit-Remaining": str(remaining),
        "X-RateLimit-Reset": reset.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
    }


def response_headers(request: Request) -> dict[str, str]:
    info = getattr(request.state, "ratelimit", None)
    return _headers(*info) if info else {}
