"""Archive jobs.

- archives.build: queued → running (committed at once, in its own short unit of work, so the page
  shows it), then the ZIP is written while the job's own unit of work stays untouched (on SQLite it
  would hold the write lock for the whole build), then done or failed.
- archives.expire (hourly): finished archives past ROOST_ARCHIVE_RETENTION_DAYS lose their file
  and become `expired`; files under archives/ that no row holds (a build whose commit failed, a
  crash mid-write) are removed once they are a day old."""

from __future__ import annotations

import logging
import os
import time
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from roost import events
from roost.archives import repository as repo
from roost.archives import service
from roost.archives.build import write_archive
from roost.db import database_of
from roost.events.schemas import ArchiveFinished
from roost.jobs import job
from roost.jobs.schedule import every
from roost.kit.clock import utcnow
from roost.models import Account, AccountArchive

log = logging.getLogger("roost.archives")

EXPIRE = "archives.expire"
ORPHAN_AGE = timedelta(days=1)


@job(service.BUILD, max_attempts=3, timeout=3600.0)
async def build(session: AsyncSession, *, archive_id: int) -> None:
    db = database_of(session)
    async with db.unit_of_work() as own:
        archive = await own.get(AccountArchive, archive_id)
        if archive is None or archive.state not in ("queued", "running"):
            return
        account = await own.get(Account, archive.account_id)
        if account is None or account.deleted_at is not None:
            return
        archive.state, account_id = "running", archive.account_id
    error, name, size = None, None, None
    try:
        name, size = await write_archive(db, account_id, service.directory(), archive_id)
    except OSError as exc:  # a full or unwritable disk: say so, the person may ask again
        log.exception("archive %s could not be written", archive_id)
        error = f"The archive could not be written ({exc.strerror or type(exc).__name__})"
    archive = await session.get(AccountArchive, archive_id)
    if archive is None or archive.state != "running":  # the account went meanwhile
        if name is not None:
            (service.directory() / name).unlink(missing_ok=True)
        return
    archive.finished_at = utcnow()
    if error is None:
        archive.state, archive.path, archive.size = "done", name, size
    else:
        archive.state, archive.error = "failed", error
    await session.flush()
    events.record(session, ArchiveFinished(archive_id=str(archive.id),
                                           account_id=str(archive.account_id),
                                           state=archive.state, size=archive.size),
                  actor_id=archive.account_id, subject_id=archive.id)


@job(EXPIRE, max_attempts=3)
async def expire(session: AsyncSession) -> None:
    orphans = _old_files()  # before the first query: on SQLite a transaction holds the write lock
    await service.expire(session)
    if orphans:
        ids = [i for i in (_archive_id(n) for n in orphans) if i is not None]
        kept = await repo.paths_in_use(session, ids)
        root = service.directory()
        for name in orphans:
            if name not in kept:
                (root / name).unlink(missing_ok=True)


every(3600, EXPIRE)


def _old_files() -> list[str]:
    root = service.directory()
    cutoff = time.time() - ORPHAN_AGE.total_seconds()
    try:
        entries = list(os.scandir(root))
    except FileNotFoundError:
        return []
    return [e.name for e in entries if e.is_file(follow_symlinks=False)
            and e.stat(follow_symlinks=False).st_mtime < cutoff]


def _archive_id(name: str) -> int | None:
    head = name.removeprefix(".tmp-").split("-", 1)[0]
    return int(head) if head.isdigit() and len(head) <= 19 else None
