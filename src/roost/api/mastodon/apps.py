"""POST /api/v1/apps (register a client) and GET /api/v1/apps/verify_credentials."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from roost.api.deps import DbSession, app_or_user
from roost.api.params import as_str, read_params
from roost.auth import scopes as scope_rules
from roost.auth import service
from roost.auth.actor import Actor
from roost.auth.ratelimit import per_ip
from roost.kit.errors import BadRequest, NotAuthenticated
from roost.models import OAuthApp

router = APIRouter(prefix="/api", tags=["apps"])


def application(app: OAuthApp) -> dict:
    uris = [u for u in app.redirect_uris.split() if u]
    return {"id": str(app.id), "name": app.name, "website": app.website, "scopes": app.scopes.split(),
            "redirect_uri": "\n".join(uris), "redirect_uris": uris, "vapid_key": ""}


def _redirect_uris(value: object) -> list[str]:
    """A string (one URI, or several separated by whitespace) or an array of them."""
    if isinstance(value, list):
        return [u for v in value for u in (as_str(v) or "").split()]
    return (as_str(value) or "").split()


@router.post("/v1/apps", dependencies=[Depends(per_ip)])
async def create_app(request: Request, session: DbSession) -> dict:
    p = await read_params(request)
    scopes = p.get("scopes")
    if isinstance(scopes, list):
        scopes = " ".join(as_str(s) or "" for s in scopes)
    if scopes is not None and not isinstance(scopes, str):
        raise BadRequest("scopes must be a string")
    app, secret = await service.create_app(
        session, name=as_str(p.get("client_name"), "") or "",
        redirect_uris=_redirect_uris(p.get("redirect_uris")),
        scopes=scope_rules.parse(scopes or None), website=as_str(p.get("website")) or None)
    return {**application(app), "client_id": app.client_id, "client_secret": secret,
            "client_secret_expires_at": 0}


@router.get("/v1/apps/verify_credentials")
async def verify_credentials(actor: Actor = app_or_user()) -> dict:
    if actor.app is None:
        raise NotAuthenticated("The access token is invalid")
    return application(actor.app)
