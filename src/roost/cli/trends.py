"""`roost admin trends ...`: see what trends, recompute now, hide or unhide an item."""

from __future__ import annotations

import click
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from roost.cli.common import data_dir_option, in_session
from roost.models import Status, Tag, TrendHide, TrendItem
from roost.trends import service

KINDS = click.Choice(["tag", "status", "link"])


@click.group()
def trends() -> None:
    """Trending tags, posts and links: list, refresh, hide, unhide."""


@trends.command("list")
@data_dir_option
def list_trends(data_dir) -> None:  # noqa: ANN001
    """Show the current trends with their scores, then what is hidden."""

    async def lines(session: AsyncSession) -> list[str]:
        items = list((await session.execute(
            select(TrendItem).order_by(TrendItem.kind, TrendItem.rank))).scalars())
        tags = {t.id: t.name for t in (await session.execute(select(Tag).where(
            Tag.id.in_([i.ref_id for i in items if i.kind == "tag"])))).scalars()}
        posts = {s.id: s.text for s in (await session.execute(select(Status).where(
            Status.id.in_([i.ref_id for i in items if i.kind == "status"])))).scalars()}
        hidden = (await session.execute(select(TrendHide.kind, TrendHide.key)
                                        .order_by(TrendHide.kind, TrendHide.key))).all()
        out = []
        for i in items:
            what = {"tag": lambda: f"#{tags.get(i.ref_id, '?')}",
                    "status": lambda: f"{i.ref_id} {posts.get(i.ref_id, '')[:50]!r}",
                    "link": lambda: i.url or ""}[i.kind]()
            out.append(f"{i.kind:<6} {i.rank + 1:>3}  {i.score:8.2f}  {what}")
        if not items:
            out.append("Nothing trends yet (the worker recomputes every 10 minutes; "
                       "`roost admin trends refresh` does it now).")
        out += [f"hidden {kind:<6} {key}" for kind, key in hidden]
        return out

    click.echo("\n".join(in_session(data_dir, lines)))


@trends.command("refresh")
@data_dir_option
def refresh(data_dir) -> None:  # noqa: ANN001
    """Recompute trends now (the worker does it every 10 minutes)."""
    n = in_session(data_dir, service.refresh)
    click.echo(f"Trending: {n.tags} tags, {n.statuses} posts, {n.links} links.")


@trends.command("hide")
@click.argument("kind", type=KINDS)
@click.argument("value")
@data_dir_option
def hide(kind: str, value: str, data_dir) -> None:  # noqa: ANN001
    """Keep a tag (NAME), post (ID) or link (URL) out of trends."""
    hidden = in_session(data_dir, lambda session: service.hide(session, kind, value))
    click.echo(f"Hidden from trends: {kind} {hidden}")


@trends.command("unhide")
@click.argument("kind", type=KINDS)
@click.argument("value")
@data_dir_option
def unhide(kind: str, value: str, data_dir) -> None:  # noqa: ANN001
    """Let a hidden item trend again (from the next refresh)."""
    shown = in_session(data_dir, lambda session: service.unhide(session, kind, value))
    click.echo(f"May trend again: {kind} {shown}")
