"""The Mastodon-compatible client API: routes and serialisers only."""

from fastapi import APIRouter

from roost.api.mastodon import (accounts, apps, graph, instance, media, notifications, statuses,
                                timelines)
from roost.api.mastodon import (announcements, conversations, notifications_v2, polls, registrations, reports,
                                scheduled_statuses, suggestions, trends)

router = APIRouter()
# graph before accounts: /accounts/relationships must win over /accounts/{id}.
for module in (instance, apps, registrations, graph, accounts, statuses, timelines, notifications,
               media, notifications_v2, conversations, trends, suggestions,
               reports, polls, scheduled_statuses, announcements):
    router.include_router(module.router)
