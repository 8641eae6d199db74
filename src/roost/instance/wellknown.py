"""Discovery documents: WebFinger, host-meta, NodeInfo, and the health check."""

from __future__ import annotations

from urllib.parse import urlsplit
from xml.sax.saxutils import escape

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response

from roost import __version__
from roost.accounts import repository as accounts_repo
from roost.api.deps import AppSettings, DbSession
from roost.auth.ratelimit import per_ip
from roost.config import Settings
from roost.instance import repository as repo
from roost.instance import site as site_settings
from roost.kit.errors import BadRequest, NotFound

router = APIRouter(tags=["discovery"])
NODEINFO_SCHEMA = "http://nodeinfo.diaspora.software/ns/schema/2.0"


def _username_from_resource(resource: str, settings: Settings) -> str:
    """acct:user@domain, user@domain, or the profile / actor URL of a local account."""
    resource = resource.strip()
    domain = settings.domain.lower()
    if resource.startswith(("http://", "https://")):
        parts = urlsplit(resource)
        if parts.netloc.lower() != domain:
            raise NotFound()
        path = parts.path.rstrip("/")
        for prefix in ("/@", "/users/"):
            if path.startswith(prefix) and "/" not in path[len(prefix):]:
                return path[len(prefix):]
        raise NotFound()
    if resource.lower().startswith("acct:"):
        resource = resource[5:]
    user, sep, host = resource.lstrip("@").rpartition("@")
    if not sep or host.lower() != domain or not user:
        raise NotFound()
    return user


@router.get("/.well-known/webfinger", dependencies=[Depends(per_ip)])
async def webfinger(request: Request, session: DbSession, settings: AppSettings) -> Response:
    resource = request.query_params.get("resource")
    if not resource:
        raise BadRequest("The resource parameter is required")
    account = await accounts_repo.by_username(session, _username_from_resource(resource, settings))
    if account is None:
        raise NotFound()
    base = settings.base_url
    profile, actor = f"{base}/@{account.username}", f"{base}/users/{account.username}"
    body = {
        "subject": f"acct:{account.username}@{settings.domain}",
        "aliases": [profile, actor],
        "links": [
            {"rel": "http://webfinger.net/rel/profile-page", "type": "text/html", "href": profile},
            {"rel": "self", "type": "application/activity+json", "href": actor},
        ],
    }
    return JSONResponse(body, media_type="application/jrd+json",
                        headers={"Access-Control-Allow-Origin": "*"})


@router.get("/.well-known/host-meta", dependencies=[Depends(per_ip)])
async def host_meta(settings: AppSettings) -> Response:
    template = escape(f"{settings.base_url}/.well-known/webfinger?resource={{uri}}", {'"': "&quot;"})
    xml = ('<?xml version="1.0" encoding="UTF-8"?>\n'
           '<XRD xmlns="http://docs.oasis-open.org/ns/xri/xrd-1.0">\n'
           f'  <Link rel="lrdd" template="{template}"/>\n'
           '</XRD>\n')
    return Response(xml, media_type="application/xrd+xml")


@router.get("/.well-known/nodeinfo", dependencies=[Depends(per_ip)])
async def nodeinfo_links(settings: AppSettings) -> dict:
    return {"links": [{"rel": NODEINFO_SCHEMA, "href": f"{settings.base_url}/nodeinfo/2.0"}]}


@router.get("/nodeinfo/2.0", dependencies=[Depends(per_ip)])
async def nodeinfo(session: DbSession, settings: AppSettings) -> Response:
    site = await site_settings.load(session, settings)
    body = {
        "version": "2.0",
        "software": {"name": "roost", "version": __version__},
        "protocols": ["activitypub"],
        "services": {"outbound": [], "inbound": []},
        "usage": {
            "users": {"total": await repo.user_count(session),
                      "activeMonth": await repo.active_users(session, 30),
                      "activeHalfyear": await repo.active_users(session, 182)},
            "localPosts": await repo.status_count(session),
        },
        "openRegistrations": site.registrations == "open",
        "metadata": {"nodeName": site.title, "nodeDescription": site.description},
    }
    media = f'application/json; profile="{NODEINFO_SCHEMA}#"'
    return JSONResponse(body, media_type=media)


@router.get("/health")  # not rate limited: load balancers poll it
async def health() -> PlainTextResponse:
    return PlainTextResponse("OK")
