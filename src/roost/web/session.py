"""Who is looking at a web page, and the CSRF check of web forms.

`web_viewer`: the signed-in account from the browser session cookie (auth/pages.py), or None.
It also loads the site settings the layout shows, once per request.
`signed_in`: the account, or a redirect to /login?next=<this page>.
`csrf`: the form's fields once its `csrf_token` matches the nonce cookie, else a 403 page."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from roost.api.deps import AppSettings, DbSession
from roost.api.params import read_params
from roost.auth import pages
from roost.auth import service as auth_service
from roost.auth.actor import touch_active
from roost.config import Settings
from roost.instance import site as site_settings
from roost.models import Account
from roost.web import discover


class SignInRequired(Exception):
    """A page that needs a signed-in viewer; answered with a redirect to /login."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


class CsrfFailed(Exception):
    """A form POST without a valid csrf_token; answered with a 403 page."""


async def load_viewer(request: Request, session: AsyncSession, settings: Settings) -> Account | None:
    """Once per request: the session's account (request.state.web_viewer) and the site."""
    if "web_viewer" in request.state._state:
        return request.state.web_viewer
    raw = pages.session_token(request, settings)
    user = await auth_service.session_user(session, raw) if raw else None
    # session_user loaded the account in the same query: this get is served from the session
    account = await session.get(Account, user.account_id) if user else None
    if user is not None:
        touch_active(session, user)  # as a bearer token does: home fan-out needs it
    if account is not None and _whole_page(request):
        from roost.notifications.service import unread_badge

        request.state.unread = await unread_badge(session, account)  # the layout's badge
    request.state.web_viewer = account
    request.state.site = await site_settings.load(session, settings)
    await discover.load(request, session, account)  # the Discover column (trends, who to follow)
    return account


def _whole_page(request: Request) -> bool:
    """A GET for a whole page (not a fragment for app.js, not a live stream)."""
    return (request.method == "GET" and request.headers.get("x-roost-fragment") != "1"
            and "text/event-stream" not in request.headers.get("accept", ""))


async def web_viewer(request: Request, session: DbSession, settings: AppSettings) -> Account | None:
    return await load_viewer(request, session, settings)


async def signed_in(request: Request, session: DbSession, settings: AppSettings) -> Account:
    account = await load_viewer(request, session, settings)
    if account is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise SignInRequired(target if request.method == "GET" else "/")
    return account


def safe_next(value: str | None, default: str = "/") -> str:
    """A same-site path to go to after signing in: starts with one '/', no scheme, no host."""
    if (not value or not value.startswith("/") or value.startswith(("//", "/\\"))
            or "\\" in value or len(value) > 2000 or any(ord(c) < 32 for c in value)):
        return default
    return value


def login_url(next_path: str) -> str:
    return "/login" if next_path == "/" else f"/login?next={quote(next_path, safe='/')}"


async def csrf(request: Request, settings: AppSettings) -> dict[str, Any]:
    """The POSTed fields (read_params: urlencoded or multipart, files included) once the form's
    csrf_token (or an X-CSRF-Token header) matches the nonce cookie."""
    params = await read_params(request)
    token = params.get("csrf_token") or request.headers.get("x-csrf-token")
    if not isinstance(token, str) or not pages.csrf_ok(request, settings, token):
        raise CsrfFailed()
    return params


Viewer = Annotated[Account | None, Depends(web_viewer)]
SignedIn = Annotated[Account, Depends(signed_in)]
Form = Annotated[dict[str, Any], Depends(csrf)]
