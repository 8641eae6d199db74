"""Signing in and out of the web app: the same password check, failed-attempt limits and
server-side browser session as the OAuth sign-in page (auth/session_pages.py)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from roost.api.deps import AppSettings, DbSession
from roost.auth import pages
from roost.auth import service as auth_service
from roost.auth.ratelimit import per_ip
from roost.auth.routes import _check_password
from roost.kit.errors import NotAuthenticated, RateLimited
from roost.web import render
from roost.web.session import Form, Viewer, safe_next

router = APIRouter(tags=["web"])


def _form(request: Request, *, next_path: str, status: int = 200, error: str | None = None,
          login: str = "") -> Response:
    return render.page(request, "web/login.html", status, next_path=next_path, error=error,
                       login=login, title="Sign in")


@router.get("/login")
async def login_page(request: Request, viewer: Viewer) -> Response:
    next_path = safe_next(request.query_params.get("next"))
    if viewer is not None:
        return RedirectResponse(next_path, status_code=303, headers=render.HEADERS)
    return _form(request, next_path=next_path)


@router.post("/login", dependencies=[Depends(per_ip)])
async def login_submit(request: Request, session: DbSession, settings: AppSettings,
                       viewer: Viewer, form: Form) -> Response:
    next_path = safe_next(form.get("next") if isinstance(form.get("next"), str) else None)
    login = form.get("login") if isinstance(form.get("login"), str) else ""
    password = form.get("password") if isinstance(form.get("password"), str) else ""
    login = login.strip()
    try:
        who = await _check_password(request, session, login, password)
    except RateLimited as exc:
        return _form(request, next_path=next_path, status=429, error=exc.message, login=login)
    except auth_service.LoginRefused as exc:
        return _form(request, next_path=next_path, status=403, error=exc.message, login=login)
    except NotAuthenticated as exc:
        return _form(request, next_path=next_path, status=401, error=exc.message, login=login)
    await auth_service.end_session(session, pages.session_token(request, settings))
    raw = await auth_service.start_session(session, who)
    response = RedirectResponse(next_path, status_code=303, headers=render.HEADERS)
    pages.set_session_cookie(response, request, settings, raw)
    return response


@router.post("/logout", dependencies=[Depends(per_ip)])
async def logout(request: Request, session: DbSession, settings: AppSettings,
                 form: Form) -> Response:
    await auth_service.end_session(session, pages.session_token(request, settings))
    response = RedirectResponse("/", status_code=303, headers=render.HEADERS)
    pages.clear_session_cookie(response, request, settings)
    return response
