"""OAuth 2 as Mastodon clients use it: authorization requests, one-use codes with PKCE (S256),
and the token grants (authorization_code, client_credentials, password).

Errors are RFC 6749 shaped: {"error": "invalid_grant", "error_description": "..."}.
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from roost import events
from roost.auth import scopes as scope_rules
from roost.auth.service import OOB, issue_token
from roost.auth.tokens import digest, matches, new_secret, same
from roost.events.schemas import CodeReplayed
from roost.kit.clock import utcnow
from roost.models import AccessToken, OAuthApp, OAuthCode, User

CODE_TTL = timedelta(minutes=10)
GRANT_TYPES = ["authorization_code", "password", "client_credentials"]
_PKCE = re.compile(r"^[A-Za-z0-9\-._~]{43,128}$")


class OAuthError(Exception):
    """An OAuth failure. `redirectable` errors go back to the client's redirect_uri; the others
    (unknown client, unregistered redirect_uri) are shown to the person instead."""

    def __init__(self, error: str, description: str, *, status: int = 400,
                 redirectable: bool = True) -> None:
        super().__init__(description)
        self.error, self.description = error, description
        self.status, self.redirectable = status, redirectable
        self.redirect_uri: str | None = None  # set once the redirect_uri is known to be registered
        self.state: str | None = None

    def body(self) -> dict:
        return {"error": self.error, "error_description": self.description}


def invalid_grant(description: str = "The provided authorization grant is invalid, expired, "
                  "revoked, does not match the redirection URI used in the authorization "
                  "request, or was issued to another client.") -> OAuthError:
    return OAuthError("invalid_grant", description)


def app_redirect_uris(app: OAuthApp) -> list[str]:
    return [u for u in app.redirect_uris.split() if u]


def s256(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


# ---- clients ------------------------------------------------------------------------------

async def find_app(session: AsyncSession, client_id: str | None) -> OAuthApp | None:
    if not client_id or len(client_id) > 64 or "\x00" in client_id:  # NUL: from a Basic header
        return None
    return (await session.execute(select(OAuthApp).where(OAuthApp.client_id == client_id))).scalar_one_or_none()


async def authenticate_client(session: AsyncSession, client_id: str | None,
                              client_secret: str | None) -> OAuthApp:
    app = await find_app(session, client_id)
    # Compare against something even for an unknown client, so timing says nothing.
    ok = matches(client_secret or "", app.client_secret_hash if app else digest(new_secret()))
    if app is None or not client_secret or not ok:
        raise OAuthError("invalid_client", "Client authentication failed due to unknown client, "
                         "no client authentication included, or unsupported authentication method.",
                         status=401)
    return app


def requested_scopes(app: OAuthApp, scope: str | None) -> list[str]:
    """The scopes asked for (default `read`); each must be covered by the app's registration."""
    wanted = scope_rules.parse(scope or None)
    if scope_rules.unknown(wanted) or not scope_rules.subset(wanted, app.scopes.split()):
        raise OAuthError("invalid_scope", "The requested scope is invalid, unknown, or malformed.")
    return wanted


# ---- authorization requests ----------------------------------------------------------------

@dataclass
class AuthRequest:
    app: OAuthApp
    redirect_uri: str
    scopes: list[str]
    state: str | None
    code_challenge: str | None
    code_challenge_method: str | None

    @property
    def is_oob(self) -> bool:
        return self.redirect_uri == OOB

    def params(self) -> dict[str, str]:
        """The request as query parameters (to carry it through the login and consent forms)."""
        out = {"response_type": "code", "client_id": self.app.client_id,
               "redirect_uri": self.redirect_uri, "scope": " ".join(self.scopes)}
        if self.state is not None:
            out["state"] = self.state
        if self.code_challenge:
            out["code_challenge"] = self.code_challenge
            out["code_challenge_method"] = self.code_challenge_method or "S256"
        return out


async def check_authorize(session: AsyncSession, p: dict[str, str]) -> AuthRequest:
    app = await find_app(session, p.get("client_id"))
    if app is None:
        raise OAuthError("invalid_client", "Client authentication failed due to unknown client.",
                         status=401, redirectable=False)
    registered = app_redirect_uris(app)
    redirect_uri = p.get("redirect_uri") or (registered[0] if len(registered) == 1 else "")
    if redirect_uri not in registered:
        raise OAuthError("invalid_redirect_uri", "The redirect uri included is not valid.",
                         redirectable=False)
    try:
        return _check_rest(app, redirect_uri, p)
    except OAuthError as exc:  # from here on, errors may go back to the verified redirect_uri
        exc.redirect_uri, exc.state = redirect_uri, p.get("state")
        raise


def _check_rest(app: OAuthApp, redirect_uri: str, p: dict[str, str]) -> AuthRequest:
    if p.get("response_type") != "code":
        raise OAuthError("unsupported_response_type",
                         "The authorization server does not support this response type.")
    scopes = requested_scopes(app, p.get("scope"))
    challenge = p.get("code_challenge") or None
    method = p.get("code_challenge_method") or None
    if challenge is not None:
        if method != "S256":
            raise OAuthError("invalid_request", "The code challenge method must be S256.")
        if not _PKCE.match(challenge):
            raise OAuthError("invalid_request", "The code challenge is malformed.")
    elif method is not None:
        raise OAuthError("invalid_request", "The code challenge is missing.")
    state = p.get("state")
    if state is not None and len(state) > 2000:
        raise OAuthError("invalid_request", "The state is too long.")
    return AuthRequest(app, redirect_uri, scopes, state, challenge, method)


async def create_code(session: AsyncSession, req: AuthRequest, user: User) -> str:
    raw = new_secret()
    session.add(OAuthCode(code_hash=digest(raw), app_id=req.app.id, user_id=user.id,
                          scopes=" ".join(req.scopes), redirect_uri=req.redirect_uri,
                          code_challenge=req.code_challenge,
                          code_challenge_method=req.code_challenge_method if req.code_challenge else None,
                          expires_at=utcnow() + CODE_TTL))
    await session.flush()
    return raw


# ---- grants -------------------------------------------------------------------------------

async def exchange_code(session: AsyncSession, app: OAuthApp, code: str | None,
                        redirect_uri: str | None, verifier: str | None) -> tuple[AccessToken, str]:
    if not code:
        raise OAuthError("invalid_request", "The code is missing.")
    row = (await session.execute(select(OAuthCode).where(OAuthCode.code_hash == digest(code)))).scalar_one_or_none()
    if row is None or row.app_id != app.id:
        raise invalid_grant()
    if row.used_at is not None:
        await _replayed(session, row)
    if row.expires_at <= utcnow():
        raise invalid_grant()
    registered = app_redirect_uris(app)
    if (redirect_uri or (registered[0] if len(registered) == 1 else "")) != row.redirect_uri:
        raise invalid_grant()
    if row.code_challenge:
        if not verifier or not same(s256(verifier), row.code_challenge):
            raise invalid_grant("The code verifier does not match the code challenge.")
    # One use: only the request that flips used_at gets a token.
    claimed = await session.execute(update(OAuthCode).where(OAuthCode.id == row.id,
                                                            OAuthCode.used_at.is_(None))
                                    .values(used_at=utcnow()))
    if claimed.rowcount != 1:
        await _replayed(session, row)
    user = await session.get(User, row.user_id)
    if user is None:
        raise invalid_grant()
    return await issue_token(session, app=app, user=user, scopes=row.scopes.split(), code_id=row.id)


async def _replayed(session: AsyncSession, code: OAuthCode) -> None:
    """A code used twice may have been stolen: revoke every token issued for it (RFC 6749
    4.1.2). The caller's transaction commits this although the answer is an error."""
    result = await session.execute(update(AccessToken).where(AccessToken.code_id == code.id,
                                                             AccessToken.revoked_at.is_(None))
                                   .values(revoked_at=utcnow()))
    user = await session.get(User, code.user_id)
    if user is not None:
        events.record(session, CodeReplayed(account_id=str(user.account_id), app_id=str(code.app_id),
                                            tokens=result.rowcount), actor_id=None,
                      subject_id=user.account_id)
    raise invalid_grant()


async def client_credentials(session: AsyncSession, app: OAuthApp,
                             scope: str | None) -> tuple[AccessToken, str]:
    return await issue_token(session, app=app, user=None, scopes=requested_scopes(app, scope))


async def password_grant(session: AsyncSession, app: OAuthApp, user: User,
                         scope: str | None) -> tuple[AccessToken, str]:
    """For a user whose password the caller has already checked (auth.service.authenticate)."""
    return await issue_token(session, app=app, user=user, scopes=requested_scopes(app, scope))


def token_body(token: AccessToken, raw: str) -> dict:
    return {"access_token": raw, "token_type": "Bearer", "scope": token.scopes,
            "created_at": int(token.created_at.timestamp())}


def server_metadata(base_url: str) -> dict:
    """RFC 8414 authorization server metadata, as /.well-known/oauth-authorization-server."""
    return {
        "issuer": f"{base_url}/",
        "service_documentation": "https://docs.joinmastodon.org/",
        "authorization_endpoint": f"{base_url}/oauth/authorize",
        "token_endpoint": f"{base_url}/oauth/token",
        "revocation_endpoint": f"{base_url}/oauth/revoke",
        "userinfo_endpoint": f"{base_url}/oauth/userinfo",
        "app_registration_endpoint": f"{base_url}/api/v1/apps",
        "scopes_supported": scope_rules.TOP + sorted(scope_rules.ALL - set(scope_rules.TOP)),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": GRANT_TYPES,
        "code_challenge_methods_supported": ["S256"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
    }
