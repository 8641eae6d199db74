"""The app factory: routers, middleware, lifespan (database, migrations, workers, Redis)."""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager

from fastapi import FastAPI

from roost import __version__
from roost.api import errors
from roost.api.params import DropNulFromQuery
from roost.auth.ratelimit import RateLimitHeaders
from roost.config import Settings, get_settings
from roost.db import Database
from roost.kit.head import HeadAsGet
from roost.kit.proxies import ProxyHeaders
from roost.web.compression import WebGZip

log = logging.getLogger("roost")


def _import_tasks() -> None:
    """Register every job handler."""
    import roost.tasks  # noqa: F401


def create_app(settings: Settings | None = None, *, db: Database | None = None,
               run_workers: bool | None = None, migrate: bool = True) -> FastAPI:
    settings = settings or get_settings()
    _import_tasks()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        from roost.services import start_services, stop_services

        await start_services(app, migrate=migrate, run_workers=run_workers)
        try:
            yield
        finally:
            await stop_services(app)

    app = FastAPI(title="Roost", version=__version__, lifespan=lifespan,
                  docs_url="/api/docs", redoc_url=None, openapi_url="/api/openapi.json")
    app.state.settings = settings
    app.state.db = db or Database(settings.effective_database_url)
    app.state.redis = None
    app.state.worker = None
    errors.install(app)
    app.add_middleware(DropNulFromQuery)
    app.add_middleware(WebGZip)
    app.add_middleware(RateLimitHeaders)
    app.add_middleware(ProxyHeaders, trusted=settings.trusted_proxies)  # sets the client
    app.add_middleware(HeadAsGet)  # outermost: the others see a GET and its whole body

    from roost.routes import include_all

    include_all(app)
    return app

