"""The generations API (/api/v1/roost/...): start, poll, cancel, pick; quota; remix lineage."""

from __future__ import annotations

from fastapi import APIRouter, Request

from roost.ai.generations import repository as repo
from roost.ai.generations import service
from roost.api.deps import DbSession, maybe_user, user
from roost.api.mastodon import serializers as ser
from roost.api.mastodon.presenter import Presenter
from roost.api.params import as_int, as_list, as_str, read_params
from roost.auth.actor import Actor
from roost.kit.errors import BadRequest, Invalid
from roost.models import Candidate, Generation

router = APIRouter(prefix="/api/v1/roost", tags=["ai"])


def candidate_json(c: Candidate) -> dict:
    return {"id": str(c.id), "url": ser.media_url(c.file_path, ""),
            "preview_url": ser.media_url(c.thumbnail_path, ""), "width": c.width,
            "height": c.height, "blurhash": c.blurhash, "seed": c.seed, "sensitive": c.sensitive,
            "picked": c.picked_at is not None}


def generation_json(g: Generation, candidates: list[Candidate]) -> dict:
    return {
        "id": str(g.id), "state": g.state, "prompt": g.prompt, "n": g.n, "seed": g.seed,
        "style": g.style, "aspect_ratio": g.aspect_ratio,
        "provider": {"name": g.provider_name, "model": g.provider_model,
                     "label": g.provider_label},
        "remix_of": str(g.remix_of_status_id) if g.remix_of_status_id else None,
        "created_at": ser.iso(g.created_at), "started_at": ser.iso(g.started_at),
        "finished_at": ser.iso(g.finished_at),
        "candidates": [candidate_json(c) for c in candidates] if g.state == "done" else [],
        "error": g.error,
    }


def _int(value: object, name: str, default: int | None) -> int | None:
    if value is None or value == "":
        return default
    try:
        return as_int(value, default)
    except BadRequest as exc:
        raise Invalid(f"Validation failed: {name} must be a whole number") from exc


@router.post("/generations", status_code=202)
async def create(request: Request, session: DbSession,
                 actor: Actor = user("write:media")) -> dict:
    p = await read_params(request)
    gen = await service.start_generation(
        session, actor.account, as_str(p.get("prompt")) or "", n=_int(p.get("n"), "n", 4),
        seed=_int(p.get("seed"), "seed", None), style=as_str(p.get("style")) or None,
        aspect_ratio=as_str(p.get("aspect_ratio")) or "1:1",
        remix_of=as_str(p.get("remix_of")) or None)
    return generation_json(gen, [])


@router.get("/generations/quota")
async def get_quota(session: DbSession, actor: Actor = user("read")) -> dict:
    q = await service.quota(session, actor.account)
    return {"limit": q.limit, "used": q.used, "remaining": q.remaining,
            "resets_at": ser.iso(q.resets_at)}


@router.get("/generations/{generation_id}")
async def get_generation(generation_id: str, session: DbSession,
                         actor: Actor = user("read")) -> dict:
    gen = await service.get(session, actor.account, generation_id)
    return generation_json(gen, await repo.candidates(session, gen.id))


@router.delete("/generations/{generation_id}")
async def cancel(generation_id: str, session: DbSession,
                 actor: Actor = user("write:media")) -> dict:
    gen = await service.cancel_generation(session, actor.account, generation_id)
    return generation_json(gen, await repo.candidates(session, gen.id))


@router.post("/generations/{generation_id}/pick")
async def pick(generation_id: str, request: Request, session: DbSession,
               actor: Actor = user("write:media")) -> list[dict]:
    p = await read_params(request)
    ids = [as_str(c) for c in as_list(p.get("candidate_ids"))]
    media = await service.pick(session, actor.account, generation_id, ids)
    return [ser.media(m) for m in media]


@router.get("/statuses/{status_id}/lineage")
async def lineage(status_id: str, session: DbSession,
                  actor: Actor | None = maybe_user("read:statuses")) -> dict:
    viewer = actor.account if actor else None
    ancestors, descendants = await service.lineage(session, viewer, status_id)
    presenter = Presenter(session, viewer)
    return {"ancestors": await presenter.statuses(ancestors),
            "descendants": await presenter.statuses(descendants)}
