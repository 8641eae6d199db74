"""POST /api/v1/accounts: sign up through the API with an app token (Mastodon's registration)."""

from __future__ import annotations

from fastapi import APIRouter, Request

from roost.api.deps import DbSession, app_or_user
from roost.api.params import as_bool, as_str, read_params
from roost.auth import oauth, service
from roost.auth.actor import Actor
from roost.auth.ratelimit import client_ip, limiter_of

router = APIRouter(prefix="/api/v1", tags=["accounts"])


@router.post("/accounts")
async def register(request: Request, session: DbSession,
                   actor: Actor = app_or_user("write:accounts")) -> dict:
    limiter = limiter_of(request)
    if limiter is not None:
        await limiter.check_registration(request)
    p = await read_params(request)
    _, token, raw = await service.register(
        session, app=actor.app, username=as_str(p.get("username"), "") or "",
        email=as_str(p.get("email"), "") or "", password=as_str(p.get("password"), "") or "",
        agreement=as_bool(p.get("agreement")), locale=as_str(p.get("locale"), "en") or "en",
        reason=as_str(p.get("reason"), "") or "", ip=client_ip(request))
    return oauth.token_body(token, raw)
