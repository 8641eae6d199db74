"""The configuration table in README.md and docs/configuration.md, generated from Settings.

    scripts/config-table            print the markdown table
    scripts/config-table --write    refresh the table between the markers in those files

A setting's description is its `Field(description=...)`; the ones below fill in for settings
declared without one."""

from __future__ import annotations

import sys
from pathlib import Path

from roost.config import Settings

START, END = "<!-- config-table:start -->", "<!-- config-table:end -->"
FILES = ("README.md", "docs/configuration.md")

FALLBACK = {
    "data_dir": "Where Roost keeps its SQLite database, uploaded media and its generated secret key.",
    "database_url": "PostgreSQL (`postgresql+asyncpg://user:password@host:5432/roost`; `postgres://` "
                    "works too) or SQLite (`sqlite+aiosqlite:////path/roost.db`). Not set: SQLite "
                    "in the data directory.",
    "redis_url": "Redis, e.g. `redis://127.0.0.1:6379/0`. Optional: with it, home feeds are kept "
                 "in Redis and rate limits are shared between processes.",
    "domain": "Public host name (with the port if not 80/443) used in links and account "
              "addresses. Not set: `roost serve` uses the address it listens on.",
    "https": "Build `https://` links (set it behind a TLS-terminating proxy).",
    "instance_title": "The server's name, shown by apps.",
    "instance_description": "One line about the server, shown by apps.",
    "contact_email": "Where people can reach the admins.",
    "registrations": "Who may sign up: `open`, `approval` (an admin approves with "
                     "`roost admin approve`) or `closed`.",
    "secret_key": "Signs cookies and CSRF tokens. Not set: generated once and kept in "
                  "`DATA_DIR/secret_key`. Set it when several machines serve one site.",
    "max_post_chars": "Longest post in characters (a link counts as 23).",
    "max_media_per_post": "Attachments per post.",
    "max_upload_bytes": "Largest upload in bytes.",
    "max_image_pixels": "Largest image (width x height) accepted.",
    "rate_limits_enabled": "Turn request rate limits off (only for tests or trusted networks).",
    "workers_in_process": "Run background jobs inside `roost serve`. Turn it off when separate "
                          "`roost worker` processes run them.",
    "worker_concurrency": "Jobs a worker runs at the same time.",
    "home_feed_size": "Entries kept per home feed in Redis.",
    "fan_out_active_days": "Home feeds are kept (and pushed to) for people who read theirs within "
                           "this many days; others are rebuilt from the database on their next visit.",
    "log_level": "`critical`, `error`, `warning`, `info` or `debug`.",
}


def describe(name: str) -> str:
    field = Settings.model_fields[name]
    text = (field.description or FALLBACK.get(name) or "").strip()
    if not text:
        return ""
    return text[:1].upper() + text[1:] + ("" if text.endswith((".", ")")) else ".")


def default(name: str) -> str:
    value = Settings.model_fields[name].default
    if name == "domain":
        return f"`{value}`; `roost serve`: its address"
    if value is None or value == "":
        return "*(not set)*"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, Path):
        return f"`./{value}`"
    return f"`{value}`"


def table() -> str:
    rows = ["| Variable | Default | What it does |", "|---|---|---|"]
    for name in Settings.model_fields:
        text = describe(name).replace("|", "\\|")
        rows.append(f"| `ROOST_{name.upper()}` | {default(name)} | {text} |")
    return "\n".join(rows)


def undocumented() -> list[str]:
    return [name for name in Settings.model_fields if not describe(name)]


def write(root: Path) -> list[str]:
    changed = []
    block = f"{START}\n{table()}\n{END}"
    for rel in FILES:
        path = root / rel
        text = path.read_text()
        head, start, rest = text.partition(START)
        _, end, tail = rest.partition(END)
        if not start or not end:
            raise SystemExit(f"{rel}: the markers {START} ... {END} are missing")
        new = head + block + tail
        if new != text:
            path.write_text(new)
            changed.append(rel)
    return changed


def main(argv: list[str]) -> int:
    for name in undocumented():
        print(f"warning: ROOST_{name.upper()} has no description", file=sys.stderr)
    if argv[:1] == ["--write"]:
        changed = write(Path.cwd())
        print("updated " + ", ".join(changed) if changed else "already up to date")
        return 0
    print(table())
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
