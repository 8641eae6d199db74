"""The notes API (/api/v1/roost/...): a post's notes, adding and deleting a note, rating one."""

from __future__ import annotations

from fastapi import APIRouter, Request
from sqlalchemy.ext.asyncio import AsyncSession

from roost.api.deps import DbSession, maybe_user, user
from roost.api.params import as_strict_bool, read_params
from roost.auth.actor import Actor
from roost.models import Note
from roost.notes import present, queries, rules, service

router = APIRouter(prefix="/api/v1/roost", tags=["notes"])

ACCOUNT = {"type": "object", "required": ["id", "username", "acct"],
           "properties": {"id": {"type": "string"}, "username": {"type": "string"},
                          "acct": {"type": "string"}}}
NOTE_SCHEMA = {"type": "object", "required": [
    "id", "status_id", "account", "text", "content", "created_at", "rating_status", "ratings",
    "own_rating"], "properties": {
    "id": {"type": "string"}, "status_id": {"type": "string"}, "account": ACCOUNT,
    "text": {"type": "string", "description": "the note as written (plain text)"},
    "content": {"type": "string", "description": "the text as safe HTML, links made clickable"},
    "created_at": {"type": "string", "format": "date-time"},
    "rating_status": {"type": "string", "enum": list(rules.RATING_STATUSES)},
    "ratings": {"type": "object", "required": ["helpful", "not_helpful", "total"], "properties": {
        "helpful": {"type": "integer"}, "not_helpful": {"type": "integer"},
        "total": {"type": "integer"}}},
    "own_rating": {"type": ["object", "null"], "description": "the caller's rating, if any",
                   "properties": {"helpful": {"type": "boolean"},
                                  "reason": {"type": ["string", "null"],
                                             "enum": [*rules.REASONS, None]}}}}}


def _answer(description: str, schema: dict) -> dict:
    return {200: {"description": description, "content": {"application/json": {"schema": schema}}}}


def _body(required: list[str], properties: dict) -> dict:
    form = {"schema": {"type": "object", "required": required, "properties": properties}}
    return {"requestBody": {"required": True, "content": {
        "application/json": form, "application/x-www-form-urlencoded": form}}}


NOTE_BODY = _body(["text"], {"text": {"type": "string", "minLength": 1,
                                      "maxLength": rules.MAX_CHARS}})
RATING_BODY = _body(["helpful"], {"helpful": {"type": "boolean"},
                                  "reason": {"type": "string", "enum": list(rules.REASONS)}})


async def _one(session: AsyncSession, actor: Actor, note: Note) -> dict:
    """The note as the caller sees it now (counts and their own rating after the change)."""
    view = await queries.one(session, actor.account, note)
    return await present.note(session, actor.account, view)


@router.get("/statuses/{status_id}/notes",
            summary="The notes on a post the caller may see: helpful ones first",
            responses=_answer("The notes", {"type": "array", "items": NOTE_SCHEMA}))
async def list_notes(status_id: str, session: DbSession,
                     actor: Actor | None = maybe_user("read:statuses")) -> list[dict]:
    viewer = actor.account if actor else None
    _, views = await queries.for_post(session, viewer, status_id)
    return await present.notes(session, viewer, views)


@router.post("/statuses/{status_id}/notes", summary="Add a note that gives context to a post",
             responses=_answer("The new note", NOTE_SCHEMA), openapi_extra=NOTE_BODY)
async def create_note(status_id: str, request: Request, session: DbSession,
                      actor: Actor = user("write:statuses")) -> dict:
    p = await read_params(request)
    note = await service.create_note(session, actor.account, status_id, p.get("text"))
    return await _one(session, actor, note)


@router.delete("/notes/{note_id}", summary="Delete a note (its author, or a moderator)",
               responses=_answer("Deleted", {"type": "object"}))
async def delete_note(note_id: str, session: DbSession,
                      actor: Actor = user("write:statuses")) -> dict:
    moderator = actor.user is not None and actor.user.is_moderator
    await service.delete_note(session, actor.account, note_id, moderator=moderator)
    return {}


@router.post("/notes/{note_id}/rating",
             summary="Rate a note helpful or not, with an optional reason; again to change it",
             responses=_answer("The note", NOTE_SCHEMA), openapi_extra=RATING_BODY)
async def rate_note(note_id: str, request: Request, session: DbSession,
                    actor: Actor = user("write:statuses")) -> dict:
    p = await read_params(request)
    note = await service.rate_note(session, actor.account, note_id,
                                   as_strict_bool(p.get("helpful")), p.get("reason"))
    return await _one(session, actor, note)


@router.delete("/notes/{note_id}/rating", summary="Take back one's rating of a note",
               responses=_answer("The note", NOTE_SCHEMA))
async def unrate_note(note_id: str, session: DbSession,
                      actor: Actor = user("write:statuses")) -> dict:
    note = await service.unrate_note(session, actor.account, note_id)
    return await _one(session, actor, note)
