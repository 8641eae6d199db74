"""The Mastodon-compatible client API: routes and serialisers only."""

from fastapi import APIRouter

from roost.api.mastodon import (accounts, apps, graph, instance, media, notifications, statuses,
                                timelines)

router = APIRouter()
for module in (instance, apps, accounts, graph, statuses, timelines, notifications, media):
    router.include_router(module.router)
