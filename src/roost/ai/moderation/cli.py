"""`roost admin ai-moderation`: the AI moderation log, newest first."""

from __future__ import annotations

import json

import click
from sqlalchemy.ext.asyncio import AsyncSession

from roost.ai.moderation import service
from roost.cli.common import data_dir_option, in_session
from roost.kit.paging import PageParams
from roost.models import ModerationDecision


def _line(d: ModerationDecision, username: str | None) -> str:
    when = d.created_at.strftime("%Y-%m-%d %H:%M")
    who = f"@{username}" if username else "(system)"
    what = repr(d.text[:80]) if d.text is not None else f"sha256 {d.content_sha256[:12]}"
    subject = f" #{d.subject_id}" if d.subject_id is not None else ""
    scores = json.dumps(d.categories, sort_keys=True)
    line = f"#{d.id}  {when}  {d.verdict:<9}  {who}  {d.subject_kind}{subject}: {what}  {scores}"
    return f"{line}\n    {d.reason}" if d.reason else line


@click.command("ai-moderation")
@click.option("--refused", is_flag=True, help="Only refused prompts, texts and images.")
@click.option("--limit", default=50, show_default=True)
@data_dir_option
def ai_moderation(refused: bool, limit: int, data_dir) -> None:  # noqa: ANN001
    """AI moderation decisions (prompts, texts, images), newest first."""
    async def lines(session: AsyncSession) -> list[str]:
        rows = await service.decisions(session, None, PageParams(limit=limit),
                                       verdict="refused" if refused else None)
        return [_line(d, name) for d, name in rows] or [
            "No refused AI moderation decisions." if refused else "No AI moderation decisions."]

    click.echo("\n".join(in_session(data_dir, lines)))
