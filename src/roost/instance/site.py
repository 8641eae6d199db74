"""What the instance says about itself, read from SiteSetting rows (admin-editable at run time)
with the deployment Settings as the fallback for every key."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from roost.config import Settings
from roost.models import SiteSetting

# key -> what it holds; the service validates writes against this list.
KEYS = {
    "title": str,
    "description": str,                # short, plain text
    "extended_description": str,       # HTML shown on the about page
    "privacy_policy": str,             # HTML
    "contact_email": str,
    "contact_username": str,
    "registrations": str,              # open | approval | closed
    "registrations_message": str,
    "languages": list,
    "thumbnail_url": str,
    "rules": list,                     # [{"id": "1", "text": ..., "hint": ...}]
}
MODES = ("open", "approval", "closed")


@dataclass
class Site:
    domain: str
    base_url: str
    title: str
    description: str
    extended_description: str
    privacy_policy: str
    contact_email: str
    contact_username: str
    registrations: str
    registrations_message: str | None
    languages: list[str]
    thumbnail_url: str
    rules: list[dict] = field(default_factory=list)
    updated_at: dict[str, datetime] = field(default_factory=dict)

    @property
    def registrations_open(self) -> bool:
        return self.registrations != "closed"

    @property
    def approval_required(self) -> bool:
        return self.registrations == "approval"


def configured_rules(settings: Settings) -> list[dict]:
    """Rules from ROOST_RULES (one per line, or a JSON list of texts or {text, hint}), else from
    rules.txt in the data directory (one per line; blank lines and lines starting with # are
    skipped). Rule ids are their positions, from "1"."""
    raw: list = []
    if settings.rules.strip():
        text = settings.rules.strip()
        if text.startswith("["):
            try:
                raw = json.loads(text)
            except ValueError:
                raw = []
        else:
            raw = text.splitlines()
    else:
        path = settings.data_dir / "rules.txt"
        try:
            raw = path.read_text(encoding="utf-8").splitlines() if path.is_file() else []
        except OSError:
            raw = []
    out = []
    for item in raw if isinstance(raw, list) else []:
        rule = item if isinstance(item, dict) else {"text": str(item)}
        text = str(rule.get("text", "")).strip()
        if text and not (isinstance(item, str) and text.startswith("#")):
            out.append({"id": str(len(out) + 1), "text": text[:1000],
                        "hint": str(rule.get("hint") or "")[:2000]})
    return out


async def load(session: AsyncSession, settings: Settings) -> Site:
    rows = (await session.execute(select(SiteSetting))).scalars().all()
    stored = {r.key: r.value.get("v") for r in rows if isinstance(r.value, dict)}
    updated = {r.key: r.updated_at for r in rows}

    def get(key: str, default):  # noqa: ANN001, ANN202
        value = stored.get(key)
        return value if isinstance(value, KEYS[key]) else default

    mode = get("registrations", settings.registrations)
    return Site(
        domain=settings.domain,
        base_url=settings.base_url,
        title=get("title", settings.instance_title),
        description=get("description", settings.instance_description),
        extended_description=get("extended_description", ""),
        privacy_policy=get("privacy_policy", ""),
        contact_email=get("contact_email", settings.contact_email),
        contact_username=get("contact_username", ""),
        registrations=mode if mode in MODES else settings.registrations,
        registrations_message=get("registrations_message", None),
        languages=get("languages", ["en"]),
        thumbnail_url=get("thumbnail_url", f"{settings.base_url}/static/header-missing.png"),
        rules=get("rules", None) or configured_rules(settings),
        updated_at=updated,
    )
