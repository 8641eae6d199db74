"""The parts of a status that are the same for every viewer and change only when the status is
edited: media attachments, mentions, tags and the posting application, rendered once and kept
in memory keyed by (status id, edited_at). Any edit sets a new edited_at, so an entry never
needs invalidating, in this process or another: the row read for the request names the current
key. Counts, the author (profile changes), the viewer's reactions, filters and polls are not
here; they are rendered fresh on every request. Whether the status has a poll is: a poll comes
with the post or with an edit, so the presenter looks polls up only for the statuses whose entry
says they have one, or does not know yet (`poll` is None until learn_polls() records it).

The cached dicts and lists are shared between responses: treat them as read-only."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from roost import runtime
from roost.api.mastodon import presenter_queries as q
from roost.api.mastodon import serializers as ser
from roost.models import Status

MAX_ENTRIES = 20_000


@dataclass(frozen=True, slots=True)
class Parts:
    media: list[dict]
    mentions: list[dict]
    tags: list[dict]
    application: dict | None
    poll: bool | None = None  # has a poll; None: not known yet


EMPTY = Parts([], [], [], None)

_cache: dict[tuple[int, datetime | None], Parts] = {}
_base_url: list[str] = [""]  # entries hold URLs: a different base URL (tests) empties the cache


def clear() -> None:
    _cache.clear()


def _remember(key: tuple[int, datetime | None], parts: Parts) -> None:
    if len(_cache) >= MAX_ENTRIES:  # drop the oldest tenth (dicts keep insertion order)
        for old in list(_cache)[:MAX_ENTRIES // 10]:
            _cache.pop(old, None)
    _cache[key] = parts


async def parts(session: AsyncSession, statuses: Sequence[Status]) -> dict[int, Parts]:
    """Parts for each of `statuses` (not reposts), by status id; at most four queries, for
    the ones not cached (two more when some carry AI-generated media)."""
    base = runtime.settings().base_url
    if _base_url[0] != base:
        _cache.clear()
        _base_url[0] = base
    out: dict[int, Parts] = {}
    missing: list[Status] = []
    for st in statuses:
        found = _cache.get((st.id, st.edited_at))
        if found is None:
            missing.append(st)
        else:
            out[st.id] = found
    if missing:
        loaded = await _load(session, missing)
        for st in missing:
            out[st.id] = loaded[st.id]
            _remember((st.id, st.edited_at), loaded[st.id])
    return out


def learn_polls(statuses: Sequence[Status], with_poll: set[int]) -> None:
    """Record in the cached entries of `statuses` whether each has a poll (its id in
    `with_poll`), after the presenter looked their polls up."""
    for st in statuses:
        key = (st.id, st.edited_at)
        found = _cache.get(key)
        if found is not None and found.poll is None:
            _cache[key] = replace(found, poll=st.id in with_poll)


async def _load(session: AsyncSession, statuses: Sequence[Status]) -> dict[int, Parts]:
    ids = [st.id for st in statuses]
    media: dict[int, list[dict]] = {i: [] for i in ids}
    mentions: dict[int, list[dict]] = {i: [] for i in ids}
    tags: dict[int, list[dict]] = {i: [] for i in ids}
    rows = list((await session.execute(q.media(), {"ids": ids})).scalars())
    ai = await _ai_details(session, rows)
    for m in rows:
        data = ser.media(m)
        if m.id in ai:
            data["roost"] = {**data["roost"], **ai[m.id]}
        media[m.status_id].append(data)  # type: ignore[index]
    for sid, account_id, username in await session.execute(q.mentions(), {"ids": ids}):
        mentions[sid].append(ser.mention(account_id, username))
    for sid, name, display_name in await session.execute(q.tags(), {"ids": ids}):
        tags[sid].append(ser.tag_ref(name, display_name))
    app_ids = list({st.application_id for st in statuses if st.application_id})
    apps: dict[int, dict] = {}
    if app_ids:
        for app_id, name, website in await session.execute(q.apps(), {"ids": app_ids}):
            apps[app_id] = {"name": name, "website": website}
    return {st.id: Parts(media[st.id], mentions[st.id], tags[st.id],
                         apps.get(st.application_id) if st.application_id else None)
            for st in statuses}


async def _ai_details(session: AsyncSession, rows: list) -> dict[int, dict]:
    """For AI-generated attachments, by media id: the generation's prompt, parameters, provider
    and remix source, the candidate's seed and whether image moderation flagged it sensitive
    (Roost's `roost` extension of the attachment). No query when there is none."""
    ai = [m for m in rows if m.ai_generation_id is not None]
    if not ai:
        return {}
    from roost.ai.generations import repository as generations

    gens = await generations.details(session, list({m.ai_generation_id for m in ai}))
    facts = await generations.candidate_facts(
        session, [m.ai_candidate_id for m in ai if m.ai_candidate_id is not None])
    out: dict[int, dict] = {}
    for m in ai:
        gen = gens.get(m.ai_generation_id)
        if gen is None:
            continue
        seed, sensitive = facts.get(m.ai_candidate_id, (gen["seed"], False))
        out[m.id] = {**gen, "seed": seed, "sensitive": sensitive}
    return out
