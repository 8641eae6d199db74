"""The datasets API: admins build, list and recall builds (/api/v1/roost/admin/datasets); anyone
signed in sees which builds included their data (/api/v1/roost/datasets/mine)."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request

from roost.api.deps import DbSession, user
from roost.api.params import as_str, read_params
from roost.auth.actor import Actor
from roost.datasets import service
from roost.models import DatasetBuild

router = APIRouter(prefix="/api/v1/roost", tags=["datasets"])


def _iso(value) -> str | None:  # noqa: ANN001
    return value.isoformat().replace("+00:00", "Z") if value else None


def build_json(b: DatasetBuild) -> dict:
    """A build as admins see it (never its salt)."""
    return {"id": str(b.id), "kind": b.kind, "version": b.version, "state": b.state,
            "requested_by": str(b.requested_by) if b.requested_by else None,
            "created_at": _iso(b.created_at), "started_at": _iso(b.started_at),
            "finished_at": _iso(b.finished_at), "from_seq": b.from_seq, "to_seq": b.to_seq,
            "base_build_id": str(b.base_build_id) if b.base_build_id else None,
            "progress": b.progress, "stage": b.stage, "rows": b.rows, "bytes": b.bytes,
            "path": b.path, "error": b.error, "recalled_at": _iso(b.recalled_at),
            "superseded_by": str(b.superseded_by) if b.superseded_by else None}


@router.post("/admin/datasets", summary="Start a dataset build of a kind (admins)", status_code=202)
async def start_build(request: Request, session: DbSession,
                      actor: Actor = user("admin:write")) -> dict:
    p = await read_params(request)
    return build_json(await service.request_build(session, actor.account, as_str(p.get("kind"))))


@router.get("/admin/datasets", summary="Dataset builds, newest first (admins)")
async def list_builds(session: DbSession, kind: str | None = Query(None),
                      actor: Actor = user("admin:read")) -> list[dict]:
    return [build_json(b) for b in await service.builds(session, actor.account, kind=kind)]


@router.get("/admin/datasets/{build_id}", summary="One dataset build with its progress (admins)")
async def get_build(build_id: str, session: DbSession, actor: Actor = user("admin:read")) -> dict:
    return build_json(await service.get(session, actor.account, build_id))


@router.post("/admin/datasets/{build_id}/recall",
             summary="Recall a build: delete its files, mark it recalled (admins)")
async def recall_build(build_id: str, session: DbSession,
                       actor: Actor = user("admin:write")) -> dict:
    return build_json(await service.recall(session, actor.account, build_id))


@router.get("/datasets/mine", summary="The dataset builds that included the caller's data")
async def my_builds(session: DbSession, actor: Actor = user("read:accounts")) -> list[dict]:
    return [{"id": str(b.id), "kind": b.kind, "version": b.version,
             "state": "recalled" if b.state == "recalled" else "included",
             "created_at": _iso(b.created_at), "finished_at": _iso(b.finished_at), "rows": rows,
             "recalled_at": _iso(b.recalled_at)}
            for b, rows in await service.mine(session, actor.account)]
