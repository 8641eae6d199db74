"""Account settings: the profile (the service behind PATCH /api/v1/accounts/update_credentials)
and the password (accounts.service.change_password, with the sign-in page's failed-attempt
limits). Each section is a page of its own under /settings, with a shared sub-navigation."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.responses import Response

from roost.accounts import repository as accounts_repo
from roost.accounts import service as accounts
from roost.api.deps import AppSettings, DbSession
from roost.api.mastodon.presenter import Presenter
from roost.auth import pages
from roost.auth.passwords import MIN_LENGTH
from roost.auth import service as auth_service
from roost.auth.ratelimit import limiter_of
from roost.auth.session_pages import APPS_PAGE
from roost.consent import repository as consent_repo
from roost.consent import service as consent
from roost.datasets import service as datasets
from roost.kit.errors import Invalid, RateLimited, RoostError
from roost.models import Account
from roost.web import forms, render
from roost.web.session import Form, SignedIn

router = APIRouter(tags=["web"])

# The settings sub-navigation: (path, label). Later sections (data & AI consent...) go here.
SECTIONS = [("/settings/profile", "Profile"), ("/settings/password", "Password"),
            ("/settings/training", "Training data"), (APPS_PAGE, "Authorized apps"),
            ("/settings/data", "Your data"), ("/settings/delete", "Delete account")]
PROFILE_FIELDS = {"display_name": "display_name", "note": "note", "fields_attributes": "fields",
                  "avatar": "avatar", "header": "header"}
PASSWORD_FIELDS = {"current_password": "current_password", "password": "password"}
FLAGS = ("locked", "bot", "discoverable", "indexable")


def _page(request: Request, template: str, status: int = 200, **ctx) -> Response:
    return render.page(request, template, status, sections=SECTIONS,
                       saved=request.query_params.get("saved") == "1" and status == 200, **ctx)


@router.get("/settings")
async def settings_index(viewer: SignedIn) -> Response:
    return RedirectResponse("/settings/profile", status_code=303, headers=render.HEADERS)


# ---- profile ------------------------------------------------------------------------------

def _padded(fields: list[dict[str, Any]]) -> list[dict[str, str]]:
    rows = [{"name": str(f.get("name") or ""), "value": str(f.get("value") or "")} for f in fields]
    return (rows + [{"name": "", "value": ""}] * accounts.MAX_FIELDS)[:max(accounts.MAX_FIELDS, len(rows))]


async def _profile_page(request: Request, session: AsyncSession, viewer: Account, *,
                        status: int = 200, values: dict[str, Any] | None = None,
                        errors: dict[str, str] | None = None) -> Response:
    acct = await Presenter(session, viewer).account(viewer, credentials=True)
    if values is None:
        values = {"display_name": acct["display_name"], "note": acct["source"]["note"],
                  "fields": acct["source"]["fields"], **{f: acct[f] for f in FLAGS}}
    values = {**values, "fields": _padded(values["fields"])}
    return _page(request, "web/settings_profile.html", status, title="Profile settings",
                 acct=acct, values=values, errors=errors or {},
                 has_avatar=bool(viewer.avatar_path), has_header=bool(viewer.header_path),
                 max_display_name=accounts.MAX_DISPLAY_NAME, max_note=accounts.MAX_NOTE,
                 max_field=accounts.MAX_FIELD_CHARS)


@router.get("/settings/profile")
async def profile_page(request: Request, session: DbSession, viewer: SignedIn) -> Response:
    return await _profile_page(request, session, viewer)


def _profile_values(form: dict[str, Any]) -> dict[str, Any]:
    raw = form.get("fields_attributes")
    rows = raw if isinstance(raw, list) else []
    fields = [{"name": forms.text(r, "name"), "value": forms.text(r, "value")}
              for r in rows[:accounts.MAX_FIELDS + 4] if isinstance(r, dict)]
    return {"display_name": forms.text(form, "display_name"), "note": forms.text(form, "note"),
            "fields": fields, **{f: forms.checked(form, f) for f in FLAGS}}


@router.post("/settings/profile")
async def profile_submit(request: Request, session: DbSession, viewer: SignedIn,
                         form: Form) -> Response:
    values = _profile_values(form)
    avatar, header = forms.upload(form, "avatar"), forms.upload(form, "header")
    try:
        await accounts.update_profile(
            session, viewer, display_name=values["display_name"], note=values["note"],
            fields=values["fields"], avatar=avatar, header=header,
            **{f: values[f] for f in FLAGS})
        for kind, new in (("avatar", avatar), ("header", header)):
            if new is None and forms.checked(form, f"remove_{kind}"):
                await accounts.remove_profile_image(session, viewer, kind)
    except RoostError as exc:
        await forms.undo(session, viewer)
        return await _profile_page(request, session, viewer, status=422, values=values,
                                   errors=forms.field_errors(exc, PROFILE_FIELDS))
    return RedirectResponse("/settings/profile?saved=1", status_code=303, headers=render.HEADERS)


# ---- password -----------------------------------------------------------------------------

def _password_page(request: Request, status: int = 200,
                   errors: dict[str, str] | None = None) -> Response:
    return _page(request, "web/settings_password.html", status, title="Password settings",
                 errors=errors or {}, min_length=MIN_LENGTH)


@router.get("/settings/password")
async def password_page(request: Request, viewer: SignedIn) -> Response:
    return _password_page(request)


@router.post("/settings/password")
async def password_submit(request: Request, session: DbSession, settings: AppSettings,
                          viewer: SignedIn, form: Form) -> Response:
    """Change the password. As change_password does, every other session and every app token
    of the account is revoked; this browser gets a fresh session."""
    current, new = forms.text(form, "current_password"), forms.text(form, "password")
    if not current:
        return _password_page(request, 422, {"current_password": "Enter your current password"})
    try:
        accounts.check_password(new)
    except Invalid as exc:
        return _password_page(request, 422, {"password": forms.message(exc)})
    if new != forms.text(form, "password_confirmation"):
        return _password_page(request, 422, {"password_confirmation": "The passwords do not match"})
    user = await accounts_repo.user_for(session, viewer.id)
    limiter, key = limiter_of(request), f"user:{user.id}"  # auth.service.login_key's key
    try:
        if limiter is not None:
            await limiter.check_login(request, key)
        await accounts.change_password(session, user, current, new)
    except RateLimited as exc:
        return _password_page(request, 429, {"_form": exc.message})
    except RoostError as exc:
        await forms.undo(session, viewer)
        if "current_password" in exc.details and limiter is not None:
            await limiter.login_failed(request, key)
        return _password_page(request, 422, forms.field_errors(exc, PASSWORD_FIELDS))
    raw = await auth_service.start_session(session, user)
    response = RedirectResponse("/settings/password?saved=1", status_code=303, headers=render.HEADERS)
    pages.set_session_cookie(response, request, settings, raw)
    return response


# ---- training data (roost.consent) ----------------------------------------------------------

TRAINING_CHOICES = [
    ("none", "Nothing",
     "Nothing you post or do here is used to train AI models. This is the default."),
    ("public_posts", "My public posts",
     "The text and pictures of your public posts may be used to train AI models, except posts "
     "you exclude one by one. Unlisted, followers-only and direct posts are never used."),
    ("all", "My public posts and how I use the AI features",
     "Your public posts, and also the pictures you pick, the feedback you give and the "
     "annotations you make with Roost's AI features."),
]
TRAINING_LABELS = {key: label for key, label, _ in TRAINING_CHOICES}


async def _training_page(request: Request, session: AsyncSession, viewer: Account,
                         status: int = 200, error: str | None = None) -> Response:
    history = await consent_repo.history(session, viewer.id, limit=50)
    return _page(request, "web/settings_training.html", status, title="Training data settings",
                 choices=TRAINING_CHOICES, labels=TRAINING_LABELS, current=viewer.training_consent,
                 history=history, error=error, builds=await datasets.mine(session, viewer))


@router.get("/settings/training")
async def training_page(request: Request, session: DbSession, viewer: SignedIn) -> Response:
    return await _training_page(request, session, viewer)


@router.post("/settings/training")
async def training_submit(request: Request, session: DbSession, viewer: SignedIn,
                          form: Form) -> Response:
    try:
        await consent.set_training(session, viewer, forms.text(form, "training"), source="web")
    except Invalid:
        return await _training_page(request, session, viewer, 422,
                                    "Choose one of the three options.")
    return RedirectResponse("/settings/training?saved=1", status_code=303, headers=render.HEADERS)
