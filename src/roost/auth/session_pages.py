"""The browser session outside an authorization request: sign in, sign out, and the list of
authorized applications (Mastodon's /oauth/authorized_applications) with a revoke button each."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from roost.api.deps import AppSettings, DbSession
from roost.api.params import read_params
from roost.auth import pages, service
from roost.auth.ratelimit import per_ip
from roost.auth.routes import _check_password, _page, _Page, _strings
from roost.kit.errors import NotAuthenticated, RateLimited
from roost.kit.ids import parse_id

router = APIRouter(tags=["oauth"])
APPS_PAGE = "/oauth/authorized_applications"


def _login(page: _Page, return_to: str, *, status: int = 200, error: str | None = None,
           login: str = "") -> Response:
    return page.render("login", status, app_name=None, form_action="/oauth/sign_in",
                       oauth_params={"return_to": return_to}, error=error, login=login,
                       signup_url=page.signup_url(return_to))


def _forged(page: _Page) -> Response:
    return page.error(403, "Form expired", "This form has expired or did not come from this "
                      "site. Go back, reload the page and try again.", "invalid_csrf_token")


@router.post("/oauth/sign_in", dependencies=[Depends(per_ip)])
async def sign_in(request: Request, session: DbSession, settings: AppSettings) -> Response:
    p = _strings(await read_params(request))
    page = await _page(request, session, settings, p.get("lang"))
    if not pages.csrf_ok(request, settings, p.get("csrf_token")):
        return _forged(page)
    return_to = pages.safe_return_to(p.get("return_to")) or APPS_PAGE
    login = p.get("login", "").strip()
    try:
        who = await _check_password(request, session, login, p.get("password", ""))
    except RateLimited as exc:
        return _login(page, return_to, status=429, error=exc.message, login=login)
    except service.LoginRefused as exc:
        return _login(page, return_to, status=403, error=exc.message, login=login)
    except NotAuthenticated as exc:
        return _login(page, return_to, status=401, error=exc.message, login=login)
    await service.end_session(session, pages.session_token(request, settings))
    raw = await service.start_session(session, who)
    response = RedirectResponse(return_to, status_code=303, headers=pages.HEADERS)
    pages.set_session_cookie(response, request, settings, raw)
    return response


@router.post("/oauth/sign_out", dependencies=[Depends(per_ip)])
async def sign_out(request: Request, session: DbSession, settings: AppSettings) -> Response:
    """End the browser session (the server-side row and the cookie). CSRF-protected, so another
    site cannot sign a person out."""
    p = _strings(await read_params(request))
    page = await _page(request, session, settings, p.get("lang"))
    if not pages.csrf_ok(request, settings, p.get("csrf_token")):
        return _forged(page)
    await service.end_session(session, pages.session_token(request, settings))
    return_to = pages.safe_return_to(p.get("return_to"))
    if return_to:
        response: Response = RedirectResponse(return_to, status_code=303, headers=pages.HEADERS)
    else:
        response = page.render("message", heading="Signed out",
                               message="You have signed out on this browser.")
    pages.clear_session_cookie(response, request, settings)
    return response


@router.get(APPS_PAGE, dependencies=[Depends(per_ip)])
async def authorized_applications(request: Request, session: DbSession,
                                  settings: AppSettings) -> Response:
    page = await _page(request, session, settings, request.query_params.get("lang"))
    who = await service.session_user(session, pages.session_token(request, settings))
    if who is None:
        return _login(page, APPS_PAGE)
    apps = await service.authorized_apps(session, who.id)
    return page.render("authorized_apps", apps=apps, scope_texts=pages.scope_texts)


@router.post(APPS_PAGE + "/{app_id}/revoke", dependencies=[Depends(per_ip)])
async def revoke_application(app_id: str, request: Request, session: DbSession,
                             settings: AppSettings) -> Response:
    p = _strings(await read_params(request))
    page = await _page(request, session, settings, p.get("lang"))
    if not pages.csrf_ok(request, settings, p.get("csrf_token")):
        return _forged(page)
    who = await service.session_user(session, pages.session_token(request, settings))
    if who is None:
        return _login(page, APPS_PAGE, status=401, error="Your session has ended. Please sign in again.")
    app = parse_id(app_id)
    if app is not None:
        await service.revoke_app(session, who, app)
    return RedirectResponse(APPS_PAGE, status_code=303, headers=pages.HEADERS)
