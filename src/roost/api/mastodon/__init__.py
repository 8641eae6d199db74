"""The Mastodon-compatible client API: routes and serialisers only."""

from fastapi import APIRouter

from roost.api.mastodon import (accounts, apps, graph, instance, media, notifications, statuses,
                                timelines)
from roost.api.mastodon import (announcements, conversations, filters, lists, notifications_v2,
                                personal, polls, push_policy, registrations, reports,
                                scheduled_statuses, streaming, suggestions, tags, trends)

router = APIRouter()
# graph before accounts: /accounts/relationships must win over /accounts/{id}; push_policy
# before notifications_v2: /v2/notifications/policy must win over /v2/notifications/{group_key}.
for module in (instance, apps, registrations, graph, personal, accounts, statuses, timelines,
               notifications, push_policy, media, notifications_v2, conversations, trends,
               suggestions, reports, polls, scheduled_statuses, announcements, filters, lists,
               tags, streaming):
    router.include_router(module.router)
