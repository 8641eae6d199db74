"""Instance writes: change the db-backed site settings (title, rules, registration mode...)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from roost import events
from roost.accounts.service import EMAIL_RE
from roost.events.schemas import SiteSettingsChanged
from roost.instance.site import KEYS, MODES
from roost.kit.clock import utcnow
from roost.kit.errors import Invalid
from roost.kit.text import sanitize
from roost.models import SiteSetting

MAX_RULES = 50


def _check(key: str, value: Any) -> Any:
    if key not in KEYS:
        raise Invalid(f"Unknown site setting: {key}")
    if value is None:
        return None
    if not isinstance(value, KEYS[key]):
        raise Invalid(f"Site setting {key} must be a {KEYS[key].__name__}")
    if key == "registrations" and value not in MODES:
        raise Invalid("registrations must be open, approval or closed")
    if key == "contact_email" and value and not EMAIL_RE.match(value):
        raise Invalid("contact_email must be an email address")
    if key == "languages" and not all(isinstance(x, str) and 2 <= len(x) <= 3 for x in value):
        raise Invalid("languages must be ISO 639 codes")
    if key == "rules":
        return _check_rules(value)
    if key in ("extended_description", "privacy_policy"):
        value = sanitize(value)
    if isinstance(value, str) and len(value) > 100_000:
        raise Invalid(f"Site setting {key} is too long")
    return value


def _check_rules(rules: list) -> list[dict]:
    if len(rules) > MAX_RULES:
        raise Invalid(f"At most {MAX_RULES} rules")
    out = []
    for i, rule in enumerate(rules, start=1):
        if isinstance(rule, str):
            rule = {"text": rule}
        if not isinstance(rule, dict) or not str(rule.get("text", "")).strip():
            raise Invalid("Each rule needs a text")
        out.append({"id": str(rule.get("id") or i), "text": str(rule["text"]).strip()[:1000],
                    "hint": str(rule.get("hint") or "")[:2000]})
    return out


async def update_site(session: AsyncSession, values: dict[str, Any], *,
                      actor_id: int | None = None) -> None:
    """Set (or, with None, clear back to the deployment default) each given key."""
    checked = {key: _check(key, value) for key, value in values.items()}
    for key, value in checked.items():
        row = await session.get(SiteSetting, key)
        if value is None:
            if row is not None:
                await session.delete(row)
        elif row is None:
            session.add(SiteSetting(key=key, value={"v": value}, updated_at=utcnow()))
        else:
            row.value, row.updated_at = {"v": value}, utcnow()
    await session.flush()
    if checked:
        events.record(session, SiteSettingsChanged(keys=sorted(checked)), actor_id=actor_id)
