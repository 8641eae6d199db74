"""Reading positions (markers) and preferences: Tusky, Elk and others ask for both at start."""

from __future__ import annotations

from fastapi import APIRouter, Request

from roost.accounts import repository as repo
from roost.accounts import service
from roost.api.deps import DbSession, user
from roost.api.mastodon.serializers import iso
from roost.api.params import as_list, as_str, read_params
from roost.auth.actor import Actor

router = APIRouter(tags=["markers"])


def _markers(rows: list) -> dict:
    return {m.timeline: {"last_read_id": str(m.last_read_id), "version": m.version,
                         "updated_at": iso(m.updated_at)} for m in rows}


@router.get("/v1/markers")
async def get_markers(request: Request, session: DbSession,
                      actor: Actor = user("read:statuses")) -> dict:
    p = await read_params(request)
    names = [as_str(v) for v in as_list(p.get("timeline"))]
    names = [n for n in names if n in service.MARKER_TIMELINES]
    return _markers(await repo.markers(session, actor.account.id, names))


@router.post("/v1/markers")
async def save_markers(request: Request, session: DbSession,
                       actor: Actor = user("write:statuses")) -> dict:
    p = await read_params(request)
    positions = {name: value.get("last_read_id") for name, value in p.items()
                 if name in service.MARKER_TIMELINES and isinstance(value, dict)}
    return _markers(await service.save_markers(session, actor.account, positions))


@router.get("/v1/preferences")
async def preferences(actor: Actor = user("read:accounts")) -> dict:
    return repo.preferences_of(actor.user)
