"""The viewer's filters applied to rendered statuses: `filtered` (FilterResult entities) on each
status they match, and, in a context, statuses matched by a `hide` filter of that context left
out. Works on the rendered entities, so whatever the status shows (content, spoiler text, media
descriptions, poll options) is what is matched. The viewer's own posts are never filtered."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import object_session

from roost.api.mastodon.filters import filter_entity
from roost.filters import service
from roost.filters.matching import Match, match, searchable_text
from roost.kit.text import html_to_text
from roost.models import Account


def _result(m: Match) -> dict:
    return {"filter": filter_entity(m.filter, with_rules=False),
            "keyword_matches": list(m.keyword_matches) or None,
            "status_matches": [str(i) for i in m.status_matches] or None}


def _text(status: dict) -> str:
    poll = status.get("poll") or {}
    return searchable_text(
        status.get("spoiler_text") or "", html_to_text(status.get("content") or ""),
        [o.get("title") or "" for o in poll.get("options") or []],
        [m.get("description") for m in status.get("media_attachments") or []])


async def apply_filters(session: AsyncSession, viewer: Account | None, rendered: list[dict],
                        context: str | None) -> list[dict]:
    """With no context every matching filter is listed and nothing is removed (a single status,
    bookmarks...: the client decides, as with Mastodon). A viewer without filters costs no
    query: `filters_count` (kept by the filters service) says so, when the viewer's row was read
    in this session (a request); a row kept from elsewhere (a stream's) may be stale."""
    if viewer is None or not rendered:
        return rendered
    if not viewer.filters_count and object_session(viewer) is session.sync_session:
        return rendered
    viewer_id = viewer.id
    compiled = await service.compiled_for(session, viewer_id)
    if not compiled:
        return rendered
    me = str(viewer_id)
    out = []
    for data in rendered:
        proper = data.get("reblog") or data
        if proper["account"]["id"] == me:
            out.append(data)
            continue
        matches = match(compiled, _text(proper), (int(data["id"]), int(proper["id"])), context)
        if context is not None and any(m.filter.action == "hide" for m in matches):
            continue
        results = [_result(m) for m in matches]
        data["filtered"] = results
        if proper is not data:
            proper["filtered"] = results
        out.append(data)
    return out
