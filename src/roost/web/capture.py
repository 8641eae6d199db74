"""Capture from the web app (roost.capture): "Show more / Show less like this" in a post's menu,
"Helpful" / "Not helpful" and "Try again" under the assistant's answers, and the image-open
beacon app.js sends. Each calls the same capture.service verb as the API; the forms work without
JavaScript (303 back to the form's `next`)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from roost.api.deps import DbSession
from roost.capture import service
from roost.web import render
from roost.web.session import Form, SignedIn, safe_next

router = APIRouter(tags=["web"])


def _back(form: dict) -> Response:
    value = form.get("next")
    target = safe_next(value if isinstance(value, str) else None, "/")
    return RedirectResponse(target, status_code=303, headers=render.HEADERS)


@router.post("/statuses/{status_id}/feedback")
async def feedback(status_id: str, session: DbSession, viewer: SignedIn, form: Form) -> Response:
    await service.set_feedback(session, viewer, status_id, form.get("signal"),
                               feed=form.get("feed"))
    return _back(form)


@router.post("/statuses/{status_id}/unfeedback")
async def unfeedback(status_id: str, session: DbSession, viewer: SignedIn,
                     form: Form) -> Response:
    await service.undo_feedback(session, viewer, status_id, feed=form.get("feed"))
    return _back(form)


@router.post("/statuses/{status_id}/rate")
async def rate(status_id: str, session: DbSession, viewer: SignedIn, form: Form) -> Response:
    """`rating`; `reason` (a code) or `reason_text` (own words, preferred when both are sent)."""
    own_words = form.get("reason_text")
    reason = own_words if isinstance(own_words, str) and own_words.strip() else form.get("reason")
    await service.rate_answer(session, viewer, status_id, form.get("rating"), reason)
    return _back(form)


@router.post("/statuses/{status_id}/unrate")
async def unrate(status_id: str, session: DbSession, viewer: SignedIn, form: Form) -> Response:
    await service.withdraw_rating(session, viewer, status_id)
    return _back(form)


@router.post("/statuses/{status_id}/regenerate")
async def regenerate(status_id: str, session: DbSession, viewer: SignedIn,
                     form: Form) -> Response:
    await service.regenerate(session, viewer, status_id)
    return _back(form)


@router.post("/statuses/{status_id}/opened")
async def opened(request: Request, status_id: str, session: DbSession, viewer: SignedIn,
                 form: Form) -> Response:
    """app.js's beacon when an image is opened full size (navigator.sendBeacon: no answer
    read)."""
    await service.opened(session, viewer, status_id, form.get("what"),
                         media_id=form.get("media_id"), feed=form.get("feed"), surface="web")
    return Response(status_code=204, headers=render.HEADERS)
