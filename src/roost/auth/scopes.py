"""OAuth scopes as Mastodon defines them: read, write, follow, push, admin and granular forms."""

from __future__ import annotations

READ = ["accounts", "blocks", "bookmarks", "favourites", "filters", "follows", "lists", "mutes",
        "notifications", "search", "statuses"]
WRITE = ["accounts", "blocks", "bookmarks", "conversations", "favourites", "filters", "follows",
         "lists", "media", "mutes", "notifications", "reports", "statuses"]
ADMIN_READ = ["accounts", "reports", "domain_allows", "domain_blocks", "ip_blocks",
              "email_domain_blocks", "canonical_email_blocks"]
ADMIN_WRITE = ADMIN_READ

TOP = ["read", "write", "follow", "push", "profile"]
ALL = set(TOP) | {f"read:{s}" for s in READ} | {f"write:{s}" for s in WRITE} \
    | {"admin:read", "admin:write"} | {f"admin:read:{s}" for s in ADMIN_READ} \
    | {f"admin:write:{s}" for s in ADMIN_WRITE}

# What the deprecated `follow` scope still grants.
FOLLOW_GRANTS = {"read:follows", "write:follows", "read:blocks", "write:blocks", "read:mutes",
                 "write:mutes"}


def parse(scopes: str | list[str] | None, default: str = "read") -> list[str]:
    if scopes is None:
        return [default]
    items = scopes if isinstance(scopes, list) else scopes.replace("+", " ").split()
    out: list[str] = []
    for s in items:
        s = s.strip()
        if s and s not in out:
            out.append(s)
    return out or [default]


def unknown(scopes: list[str]) -> list[str]:
    return [s for s in scopes if s not in ALL]


def grants(held: list[str] | set[str], needed: str) -> bool:
    """Does holding `held` allow an action that needs `needed` (e.g. 'write:statuses')?"""
    held = set(held)
    if needed in held:
        return True
    if needed == "profile":
        return bool(held & {"read", "read:accounts", "profile"})
    parts = needed.split(":")
    # parents: 'admin:read:accounts' -> 'admin:read'; 'read:statuses' -> 'read'
    for i in range(len(parts) - 1, 0, -1):
        if ":".join(parts[:i]) in held:
            return True
    return "follow" in held and needed in FOLLOW_GRANTS


def subset(requested: list[str], allowed: list[str]) -> bool:
    """Every requested scope is covered by the allowed ones."""
    return all(grants(allowed, r) for r in requested)
