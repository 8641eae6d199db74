"""Engine and session factories, the declarative Base, and the SQLite/PostgreSQL differences.

A unit of work is one AsyncSession. Services only flush; whoever opened the unit of work
commits it with `commit(session)`, which runs the before-commit hooks (the event log writes its
buffered rows there), commits, and then releases the after-commit callbacks (job wake-ups,
realtime pushes). Nothing is announced that was rolled back.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import (ARRAY, BigInteger, Boolean, ColumnElement, Integer, MetaData, any_, bindparam,
                        event)
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql import coercions, roles
from sqlalchemy.sql.visitors import InternalTraversal
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# 64-bit ids everywhere; SQLite needs INTEGER for an auto-incrementing rowid key.
BigId = BigInteger().with_variant(Integer, "sqlite")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


Callback = Callable[[], Awaitable[None]]


def _sqlite_setup(engine: AsyncEngine, *, immediate: bool) -> None:
    sync_engine = engine.sync_engine

    @event.listens_for(sync_engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide where transactions begin (needed for savepoints).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=15000")
        cur.close()

    @event.listens_for(sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        # Writers: IMMEDIATE takes the write lock up front, so two writers wait for each other
        # (busy_timeout) instead of failing when a reader upgrades to a writer.
        # Readers: a deferred BEGIN reads a WAL snapshot without queueing behind writers.
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def make_engine(url: str, *, immediate: bool = True, **kwargs: Any) -> AsyncEngine:
    if url.startswith("sqlite"):
        engine = create_async_engine(url, connect_args={"timeout": 15}, **kwargs)
        _sqlite_setup(engine, immediate=immediate)
    else:
        kwargs.setdefault("pool_size", 10)
        kwargs.setdefault("max_overflow", 20)
        kwargs.setdefault("pool_timeout", 10)  # fail a request in seconds, not half a minute
        kwargs.setdefault("pool_pre_ping", False)  # see _ping_idle_connections
        # JIT compilation costs tens of milliseconds on short queries whose estimates look large.
        kwargs.setdefault("connect_args", {"server_settings": {"jit": "off"}})
        engine = create_async_engine(url, **kwargs)
        _ping_idle_connections(engine)
    return engine


# A pooled connection idle this long is pinged before use.
PING_AFTER_IDLE_S = 10.0


def _ping_idle_connections(engine: AsyncEngine) -> None:
    """Check pooled PostgreSQL connections before use, but only those idle for more than
    PING_AFTER_IDLE_S: SQLAlchemy's pool_pre_ping pings on every checkout, which for asyncpg is
    three round trips (BEGIN, `;`, ROLLBACK) on every request. A connection found dead is
    replaced (the pool retries the checkout). One that died in the last few seconds of use (a
    database restart while busy) fails its request, which invalidates the whole pool."""

    @event.listens_for(engine.sync_engine, "checkin")
    def _checkin(_dbapi_conn: Any, record: Any) -> None:
        record.info["roost.idle_since"] = time.monotonic()

    @event.listens_for(engine.sync_engine, "checkout")
    def _checkout(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get("roost.idle_since")
        if since is None or time.monotonic() - since < PING_AFTER_IDLE_S:
            return  # just connected, or used a moment ago
        try:
            dbapi_conn.ping()
        except Exception as exc:  # noqa: BLE001 - any failure means "not usable"
            raise DisconnectionError("pooled connection failed its ping") from exc


class Database:
    """Owns the engine and hands out sessions; tests bind one to an open connection."""

    def __init__(self, url: str, *, engine: AsyncEngine | None = None,
                 bind: AsyncConnection | None = None) -> None:
        self.url = url
        self.owns_engine = engine is None
        self.engine = engine or make_engine(url)
        if bind is not None:
            self.sessionmaker = async_sessionmaker(
                bind=bind, expire_on_commit=False, join_transaction_mode="create_savepoint"
            )
        else:
            self.sessionmaker = async_sessionmaker(self.engine, expire_on_commit=False)
        self.read_engine: AsyncEngine | None = None
        self.read_sessionmaker = self.sessionmaker
        if bind is None and engine is None and self.is_sqlite:
            self.read_engine = make_engine(url, immediate=False)
            self.read_sessionmaker = async_sessionmaker(self.read_engine, expire_on_commit=False)
        self.shared_connection = bind is not None

    @property
    def is_sqlite(self) -> bool:
        return self.url.startswith("sqlite")

    def session(self) -> AsyncSession:
        s = self.sessionmaker()
        s.info["db"] = self
        return s

    def read_session(self) -> AsyncSession:
        """For units of work that only read (GET requests). On SQLite they do not take the write
        lock, so reads run beside a writer; a write in one still works, it just waits its turn."""
        s = self.read_sessionmaker()
        s.info["db"] = self
        return s

    @asynccontextmanager
    async def unit_of_work(self) -> AsyncIterator[AsyncSession]:
        async with self.session() as session:
            try:
                yield session
            except BaseException:
                await rollback(session)
                raise
            await commit(session)

    async def dispose(self) -> None:
        if self.owns_engine:  # an engine handed in (tests, tools) belongs to whoever made it
            await self.engine.dispose()
        if self.read_engine is not None:
            await self.read_engine.dispose()


def before_commit(session: AsyncSession, key: str, hook: Callable[[AsyncSession], Awaitable[None]]) -> None:
    """Register a hook that runs once, just before this unit of work commits."""
    hooks: dict = session.info.setdefault("before_commit", {})
    hooks.setdefault(key, hook)


def after_commit(session: AsyncSession, callback: Callback, key: str | None = None) -> None:
    """Run `callback` once the current unit of work has committed (dropped on rollback).
    With a `key`, only the first callback registered under it runs."""
    callbacks: dict = session.info.setdefault("after_commit", {})
    callbacks.setdefault(key or f"cb{len(callbacks)}", callback)


async def commit(session: AsyncSession) -> None:
    hooks: dict = session.info.pop("before_commit", {})
    for hook in hooks.values():
        await hook(session)
    await session.commit()
    callbacks: dict = session.info.pop("after_commit", {})
    for cb in callbacks.values():
        try:
            await cb()
        except Exception:  # an announcement failing must not fail a committed write
            import logging

            logging.getLogger("roost").exception("after-commit callback failed")


async def rollback(session: AsyncSession) -> None:
    session.info.pop("before_commit", None)
    session.info.pop("after_commit", None)
    await session.rollback()


def database_of(session: AsyncSession) -> Database:
    return session.info["db"]


def insert(session: AsyncSession, model: Any) -> Any:
    """An INSERT that knows ON CONFLICT on both databases (SQLite and PostgreSQL spell it alike,
    but each needs its own dialect's construct)."""
    from sqlalchemy.dialects.postgresql import insert as pg_insert
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return (sqlite_insert if is_sqlite(session) else pg_insert)(model)


def is_sqlite(session: AsyncSession) -> bool:
    return session.bind.dialect.name == "sqlite"  # type: ignore[union-attr]


class _InIds(ColumnElement[bool]):
    """`column IN :name` for a list of ids given at execution. PostgreSQL: `= ANY(:name)` with
    one array parameter, so the SQL text (and asyncpg's prepared statement) is the same for
    every list length; elsewhere an expanding IN."""

    inherit_cache = True
    type = Boolean()
    _is_implicitly_boolean = True  # a comparison: no "= 1" where booleans are integers
    _traverse_internals = [("column", InternalTraversal.dp_clauseelement),
                           ("name", InternalTraversal.dp_string)]

    def __init__(self, column: Any, name: str) -> None:
        self.column = coercions.expect(roles.ExpressionElementRole, column)
        self.name = name


@compiles(_InIds)
def _in_ids_default(element: _InIds, compiler: Any, **kw: Any) -> str:
    return compiler.process(
        element.column.in_(bindparam(element.name, expanding=True, type_=BigInteger)), **kw)


@compiles(_InIds, "postgresql")
def _in_ids_postgresql(element: _InIds, compiler: Any, **kw: Any) -> str:
    return compiler.process(
        element.column == any_(bindparam(element.name, type_=ARRAY(BigInteger))), **kw)


def in_ids(column: Any, name: str = "ids") -> ColumnElement[bool]:
    """`column` is one of the ids passed at execution as `name` (a list of ints), for statements
    built once."""
    return _InIds(column, name)
