"""Dataset build writes: requesting a build (admins, or the CLI with `actor=None`), recalling one.
The build itself runs in builder.py, as the job `datasets.build` or in-process from the CLI."""

from __future__ import annotations

import secrets
import shutil
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from roost import events
from roost.datasets import repository as repo
from roost.datasets.kinds import NAMES
from roost.db import after_commit
from roost.events import schemas as ev
from roost.jobs import enqueue
from roost.kit.clock import utcnow
from roost.kit.errors import Forbidden, Invalid, NotFound
from roost.kit.ids import parse_id
from roost.models import Account, DatasetBuild, User

BUILD = "datasets.build"


async def check_admin(session: AsyncSession, actor: Account | None) -> None:
    """Only admins build and recall datasets (None is the CLI)."""
    if actor is None:
        return
    role = await session.scalar(select(User.role).where(User.account_id == actor.id))
    if role != "admin":
        raise Forbidden("This action is not allowed")


def check_kind(kind: object) -> str:
    if not isinstance(kind, str) or kind not in NAMES:
        raise Invalid(f"Validation failed: kind must be one of {', '.join(NAMES)}")
    return kind


async def request_build(session: AsyncSession, actor: Account | None, kind: object, *,
                        out_dir: str | None = None, run_as_job: bool = True) -> DatasetBuild:
    """A new queued build of `kind`, its version the next of that kind. With `run_as_job` the job
    `datasets.build` is enqueued in this transaction; the CLI runs it in-process instead."""
    await check_admin(session, actor)
    kind = check_kind(kind)
    build = DatasetBuild(kind=kind, version=await repo.next_version(session, kind), state="queued",
                         requested_by=actor.id if actor else None, from_seq=0, progress=0.0,
                         salt=secrets.token_hex(16), out_dir=out_dir)
    session.add(build)
    await session.flush()
    if run_as_job:
        enqueue(session, BUILD, build_id=build.id)
    events.record(session, ev.DatasetBuildRequested(build_id=str(build.id), kind=kind,
                                                    version=build.version),
                  actor_id=actor.id if actor else None, subject_id=build.id)
    return build


async def get(session: AsyncSession, actor: Account | None, build_id: str | int) -> DatasetBuild:
    await check_admin(session, actor)
    build = await repo.get(session, parse_id(str(build_id)))
    if build is None:
        raise NotFound()
    return build


async def builds(session: AsyncSession, actor: Account | None, *, kind: str | None = None,
                 limit: int = 50) -> list[DatasetBuild]:
    await check_admin(session, actor)
    return await repo.page(session, kind=kind, limit=limit)


async def recall(session: AsyncSession, actor: Account | None, build_id: str | int) -> DatasetBuild:
    """Withdraw a finished build: its folder is deleted once this commits, the row stays as
    `recalled` (so people still see that it once held their data), superseded by the next
    finished build of its kind if there is one (else the next one to finish)."""
    build = await get(session, actor, build_id)
    if build.state == "recalled":
        return build
    if build.state != "done":
        raise Invalid(f"Validation failed: the build is {build.state}; only a done build can be "
                      "recalled")
    newer = await repo.newer_done(session, build)
    build.state, build.recalled_at = "recalled", utcnow()
    build.superseded_by = newer.id if newer else build.superseded_by
    await session.flush()
    if build.path:
        folder = Path(build.path)

        async def remove() -> None:
            shutil.rmtree(folder, ignore_errors=True)

        after_commit(session, remove)
    events.record(session, ev.DatasetRecalled(
        build_id=str(build.id), kind=build.kind, version=build.version,
        superseded_by=str(build.superseded_by) if build.superseded_by else None),
        actor_id=actor.id if actor else None, subject_id=build.id)
    return build


async def mine(session: AsyncSession, account: Account) -> list[tuple[DatasetBuild, int]]:
    """The builds that included this person's data (recalled ones too, marked so)."""
    return await repo.including(session, account.id)

