"""Per-token and per-IP rate limits in fixed 5-minute windows (Mastodon's default shape).

Counts live in Redis when it is configured (shared by every web process) and in memory otherwise.
Every counted response carries X-RateLimit-Limit / -Remaining / -Reset; over the limit answers 429.
Sign-ups are limited per IP per 30 minutes, failed sign-ins per IP and per login per 5 minutes.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

from fastapi import Request

from roost.config import Settings
from roost.kit.errors import RateLimited

WINDOW = 300


class _MemoryCounter:
    """Counts per (key, window) in this process; expired windows are pruned as it goes."""

    def __init__(self) -> None:
        self.counts: dict[tuple[str, int], tuple[int, float]] = {}
        self.hits = 0

    def _prune(self) -> None:
        now = time.time()
        self.counts = {k: v for k, v in self.counts.items() if v[1] > now}

    async def hit(self, key: str, window_start: int, ttl: int) -> int:
        self.hits += 1
        if self.hits % 1000 == 0:
            self._prune()
        count = self.counts.get((key, window_start), (0, 0.0))[0] + 1
        self.counts[(key, window_start)] = (count, window_start + ttl)
        return count

    async def get(self, key: str, window_start: int) -> int:
        return self.counts.get((key, window_start), (0, 0.0))[0]


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

    async def get(self, key: str, window_start: int) -> int:
        value = await self.redis.get(f"roost:rl:{key}:{window_start}")
        return int(value or 0)


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

    async def check_key(self, request: Request, key: str, limit: int) -> None:
        """Count one request under `key` (the web composer: posts per account); 429 past `limit`
        in the window."""
        if self.enabled:
            await self._hit(request, key, limit)

    async def check_registration(self, request: Request) -> None:
        if not self.enabled:
            return
        await self._hit(request, f"signup:{client_ip(request)}", self.settings.rate_limit_registrations,
                        window=1800)

    # Failed sign-ins are limited even when request limits are off: they guard passwords.
    def _login_keys(self, request: Request, who: str) -> list[tuple[str, int]]:
        return [(f"loginfail:ip:{client_ip(request)}", self.settings.login_failures_per_ip),
                (f"loginfail:{who}", self.settings.login_failures_per_account)]

    async def check_login(self, request: Request, who: str) -> None:
        """429 when this IP or this account (auth.service.login_key) has failed too often."""
        now = int(time.time())
        start = now - now % WINDOW
        for key, limit in self._login_keys(request, who):
            if await self.counter.get(key, start) >= limit:
                reset = datetime.fromtimestamp(start + WINDOW, tz=UTC)
                exc = RateLimited("Too many failed login attempts, try again later")
                exc.headers = _headers(limit, 0, reset)  # type: ignore[attr-defined]
                raise exc

    async def login_failed(self, request: Request, who: str) -> None:
        now = int(time.time())
        start = now - now % WINDOW
        for key, _ in self._login_keys(request, who):
            await self.counter.hit(key, start, WINDOW + 5)


def limiter_of(request: Request) -> RateLimiter | None:
    return getattr(request.app.state, "rate_limiter", None)


async def per_ip(request: Request) -> None:
    """Dependency for routes that take no token (apps, oauth, instance): count the caller's IP."""
    limiter = limiter_of(request)
    if limiter is not None and getattr(request.state, "ratelimit", None) is None:
        await limiter.check_request(request, None)


def _headers(limit: int, remaining: int, reset: datetime) -> dict[str, str]:
    return {
        "X-RateLimit-Limit": str(limit),
        "X-RateLimit-Remaining": str(remaining),
        "X-RateLimit-Reset": reset.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
    }


def response_headers(request: Request) -> dict[str, str]:
    info = getattr(request.state, "ratelimit", None)
    return _headers(*info) if info else {}


class RateLimitHeaders:
    """ASGI middleware: every response to a counted request carries the X-RateLimit-* headers
    (headers the response already has are kept). Plain ASGI: Starlette's BaseHTTPMiddleware
    costs a task and a stream per request."""

    def __init__(self, app) -> None:  # noqa: ANN001
        self.app = app

    async def __call__(self, scope, receive, send) -> None:  # noqa: ANN001
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        state = scope.setdefault("state", {})  # request.state writes here

        async def send_with_headers(message) -> None:  # noqa: ANN001
            info = state.get("ratelimit")
            if info and message["type"] == "http.response.start":
                raw = list(message.get("headers", ()))
                present = {k.lower() for k, _ in raw}
                for k, v in _headers(*info).items():
                    if k.lower().encode() not in present:
                        raw.append((k.lower().encode(), v.encode()))
                message = {**message, "headers": raw}
            await send(message)

        await self.app(scope, receive, send_with_headers)
