"""`roost admin reports ...`: what people reported, and marking reports handled."""

from __future__ import annotations

import click
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from roost.cli.common import data_dir_option, in_session
from roost.kit.paging import PageParams
from roost.models import Account, Report, Status
from roost.moderation import repository as repo
from roost.moderation import service


@click.group()
def reports() -> None:
    """Reports from users: list, show, resolve, reopen."""


def _line(r: Report, names: dict[int, str]) -> str:
    state = "resolved" if r.action_taken_at else "open"
    when = r.created_at.strftime("%Y-%m-%d %H:%M")
    posts = f", {len(r.status_ids)} posts" if r.status_ids else ""
    return (f"#{r.id}  {when}  {state:<8}  @{names.get(r.target_account_id, '?')} reported by "
            f"@{names.get(r.account_id, '?')} ({r.category}{posts})")


async def _names(session, ids) -> dict[int, str]:  # noqa: ANN001
    ids = list(set(ids))
    return dict((await session.execute(
        select(Account.id, Account.username).where(Account.id.in_(ids)))).all()) if ids else {}


@reports.command("list")
@click.option("--resolved", is_flag=True, help="Resolved reports instead of open ones.")
@click.option("--limit", default=50, show_default=True)
@data_dir_option
def list_reports(resolved: bool, limit: int, data_dir) -> None:  # noqa: ANN001
    """Open reports, newest first."""
    async def lines(session: AsyncSession) -> list[str]:
        rows = await repo.page(session, PageParams(limit=limit), resolved=resolved)
        names = await _names(session, [i for r in rows for i in (r.account_id, r.target_account_id)])
        return [_line(r, names) for r in rows] or [
            f"No {'resolved' if resolved else 'open'} reports."]

    click.echo("\n".join(in_session(data_dir, lines)))


@reports.command("show")
@click.argument("report_id")
@data_dir_option
def show(report_id: str, data_dir) -> None:  # noqa: ANN001
    """A report with its comment, rules and reported posts."""
    async def load(session: AsyncSession) -> tuple[Report, dict[int, str], list[Status]]:
        r = await service.get_for_moderator(session, None, report_id)
        names = await _names(session, [r.account_id, r.target_account_id, r.assigned_account_id or 0])
        posts = list((await session.execute(select(Status).where(
            Status.id.in_([int(i) for i in r.status_ids])))).scalars()) if r.status_ids else []
        return r, names, posts

    r, names, posts = in_session(data_dir, load)
    lines = [_line(r, names), f"comment: {r.comment or '-'}", f"rules: {', '.join(r.rule_ids) or '-'}"]
    if r.assigned_account_id:
        lines.append(f"assigned to @{names.get(r.assigned_account_id, '?')}")
    lines += [f"post {p.id} ({p.visibility}{', deleted' if p.deleted_at else ''}): {p.text[:200]!r}"
              for p in posts]
    click.echo("\n".join(lines))


def _state_command(name: str, verb, done: str):  # noqa: ANN001, ANN202
    @reports.command(name)
    @click.argument("report_id")
    @data_dir_option
    def command(report_id: str, data_dir) -> None:  # noqa: ANN001
        async def change(session: AsyncSession) -> int:
            return (await verb(session, None, report_id)).id

        click.echo(f"Report #{in_session(data_dir, change)} {done}.")

    return command


resolve = _state_command("resolve", service.resolve, "resolved")
resolve.__doc__ = resolve.help = "Mark a report handled."
reopen = _state_command("reopen", service.reopen, "reopened")
reopen.__doc__ = reopen.help = "Open a resolved report again."
