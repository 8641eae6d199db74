"""Signing up in the browser: the same sign-up service as POST /api/v1/accounts (username,
email and password rules, uniqueness, argon2, the approval queue) and the same per-IP sign-up
limit; an open sign-up starts the same server-side session as /login."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from roost.accounts import service as accounts
from roost.api.deps import AppSettings, DbSession
from roost.auth import pages
from roost.auth.passwords import MIN_LENGTH
from roost.auth import service as auth_service
from roost.auth.ratelimit import client_ip, limiter_of, per_ip
from roost.kit.errors import Forbidden, Invalid, RateLimited, RoostError
from roost.web import forms, render
from roost.web.session import Form, Viewer, safe_next

router = APIRouter(tags=["web"])

FIELDS = {"username": "username", "email": "email", "password": "password",
          "agreement": "agreement", "reason": "reason"}
MAX_REASON = 1000
EMPTY = {"username": "Choose a username", "email": "Enter your email address",
         "password": "Choose a password"}


def _site(request: Request):  # noqa: ANN202
    return request.state.site


def _form(request: Request, *, status: int = 200, values: dict[str, str] | None = None,
          errors: dict[str, str] | None = None, next_path: str = "/home") -> Response:
    closed = not _site(request).registrations_open
    return render.page(request, "web/signup.html", status, title="Sign up", closed=closed,
                       values=values or {}, errors=errors or {}, next_path=next_path,
                       max_reason=MAX_REASON, min_length=MIN_LENGTH)


def _check(values: dict[str, str], agreement: bool) -> dict[str, str]:
    """Every rule that needs no database, so the form can name all its problems at once (the
    service checks them again, with uniqueness)."""
    errors: dict[str, str] = {}
    checks = (("username", accounts.check_username), ("email", accounts.check_email),
              ("password", accounts.check_password))
    for name, check in checks:
        if not values[name]:
            errors[name] = EMPTY[name]
            continue
        try:
            check(values[name])
        except Invalid as exc:
            errors[name] = forms.message(exc)
    if "password" not in errors and values["password"] != values["password_confirmation"]:
        errors["password_confirmation"] = "The passwords do not match"
    if len(values["reason"]) > MAX_REASON:
        errors["reason"] = f"The reason is too long (maximum is {MAX_REASON} characters)"
    if not agreement:
        errors["agreement"] = "Please accept the rules to join"
    return errors


@router.get("/signup")
async def signup_page(request: Request, viewer: Viewer) -> Response:
    next_path = safe_next(request.query_params.get("next"), "/home")
    if viewer is not None:
        return RedirectResponse(next_path, status_code=303, headers=render.HEADERS)
    return _form(request, next_path=next_path)


@router.post("/signup", dependencies=[Depends(per_ip)])
async def signup_submit(request: Request, session: DbSession, settings: AppSettings,
                        viewer: Viewer, form: Form) -> Response:
    next_path = safe_next(forms.text(form, "next"), "/home")
    if viewer is not None:
        return RedirectResponse(next_path, status_code=303, headers=render.HEADERS)
    if not _site(request).registrations_open:
        return _form(request, status=403)
    values = {name: forms.text(form, name) for name in
              ("username", "email", "password", "password_confirmation", "reason")}
    values["username"] = values["username"].strip().lstrip("@")
    values["email"] = values["email"].strip()
    agreement = forms.checked(form, "agreement")
    kept = {k: v for k, v in values.items() if not k.startswith("password")}
    kept["agreement"] = "1" if agreement else ""
    limiter = limiter_of(request)
    try:
        if limiter is not None:  # as POST /api/v1/accounts: every attempt counts
            await limiter.check_registration(request)
    except RateLimited:
        return _form(request, status=429, values=kept, next_path=next_path,
                     errors={"_form": "Too many sign-ups from this network. Try again later."})
    errors = _check(values, agreement)
    if errors:
        return _form(request, status=422, values=kept, errors=errors, next_path=next_path)
    try:
        user = await auth_service.sign_up(
            session, username=values["username"], email=values["email"],
            password=values["password"], agreement=agreement, reason=values["reason"],
            locale="en", ip=client_ip(request))
    except Forbidden as exc:
        await forms.undo(session)
        return _form(request, status=403, values=kept, next_path=next_path,
                     errors={"_form": forms.message(exc)})
    except RoostError as exc:
        await forms.undo(session)
        return _form(request, status=422, values=kept, next_path=next_path,
                     errors=forms.field_errors(exc, FIELDS))
    if not user.approved:
        return RedirectResponse("/signup/pending", status_code=303, headers=render.HEADERS)
    raw = await auth_service.start_session(session, user)
    target = next_path if next_path != "/home" else "/home?welcome=1"
    response = RedirectResponse(target, status_code=303, headers=render.HEADERS)
    pages.set_session_cookie(response, request, settings, raw)
    return response


@router.get("/signup/pending")
async def signup_pending(request: Request, viewer: Viewer) -> Response:
    """Where a sign-up lands when registrations need approval."""
    if viewer is not None:
        return RedirectResponse("/home", status_code=303, headers=render.HEADERS)
    return render.page(request, "web/signup_pending.html", title="Sign-up received")
