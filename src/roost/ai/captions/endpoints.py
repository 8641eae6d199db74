"""POST /api/v1/roost/media/{id}/describe: alt text suggested for one's own image."""

from __future__ import annotations

from fastapi import APIRouter, Request

from roost.ai.captions import service
from roost.api.deps import DbSession, user
from roost.api.params import as_bool, as_str, read_params
from roost.auth.actor import Actor

router = APIRouter(prefix="/api/v1/roost", tags=["ai"])


@router.post("/media/{media_id}/describe")
async def describe(media_id: str, request: Request, session: DbSession,
                   actor: Actor = user("write:media")) -> dict:
    """`{"description": ...}`: a suggestion, saved as the media's description only with
    `save=true` (form or JSON)."""
    p = await read_params(request)
    _, text = await service.describe(session, actor.account, media_id,
                                     save=as_bool(p.get("save")),
                                     lang=as_str(p.get("lang")) or "en")
    return {"description": text}
