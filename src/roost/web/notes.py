"""Notes in the web app: the forms under a post's thread page. POST /statuses/ID/notes adds a
note, /notes/ID/rate rates one (helpful=1 or 0, an optional reason), /notes/ID/unrate takes the
rating back, /notes/ID/delete deletes one's own note (or any, for a moderator). Each calls the
same notes.service verb as the API and answers 303 to the form's `next`, at the notes section;
errors (not found, not allowed, invalid, a second note) become the web error page."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from roost.accounts.repository import user_for
from roost.api.deps import DbSession
from roost.api.params import as_strict_bool
from roost.notes import service
from roost.web import forms, render
from roost.web.session import Form, SignedIn, safe_next

router = APIRouter(tags=["web"])

# The reasons offered with each rating button (notes.rules), in plain words.
REASONS = {
    "helpful": [("cites_sources", "Cites good sources"), ("clear", "Easy to understand"),
                ("addresses_claim", "Addresses the post's claim"), ("other", "Other")],
    "not_helpful": [("incorrect", "Incorrect or misleading"), ("opinion", "Opinion, not context"),
                    ("off_topic", "Off topic"), ("other", "Other")],
}


def _back(form: dict) -> Response:
    target = safe_next(forms.text(form, "next") or None, "/").split("#")[0]
    return RedirectResponse(f"{target}#notes", status_code=303, headers=render.HEADERS)


@router.post("/statuses/{status_id}/notes")
async def add_note(status_id: str, session: DbSession, viewer: SignedIn, form: Form) -> Response:
    await service.create_note(session, viewer, status_id, forms.text(form, "text"))
    return _back(form)


@router.post("/notes/{note_id}/rate")
async def rate(note_id: str, session: DbSession, viewer: SignedIn, form: Form) -> Response:
    await service.rate_note(session, viewer, note_id, as_strict_bool(forms.text(form, "helpful")),
                            forms.text(form, "reason") or None)
    return _back(form)


@router.post("/notes/{note_id}/unrate")
async def unrate(note_id: str, session: DbSession, viewer: SignedIn, form: Form) -> Response:
    await service.unrate_note(session, viewer, note_id)
    return _back(form)


@router.post("/notes/{note_id}/delete")
async def delete(note_id: str, session: DbSession, viewer: SignedIn, form: Form) -> Response:
    user = await user_for(session, viewer.id)
    await service.delete_note(session, viewer, note_id,
                              moderator=user is not None and user.is_moderator)
    return _back(form)
