"""Jobs and the event log need real commits (several connections, several processes), so these
tests get a fresh migrated database each instead of the rolled-back transaction."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from roost.db import Database
from tests.jobs.jobsite import create_database, create_template, drop_database


@pytest.fixture(scope="session")
async def fresh_db_template():
    tmp = Path(tempfile.mkdtemp(prefix="roost-jobs-"))
    name = await create_template(tmp)
    yield name
    await drop_database(name)


@pytest.fixture
async def fresh_db(fresh_db_template, tmp_path):
    url, name = await create_database(fresh_db_template, tmp_path)
    db = Database(url)
    yield db
    await db.dispose()
    await drop_database(name)
