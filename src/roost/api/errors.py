"""Mastodon-shaped errors: {"error": "..."} with the right status, never a 500 for bad input."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from roost.kit.errors import RateLimited, RoostError

log = logging.getLogger("roost.api")


def _describe(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors()[:5]:
        loc = ".".join(str(x) for x in err.get("loc", ()) if x not in ("body", "query", "path", "form"))
        parts.append(f"{loc}: {err.get('msg', 'invalid')}" if loc else err.get("msg", "invalid"))
    return "Validation failed: " + "; ".join(parts)


def install(app: FastAPI) -> None:
    @app.exception_handler(RoostError)
    async def roost_error(request: Request, exc: RoostError) -> JSONResponse:
        body: dict = {"error": exc.message}
        if exc.details or exc.status == 422:
            body["details"] = exc.details
        headers = getattr(exc, "headers", None)
        if isinstance(exc, RateLimited) and headers is None:
            headers = {}
        return JSONResponse(body, status_code=exc.status, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse({"error": _describe(exc), "details": {}}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        messages = {404: "Record not found", 405: "Method not allowed"}
        detail = exc.detail if isinstance(exc.detail, str) and exc.status_code not in messages else None
        return JSONResponse({"error": detail or messages.get(exc.status_code, "Error")},
                            status_code=exc.status_code, headers=getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return JSONResponse({"error": "Internal server error"}, status_code=500)
