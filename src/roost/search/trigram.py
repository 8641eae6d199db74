"""Trigram indexes (pg_trgm) for finding accounts by any part of a username or display name.

The initial migration calls `create_indexes`: on PostgreSQL it creates the extension when the
database allows it, then GIN indexes that serve `LIKE '%term%'` and `LIKE 'term%'`. Without the
extension (or on SQLite) the same queries still work, by scanning.
"""

from __future__ import annotations

INDEXES = {
    "ix_accounts_username_trgm": "username_lower gin_trgm_ops",
    "ix_accounts_display_name_trgm": "lower(display_name) gin_trgm_ops",
}


def create_indexes(op) -> None:  # noqa: ANN001 - alembic's op module
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    if not bind.exec_driver_sql(
            "SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'").scalar():
        return
    savepoint = bind.begin_nested()
    try:
        bind.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except Exception:  # noqa: BLE001 - not allowed to create it: search scans instead
        savepoint.rollback()
        return
    savepoint.commit()
    for name, expression in INDEXES.items():
        bind.exec_driver_sql(f"CREATE INDEX IF NOT EXISTS {name} ON accounts USING gin ({expression})")
