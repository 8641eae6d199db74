"""What every `roost` command shares: settings, one-line errors, database checks, migrations.

An error the operator can fix (bad configuration, database or Redis away, port taken, unknown
user) is a `Fail`: one line on stderr and exit status 1. Tracebacks are left for bugs."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar, get_args
from urllib.parse import urlsplit, urlunsplit

import click
from pydantic import ValidationError
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession

from roost.config import Settings
from roost.db import Database
from roost.kit.errors import RoostError

T = TypeVar("T")
LOG_LEVELS = ("critical", "error", "warning", "info", "debug")
CONNECT_TIMEOUT_S = 15
MIGRATION_LOCK = 7_263_851  # PostgreSQL advisory lock: one process migrates at a time


class Fail(click.ClickException):
    """An error the operator can fix: printed as `Error: ...` on one line, exit status 1."""

    def __init__(self, message: str) -> None:
        super().__init__(" ".join(message.split()))


def data_dir_option(fn: Callable) -> Callable:
    return click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path),
                        help="Data directory (overrides ROOST_DATA_DIR).")(fn)


# Settings ---------------------------------------------------------------------------------

def _describe(err: dict) -> str:
    field = str(err["loc"][0]) if err.get("loc") else ""
    name = f"ROOST_{field.upper()}" if field else "the settings"
    if err["type"] == "literal_error" and field in Settings.model_fields:
        choices = get_args(Settings.model_fields[field].annotation)
        return f"{name} must be one of {', '.join(map(str, choices))}"
    msg = err["msg"].removeprefix("Value error, ").replace("Input should be", "must be")
    if not field and msg.startswith("ROOST_"):  # a check across settings names its own
        return msg
    return f"{name} {msg}" if msg.startswith("must") else f"{name} is invalid: {msg}"


def load_settings(data_dir: Path | None = None, **overrides: Any) -> Settings:
    """Settings from ROOST_* variables; command-line options win."""
    if data_dir is not None:
        overrides["data_dir"] = data_dir
    try:
        settings = Settings(**overrides)
    except ValidationError as exc:
        raise Fail("Invalid configuration: " + "; ".join(_describe(e) for e in exc.errors())) from None
    if settings.log_level.lower() not in LOG_LEVELS:
        raise Fail(f"Invalid configuration: ROOST_LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}")
    return settings


def configure_logging(settings: Settings) -> None:
    logging.basicConfig(level=settings.log_level.upper(),
                        format="%(levelname)-8s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)


def mask_url(url: str | None) -> str:
    """A URL fit to print: the password replaced by ***."""
    if not url:
        return ""
    if "+" in url.split("://", 1)[0]:  # a SQLAlchemy URL
        try:
            return make_url(url).render_as_string(hide_password=True)
        except Exception:  # noqa: BLE001 - unparsable: fall through to the generic masking
            pass
    parts = urlsplit(url)
    if parts.password:
        host = parts.netloc.rsplit("@", 1)[1]
        user = parts.username or ""
        return urlunsplit(parts._replace(netloc=f"{user}:***@{host}"))
    return url


def describe_database(settings: Settings) -> str:
    if settings.database_url is None:
        return f"SQLite at {(settings.data_dir / 'roost.db').resolve()}"
    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite":
        return f"SQLite at {url.database}"
    port = f":{url.port}" if url.port else ""
    return f"PostgreSQL at {url.host or 'localhost'}{port}/{url.database or ''}"


def reason(exc: BaseException) -> str:
    """The first line of what went wrong, without SQLAlchemy's wrapping."""
    if isinstance(exc, TimeoutError):
        return f"no answer within {CONNECT_TIMEOUT_S} s"
    inner = getattr(exc, "orig", None) or exc
    first = (str(inner).strip().splitlines() or [""])[0]
    return first or type(inner).__name__


# Running ----------------------------------------------------------------------------------

def run(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine; a domain error (unknown user, invalid input) becomes a one-line Fail."""
    try:
        return asyncio.run(coro)
    except RoostError as exc:
        raise Fail(exc.message) from None


def make_data_dir(settings: Settings) -> None:
    try:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise Fail(f"Cannot create the data directory {settings.data_dir}: {exc.strerror}") from None


async def check_database(db: Database) -> None:
    try:
        async with asyncio.timeout(CONNECT_TIMEOUT_S):
            async with db.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - any failure here means "cannot use the database"
        raise Fail(f"Cannot reach the database ({mask_url(db.url)}): {reason(exc)}") from None


async def check_redis(url: str) -> None:
    from roost.services import connect_redis

    try:
        async with asyncio.timeout(CONNECT_TIMEOUT_S):
            client = await connect_redis(url)
        await client.aclose()
    except Exception as exc:  # noqa: BLE001
        raise Fail(f"Cannot reach Redis ({mask_url(url)}): {reason(exc)}") from None


async def pending_migrations(db: Database) -> list[str]:
    from roost.migrate import pending

    return list(reversed(await pending(db.engine)))


async def apply_migrations(db: Database, echo: Callable[[str], None]) -> list[str]:
    """Apply pending migrations under a lock (several processes may start at once)."""
    from roost.migrate import _upgrade, alembic_config

    todo = await pending_migrations(db)
    if not todo:
        return []
    echo(f"Applying {len(todo)} database migration{'s' if len(todo) > 1 else ''} "
         f"({', '.join(todo)})...")
    try:
        async with db.engine.begin() as conn:
            if not db.is_sqlite:
                await conn.execute(text(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})"))
            await conn.run_sync(_upgrade, alembic_config(db.url))
    except Exception as exc:  # noqa: BLE001 - e.g. no permission to create tables
        logging.getLogger("roost").debug("migration failed", exc_info=True)
        raise Fail(f"Applying migrations failed: {reason(exc)} "
                   "(ROOST_LOG_LEVEL=debug shows the traceback)") from None
    echo("Database schema is up to date.")
    return todo


async def ensure_assistant(db: Database, settings: Settings) -> None:
    """Create the assistant's account (when it is on), or fail saying why not."""
    from roost import runtime
    from roost.ai.assistant.account import AssistantNameTaken, start

    if runtime.current.settings is None:
        runtime.bind(db=db, redis=None, settings=settings)
    try:
        await start(db, settings)
    except AssistantNameTaken as exc:
        raise Fail(str(exc)) from None


async def prepare(settings: Settings, echo: Callable[[str], None], *, redis: bool = True) -> None:
    """Before serving or working: the data directory exists, the database answers and is
    migrated, and Redis (when configured) answers."""
    make_data_dir(settings)
    db = Database(settings.effective_database_url)
    try:
        await check_database(db)
        if not await apply_migrations(db, echo):
            echo("Database schema is up to date.")
        await ensure_assistant(db, settings)
    finally:
        await db.dispose()
    if redis and settings.redis_url:
        await check_redis(settings.redis_url)


@asynccontextmanager
async def unit_of_work(settings: Settings) -> AsyncIterator[AsyncSession]:
    """One unit of work for an admin command, on a reachable, migrated database."""
    import roost.tasks  # noqa: F401 - services enqueue jobs by name
    from roost import runtime

    make_data_dir(settings)
    db = Database(settings.effective_database_url)
    redis, broker = await _broker(settings)
    try:
        await check_database(db)
        await apply_migrations(db, lambda line: click.echo(line, err=True))
        runtime.bind(db=db, redis=None, settings=settings, broker=broker)
        async with db.unit_of_work() as session:
            yield session
    finally:
        if broker is not None:
            await broker.close()
        if redis is not None:
            await redis.aclose()
        await db.dispose()


async def _broker(settings: Settings) -> tuple[Any, Any]:
    """With Redis configured, a Redis broker, so what an admin command publishes after commit
    (an announcement, say) reaches the streams of the web processes. Without Redis, or when it
    cannot be reached (a warning), none: the change shows when apps next load it."""
    if not settings.redis_url:
        return None, None
    from roost.realtime import make_broker
    from roost.services import connect_redis

    try:
        redis = await connect_redis(settings.redis_url)
    except Exception as exc:  # noqa: BLE001 - any failure to connect is reported the same way
        click.echo(f"Warning: Redis at {mask_url(settings.redis_url)} is unreachable "
                   f"({reason(exc)}); open streams will not hear of this change.", err=True)
        return None, None
    return redis, make_broker(redis)


def in_session(where: Settings | Path | None, action: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Run `action(session)` in one unit of work and return what it returns: what every admin
    command does. `where` is the settings, or the --data-dir to load them from."""
    settings = where if isinstance(where, Settings) else load_settings(where)

    async def go() -> T:
        async with unit_of_work(settings) as session:
            return await action(session)

    return run(go())
