"""Errors on web paths answer as web pages (404, 403, 405, 500...); the API, OAuth, media and
static paths keep their own JSON or plain answers. A web route may raise kit.errors (NotFound,
Forbidden, Invalid...) and gets the error page with that status and message."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from roost.kit.errors import RoostError
from roost.web import render
from roost.web.session import CsrfFailed, SignInRequired, load_viewer, login_url

log = logging.getLogger("roost.web")

NOT_WEB = ("/api/", "/oauth/", "/.well-known/", "/nodeinfo/", "/media/", "/static/")
NOT_WEB_EXACT = ("/api", "/oauth", "/health", "/nodeinfo")
TITLES = {400: "Bad request", 401: "Sign in required", 403: "Not allowed", 404: "Page not found",
          405: "Not allowed here", 409: "Conflict", 410: "Gone", 413: "Too large",
          422: "Please check the form", 429: "Too many requests", 500: "Something went wrong"}
MESSAGES = {404: "There is nothing at this address. It may have been deleted, or the link may "
                 "be mistyped.",
            405: "This address does not take that kind of request.",
            500: "The server hit an error. Try again in a moment."}


def is_web(request: Request) -> bool:
    path = request.url.path
    return not (path.startswith(NOT_WEB) or path in NOT_WEB_EXACT)


async def error_page(request: Request, status: int, message: str | None = None,
                     headers: dict | None = None) -> Response:
    """The web error page, with the signed-in layout when the viewer can be told."""
    if status != 500:
        # (again if a route loaded it: the failed unit of work rolled back and expired it)
        request.state._state.pop("web_viewer", None)
        try:
            async with request.app.state.db.read_session() as session:
                await load_viewer(request, session, request.app.state.settings)
        except Exception:  # noqa: BLE001 - an error page must not fail on the database
            log.warning("error page: could not load the viewer", exc_info=True)
    response = render.page(request, "web/error.html", status, title=TITLES.get(status, "Error"),
                           message=message or MESSAGES.get(status, ""), code=status)
    for k, v in (headers or {}).items():
        response.headers.setdefault(k, v)
    return response


def install(app: FastAPI) -> None:
    """Wrap the API's handlers (api/errors.py, installed first) for web paths."""
    api_http = app.exception_handlers[StarletteHTTPException]
    api_roost = app.exception_handlers[RoostError]
    api_unexpected = app.exception_handlers[Exception]

    @app.exception_handler(SignInRequired)
    async def sign_in_required(request: Request, exc: SignInRequired) -> Response:
        return RedirectResponse(login_url(exc.next_path), status_code=303, headers=render.HEADERS)

    @app.exception_handler(CsrfFailed)
    async def csrf_failed(request: Request, exc: CsrfFailed) -> Response:
        return await error_page(request, 403, "This form has expired or did not come from this "
                                "site. Go back, reload the page and try again.")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if not is_web(request):
            return await api_http(request, exc)
        return await error_page(request, exc.status_code, headers=getattr(exc, "headers", None))

    @app.exception_handler(RoostError)
    async def roost_error(request: Request, exc: RoostError) -> Response:
        if not is_web(request):
            return await api_roost(request, exc)
        message = exc.message if exc.status != 404 else None
        return await error_page(request, exc.status, message, getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        if not is_web(request):
            return await api_unexpected(request, exc)
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return await error_page(request, 500)
