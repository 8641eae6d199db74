"""Announcements: GET /api/v1/announcements, dismiss, and emoji reactions."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy.ext.asyncio import AsyncSession

from roost import runtime
from roost.accounts import repository as accounts_repo
from roost.announcements import repository as repo
from roost.announcements import service
from roost.api.deps import DbSession, user
from roost.api.mastodon import serializers as ser
from roost.api.params import as_bool
from roost.auth.actor import Actor
from roost.emojis import render as emoji_render
from roost.emojis import repository as emojis_repo
from roost.kit import text as textkit

router = APIRouter(prefix="/api/v1/announcements", tags=["announcements"])


async def render(session: AsyncSession, seen: repo.Seen) -> list[dict]:
    settings = runtime.settings()
    base = settings.base_url
    parsed = {a.id: textkit.parse(a.text, local_domain=settings.domain) for a in seen.rows}
    people = await accounts_repo.by_usernames(session, {u for p in parsed.values() for u in p.mentions})
    custom = await emojis_repo.by_shortcodes(
        session, {n for rs in seen.reactions.values() for n, _, _ in rs if emojis_repo.SHORTCODE_RE.match(n)})
    out = []
    for a in seen.rows:
        p = parsed[a.id]
        reactions = []
        for name, count, me in seen.reactions.get(a.id, []):
            reaction = {"name": name, "count": count, "me": me}
            if name in custom:
                e = emoji_render.entity(custom[name], base)
                reaction.update(url=e["url"], static_url=e["static_url"])
            reactions.append(reaction)
        out.append({
            "id": str(a.id), "content": a.content_html,
            "starts_at": ser.iso(a.starts_at), "ends_at": ser.iso(a.ends_at),
            "all_day": a.all_day, "published": True, "published_at": ser.iso(a.published_at),
            "updated_at": ser.iso(a.updated_at), "read": a.id in seen.read,
            "mentions": [{"id": str(acc.id), "username": acc.username, "acct": acc.username,
                          "url": f"{base}/@{acc.username}"}
                         for u in p.mentions if (acc := people.get(u))],
            "statuses": [], "tags": [{"name": t, "url": f"{base}/tags/{t.lower()}"} for t in p.tags],
            "emojis": [], "reactions": reactions,
        })
    return await emoji_render.fill(session, out, base)


@router.get("")
async def announcements(session: DbSession,
                        with_dismissed: Annotated[str | None, Query()] = None,
                        actor: Actor = user("read")) -> list[dict]:
    seen = await repo.for_viewer(session, actor.account.id, with_dismissed=as_bool(with_dismissed))
    return await render(session, seen)


@router.post("/{announcement_id}/dismiss")
async def dismiss(announcement_id: str, session: DbSession,
                  actor: Actor = user("write:accounts")) -> dict:
    await service.dismiss(session, actor.account, announcement_id)
    return {}


@router.put("/{announcement_id}/reactions/{name}")
async def react(announcement_id: str, name: str, session: DbSession,
                actor: Actor = user("write:favourites")) -> dict:
    await service.react(session, actor.account, announcement_id, name)
    return {}


@router.delete("/{announcement_id}/reactions/{name}")
async def unreact(announcement_id: str, name: str, session: DbSession,
                  actor: Actor = user("write:favourites")) -> dict:
    await service.unreact(session, actor.account, announcement_id, name)
    return {}
