"""Start and stop what the app needs besides routes: database, migrations, Redis, workers."""

from __future__ import annotations

import asyncio
import logging

from fastapi import FastAPI

from roost.config import Settings
from roost.db import Database

log = logging.getLogger("roost")


async def connect_redis(url: str | None):
    if not url:
        return None
    import redis.asyncio as aioredis

    client = aioredis.from_url(url, decode_responses=False)
    await client.ping()
    return client


async def prepare_storage(settings: Settings, db: Database, *, migrate: bool) -> None:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    settings.media_dir.mkdir(parents=True, exist_ok=True)
    if migrate and not db.shared_connection:
        from roost.migrate import upgrade

        await upgrade(db.engine)


async def start_services(app: FastAPI, *, migrate: bool, run_workers: bool | None) -> None:
    settings: Settings = app.state.settings
    db: Database = app.state.db
    await prepare_storage(settings, db, migrate=migrate)
    from roost import idslots

    app.state.id_slot = None if db.shared_connection else await idslots.claim(db.engine, settings.data_dir)
    app.state.redis = await connect_redis(settings.redis_url)

    from roost.auth.ratelimit import RateLimiter

    app.state.rate_limiter = RateLimiter(settings, app.state.redis)
    from roost.realtime import make_broker
    from roost.runtime import bind

    app.state.broker = make_broker(app.state.redis)
    bind(db=db, redis=app.state.redis, settings=settings, broker=app.state.broker)
    from roost.ai.assistant import account as assistant

    await assistant.start(db, settings)

    if run_workers if run_workers is not None else settings.workers_in_process:
        from roost.jobs.worker import Worker

        worker = Worker(db, concurrency=settings.worker_concurrency)
        app.state.worker = worker
        app.state.worker_task = asyncio.create_task(worker.run_forever())


async def stop_services(app: FastAPI) -> None:
    worker = app.state.worker
    if worker is not None:
        worker.stop()
        try:
            await asyncio.wait_for(app.state.worker_task, timeout=10)
        except (TimeoutError, asyncio.CancelledError):
            app.state.worker_task.cancel()
    if getattr(app.state, "broker", None) is not None:
        await app.state.broker.close()
    if app.state.redis is not None:
        await app.state.redis.aclose()
    if getattr(app.state, "id_slot", None) is not None:
        await app.state.id_slot.release()
    await app.state.db.dispose()
