"""`roost admin emoji ...`: add, list and remove custom emojis."""

from __future__ import annotations

from pathlib import Path

import click
from sqlalchemy.ext.asyncio import AsyncSession

from roost.cli.common import Fail, data_dir_option, in_session, load_settings
from roost.emojis import repository as repo
from roost.emojis import service


@click.group()
def emoji() -> None:
    """Custom emojis (:shortcode:) shown in posts, names and bios."""


@emoji.command("add")
@click.argument("shortcode")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--category", help="Group it under this name in emoji pickers.")
@click.option("--unlisted", is_flag=True, help="Usable, but not offered in pickers.")
@data_dir_option
def add(shortcode: str, file: Path, category: str | None, unlisted: bool, data_dir) -> None:  # noqa: ANN001
    """Add :SHORTCODE: from a PNG, GIF or WebP image (at most 256 KB)."""
    settings = load_settings(data_dir)
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise Fail(f"Cannot read {file}: {exc.strerror}") from None

    async def add_one(session: AsyncSession) -> str:
        e = await service.add(session, shortcode.strip(":"), data, category=category,
                              visible_in_picker=not unlisted)
        return e.shortcode

    click.echo(f"Added :{in_session(settings, add_one)}:")


@emoji.command("list")
@data_dir_option
def list_emojis(data_dir) -> None:  # noqa: ANN001
    """Every custom emoji with its category and file."""
    rows = in_session(data_dir, repo.listed)
    click.echo("\n".join([f":{e.shortcode}:  {e.category or '-'}  "
                          f"{'' if e.visible_in_picker else '(unlisted) '}{e.file_path}"
                          for e in rows] or ["No custom emojis yet."]))


@emoji.command("remove")
@click.argument("shortcode")
@data_dir_option
def remove(shortcode: str, data_dir) -> None:  # noqa: ANN001
    """Remove a custom emoji (posts that used it show :shortcode: as text again)."""
    in_session(data_dir, lambda session: service.remove(session, shortcode))
    click.echo(f"Removed :{shortcode.strip(':')}:")
