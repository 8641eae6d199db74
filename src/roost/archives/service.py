"""Archive writes: asking for one (at most once per ROOST_ARCHIVE_INTERVAL_HOURS), finding one to
download (its owner only), expiring them, and removing an account's on deletion."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from roost import events, jobs, runtime
from roost.archives import repository as repo
from roost.db import after_commit
from roost.events.schemas import ArchiveRequested
from roost.kit.clock import utcnow
from roost.kit.errors import Conflict, Gone, NotFound, RateLimited
from roost.kit.ids import parse_id
from roost.models import Account, AccountArchive

BUILD = "archives.build"
STATES = ("queued", "running", "done", "failed", "expired")
# past this, every attempt of archives.build (3, an hour each at most, with backoff) has ended
STUCK_AFTER = timedelta(hours=6)


def directory() -> Path:
    """Where archives are written: the data directory, outside the media served at /media."""
    return runtime.settings().data_dir / "archives"


def expires_at(archive: AccountArchive) -> datetime | None:
    if archive.state != "done" or archive.finished_at is None:
        return None
    return archive.finished_at + timedelta(days=runtime.settings().archive_retention_days)


def next_allowed_at(archive: AccountArchive) -> datetime:
    return archive.created_at + timedelta(hours=runtime.settings().archive_interval_hours)


async def request_archive(session: AsyncSession, account: Account) -> AccountArchive:
    """Ask for a new archive; the job `archives.build` makes it."""
    hours = runtime.settings().archive_interval_hours
    if hours:
        last = await repo.latest_counted(session, account.id, utcnow() - timedelta(hours=hours))
        if last is not None:
            when = next_allowed_at(last).strftime("%Y-%m-%d %H:%M UTC")
            raise RateLimited(f"You can ask for an archive once every {hours} hours; "
                              f"the next one from {when}")
    archive = AccountArchive(account_id=account.id, state="queued", created_at=utcnow())
    session.add(archive)
    await session.flush()
    events.record(session, ArchiveRequested(archive_id=str(archive.id), account_id=str(account.id)),
                  actor_id=account.id, subject_id=archive.id)
    jobs.enqueue(session, BUILD, archive_id=archive.id)
    return archive


async def file_for_owner(session: AsyncSession, account: Account, archive_id: str | int) -> tuple[AccountArchive, Path]:
    """The finished archive's file; someone else's archive is not found (404), one not built yet
    is a conflict (409), an expired one gone (410)."""
    aid = parse_id(str(archive_id))
    archive = await session.get(AccountArchive, aid) if aid is not None else None
    if archive is None or archive.account_id != account.id:
        raise NotFound()
    if archive.state == "expired":
        raise Gone("This archive has expired; ask for a new one")
    if archive.state != "done" or archive.path is None:
        raise Conflict("This archive is not ready" if archive.state != "failed"
                       else "This archive could not be made; ask for a new one")
    path = directory() / archive.path
    if not path.is_file():
        raise Gone("This archive has expired; ask for a new one")
    return archive, path


def _remove_files(session: AsyncSession, names: list[str]) -> None:
    if not names:
        return
    root = directory()

    async def remove() -> None:
        for name in names:
            (root / name).unlink(missing_ok=True)

    after_commit(session, remove)


async def expire(session: AsyncSession, *, batch: int = 500) -> int:
    """Finished archives past their retention: files removed (after commit), rows kept as
    `expired`. Archives whose build never finished are marked failed. How many expired."""
    for stuck in await repo.stuck(session, utcnow() - STUCK_AFTER, batch):
        stuck.state, stuck.finished_at = "failed", utcnow()
        stuck.error = "The archive could not be made; ask for a new one"
    cutoff = utcnow() - timedelta(days=runtime.settings().archive_retention_days)
    rows = await repo.expired(session, cutoff, batch)
    names = [r.path for r in rows if r.path]
    for r in rows:
        r.state, r.path = "expired", None
    await session.flush()
    _remove_files(session, names)
    return len(rows)


async def remove_for_account(session: AsyncSession, account_id: int) -> None:
    """A deleted account's archives: rows now, files after commit."""
    names = list((await session.scalars(select(AccountArchive.path).where(
        AccountArchive.account_id == account_id, AccountArchive.path.is_not(None)))).all())
    await session.execute(delete(AccountArchive).where(AccountArchive.account_id == account_id))
    _remove_files(session, names)
