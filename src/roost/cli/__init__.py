"""The `roost` command: serve, worker, migrate, admin, config, demo, version.

Settings come from ROOST_* environment variables (see docs/configuration.md); options given on
the command line win. Every database command works in one unit of work."""

from __future__ import annotations

import json
import platform
import shutil
from pathlib import Path

import click

from roost import MASTODON_API_VERSION, __version__
from roost.cli.admin import admin
from roost.cli.datasets import datasets
from roost.cli.common import (Fail, apply_migrations, check_database, data_dir_option,
                              ensure_assistant,
                              describe_database, load_settings, make_data_dir, mask_url,
                              pending_migrations, run)
from roost.cli.serving import local_domain, serve, serve_app, worker
from roost.config import Settings
from roost.db import Database


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="roost")
def main() -> None:
    """Roost: a self-hostable social network with a Mastodon-compatible API."""


main.add_command(serve)
main.add_command(worker)
main.add_command(admin)
main.add_command(datasets)


@main.command()
def version() -> None:
    """Print the version."""
    click.echo(f"roost {__version__} (Mastodon API {MASTODON_API_VERSION}), "
               f"Python {platform.python_version()}")


@main.command()
@click.option("--check", is_flag=True, help="Only list pending migrations (exit status 1 if any).")
@data_dir_option
def migrate(check: bool, data_dir) -> None:  # noqa: ANN001
    """Apply pending database migrations (`roost serve` also does this at start)."""
    settings = load_settings(data_dir)
    make_data_dir(settings)

    async def go() -> list[str]:
        db = Database(settings.effective_database_url)
        try:
            await check_database(db)
            if check:
                return await pending_migrations(db)
            done = await apply_migrations(db, click.echo)
            await ensure_assistant(db, settings)
            return done
        finally:
            await db.dispose()

    click.echo(describe_database(settings))
    revisions = run(go())
    if check:
        if revisions:
            click.echo(f"Pending migrations: {', '.join(revisions)}")
            raise SystemExit(1)
        click.echo("No pending migrations.")
    elif not revisions:
        click.echo("Database schema is up to date; nothing to apply.")


# config -------------------------------------------------------------------------------------

SECRET_FIELDS = {"secret_key", "ai_openai_api_key"}
URL_FIELDS = {"database_url", "redis_url", "ai_openai_base_url", "ai_a1111_base_url"}


def effective_settings(settings: Settings) -> list[tuple[str, str, str]]:
    """(variable, value fit to print, where it came from) for every setting."""
    rows = []
    for field in Settings.model_fields:
        value = getattr(settings, field)
        if field in SECRET_FIELDS:
            shown = "******** (set)" if value else "(not set)"
        elif field in URL_FIELDS:
            shown = mask_url(value) or "(not set)"
        else:
            shown = str(value)
        source = "environment" if field in settings.model_fields_set else "default"
        rows.append((f"ROOST_{field.upper()}", shown, source))
    return rows


@main.group()
def config() -> None:
    """Inspect the configuration."""


@config.command("show")
@click.option("--json", "as_json", is_flag=True)
@data_dir_option
def config_show(as_json: bool, data_dir) -> None:  # noqa: ANN001
    """Print the effective settings (secrets masked)."""
    settings = load_settings(data_dir)
    rows = effective_settings(settings)
    if as_json:
        click.echo(json.dumps({name: value for name, value, _ in rows}, indent=2))
        return
    width = max(len(name) for name, _, _ in rows)
    for name, value, source in rows:
        click.echo(f"{name:<{width}}  {value}{'' if source == 'default' else '   (' + source + ')'}")
    click.echo("")
    click.echo(f"Database:  {describe_database(settings)}")
    if "domain" not in settings.model_fields_set:
        click.echo("Domain:    ROOST_DOMAIN is not set: `roost serve` uses the address it listens "
                   "on (e.g. 127.0.0.1:8000)")
    else:
        click.echo(f"Base URL:  {settings.base_url}")


# demo ---------------------------------------------------------------------------------------

@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("roost-demo"), show_default=True)
@click.option("--reset", is_flag=True, help="Delete the demo directory first if it has data.")
@click.option("--seed", default=7, show_default=True, help="Same seed, same community.")
@click.option("--serve/--no-serve", default=True, help="Serve the demo after seeding it.")
def demo(host: str, port: int, data_dir: Path, reset: bool, seed: int, serve: bool) -> None:
    """Seed a small lively community in a fresh directory and serve it."""
    from roost.demo import DEMO_PASSWORD, seed_demo

    if data_dir.exists() and any(data_dir.iterdir()):
        if not reset:
            raise Fail(f"{data_dir} is not empty: serve it with `roost serve --data-dir {data_dir}`, "
                       "or add --reset to delete it and seed a new demo")
        shutil.rmtree(data_dir)
    # The demo is self-contained: its own SQLite database, no Redis, links to where it listens.
    settings = load_settings(data_dir, database_url=None, redis_url=None,
                             domain=local_domain(host, port), rate_limits_enabled=False,
                             workers_in_process=True)
    result = run(seed_demo(settings, seed=seed, echo=click.echo))
    login = result.login
    lines = [
        f"Log in as @{login} ({login}@example.com) with the password {DEMO_PASSWORD!r}; "
        "every demo account has it.",
        f"  toot:         toot login_cli -i {settings.base_url} -e {login}@example.com",
        f"  Mastodon.py:  m.log_in('{login}@example.com', '{DEMO_PASSWORD}', allow_http=True)",
        "                (see README.md, \"Connecting a Mastodon app\")",
    ]
    if not serve:
        click.echo("\n".join(["", *lines, f"Serve it with: roost serve --data-dir {data_dir} "
                              f"--port {port}"]))
        return
    serve_app(settings, host=host, port=port, workers=True, extra=[*lines, "Press Ctrl+C to stop."])
