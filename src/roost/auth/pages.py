"""The browser side of OAuth: page rendering, the session cookie and CSRF tokens.

CSRF: GET sets a short-lived random nonce cookie; forms carry MAC(nonce), and a POST passes only
when the two agree. The session cookie holds a signed server-side session token (kind
`session`, stored hashed), HttpOnly, SameSite=Lax, Secure under https.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.responses import Response

from roost.auth.tokens import new_secret, same
from roost.config import Settings
from roost.instance.secrets import mac, sign, unsign
from roost.web import assets

SESSION_COOKIE = "roost_session"
CSRF_COOKIE = "roost_csrf"
CSRF_TTL = 3600
SESSION_MAX_AGE = 30 * 24 * 3600

TEMPLATES = Path(__file__).resolve().parent.parent / "web" / "templates"
env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))
env.globals["asset"] = assets.url  # the web app's stylesheet: one look for both

SCOPE_TEXT = {
    "read": "read all your account's data",
    "write": "modify all your account's data",
    "follow": "modify account relationships",
    "push": "receive your push notifications",
    "profile": "read only your account's profile information",
    "admin:read": "read all data on the server",
    "admin:write": "modify all data on the server",
}

HEADERS = {
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self' data:; "
                               "frame-ancestors 'none'; base-uri 'none'",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}


def scope_texts(scopes: list[str]) -> list[tuple[str, str]]:
    out = []
    for s in scopes:
        parts = s.split(":")
        if s in SCOPE_TEXT or len(parts) < 2:
            out.append((s, SCOPE_TEXT.get(s, s)))
            continue
        verb = "read" if parts[-2] == "read" else "modify"
        admin = parts[0] == "admin"
        what = parts[-1].replace("_", " ")
        out.append((s, f"{verb} all {what} on the server" if admin else f"{verb} your {what}"))
    return out


def render(name: str, status: int = 200, **context) -> HTMLResponse:
    context.setdefault("lang", "en")
    context.setdefault("site_title", "Roost")
    html = env.get_template(f"auth/{name}.html").render(**context)
    return HTMLResponse(html, status_code=status, headers=HEADERS)


def is_secure(request: Request, settings: Settings) -> bool:
    """Over TLS: ROOST_HTTPS, or the request's scheme (X-Forwarded-Proto from a trusted proxy
    has already been applied by roost.kit.proxies)."""
    return settings.https or request.url.scheme == "https"


def _cookie(response: Response, request: Request, settings: Settings, name: str, value: str,
            max_age: int, path: str = "/") -> None:
    response.set_cookie(name, value, max_age=max_age, path=path, httponly=True, samesite="lax",
                        secure=is_secure(request, settings))


# ---- CSRF ---------------------------------------------------------------------------------

def csrf_nonce(request: Request) -> tuple[str, bool]:
    """The nonce from the cookie if present, else a fresh one (True: it must be set)."""
    nonce = request.cookies.get(CSRF_COOKIE) or ""
    if 20 <= len(nonce) <= 100:
        return nonce, False
    return new_secret(24), True


def csrf_token(settings: Settings, nonce: str) -> str:
    return mac(settings, "csrf", nonce)


def csrf_ok(request: Request, settings: Settings, token: str | None) -> bool:
    nonce = request.cookies.get(CSRF_COOKIE)
    if not nonce or not token:
        return False
    return same(token, csrf_token(settings, nonce))


def set_csrf_cookie(response: Response, request: Request, settings: Settings, nonce: str,
                    max_age: int = CSRF_TTL) -> None:
    """Path `/`: the OAuth pages and the web app's forms share one nonce."""
    _cookie(response, request, settings, CSRF_COOKIE, nonce, max_age)


# ---- session cookie -----------------------------------------------------------------------

def session_token(request: Request, settings: Settings) -> str | None:
    return unsign(settings, "session", request.cookies.get(SESSION_COOKIE))


def set_session_cookie(response: Response, request: Request, settings: Settings, raw: str) -> None:
    _cookie(response, request, settings, SESSION_COOKIE, sign(settings, "session", raw),
            SESSION_MAX_AGE)


def clear_session_cookie(response: Response, request: Request, settings: Settings) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax",
                           secure=is_secure(request, settings))


def safe_return_to(value: str | None) -> str | None:
    """A same-site path under /oauth/ to go back to after signing in or out, else None."""
    if not value or not value.startswith("/oauth/") or "\\" in value or len(value) > 4000:
        return None
    return None if any(c in value for c in "\r\n\x00") else value
