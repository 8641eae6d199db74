"""The migrations build the schema the models describe: after `upgrade`, Alembic's comparison
finds nothing to add, drop or retype (on SQLite and on PostgreSQL)."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

import roost.models  # noqa: F401  (registers every table)
from roost.db import Base

# Trigram indexes for account search exist only on PostgreSQL, made by SQL in the migration.
MIGRATION_ONLY = {"ix_accounts_display_name_trgm", "ix_accounts_username_trgm"}


def _include(obj, name, type_, reflected, compare_to) -> bool:  # noqa: ANN001
    return not (type_ == "index" and name in MIGRATION_ONLY)


async def test_the_migrated_schema_matches_the_models(engine):
    def compare(connection) -> list:  # noqa: ANN001
        context = MigrationContext.configure(connection, opts={
            "compare_type": True, "include_object": _include})
        return compare_metadata(context, Base.metadata)

    async with engine.connect() as conn:
        assert await conn.run_sync(compare) == []
