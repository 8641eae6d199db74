"""The open streams of one web process: how many each person holds (a cap per person and per
process), and ending them all when the server stops.

uvicorn waits, on shutdown, for every open response to finish before it runs the app's
lifespan shutdown, and a stream never finishes by itself: `Server` (used by `roost serve` and
the tests' live server) ends the streams first. Under another ASGI server a stream still ends
after `MAX_AGE` seconds (the browser reconnects at once)."""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import Iterator

import uvicorn

from roost.kit.errors import RateLimited, Unavailable
from roost.realtime.broker import Subscription

PER_PERSON = 4  # streams one account (or one anonymous address) may hold open at once
MAX_AGE = 600.0  # seconds; then the stream ends and EventSource reconnects


class Streams:
    def __init__(self, *, per_person: int = PER_PERSON, most: int = 128) -> None:
        self.per_person = per_person
        self.most = most
        self.held: Counter[str] = Counter()
        self.open: set[Subscription] = set()
        self.stopping = False

    def admit(self, who: str) -> Ticket:
        """Reserve a stream for `who` (an account id or an address), or refuse: 429 past the
        per-person cap, 503 when the process is full or stopping. The ticket gives the place
        back when released (or dropped: a response whose body never started)."""
        if self.stopping or sum(self.held.values()) >= self.most:
            raise Unavailable("Too many live connections; try again later")
        if self.held[who] >= self.per_person:
            raise RateLimited("Too many live connections open; close a tab")
        self.held[who] += 1
        return Ticket(self, who)

    def release(self, who: str) -> None:
        self.held[who] -= 1
        if self.held[who] <= 0:
            del self.held[who]

    @contextlib.contextmanager
    def tracking(self, sub: Subscription) -> Iterator[None]:
        self.open.add(sub)
        try:
            yield
        finally:
            self.open.discard(sub)

    def end_all(self) -> None:
        """Refuse new streams and make every open one finish."""
        self.stopping = True
        for sub in list(self.open):
            sub.end()


class Ticket:
    def __init__(self, streams: Streams, who: str) -> None:
        self.streams, self.who, self.released = streams, who, False

    def release(self) -> None:
        if not self.released:
            self.released = True
            self.streams.release(self.who)

    def __del__(self) -> None:
        self.release()


def of(app: object) -> Streams:
    state = app.state  # type: ignore[attr-defined]
    streams = getattr(state, "live_streams", None)
    if streams is None:
        settings = getattr(state, "settings", None)
        most = max(16, settings.max_connections // 2) if settings is not None else 128
        streams = state.live_streams = Streams(most=most)
    return streams


class Server(uvicorn.Server):
    """uvicorn that ends the app's live streams before it waits for open requests to finish."""

    async def shutdown(self, sockets=None) -> None:  # noqa: ANN001
        app = self.config.app
        if hasattr(app, "state"):
            of(app).end_all()
            firehose = getattr(app.state, "firehose_streams", None)
            if firehose is not None:
                firehose.end_all()
        await super().shutdown(sockets)
