"""Rendering web pages: the Jinja environment, `page()` and `fragment()` with the security
headers, the viewer, the site, the CSRF token and `asset()` for content-hashed static URLs."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from roost import runtime
from roost.api.mastodon import serializers as ser
from roost.auth import pages
from roost.consent.signals import NOAI
from roost.instance import site as site_settings
from roost.web import assets, blurhash
from roost.web.ai_compose import ai_of

TEMPLATES = Path(__file__).resolve().parent / "templates"
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
       "media-src 'self' blob:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
       "base-uri 'none'")
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cache-Control": "private, no-cache",
    "Vary": "Cookie, X-Roost-Fragment",
}
FRAGMENT_HEADER = "x-roost-fragment"
CSRF_MAX_AGE = 24 * 3600  # web pages refresh the nonce cookie on every render

env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]),
                  trim_blocks=True, lstrip_blocks=True)


def reltime(value: str | datetime | None, now: datetime | None = None) -> str:
    """'just now', '5m', '3h', '2d', then 'Nov 3' (this year) or 'Nov 3, 2025'."""
    if not value:
        return ""
    when = datetime.fromisoformat(value.replace("Z", "+00:00")) if isinstance(value, str) else value
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    now = now or datetime.now(UTC)
    seconds = (now - when).total_seconds()
    if seconds < 45:
        return "just now"
    if seconds < 3600:
        return f"{max(1, round(seconds / 60))}m"
    if seconds < 86400:
        return f"{int(seconds // 3600)}h"
    if seconds < 7 * 86400:
        return f"{int(seconds // 86400)}d"
    month = when.strftime("%b")
    return f"{month} {when.day}" if when.year == now.year else f"{month} {when.day}, {when.year}"


def fulltime(value: str | None) -> str:
    """The exact time for a tooltip: 'Nov 3, 2025, 14:05 UTC'."""
    if not value:
        return ""
    when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return f"{when.strftime('%b')} {when.day}, {when.year}, {when.strftime('%H:%M')} UTC"


def local(url: str | None) -> str:
    """A URL of this server as a path (so links and images stay same-origin whatever host name
    the page was opened under); other URLs unchanged."""
    if not url:
        return ""
    parts = urlsplit(url)
    if parts.scheme in ("http", "https") and parts.netloc == runtime.settings().domain:
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return url


env.globals["asset"] = assets.url
env.filters["reltime"] = reltime
env.filters["fulltime"] = fulltime
env.filters["local"] = local
env.filters["blurhash"] = blurhash.data_uri
env.globals["assistant_id"] = lambda: str(runtime.current.assistant_id or "")  # its answers
env.filters["ai"] = ai_of  # the `roost` extension of an AI post's first AI attachment, or None


def is_fragment(request: Request) -> bool:
    """The request came from app.js and wants only the HTML fragment, not the whole page."""
    return request.headers.get(FRAGMENT_HEADER) == "1"


def _site(request: Request):  # noqa: ANN202
    site = getattr(request.state, "site", None)
    if site is None:  # an error page before any dependency ran: deployment settings
        s = request.app.state.settings
        site = site_settings.Site(domain=s.domain, base_url=s.base_url, title=s.instance_title,
                                  description=s.instance_description, extended_description="",
                                  privacy_policy="", contact_email=s.contact_email,
                                  contact_username="", registrations=s.registrations,
                                  registrations_message=None, languages=["en"], thumbnail_url="")
    return site


def _here(request: Request) -> str:
    """This page's path and query: where a form goes back to after it is done."""
    query = request.url.query
    return request.url.path + (f"?{query}" if query else "")


def render_html(request: Request, template: str, **ctx) -> tuple[str, str]:
    """The HTML and the CSRF nonce its token is made from."""
    settings = request.app.state.settings
    nonce, _ = pages.csrf_nonce(request)
    viewer = getattr(request.state, "web_viewer", None)
    aside = getattr(request.state, "aside", None) or {}  # web/discover.py: trends, suggestions
    ctx = {**aside, **ctx}
    html = env.get_template(template).render(
        request=request, path=request.url.path, here=_here(request), site=_site(request),
        viewer=viewer,
        me=ser.account(viewer) if viewer is not None else None,
        nav_unread=getattr(request.state, "unread", None),
        csrf_token=pages.csrf_token(settings, nonce), **ctx)
    return html, nonce


def page(request: Request, template: str, status: int = 200, **ctx) -> HTMLResponse:
    """A whole page with the security headers and the CSRF nonce cookie (refreshed on every
    render, so the forms of a tab left open for hours keep working). Unless `training_ok` is
    true, it carries the training opt-out signal (roost.consent.signals)."""
    training_ok = ctx.pop("training_ok", False)
    html, nonce = render_html(request, template, **ctx)
    response = HTMLResponse(html, status_code=status, headers=HEADERS)
    if not training_ok:
        response.headers["X-Robots-Tag"] = NOAI
    pages.set_csrf_cookie(response, request, request.app.state.settings, nonce, CSRF_MAX_AGE)
    return response


def fragment(request: Request, template: str, status: int = 200, **ctx) -> HTMLResponse:
    """A partial (a `_name.html` template) for app.js to put into the page."""
    return page(request, template, status, fragment=True, **ctx)
