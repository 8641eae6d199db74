from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

import roost.models  # noqa: F401 - registers every table
from roost.db import Base

config = context.config
target_metadata = Base.metadata


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run_with(connection)
        return
    url = config.get_main_option("sqlalchemy.url")
    sync_url = url.replace("+aiosqlite", "").replace("+asyncpg", "+psycopg") if url else url
    engine = create_engine(sync_url)
    with engine.connect() as conn:
        _run_with(conn)
        conn.commit()


def _run_with(connection) -> None:  # noqa: ANN001
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run()
