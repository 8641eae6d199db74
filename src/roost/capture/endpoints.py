"""The capture API (/api/v1/roost/statuses/:id/...): opens, "show more / show less like this",
ratings of the assistant's answers and "try again" (docs/subsystems/capture.md)."""

from __future__ import annotations

from fastapi import APIRouter, Request

from roost.api.deps import DbSession, user
from roost.api.params import read_params
from roost.auth.actor import Actor
from roost.capture import repository as repo
from roost.capture import service
from roost.capture.rules import REASON_CHARS, REASONS
from roost.models import AssistantRating, AssistantRegeneration, StatusFeedback

router = APIRouter(prefix="/api/v1/roost/statuses", tags=["capture"])

FEEDS = ("home, public, local, tag:NAME, list:ID, account:ID, bookmarks, favourites or thread; "
         "other values are ignored")
FEEDBACK = {"type": "object", "required": ["status_id", "signal"], "properties": {
    "status_id": {"type": "string"},
    "signal": {"type": ["string", "null"], "enum": ["more", "less", None]}}}
RATING = {"type": "object", "required": ["status_id", "rating", "reason"], "properties": {
    "status_id": {"type": "string"},
    "rating": {"type": ["string", "null"], "enum": ["helpful", "not_helpful", None]},
    "reason": {"type": ["string", "null"]}}}
REGENERATION = {"type": "object", "required": ["id", "status_id", "state"], "properties": {
    "id": {"type": "string"}, "status_id": {"type": "string"},
    "state": {"type": "string", "enum": ["pending", "done", "failed"]}}}
OPENED = {"type": "object", "required": ["recorded"], "properties": {"recorded": {
    "type": "boolean", "description": "false when the caller's training consent is not 'all'"}}}


def _doc(schema: dict, description: str, status: int = 200) -> dict:
    return {status: {"description": description,
                     "content": {"application/json": {"schema": schema}}}}


def _body(required: list[str], properties: dict) -> dict:
    form = {"schema": {"type": "object", "required": required, "properties": properties}}
    return {"requestBody": {"required": bool(required), "content": {
        "application/json": form, "application/x-www-form-urlencoded": form}}}


def feedback_json(status_id: int, row: StatusFeedback | None) -> dict:
    return {"status_id": str(status_id), "signal": row.signal if row else None}


def rating_json(status_id: int, row: AssistantRating | None) -> dict:
    return {"status_id": str(status_id), "rating": row.rating if row else None,
            "reason": row.reason if row else None}


def regeneration_json(row: AssistantRegeneration) -> dict:
    return {"id": str(row.id), "status_id": str(row.reply_status_id), "state": row.state}


@router.post("/{status_id}/opened", summary="Report that the caller opened a post's thread or "
             "one of its images (recorded only under training consent 'all')",
             responses=_doc(OPENED, "Whether it was recorded"),
             openapi_extra=_body(["what"], {
                 "what": {"type": "string", "enum": ["thread", "image"]},
                 "media_id": {"type": "string", "description": "the image, for what=image"},
                 "feed": {"type": "string", "description": f"where it was opened from: {FEEDS}"}}))
async def opened(status_id: str, request: Request, session: DbSession,
                 actor: Actor = user("write:statuses")) -> dict:
    p = await read_params(request)
    recorded = await service.opened(session, actor.account, status_id, p.get("what"),
                                    media_id=p.get("media_id"), feed=p.get("feed"), surface="api")
    return {"recorded": recorded}


@router.get("/{status_id}/feedback", summary="The caller's 'show more / show less like this' "
            "on a post", responses=_doc(FEEDBACK, "The signal in force, or null"))
async def get_feedback(status_id: str, session: DbSession,
                       actor: Actor = user("read:statuses")) -> dict:
    status = await service.readable_original(session, actor.account, status_id)
    return feedback_json(status.id, await repo.feedback(session, actor.account.id, status.id))


@router.post("/{status_id}/feedback", summary="Show more (or less) like this post; 'less' also "
             "hides it from the caller's timelines",
             responses=_doc(FEEDBACK, "The signal in force"),
             openapi_extra=_body(["signal"], {
                 "signal": {"type": "string", "enum": ["more", "less"]},
                 "feed": {"type": "string", "description": f"where it was given: {FEEDS}"}}))
async def post_feedback(status_id: str, request: Request, session: DbSession,
                        actor: Actor = user("write:statuses")) -> dict:
    p = await read_params(request)
    status, row = await service.set_feedback(session, actor.account, status_id, p.get("signal"),
                                             feed=p.get("feed"))
    return feedback_json(status.id, row)


@router.delete("/{status_id}/feedback", summary="Take back 'show more / show less like this'",
               responses=_doc(FEEDBACK, "No signal in force (null)"))
async def delete_feedback(status_id: str, request: Request, session: DbSession,
                          actor: Actor = user("write:statuses")) -> dict:
    p = await read_params(request)
    status = await service.undo_feedback(session, actor.account, status_id, feed=p.get("feed"))
    return feedback_json(status.id, None)


REASON_DOC = (f"one of {', '.join(REASONS)}, or the caller's own words (at most {REASON_CHARS} "
              f"characters, kept as plain text)")


@router.get("/{status_id}/rating", summary="The caller's rating of one of the assistant's answers",
            responses=_doc(RATING, "The rating in force, or null"))
async def get_rating(status_id: str, session: DbSession,
                     actor: Actor = user("read:statuses")) -> dict:
    status = await service.assistant_answer(session, actor.account, status_id)
    return rating_json(status.id, await repo.rating(session, actor.account.id, status.id))


@router.post("/{status_id}/rating", summary="Rate one of the assistant's answers helpful or not "
             "(422 on any other post)", responses=_doc(RATING, "The rating in force"),
             openapi_extra=_body(["rating"], {
                 "rating": {"type": "string", "enum": ["helpful", "not_helpful"]},
                 "reason": {"type": "string", "maxLength": REASON_CHARS,
                            "description": REASON_DOC}}))
async def post_rating(status_id: str, request: Request, session: DbSession,
                      actor: Actor = user("write:statuses")) -> dict:
    p = await read_params(request)
    status, row = await service.rate_answer(session, actor.account, status_id, p.get("rating"),
                                            p.get("reason"))
    return rating_json(status.id, row)


@router.delete("/{status_id}/rating", summary="Withdraw the caller's rating of an answer",
               responses=_doc(RATING, "No rating in force (null)"))
async def delete_rating(status_id: str, session: DbSession,
                        actor: Actor = user("write:statuses")) -> dict:
    status = await service.withdraw_rating(session, actor.account, status_id)
    return rating_json(status.id, None)


@router.post("/{status_id}/regenerate", status_code=202,
             summary="Have the assistant answer again (the person who asked only): the answer "
             "is edited with the new text when the job is done",
             responses=_doc(REGENERATION, "The try, pending", 202))
async def regenerate(status_id: str, session: DbSession,
                     actor: Actor = user("write:statuses")) -> dict:
    row = await service.regenerate(session, actor.account, status_id)
    return regeneration_json(row)
