"""Publish/subscribe between the code that changes things and the open streams that want to know.

Two implementations with one interface, chosen at start-up (`make_broker`):
- `InProcessBroker`: asyncio queues inside one process (the default: SQLite, one process that
  also runs the jobs).
- `RedisBroker`: Redis pub/sub (ROOST_REDIS_URL), so a post fanned out by a `roost worker`
  process reaches the streams held open by every web process. Each process keeps ONE Redis
  subscriber connection and subscribes it to the channels its local streams want.

Messages are small JSON objects (ids and kinds, never content: a subscriber decides what its
viewer may see by reading the database). Delivery is best effort: nothing is stored, a message
published while nobody listens is gone, and a subscriber that falls `queue_size` messages behind
is dropped (its iteration ends; a browser's EventSource reconnects) rather than left to grow.

    async with broker.subscribe(["public", "timeline:42"]) as sub:
        async for channel, message in sub:
            ...
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Iterable
from typing import Any

log = logging.getLogger("roost.realtime")

QUEUE_SIZE = 256  # messages a subscriber may fall behind before it is dropped
REDIS_PREFIX = "roost:live:"
_END = object()


class Subscription:
    """One subscriber's queue: an async iterator of (channel, message). It ends when closed,
    when the broker closes, or when the subscriber fell too far behind (`dropped`)."""

    def __init__(self, broker: Broker, channels: Iterable[str], queue_size: int) -> None:
        self.broker = broker
        self.channels = frozenset(channels)
        self.queue: asyncio.Queue = asyncio.Queue(queue_size)
        self.opened = False
        self.ended = False
        self.dropped = False

    # -- the broker's side
    def deliver(self, channel: str, message: dict) -> None:
        if self.ended:
            return
        try:
            self.queue.put_nowait((channel, message))
        except asyncio.QueueFull:
            log.info("realtime: a subscriber fell %d messages behind and was dropped",
                     self.queue.maxsize)
            self.dropped = True
            self.end()

    def end(self) -> None:
        """Stop the iteration (what is still queued is discarded)."""
        if self.ended:
            return
        self.ended = True
        while not self.queue.empty():
            self.queue.get_nowait()
        self.queue.put_nowait(_END)

    # -- the subscriber's side
    async def open(self) -> Subscription:
        if not self.opened:
            self.opened = True
            await self.broker._attach(self)
        return self

    async def close(self) -> None:
        self.end()
        if self.opened:
            self.opened = False
            await self.broker._detach(self)

    async def next(self, timeout: float | None = None) -> tuple[str, dict] | None:
        """The next (channel, message); None after `timeout` seconds without one. Raises
        StopAsyncIteration once the subscription has ended."""
        if not self.opened and not self.ended:
            await self.open()
        try:
            item = await asyncio.wait_for(self.queue.get(), timeout)
        except TimeoutError:
            return None
        if item is _END:
            self.queue.put_nowait(_END)  # stays ended for later calls
            raise StopAsyncIteration
        return item

    def pending(self, most: int) -> list[tuple[str, dict]]:
        """What is already queued, up to `most`, without waiting (to batch work)."""
        out: list[tuple[str, dict]] = []
        while len(out) < most and not self.queue.empty():
            item = self.queue.get_nowait()
            if item is _END:
                self.queue.put_nowait(_END)
                break
            out.append(item)
        return out

    async def __aenter__(self) -> Subscription:
        return await self.open()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    def __aiter__(self) -> Subscription:
        return self

    async def __anext__(self) -> tuple[str, dict]:
        item = await self.next()
        assert item is not None
        return item


class Broker:
    """The interface, and the local bookkeeping both implementations share: which local
    subscriptions want which channel."""

    def __init__(self, *, queue_size: int = QUEUE_SIZE) -> None:
        self.queue_size = queue_size
        self._subs: dict[str, set[Subscription]] = {}
        self.closed = False

    def subscribe(self, channels: Iterable[str], *, queue_size: int | None = None) -> Subscription:
        """A subscription to `channels`; use it as `async with` (or iterate it, then close())."""
        return Subscription(self, channels, queue_size or self.queue_size)

    async def publish(self, channel: str, message: dict) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    async def watched(self, prefix: str) -> set[str]:
        """The channels starting with `prefix` that have a subscriber (in any process that
        this broker reaches), as the rest of the name: watched("timeline:") -> {"42", ...}.
        Publishers use it to skip work for people who are not looking."""
        return {ch[len(prefix):] for ch in self._subs if ch.startswith(prefix)}

    def idle(self) -> bool:
        """Surely nobody listens (publishers may skip their look-ups). In-process: no
        subscription at all; Redis: never sure (other processes' streams)."""
        return False

    def local_subscribers(self) -> int:
        return len({s for subs in self._subs.values() for s in subs})

    async def close(self) -> None:
        """End every subscription (open streams finish) and release connections."""
        self.closed = True
        for subs in list(self._subs.values()):
            for sub in list(subs):
                sub.end()
        self._subs.clear()

    # -- shared bookkeeping
    async def _attach(self, sub: Subscription) -> None:
        if self.closed:
            sub.end()
            return
        for ch in sub.channels:
            self._subs.setdefault(ch, set()).add(sub)
        await self._changed()

    async def _detach(self, sub: Subscription) -> None:
        self._forget(sub)
        await self._changed()

    def _forget(self, sub: Subscription) -> None:
        """Take `sub` off its channels (a channel nobody listens to is dropped)."""
        for ch in sub.channels:
            subs = self._subs.get(ch)
            if subs is not None:
                subs.discard(sub)
                if not subs:
                    del self._subs[ch]

    async def _changed(self) -> None:
        """The set of locally wanted channels changed (Redis: subscribe or unsubscribe)."""

    def _dispatch(self, channel: str, message: dict) -> None:
        for sub in list(self._subs.get(channel, ())):
            sub.deliver(channel, message)


class InProcessBroker(Broker):
    """Subscribers and publishers in one process, one event loop."""

    def idle(self) -> bool:
        return not self._subs

    async def publish(self, channel: str, message: dict) -> None:
        if channel in self._subs and not self.closed:
            # the same copy-through-JSON as Redis, so no subscriber shares the publisher's dict
            self._dispatch(channel, json.loads(json.dumps(message)))


class RedisBroker(Broker):
    """Redis pub/sub. Publishing is one PUBLISH. This process's subscriptions share one Redis
    subscriber connection, opened on the first subscription, whose reader task hands each
    message to the local subscribers of its channel."""

    def __init__(self, redis: Any, *, queue_size: int = QUEUE_SIZE) -> None:
        super().__init__(queue_size=queue_size)
        self.redis = redis
        self._pubsub: Any = None
        self._reader: asyncio.Task | None = None
        self._remote: set[str] = set()  # channels the Redis connection is subscribed to
        self._lock = asyncio.Lock()
        self._pending: set[asyncio.Task] = set()

    async def publish(self, channel: str, message: dict) -> None:
        if self.closed:
            return
        try:
            await self.redis.publish(REDIS_PREFIX + channel, json.dumps(message))
        except Exception:  # best effort: a lost announcement must not fail the job
            log.warning("realtime: PUBLISH to %s failed", channel, exc_info=True)

    async def watched(self, prefix: str) -> set[str]:
        pattern = REDIS_PREFIX + prefix
        try:
            names = await self.redis.pubsub_channels(pattern + "*")
        except Exception:
            log.warning("realtime: PUBSUB CHANNELS failed", exc_info=True)
            return set()
        cut = len(pattern)
        return {(n.decode() if isinstance(n, bytes) else n)[cut:] for n in names}

    async def _detach(self, sub: Subscription) -> None:
        # The UNSUBSCRIBE runs in its own task: a stream being cancelled (its client left)
        # must not cut it short.
        self._forget(sub)
        task = asyncio.create_task(self._changed())
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    async def _changed(self) -> None:
        async with self._lock:  # one reconcile at a time keeps _remote true to Redis
            if self.closed:
                return
            wanted = set(self._subs)
            add, drop = wanted - self._remote, self._remote - wanted
            if not add and not drop:
                return
            try:
                if self._pubsub is None:
                    self._pubsub = self.redis.pubsub(ignore_subscribe_messages=True)
                if add:
                    await self._pubsub.subscribe(*[REDIS_PREFIX + c for c in add])
                if drop:
                    await self._pubsub.unsubscribe(*[REDIS_PREFIX + c for c in drop])
            except Exception:
                log.warning("realtime: Redis SUBSCRIBE failed", exc_info=True)
                return
            self._remote = wanted
            if self._reader is None and self._remote:
                self._reader = asyncio.create_task(self._read(), name="roost-realtime-reader")

    async def _read(self) -> None:
        """Hand Redis messages to the local subscribers. A lost connection is re-established
        by redis-py (which subscribes again); an error here waits a second and goes on."""
        cut = len(REDIS_PREFIX)
        while not self.closed:
            try:
                msg = await self._pubsub.get_message(ignore_subscribe_messages=True, timeout=1.0)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.warning("realtime: reading from Redis failed; retrying", exc_info=True)
                await asyncio.sleep(1.0)
                continue
            if not msg or msg.get("type") != "message":
                continue
            channel = msg["channel"]
            channel = (channel.decode() if isinstance(channel, bytes) else channel)[cut:]
            try:
                data = json.loads(msg["data"])
            except ValueError:
                continue
            self._dispatch(channel, data)

    async def close(self) -> None:
        await super().close()
        await asyncio.gather(*self._pending, return_exceptions=True)
        if self._reader is not None:
            self._reader.cancel()
            await asyncio.gather(self._reader, return_exceptions=True)
            self._reader = None
        if self._pubsub is not None:
            try:
                await self._pubsub.aclose()
            except Exception:
                log.debug("realtime: closing the Redis subscriber failed", exc_info=True)
            self._pubsub = None


def make_broker(redis: Any) -> Broker:
    """Redis pub/sub when the app has Redis, else in-process queues."""
    return RedisBroker(redis) if redis is not None else InProcessBroker()
