"""Test harness: a real database per run (SQLite, or PostgreSQL when ROOST_TEST_DATABASE_URL is
set), migrated once; every test runs inside a transaction that is rolled back afterwards.
Redis is used when ROOST_TEST_REDIS_URL is set. Jobs are drained synchronously with `run_jobs`."""

from __future__ import annotations

import os
import secrets
import tempfile
from pathlib import Path

import pytest
from httpx import ASGITransport, AsyncClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from roost.config import Settings
from roost.db import Database, make_engine
from roost.jobs.worker import Worker
from roost.main import create_app
from roost.migrate import upgrade

from tests.factories import Factory

PG_URL = os.environ.get("ROOST_TEST_DATABASE_URL") or None
REDIS_URL = os.environ.get("ROOST_TEST_REDIS_URL") or None


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "no_database: touches neither database nor Redis (models, files, parsers); "
        "CI runs it in the SQLite run only, where its result would be the same")
    config.addinivalue_line(
        "markers", "render_only: checks how pages render (accessibility audits), which the database "
        "under them does not change; CI runs it in the SQLite run only")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not PG_URL:
        return
    for item in items:
        for marker in ("no_database", "render_only"):
            if item.get_closest_marker(marker):
                item.add_marker(pytest.mark.skip(reason=f"{marker}: already run in the SQLite run"))


@pytest.fixture(scope="session")
def run_dir() -> Path:
    return Path(tempfile.mkdtemp(prefix="roost-test-"))


@pytest.fixture(scope="session")
async def database_url(run_dir: Path):
    if not PG_URL:
        yield f"sqlite+aiosqlite:///{run_dir / 'test.db'}"
        return
    name = f"roost_test_{secrets.token_hex(4)}"
    admin = create_async_engine(PG_URL, isolation_level="AUTOCOMMIT")
    async with admin.connect() as conn:
        await conn.execute(text(f'CREATE DATABASE "{name}"'))
    base, _, _ = PG_URL.rpartition("/")
    yield f"{base}/{name}"
    async with admin.connect() as conn:
        await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    await admin.dispose()


@pytest.fixture(scope="session")
async def engine(database_url: str):
    eng = make_engine(database_url)
    await upgrade(eng)
    yield eng
    await eng.dispose()


def make_settings(data_dir: Path, database_url: str, **overrides) -> Settings:
    values = dict(data_dir=data_dir, database_url=database_url, redis_url=REDIS_URL,
                  domain="roost.test", rate_limits_enabled=False, workers_in_process=False,
                  ai_assistant_enabled=False)
    values.update(overrides)
    return Settings(**values)


@pytest.fixture
def settings_overrides() -> dict:
    """Override in a test module to change Settings for its tests."""
    return {}


@pytest.fixture
async def app(engine, database_url, tmp_path, settings_overrides):
    settings = make_settings(tmp_path / "data", database_url, **settings_overrides)
    async with engine.connect() as conn:
        outer = await conn.begin()
        db = Database(database_url, engine=engine, bind=conn)
        application = create_app(settings, db=db, run_workers=False, migrate=False)
        async with application.router.lifespan_context(application):
            if application.state.redis is not None:
                await application.state.redis.flushdb()
            yield application
        await outer.rollback()


@pytest.fixture
async def api(app):
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://roost.test") as client:
        yield client


@pytest.fixture
def db(app) -> Database:
    return app.state.db


@pytest.fixture
def run_jobs(app):
    worker = Worker(app.state.db, concurrency=8)

    async def drain() -> int:
        return await worker.drain()

    return drain


@pytest.fixture
def make(app) -> Factory:
    return Factory(app)
