"""`roost admin announcements ...`: what every local user sees at the top of their app."""

from __future__ import annotations

from datetime import UTC, datetime

import click
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from roost.announcements import service
from roost.cli.common import Fail, data_dir_option, in_session
from roost.models import Announcement


@click.group()
def announcements() -> None:
    """Announcements to every local user: create, list, publish, unpublish, remove."""


def _when(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise Fail(f"Not a date or time: {value!r} (use e.g. 2026-12-24 or 2026-12-24T18:00)") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


@announcements.command("create")
@click.argument("text")
@click.option("--starts-at", help="When what it announces starts (ISO date or time, UTC if no zone).")
@click.option("--ends-at", help="When it ends; it is no longer shown after that.")
@click.option("--all-day", is_flag=True, help="The start and end are dates, not times.")
@click.option("--draft", is_flag=True, help="Create it unpublished (publish it later).")
@data_dir_option
def create(text: str, starts_at: str | None, ends_at: str | None, all_day: bool, draft: bool,
           data_dir) -> None:  # noqa: ANN001
    """Create an announcement (published at once unless --draft). TEXT may @mention and #tag."""
    start, end = _when(starts_at), _when(ends_at)

    async def create_one(session: AsyncSession) -> int:
        return (await service.create(session, text, starts_at=start, ends_at=end,
                                     all_day=all_day, publish=not draft)).id

    announcement_id = in_session(data_dir, create_one)
    click.echo(f"Created announcement {announcement_id}{' (draft)' if draft else ''}.")


@announcements.command("list")
@data_dir_option
def list_announcements(data_dir) -> None:  # noqa: ANN001
    """Every announcement, newest first, with its state."""

    async def lines(session: AsyncSession) -> list[str]:
        rows = (await session.execute(
            select(Announcement).order_by(Announcement.created_at.desc()))).scalars()
        return [f"{a.id}  {'published' if a.published_at else 'draft':<9}  "
                f"{a.ends_at.strftime('until %Y-%m-%d %H:%M  ') if a.ends_at else ''}{a.text[:80]!r}"
                for a in rows] or ["No announcements."]

    click.echo("\n".join(in_session(data_dir, lines)))


def _verb(name: str, action, done: str, help_text: str) -> None:  # noqa: ANN001
    @announcements.command(name, help=help_text)
    @click.argument("announcement_id")
    @data_dir_option
    def command(announcement_id: str, data_dir) -> None:  # noqa: ANN001
        in_session(data_dir, lambda session: action(session, announcement_id))
        click.echo(f"Announcement {announcement_id} {done}.")


_verb("publish", service.publish, "published", "Show a draft (or unpublished) announcement.")
_verb("unpublish", service.unpublish, "unpublished", "Stop showing an announcement, keeping it.")
_verb("remove", service.remove, "removed", "Delete an announcement with its reactions.")
