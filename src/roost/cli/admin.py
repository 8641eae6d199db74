"""`roost admin ...`: user management and the job queue, for operators at a shell.

Each command is one unit of work calling the accounts service; it applies pending migrations
first, so `roost admin create-user` works on a fresh data directory before the first `serve`."""

from __future__ import annotations

import json
import secrets
from datetime import datetime

import click
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from roost.accounts import repository as accounts_repo
from roost.accounts import service as accounts
from roost.cli.common import Fail, data_dir_option, in_session, load_settings
from roost.config import Settings
from roost.models import Account, Job, User

ROLES = ("user", "moderator", "admin")


@click.group()
def admin() -> None:
    """Manage users and look at the job queue."""


async def _find(session: AsyncSession, name: str) -> tuple[Account, User]:
    account = await accounts_repo.by_username(session, name.lstrip("@"), include_hidden=True)
    user = await accounts_repo.user_for(session, account.id) if account else None
    if account is None or user is None:
        raise Fail(f"No local user @{name.lstrip('@')}")
    return account, user


def state_of(account: Account, user: User) -> str:
    if account.deleted_at is not None:
        return "deleted"
    if account.suspended_at is not None:
        return "suspended"
    if user.disabled:
        return "disabled"
    if not user.approved:
        return "pending approval"
    return "active"


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else "-"


@admin.command("create-user")
@click.argument("name")
@click.option("--email", required=True)
@click.option("--password", help="Asked for when not given.")
@click.option("--admin", "role", flag_value="admin", help="Make the user an administrator.")
@click.option("--moderator", "role", flag_value="moderator", help="Make the user a moderator.")
@data_dir_option
def create_user(name: str, email: str, password: str | None, role: str | None, data_dir) -> None:  # noqa: ANN001
    """Create a local user (usable at once: no approval or email confirmation)."""
    settings = load_settings(data_dir)
    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)

    async def create(session: AsyncSession) -> None:
        account, _ = await accounts.create_account(
            session, username=name.lstrip("@"), email=email, password=password,
            role=role or "user", approved=True, allow_reserved=True)
        click.echo(f"Created @{account.username} ({role or 'user'}, id {account.id}).")

    in_session(settings, create)


@admin.command("list-users")
@click.option("--json", "as_json", is_flag=True, help="One JSON array, for scripts.")
@data_dir_option
def list_users(as_json: bool, data_dir) -> None:  # noqa: ANN001
    """List local users with their role and state."""
    async def load(session: AsyncSession) -> list[dict]:
        rows = (await session.execute(
            select(Account, User).join(User, User.account_id == Account.id).order_by(Account.id)
        )).all()
        return [{"id": str(a.id), "username": a.username, "email": u.email, "role": u.role,
                 "state": state_of(a, u), "created_at": a.created_at.isoformat(),
                 "statuses_count": a.statuses_count, "followers_count": a.followers_count}
                for a, u in rows]

    users = in_session(data_dir, load)
    if as_json:
        click.echo(json.dumps(users, indent=2))
        return
    if not users:
        click.echo("No users yet. Create one with: roost admin create-user NAME --email E --admin")
        return
    width = max(len(u["username"]) for u in users) + 1
    click.echo(f"{'USERNAME':<{width}}  {'ROLE':<9}  {'STATE':<16}  {'POSTS':>5}  EMAIL")
    for u in users:
        click.echo(f"@{u['username']:<{width - 1}}  {u['role']:<9}  {u['state']:<16}  "
                   f"{u['statuses_count']:>5}  {u['email']}")


def _user_command(name: str, help_text: str):  # noqa: ANN202
    """A command taking NAME that runs `action(session, account, user, settings, **options)`."""

    def wrap(action):  # noqa: ANN001, ANN202
        @admin.command(name, help=help_text)
        @click.argument("username")
        @data_dir_option
        @click.pass_context
        def command(ctx: click.Context, username: str, data_dir, **options) -> None:  # noqa: ANN001
            settings = load_settings(data_dir)

            async def act(session: AsyncSession) -> str:
                account, user = await _find(session, username)
                return await action(session, account, user, settings, **options)

            click.echo(in_session(settings, act))

        command.__doc__ = help_text
        return command

    return wrap


@_user_command("suspend", "Suspend a user: hidden everywhere, logged out, cannot log in.")
async def suspend(session: AsyncSession, account: Account, user: User, settings: Settings) -> str:
    await accounts.suspend(session, None, account)
    return f"Suspended @{account.username}."


@_user_command("unsuspend", "Lift a suspension.")
async def unsuspend(session: AsyncSession, account: Account, user: User, settings: Settings) -> str:
    await accounts.unsuspend(session, None, account)
    return f"Lifted the suspension of @{account.username}."


@_user_command("approve", "Approve a registration waiting for approval (ROOST_REGISTRATIONS=approval).")
async def approve(session: AsyncSession, account: Account, user: User, settings: Settings) -> str:
    if user.approved:
        return f"@{account.username} was already approved."
    await accounts.approve_user(session, None, user)
    return f"Approved @{account.username}."


@admin.command("reset-password")
@click.argument("username")
@click.option("--password", help="The new password; without it you are asked, or --generate.")
@click.option("--generate", is_flag=True, help="Generate a password and print it.")
@data_dir_option
def reset_password(username: str, password: str | None, generate: bool, data_dir) -> None:  # noqa: ANN001
    """Set a new password and log the user out everywhere."""
    settings = load_settings(data_dir)
    if password is None and not generate:
        password = click.prompt("New password", hide_input=True, confirmation_prompt=True)
    if password is None:
        password = secrets.token_urlsafe(12)

    async def reset(session: AsyncSession) -> str:
        account, user = await _find(session, username)
        await accounts.reset_password(session, user, password)
        return account.username

    name = in_session(settings, reset)
    click.echo(f"New password for @{name}: {password}" if generate else f"Password of @{name} changed.")


@admin.command("set-role")
@click.argument("username")
@click.argument("role", type=click.Choice(ROLES))
@data_dir_option
def set_role(username: str, role: str, data_dir) -> None:  # noqa: ANN001
    """Make a user a plain user, a moderator or an administrator."""
    async def change(session: AsyncSession) -> str:
        account, user = await _find(session, username)
        await accounts.set_role(session, None, user, role)
        return f"@{account.username} is now {'an' if role == 'admin' else 'a'} {role}."

    click.echo(in_session(data_dir, change))


@admin.command("delete-user")
@click.argument("username")
@click.option("--yes", is_flag=True, help="Confirm: this cannot be undone.")
@data_dir_option
def delete_user(username: str, yes: bool, data_dir) -> None:  # noqa: ANN001
    """Delete a user's account and content (irreversible; needs --yes)."""
    if not yes:
        raise Fail(f"Deleting @{username.lstrip('@')} cannot be undone: add --yes to confirm")
    async def delete(session: AsyncSession) -> str:
        account, _ = await _find(session, username)
        await accounts.delete_account(session, account)
        return f"Deleted @{account.username}; their content is being removed in the background."

    click.echo(in_session(data_dir, delete))


@admin.command("jobs")
@click.option("--limit", default=20, show_default=True, help="How many failed jobs to show.")
@data_dir_option
def jobs(limit: int, data_dir) -> None:  # noqa: ANN001
    """Count background jobs by state and show the failed ones with their last error."""
    async def load(session: AsyncSession) -> tuple[dict[str, int], list[Job]]:
        counts = dict((await session.execute(
            select(Job.state, func.count()).group_by(Job.state))).all())
        failed = list((await session.execute(
            select(Job).where(Job.state == "failed")
            .order_by(Job.finished_at.desc(), Job.id.desc()).limit(limit))).scalars())
        return counts, failed

    counts, failed = in_session(data_dir, load)
    click.echo("  ".join(f"{state}: {counts.get(state, 0)}" for state in ("queued", "running", "failed")))
    for j in failed:
        error = (j.last_error or "").splitlines()[-1:] or ["?"]
        click.echo(f"#{j.id} {j.name} {json.dumps(j.args)} failed {_when(j.finished_at)} "
                   f"after {j.attempts} attempts: {error[0]}")


from roost.ai.moderation.cli import ai_moderation  # noqa: E402 - subgroups of `roost admin`
from roost.cli.announcements import announcements  # noqa: E402
from roost.cli.emoji import emoji  # noqa: E402
from roost.cli.reports import reports  # noqa: E402
from roost.cli.trends import trends  # noqa: E402

admin.add_command(ai_moderation)
admin.add_command(announcements)
admin.add_command(emoji)
admin.add_command(reports)
admin.add_command(trends)


@admin.command("apps")
@click.argument("username")
@data_dir_option
def apps(username: str, data_dir) -> None:  # noqa: ANN001
    """List the apps a user has authorized (as /oauth/authorized_applications shows them)."""
    from roost.auth import service as auth

    async def load(session: AsyncSession) -> list:
        _, user = await _find(session, username)
        return await auth.authorized_apps(session, user.id)

    found = in_session(data_dir, load)
    if not found:
        click.echo(f"No app has access to @{username.lstrip('@')}.")
        return
    click.echo(f"{'APP ID':<20}  {'AUTHORIZED':<16}  {'LAST USED':<16}  NAME (SCOPES)")
    for item in found:
        click.echo(f"{item.app.id:<20}  {_when(item.authorized_at):<16}  {_when(item.last_used_at):<16}  "
                   f"{item.app.name} ({' '.join(item.scopes)})")


@admin.command("revoke-app")
@click.argument("username")
@click.argument("app_id", type=int)
@data_dir_option
def revoke_app(username: str, app_id: int, data_dir) -> None:  # noqa: ANN001
    """Revoke every token USERNAME gave the app APP_ID (see `roost admin apps`)."""
    from roost.auth import service as auth

    async def revoke(session: AsyncSession) -> int:
        _, user = await _find(session, username)
        return await auth.revoke_app(session, user, app_id)

    count = in_session(data_dir, revoke)
    if not count:
        raise Fail(f"@{username.lstrip('@')} has not authorized app {app_id}")
    click.echo(f"Revoked {count} token{'s' if count != 1 else ''} of app {app_id}.")
