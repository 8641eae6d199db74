"""Running one build: queued → running → done | failed.

Incremental: the build reads only the events after its base (the newest done build of the kind:
from_seq = base.to_seq) up to the log's newest sequence number when it starts (to_seq), and
carries forward the base's items (its manifest.parquet). Every item, new or carried, is built
again from the database and the log as they are now, so consent, deletions and exclusions are
checked at this build's time. Without a usable base (none, or its files are gone) it reads the
whole log.

The job's own unit of work is not used while building: progress is committed in short units of
work and the events are read in read sessions (on SQLite a long write transaction would lock out
every writer); the result is committed at the end."""

from __future__ import annotations

import logging
import shutil
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pyarrow.parquet as pq
from sqlalchemy import update

from roost import events, runtime
from roost.datasets import repository as repo
from roost.datasets import writer
from roost.datasets.context import Context
from roost.datasets.kinds import registry
from roost.db import Database, database_of
from roost.events import schemas as ev
from roost.events.reader import latest_seq, read_after
from roost.jobs import job
from roost.kit.clock import utcnow
from roost.models import DatasetBuild, DatasetBuildAccount

log = logging.getLogger("roost.datasets")
BATCH = 2_000
Progress = Callable[[str, float], None]


async def _progress(db: Database, build_id: int, stage: str, value: float,
                    echo: Progress | None) -> None:
    async with db.unit_of_work() as s:
        await s.execute(update(DatasetBuild).where(DatasetBuild.id == build_id)
                        .values(stage=stage, progress=round(value, 4)))
    if echo:
        echo(stage, value)


def output_folder(build: DatasetBuild) -> Path:
    root = Path(build.out_dir) if build.out_dir else runtime.settings().effective_datasets_dir
    return root / build.kind / f"v{build.version}"


def _base_items(base: DatasetBuild | None) -> list[str] | None:
    if base is None or not base.path or not (Path(base.path) / "manifest.parquet").is_file():
        return None
    # ParquetFile, not read_table: that one imports pyarrow.dataset and pandas (a second)
    return pq.ParquetFile(Path(base.path) / "manifest.parquet").read(columns=["item"]).column(
        "item").to_pylist()


async def run_build(db: Database, build_id: int, echo: Progress | None = None) -> DatasetBuild | None:
    """Run the build if it is queued (or was running when a worker died); None if it is gone."""
    async with db.unit_of_work() as s:
        build = await repo.get(s, build_id)
        if build is None or build.state not in ("queued", "running"):
            return build
        base = await repo.latest_done(s, build.kind, before=build.version)
        carried = _base_items(base)
        if carried is None:
            base = None
        build.state, build.started_at, build.error = "running", utcnow(), None
        build.to_seq = await latest_seq(s)
        build.from_seq = base.to_seq or 0 if base else 0
        build.base_build_id = base.id if base else None
        build.stage, build.progress = "reading events", 0.0
        kind, salt, version = build.kind, build.salt, build.version
        from_seq, to_seq, folder = build.from_seq, build.to_seq, output_folder(build)
    tmp = folder.parent / f".{folder.name}.tmp-{build_id}"
    try:
        k = registry()[kind]
        items: dict[str, None] = dict.fromkeys(carried or [])
        cursor, span = from_seq, max(1, to_seq - from_seq)
        while cursor < to_seq:
            async with db.read_session() as s:
                rows = await read_after(s, cursor, BATCH, types=k.types)
            rows = [r for r in rows if r.seq <= to_seq]
            for r in rows:
                items.update(dict.fromkeys(k.keys(r)))
            if len(rows) < BATCH:
                break
            cursor = rows[-1].seq
            await _progress(db, build_id, "reading events", 0.5 * (cursor - from_seq) / span, echo)
        await _progress(db, build_id, f"building rows from {len(items)} items", 0.5, echo)
        now = utcnow()
        async with db.read_session() as s:
            out = await k.rows(Context(s, salt, now), list(items), to_seq)
        await _progress(db, build_id, f"writing {len(out)} rows", 0.9, echo)
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        multi = len(k.configs) > 1
        files = [f for c in k.configs
                 for f in writer.write_config(tmp, c, [r for r in out if r.config == c.name], multi)]
        info = {"build_id": str(build_id), "kind": kind, "version": version,
                "instance": runtime.settings().domain, "built_at": writer.timestamp(now),
                "from_seq": from_seq, "to_seq": to_seq,
                "base_build_id": str(base.id) if base else None, "rows": len(out)}
        writer.write_manifest(tmp, out, info, files)
        writer.write_card(tmp, k, out, info, files, license=runtime.settings().datasets_license)
        if folder.exists():
            shutil.rmtree(folder)
        tmp.rename(folder)
    except Exception as exc:
        log.exception("dataset build %s failed", build_id)
        shutil.rmtree(tmp, ignore_errors=True)
        return await _fail(db, build_id, f"{type(exc).__name__}: {exc}")
    people = Counter(a for r in out for a in set(r.accounts))
    size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
    async with db.unit_of_work() as s:
        build = await repo.get(s, build_id)
        build.state, build.finished_at, build.progress, build.stage = "done", utcnow(), 1.0, None
        build.rows, build.bytes, build.path = len(out), size, str(folder.resolve())
        s.add_all(DatasetBuildAccount(build_id=build_id, account_id=a, rows=n)
                  for a, n in sorted(people.items()))
        await s.execute(update(DatasetBuild).where(
            DatasetBuild.kind == kind, DatasetBuild.version < version,
            DatasetBuild.superseded_by.is_(None)).values(superseded_by=build_id))
        await s.flush()
        events.record(s, ev.DatasetBuilt(build_id=str(build_id), kind=kind, version=version,
                                         rows=len(out), to_seq=to_seq),
                      actor_id=None, subject_id=build_id)
    if echo:
        echo("done", 1.0)
    return build


async def _fail(db: Database, build_id: int, error: str) -> DatasetBuild | None:
    async with db.unit_of_work() as s:
        build = await repo.get(s, build_id)
        if build is None:
            return None
        build.state, build.finished_at, build.error, build.stage = "failed", utcnow(), error, None
        await s.flush()
        events.record(s, ev.DatasetBuildFailed(build_id=str(build_id), kind=build.kind,
                                               version=build.version, error=error[:500]),
                      actor_id=None, subject_id=build_id)
    return build


@job("datasets.build", max_attempts=3, timeout=6 * 3600.0)
async def build_job(session, build_id: int) -> None:  # noqa: ANN001
    await run_build(database_of(session), build_id)
