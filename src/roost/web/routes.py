"""The web app's routers, included after the API and OAuth routers so nothing of theirs is
shadowed. One module per area; add yours to ROUTERS."""

from __future__ import annotations

from fastapi import FastAPI

from roost.web import (assets, capture, compose, datasets, errors, generate, live, login, notes,
                       notifications, profiles, search, settings, signup, status_actions,
                       statuses, tags, timelines, your_data)

ROUTERS = [assets.router, login.router, timelines.router, statuses.router, status_actions.router,
           capture.router, signup.router, settings.router, compose.router, profiles.router,
           notifications.router, search.router, tags.router, live.router, generate.router,
           notes.router, datasets.router, your_data.router]


def include(app: FastAPI) -> None:
    for router in ROUTERS:
        app.include_router(router, include_in_schema=False)
    errors.install(app)
