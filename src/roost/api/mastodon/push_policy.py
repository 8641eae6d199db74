"""Web Push subscriptions and notification filtering, as Mastodon answers when neither is set up.

Roost has no Web Push delivery (no VAPID key: `configuration.vapid.public_key` and the apps'
`vapid_key` are empty), so no subscription ever exists: reading or changing one is 404, creating
one is refused with 422 (clients then fall back to polling), and deleting one succeeds.
Notifications are never filtered: the policy accepts everything, only `accept` may be set, and
there are no notification requests."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from roost.api.deps import user
from roost.api.params import read_params
from roost.auth.actor import Actor
from roost.kit.errors import Invalid, NotFound

router = APIRouter(prefix="/api", tags=["notifications"])

POLICY_FIELDS = ("for_not_following", "for_not_followers", "for_new_accounts",
                 "for_private_mentions", "for_limited_accounts")


@router.get("/v1/push/subscription")
async def get_push(actor: Actor = user("push")) -> dict:
    raise NotFound()


@router.put("/v1/push/subscription")
async def update_push(actor: Actor = user("push")) -> dict:
    raise NotFound()


@router.post("/v1/push/subscription")
async def create_push(actor: Actor = user("push")) -> dict:
    raise Invalid("Validation failed: Web Push is not available on this server")


@router.delete("/v1/push/subscription")
async def delete_push(actor: Actor = user("push")) -> dict:
    return {}


def _policy() -> dict:
    return {**dict.fromkeys(POLICY_FIELDS, "accept"),
            "summary": {"pending_requests_count": 0, "pending_notifications_count": 0}}


@router.get("/v2/notifications/policy")
async def get_policy(actor: Actor = user("read:notifications")) -> dict:
    return _policy()


@router.patch("/v2/notifications/policy")
async def update_policy(request: Request, actor: Actor = user("write:notifications")) -> dict:
    p = await read_params(request)
    for name in POLICY_FIELDS:
        if name in p and p[name] != "accept":
            raise Invalid(f"Validation failed: {name} must be accept: this server does not filter "
                          "notifications")
    return _policy()


@router.get("/v1/notifications/requests")
async def requests(actor: Actor = user("read:notifications")) -> list[dict]:
    return []


@router.get("/v1/notifications/requests/merged")
async def requests_merged(actor: Actor = user("read:notifications")) -> dict:
    return {"merged": True}


@router.get("/v1/notifications/requests/{request_id}")
async def request(request_id: str, actor: Actor = user("read:notifications")) -> dict:
    raise NotFound()


@router.post("/v1/notifications/requests/{request_id}/accept")
async def accept(request_id: str, actor: Actor = user("write:notifications")) -> dict:
    raise NotFound()


@router.post("/v1/notifications/requests/{request_id}/dismiss")
async def dismiss(request_id: str, actor: Actor = user("write:notifications")) -> dict:
    raise NotFound()


@router.post("/v1/notifications/requests/accept")
async def accept_many(actor: Actor = user("write:notifications")) -> dict:
    return {}


@router.post("/v1/notifications/requests/dismiss")
async def dismiss_many(actor: Actor = user("write:notifications")) -> dict:
    return {}
