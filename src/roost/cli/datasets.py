"""`roost datasets ...`: build a dataset in-process, list builds, recall one, export the event log
as Parquet (docs/subsystems/datasets.md)."""

from __future__ import annotations

from pathlib import Path

import click
from sqlalchemy.ext.asyncio import AsyncSession

from roost.cli.common import (Fail, apply_migrations, check_database, data_dir_option,
                              in_session, load_settings, make_data_dir, run)
from roost.datasets import service
from roost.datasets.kinds import NAMES
from roost.db import Database
from roost.models import DatasetBuild


@click.group()
def datasets() -> None:
    """Datasets built from the event log with consent: build, list, recall, export-events."""


async def _database(settings) -> Database:  # noqa: ANN001
    import roost.tasks  # noqa: F401 - services enqueue jobs by name
    from roost import runtime

    make_data_dir(settings)
    db = Database(settings.effective_database_url)
    await check_database(db)
    await apply_migrations(db, lambda line: click.echo(line, err=True))
    runtime.bind(db=db, redis=None, settings=settings)
    return db


def _line(b: DatasetBuild) -> str:
    when = b.created_at.strftime("%Y-%m-%d %H:%M")
    extra = f"{b.rows} rows, {b.bytes or 0} bytes" if b.state in ("done", "recalled") else (
        b.error or f"{b.progress:.0%} {b.stage or ''}".strip())
    return f"#{b.id}  {when}  {b.kind} v{b.version}  {b.state:<8}  {extra}"


@datasets.command("build")
@click.argument("kind", type=click.Choice(NAMES))
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Write under this folder instead of ROOST_DATASETS_DIR.")
@data_dir_option
def build(kind: str, out: Path | None, data_dir) -> None:  # noqa: ANN001
    """Build a new version of KIND now, in this process, printing its progress."""
    from roost.datasets.builder import run_build

    settings = load_settings(data_dir)

    async def go() -> DatasetBuild | None:
        db = await _database(settings)
        try:
            async with db.unit_of_work() as session:
                made = await service.request_build(
                    session, None, kind, out_dir=str(out.resolve()) if out else None,
                    run_as_job=False)
                build_id = made.id
            click.echo(f"Building {kind} v{made.version} (#{build_id})...")
            return await run_build(db, build_id,
                                   lambda stage, p: click.echo(f"  {p:4.0%}  {stage}"))
        finally:
            await db.dispose()

    done = run(go())
    if done is None or done.state != "done":
        raise Fail(f"the build failed: {done.error if done else 'it is gone'}")
    click.echo(f"{done.rows} rows, {done.bytes} bytes in {done.path}")


@datasets.command("list")
@click.option("--kind", type=click.Choice(NAMES))
@click.option("--limit", default=50, show_default=True)
@data_dir_option
def list_builds(kind: str | None, limit: int, data_dir) -> None:  # noqa: ANN001
    """Dataset builds, newest first."""
    async def lines(session: AsyncSession) -> list[str]:
        return [_line(b) for b in await service.builds(session, None, kind=kind, limit=limit)] \
            or ["No dataset builds."]

    click.echo("\n".join(in_session(data_dir, lines)))


@datasets.command("recall")
@click.argument("build_id")
@data_dir_option
def recall(build_id: str, data_dir) -> None:  # noqa: ANN001
    """Recall a build: delete its files and mark it recalled."""
    async def go(session: AsyncSession) -> str:
        return _line(await service.recall(session, None, build_id))

    click.echo(f"Recalled: {in_session(data_dir, go)}")


@datasets.command("export-events")
@click.option("--out", required=True, type=click.Path(file_okay=False, path_type=Path))
@click.option("--after", default=0, show_default=True, help="Only events after this seq.")
@data_dir_option
def export_events(out: Path, after: int, data_dir) -> None:  # noqa: ANN001
    """Write the event log as Parquet partitioned by day (OUT/events/day=YYYY-MM-DD/)."""
    from roost.datasets.export import export_events as export

    settings = load_settings(data_dir)

    async def go() -> tuple[int, int]:
        db = await _database(settings)
        try:
            return await export(db, out, after=after)
        finally:
            await db.dispose()

    count, last = run(go())
    click.echo(f"{count} events written to {out / 'events'} (last seq {last})")
