"""Count the SQL statements a block of test code sends (for "no N+1" tests)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from fastapi import FastAPI
from sqlalchemy import event


@dataclass
class QueryCount:
    n: int = 0


@contextmanager
def counting_queries(app: FastAPI) -> Iterator[QueryCount]:
    counted = QueryCount()

    def on_execute(*_args) -> None:  # noqa: ANN002
        counted.n += 1

    engine = app.state.db.engine.sync_engine
    event.listen(engine, "before_cursor_execute", on_execute)
    try:
        yield counted
    finally:
        event.remove(engine, "before_cursor_execute", on_execute)
