"""The Mastodon-compatible client API: routes and serialisers only."""

from fastapi import APIRouter

from roost.api.mastodon import (accounts, apps, graph, instance, media, notifications, statuses,
                                timelines)
from roost.api.mastodon import conversations, notifications_v2, registrations, reports, suggestions, trends

router = APIRouter()
# graph before accounts: /accounts/relationships must win over /accounts/{id}.
for module in (instance, apps, registrations, graph, accounts, statuses, timelines, notifications,
               media, notifications_v2, conversations, trends, suggestions,
               reports):
    router.include_router(module.router)
