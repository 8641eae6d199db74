"""Fill the `emojis` arrays of rendered entities (statuses, accounts, polls): one query for a
whole response, and none when no `:shortcode:` appears in it."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from roost.emojis import repository as repo
from roost.models import CustomEmoji

# entity kind -> the fields Mastodon looks for custom emojis in
_TEXT_FIELDS = {"content": ("content", "spoiler_text"), "display_name": ("display_name", "note")}


def entity(e: CustomEmoji, base_url: str) -> dict:
    return {"shortcode": e.shortcode, "url": f"{base_url}/media/{e.file_path}",
            "static_url": f"{base_url}/media/{e.static_path}",
            "visible_in_picker": e.visible_in_picker, "category": e.category}


def _holders(data: Any, out: list[tuple[dict, set[str]]]) -> None:
    if isinstance(data, list):
        for item in data:
            _holders(item, out)
    elif isinstance(data, dict):
        if isinstance(data.get("emojis"), list):
            for marker, fields in _TEXT_FIELDS.items():
                if marker in data:
                    texts = [data.get(f) for f in fields]
                    texts += [f.get("name", "") + " " + f.get("value", "")
                              for f in data.get("fields") or [] if isinstance(f, dict)]
                    codes = repo.shortcodes_in(*[t for t in texts if isinstance(t, str)])
                    if codes:
                        out.append((data, codes))
            if isinstance(data.get("options"), list):  # a Poll: emojis in its option titles
                titles = [o.get("title") for o in data["options"] if isinstance(o, dict)]
                codes = repo.shortcodes_in(*[t for t in titles if isinstance(t, str)])
                if codes:
                    out.append((data, codes))
        for value in data.values():
            if isinstance(value, (dict, list)):
                _holders(value, out)


async def fill(session: AsyncSession, data: Any, base_url: str) -> Any:
    holders: list[tuple[dict, set[str]]] = []
    _holders(data, holders)
    if not holders:
        return data
    found = await repo.by_shortcodes(session, set().union(*(codes for _, codes in holders)))
    for holder, codes in holders:
        holder["emojis"] = [entity(found[c], base_url) for c in sorted(codes) if c in found]
    return data
