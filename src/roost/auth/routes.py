"""OAuth 2 endpoints: the authorize pages (sign in, consent), token, revoke, userinfo and the
server metadata document."""

from __future__ import annotations

import base64
import re
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, RedirectResponse
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.responses import Response

from roost.api.deps import AppSettings, DbSession, user
from roost.api.mastodon import serializers as ser
from roost.api.params import as_bool, read_params
from roost.auth import oauth, pages, service
from roost.auth.actor import Actor
from roost.auth.oauth import AuthRequest, OAuthError
from roost.auth.ratelimit import limiter_of, per_ip
from roost.config import Settings
from roost.instance import site as site_settings
from roost.kit.errors import NotAuthenticated, RateLimited
from roost.models import Account, User

router = APIRouter(tags=["oauth"])
_LANG = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def _with_query(uri: str, **params: str | None) -> str:
    parts = urlsplit(uri)
    query = parse_qsl(parts.query, keep_blank_values=True)
    query += [(k, v) for k, v in params.items() if v is not None]
    return urlunsplit(parts._replace(query=urlencode(query)))


def _strings(params: dict) -> dict[str, str]:
    return {k: v for k, v in params.items() if isinstance(v, str)}


class _Page:
    """What every authorize page needs: settings, the site title, the language, the CSRF nonce."""

    def __init__(self, request: Request, settings: Settings, title: str, lang: str | None,
                 registrations_open: bool = False) -> None:
        self.request, self.settings, self.title = request, settings, title
        self.registrations_open = registrations_open
        self.lang = lang if lang and _LANG.match(lang) else "en"
        self.nonce, self.new_nonce = pages.csrf_nonce(request)

    def render(self, name: str, status: int = 200, **context) -> Response:
        response = pages.render(name, status, site_title=self.title, lang=self.lang,
                                csrf_token=pages.csrf_token(self.settings, self.nonce), **context)
        if self.new_nonce:
            pages.set_csrf_cookie(response, self.request, self.settings, self.nonce)
        return response

    def signup_url(self, back: str) -> str | None:
        """The web app's sign-up page, coming back here once signed up (None: closed)."""
        return "/signup?" + urlencode({"next": back}) if self.registrations_open else None

    def error(self, status: int, heading: str, message: str, code: str | None = None) -> Response:
        return self.render("error", status, heading=heading, message=message, error_code=code)

    def login(self, req: AuthRequest, *, status: int = 200, error: str | None = None,
              login: str = "") -> Response:
        return self.render("login", status, app_name=req.app.name, oauth_params=req.params(),
                           error=error, login=login,
                           signup_url=self.signup_url("/oauth/authorize?" + urlencode(req.params())))

    async def consent(self, session: AsyncSession, req: AuthRequest, who: User) -> Response:
        account = await session.get(Account, who.account_id)
        switch = "/oauth/authorize?" + urlencode({**req.params(), "force_login": "true"})
        return self.render("consent", app_name=req.app.name, app_website=req.app.website,
                           scopes=req.scopes, scope_texts=pages.scope_texts(req.scopes),
                           username=account.username if account else "", switch_url=switch,
                           oauth_params=req.params(),
                           return_to="/oauth/authorize?" + urlencode(req.params()))

    def refused(self, exc: OAuthError) -> Response:
        if exc.redirectable and exc.redirect_uri and exc.redirect_uri != service.OOB:
            return RedirectResponse(_with_query(exc.redirect_uri, error=exc.error,
                                                error_description=exc.description, state=exc.state),
                                    status_code=302, headers=pages.HEADERS)
        return self.error(400 if exc.status == 401 else exc.status, "Authorization failed",
                          exc.description, exc.error)


async def _page(request: Request, session: AsyncSession, settings: Settings, lang: str | None) -> _Page:
    site = await site_settings.load(session, settings)
    return _Page(request, settings, site.title, lang, site.registrations_open)


@router.get("/oauth/authorize", dependencies=[Depends(per_ip)])
async def authorize_page(request: Request, session: DbSession, settings: AppSettings) -> Response:
    p = dict(request.query_params)
    page = await _page(request, session, settings, p.get("lang"))
    try:
        req = await oauth.check_authorize(session, p)
    except OAuthError as exc:
        return page.refused(exc)
    who = None
    if not as_bool(p.get("force_login")):
        who = await service.session_user(session, pages.session_token(request, settings))
    if who is None:
        return page.login(req)
    return await page.consent(session, req, who)


@router.post("/oauth/authorize", dependencies=[Depends(per_ip)])
async def authorize_submit(request: Request, session: DbSession, settings: AppSettings) -> Response:
    p = _strings(await read_params(request))
    page = await _page(request, session, settings, p.get("lang"))
    if not pages.csrf_ok(request, settings, p.get("csrf_token")):
        return page.error(403, "Form expired", "This form has expired or did not come from this "
                          "site. Go back, reload the page and try again.", "invalid_csrf_token")
    try:
        req = await oauth.check_authorize(session, p)
    except OAuthError as exc:
        return page.refused(exc)
    action = p.get("action")
    if action == "login":
        return await _sign_in(request, session, settings, page, req, p)
    who = await service.session_user(session, pages.session_token(request, settings))
    if who is None:
        return page.login(req, status=401, error="Your session has ended. Please sign in again.")
    if action == "deny":
        if req.is_oob:
            return page.error(403, "Authorization denied", f"You did not authorize {req.app.name}.",
                              "access_denied")
        return RedirectResponse(_with_query(req.redirect_uri, error="access_denied",
                                            error_description="The resource owner or authorization "
                                            "server denied the request.", state=req.state),
                                status_code=302, headers=pages.HEADERS)
    if action != "approve":
        return page.error(400, "Authorization failed", "Unknown action.", "invalid_request")
    code = await oauth.create_code(session, req, who)
    if req.is_oob:
        return page.render("code", app_name=req.app.name, code=code)
    return RedirectResponse(_with_query(req.redirect_uri, code=code, state=req.state),
                            status_code=302, headers=pages.HEADERS)


async def _check_password(request: Request, session: AsyncSession, login: str, password: str) -> User:
    """Password check with the failed-attempt limits (429 once an IP or a login fails too often)."""
    limiter = limiter_of(request)
    key = await service.login_key(session, login)
    if limiter is not None:
        await limiter.check_login(request, key)
    try:
        return await service.authenticate(session, login, password)
    except NotAuthenticated:
        if limiter is not None:
            await limiter.login_failed(request, key)
        raise


async def _sign_in(request: Request, session: AsyncSession, settings: Settings, page: _Page,
                   req: AuthRequest, p: dict[str, str]) -> Response:
    login = p.get("login", "").strip()
    try:
        who = await _check_password(request, session, login, p.get("password", ""))
    except RateLimited as exc:
        return page.login(req, status=429, error=exc.message, login=login)
    except service.LoginRefused as exc:
        return page.login(req, status=403, error=exc.message, login=login)
    except NotAuthenticated as exc:
        return page.login(req, status=401, error=exc.message, login=login)
    await service.end_session(session, pages.session_token(request, settings))
    raw = await service.start_session(session, who)
    response = RedirectResponse("/oauth/authorize?" + urlencode(req.params()), status_code=303,
                                headers=pages.HEADERS)
    pages.set_session_cookie(response, request, settings, raw)
    return response


# ---- token endpoint ----------------------------------------------------------------------

def _client_auth(request: Request, p: dict[str, str]) -> tuple[str | None, str | None]:
    """client_id/client_secret from HTTP Basic (RFC 6749 2.3.1) or else from the body."""
    header = request.headers.get("authorization", "")
    if header[:6].lower() == "basic ":
        try:
            decoded = base64.b64decode(header[6:].strip(), validate=True).decode()
        except ValueError:
            return None, None
        client_id, _, secret = decoded.partition(":")
        return unquote(client_id), unquote(secret)
    return p.get("client_id"), p.get("client_secret")


def _oauth_error(exc: OAuthError, request: Request) -> JSONResponse:
    headers = dict(NO_STORE)
    if exc.status == 401 and request.headers.get("authorization", "")[:6].lower() == "basic ":
        headers["WWW-Authenticate"] = 'Basic realm="oauth"'
    return JSONResponse(exc.body(), status_code=exc.status, headers=headers)


@router.post("/oauth/token", dependencies=[Depends(per_ip)])
async def token(request: Request, session: DbSession) -> Response:
    p = _strings(await read_params(request))
    try:
        app = await oauth.authenticate_client(session, *_client_auth(request, p))
        grant = p.get("grant_type")
        if grant == "authorization_code":
            tok, raw = await oauth.exchange_code(session, app, p.get("code"), p.get("redirect_uri"),
                                                 p.get("code_verifier"))
        elif grant == "client_credentials":
            tok, raw = await oauth.client_credentials(session, app, p.get("scope"))
        elif grant == "password":
            if not p.get("username") or not p.get("password"):
                raise OAuthError("invalid_request", "The username and password are required.")
            try:
                who = await _check_password(request, session, p["username"], p["password"])
            except (NotAuthenticated, service.LoginRefused) as exc:
                raise oauth.invalid_grant(exc.message) from None
            tok, raw = await oauth.password_grant(session, app, who, p.get("scope"))
        else:
            raise OAuthError("unsupported_grant_type",
                             "The authorization grant type is not supported by the authorization server.")
    except OAuthError as exc:
        return _oauth_error(exc, request)
    return JSONResponse(oauth.token_body(tok, raw), headers=NO_STORE)


@router.post("/oauth/revoke", dependencies=[Depends(per_ip)])
async def revoke(request: Request, session: DbSession) -> Response:
    p = _strings(await read_params(request))
    try:
        app = await oauth.authenticate_client(session, *_client_auth(request, p))
    except OAuthError as exc:
        return _oauth_error(exc, request)
    if p.get("token"):
        await service.revoke_token(session, p["token"], app)
    return JSONResponse({})


@router.get("/oauth/userinfo")
async def userinfo(settings: AppSettings, actor: Actor = user("profile")) -> dict:
    account = actor.account
    data = ser.account(account)
    return {"iss": f"{settings.base_url}/", "sub": data["uri"],
            "name": account.display_name or account.username,
            "preferred_username": account.username, "profile": data["url"],
            "picture": data["avatar"]}


@router.post("/oauth/userinfo", include_in_schema=False)
async def userinfo_post(settings: AppSettings, actor: Actor = user("profile")) -> dict:
    return await userinfo(settings, actor)


@router.get("/.well-known/oauth-authorization-server")
async def server_metadata(settings: AppSettings) -> dict:
    return oauth.server_metadata(settings.base_url)
