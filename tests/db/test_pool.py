"""The PostgreSQL pool pings a connection before use only when it has been idle a while."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from roost import db as roost_db
from roost.db import make_engine
from tests.conftest import PG_URL

pytestmark = pytest.mark.skipif(not PG_URL, reason="PostgreSQL only")


async def _pid(engine) -> int:  # noqa: ANN001
    async with engine.connect() as conn:
        return (await conn.execute(text("SELECT pg_backend_pid()"))).scalar_one()


async def test_an_idle_connection_that_died_is_replaced(database_url, monkeypatch):
    engine = make_engine(database_url, pool_size=1, max_overflow=0)
    other = make_engine(database_url, pool_size=1, max_overflow=0)
    try:
        first = await _pid(engine)
        assert await _pid(engine) == first  # the pooled connection is reused
        async with other.connect() as conn:
            await conn.execute(text("SELECT pg_terminate_backend(:p)"), {"p": first})
        monkeypatch.setattr(roost_db, "PING_AFTER_IDLE_S", 0.0)
        second = await _pid(engine)  # pinged, found dead, replaced: no error
        assert second != first
    finally:
        await engine.dispose()
        await other.dispose()


async def test_only_connections_idle_a_while_are_pinged(database_url, monkeypatch):
    from sqlalchemy.dialects.postgresql.asyncpg import AsyncAdapt_asyncpg_connection as Adapted

    pings: list[int] = []
    real_ping = Adapted.ping

    def counting_ping(self) -> None:  # noqa: ANN001
        pings.append(1)
        real_ping(self)

    monkeypatch.setattr(Adapted, "ping", counting_ping)
    engine = make_engine(database_url, pool_size=1, max_overflow=0)
    try:
        for _ in range(3):
            await _pid(engine)
        assert pings == []  # new, then used a moment ago: no round trips spent on pinging
        monkeypatch.setattr(roost_db, "PING_AFTER_IDLE_S", 0.0)
        await _pid(engine)
        assert pings == [1]
    finally:
        await engine.dispose()
