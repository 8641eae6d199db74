"""Apply Alembic migrations programmatically (the server does it at start, `roost migrate` on demand)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.ext.asyncio import AsyncEngine

HERE = Path(__file__).parent


def alembic_config(url: str | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(HERE / "migrations"))
    if url:
        cfg.set_main_option("sqlalchemy.url", url)
    return cfg


def _upgrade(connection, cfg: Config) -> None:  # noqa: ANN001
    cfg.attributes["connection"] = connection
    command.upgrade(cfg, "head")


async def upgrade(engine: AsyncEngine) -> None:
    cfg = alembic_config(str(engine.url))
    async with engine.begin() as conn:
        await conn.run_sync(_upgrade, cfg)


def _pending(connection, cfg: Config) -> list[str]:  # noqa: ANN001
    script = ScriptDirectory.from_config(cfg)
    current = set(MigrationContext.configure(connection).get_current_heads())
    heads = set(script.get_heads())
    if current == heads:
        return []
    return [r.revision for r in script.walk_revisions() if r.revision not in current]


async def pending(engine: AsyncEngine) -> list[str]:
    cfg = alembic_config(str(engine.url))
    async with engine.connect() as conn:
        return await conn.run_sync(_pending, cfg)
