"""The consent API (/api/v1/roost/...): an account's training consent and a post's opt-out."""

from __future__ import annotations

from fastapi import APIRouter, Request

from roost.api.deps import DbSession, user
from roost.api.mastodon import serializers as ser
from roost.api.mastodon.presenter import Presenter
from roost.api.params import as_strict_bool, read_params
from roost.auth.actor import Actor
from roost.consent import repository as repo
from roost.consent import service
from roost.kit.errors import Invalid
from roost.models import Account

router = APIRouter(prefix="/api/v1/roost", tags=["consent"])

HISTORY_LIMIT = 100
LEVEL = {"type": "string", "enum": ["none", "public_posts", "all"]}
CONSENT_SCHEMA = {"type": "object", "required": ["training", "updated_at", "history"], "properties": {
    "training": LEVEL, "updated_at": {"type": ["string", "null"], "format": "date-time"},
    "history": {"type": "array", "items": {"type": "object", "properties": {
        "training": LEVEL, "changed_at": {"type": "string", "format": "date-time"},
        "source": {"type": "string", "enum": ["api", "web"]}}}}}}
CONSENT_DOC = {200: {"description": "The consent in force and its history",
                     "content": {"application/json": {"schema": CONSENT_SCHEMA}}}}


def _body(name: str, schema: dict) -> dict:
    form = {"schema": {"type": "object", "required": [name], "properties": {name: schema}}}
    return {"requestBody": {"required": True, "content": {
        "application/json": form, "application/x-www-form-urlencoded": form}}}


async def consent_json(session: DbSession, account: Account) -> dict:
    changes = await repo.history(session, account.id, limit=HISTORY_LIMIT)
    return {"training": account.training_consent,
            "updated_at": ser.iso(changes[0].changed_at) if changes else None,
            "history": [{"training": c.level, "changed_at": ser.iso(c.changed_at),
                         "source": c.source} for c in changes]}


@router.get("/consent", summary="The caller's training consent and its history, newest first",
            responses=CONSENT_DOC)
async def get_consent(session: DbSession, actor: Actor = user("read:accounts")) -> dict:
    return await consent_json(session, actor.account)


@router.put("/consent", summary="Set the caller's training consent: none, public_posts or all",
            responses=CONSENT_DOC, openapi_extra=_body("training", LEVEL))
async def put_consent(request: Request, session: DbSession,
                      actor: Actor = user("write:accounts")) -> dict:
    p = await read_params(request)
    await service.set_training(session, actor.account, p.get("training"), source="api")
    return await consent_json(session, actor.account)


@router.put("/statuses/{status_id}/training",
            summary="Exclude one of the caller's own posts from training data, or include it again",
            openapi_extra=_body("opt_out", {"type": "boolean"}))
async def put_status_training(status_id: str, request: Request, session: DbSession,
                              actor: Actor = user("write:statuses")) -> dict:
    opt_out = as_strict_bool((await read_params(request)).get("opt_out"))
    if not isinstance(opt_out, bool):
        raise Invalid("Validation failed: opt_out is required (true or false)",
                      details={"opt_out": "invalid"})
    status = await service.set_post_opt_out(session, actor.account, status_id, opt_out)
    return await Presenter(session, actor.account).status(status)
