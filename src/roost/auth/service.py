"""Auth writes: register apps, issue and revoke tokens, check passwords, browser sessions,
and sign-ups through the API (with the approval queue)."""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from roost import events, runtime
from roost.accounts import repository as accounts_repo
from roost.accounts.service import create_account, tell_staff_of_sign_up
from roost.auth import scopes as scope_rules
from roost.auth.passwords import DUMMY_HASH, hash_password, needs_rehash, verify_password
from roost.auth.tokens import digest, new_secret
from roost.events.schemas import AppRevoked
from roost.instance import site as site_settings
from roost.kit.clock import utcnow
from roost.kit.errors import Forbidden, Invalid, NotAuthenticated
from roost.models import AccessToken, Account, OAuthApp, OAuthCode, User

OOB = "urn:ietf:wg:oauth:2.0:oob"
# RFC 3986 absolute URI: a scheme, ':' and more. Native apps use private schemes with or without
# "//" ("oauth2redirect://com.keylesspalace.tusky/", "com.example.app:/callback").
_ABSOLUTE_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s]+$")
_UNSAFE_SCHEMES = {"javascript", "data", "vbscript", "file"}
SESSION_TTL = timedelta(days=30)
SESSION_SCOPES = ["read", "write", "follow", "push"]


async def create_app(session: AsyncSession, *, name: str, redirect_uris: list[str],
                     scopes: list[str], website: str | None = None,
                     owner_account_id: int | None = None) -> tuple[OAuthApp, str]:
    """Returns the app and its client secret (shown once, stored hashed)."""
    name = (name or "").strip()
    if not name or len(name) > 200:
        raise Invalid("Validation failed: Application name must be 1-200 characters")
    if not redirect_uris:
        raise Invalid("Validation failed: Redirect URI can't be blank")
    for uri in redirect_uris:
        if uri != OOB and (not _ABSOLUTE_URI.match(uri) or len(uri) > 2000
                           or uri.split(":", 1)[0].lower() in _UNSAFE_SCHEMES):
            raise Invalid("Validation failed: Redirect URI must be an absolute URI")
    website = (website or "").strip() or None
    if website and (len(website) > 500 or any(c.isspace() for c in website)
                    or not website.lower().startswith(("https://", "http://"))):
        raise Invalid("Validation failed: Website is invalid")
    bad = scope_rules.unknown(scopes)
    if bad:
        raise Invalid(f"Validation failed: Unknown scopes: {' '.join(bad)}")
    secret = new_secret()
    app = OAuthApp(name=name, website=(website or None), redirect_uris="\n".join(redirect_uris),
                   scopes=" ".join(scopes), client_id=new_secret(24),
                   client_secret_hash=digest(secret), owner_account_id=owner_account_id)
    session.add(app)
    await session.flush()
    return app, secret


async def issue_token(session: AsyncSession, *, app: OAuthApp | None, user: User | None,
                      scopes: list[str], kind: str = "oauth",
                      code_id: int | None = None) -> tuple[AccessToken, str]:
    """Returns the token row and the bearer string (shown once, stored hashed)."""
    raw = new_secret()
    token = AccessToken(token_hash=digest(raw), app_id=app.id if app else None,
                        user_id=user.id if user else None, scopes=" ".join(scopes), kind=kind,
                        code_id=code_id)
    session.add(token)
    await session.flush()
    return token, raw


async def revoke_token(session: AsyncSession, raw: str, app: OAuthApp | None = None) -> None:
    stmt = update(AccessToken).where(AccessToken.token_hash == digest(raw),
                                     AccessToken.revoked_at.is_(None))
    if app is not None:
        stmt = stmt.where(AccessToken.app_id == app.id)
    await session.execute(stmt.values(revoked_at=utcnow()))


@dataclass
class AuthorizedApp:
    app: OAuthApp
    scopes: list[str]
    authorized_at: datetime
    last_used_at: datetime | None


async def authorized_apps(session: AsyncSession, user_id: int) -> list[AuthorizedApp]:
    """The apps holding a live token of this user (Mastodon's authorized applications)."""
    rows = (await session.execute(
        select(OAuthApp, AccessToken.scopes, AccessToken.created_at, AccessToken.last_used_at)
        .join(AccessToken, AccessToken.app_id == OAuthApp.id)
        .where(AccessToken.user_id == user_id, AccessToken.kind == "oauth",
               AccessToken.revoked_at.is_(None))
        .order_by(OAuthApp.id, AccessToken.id)
    )).all()
    out: dict[int, AuthorizedApp] = {}
    for app, scopes, created, used in rows:
        item = out.setdefault(app.id, AuthorizedApp(app, [], created, used))
        item.scopes += [s for s in scopes.split() if s not in item.scopes]
        item.authorized_at = min(item.authorized_at, created)
        if used and (item.last_used_at is None or used > item.last_used_at):
            item.last_used_at = used
    return sorted(out.values(), key=lambda a: a.authorized_at, reverse=True)


async def revoke_app(session: AsyncSession, user: User, app_id: int) -> int:
    """Take an app's access away: every token of this user for it, and its unused codes."""
    now = utcnow()
    result = await session.execute(
        update(AccessToken).where(AccessToken.user_id == user.id, AccessToken.app_id == app_id,
                                  AccessToken.revoked_at.is_(None)).values(revoked_at=now))
    await session.execute(update(OAuthCode).where(OAuthCode.user_id == user.id,
                                                  OAuthCode.app_id == app_id,
                                                  OAuthCode.used_at.is_(None)).values(used_at=now))
    if result.rowcount:
        events.record(session, AppRevoked(account_id=str(user.account_id), app_id=str(app_id),
                                          tokens=result.rowcount), actor_id=user.account_id)
    return result.rowcount


async def revoke_all_for_user(session: AsyncSession, user_id: int) -> None:
    await session.execute(
        update(AccessToken).where(AccessToken.user_id == user_id, AccessToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


# ---- passwords and browser sessions ---------------------------------------------------------

class LoginRefused(Forbidden):
    """Right password, but this login may not be used (disabled, suspended, awaiting approval)."""


async def login_key(session: AsyncSession, login: str) -> str:
    """What failed sign-ins are counted against: the user (whichever of username or email was
    typed), or the typed login when nobody has it."""
    login = (login or "").strip().lstrip("@").lower()[:320]
    user = await accounts_repo.user_by_login(session, login) if login else None
    return f"user:{user.id}" if user else f"login:{login}"


async def authenticate(session: AsyncSession, login: str, password: str) -> User:
    """The user behind `login` (email or username) if `password` is theirs.
    Raises NotAuthenticated for wrong credentials, LoginRefused for a login that is not usable."""
    login = (login or "").strip()[:320]
    user = await accounts_repo.user_by_login(session, login) if login else None
    # Unknown logins still pay for a hash check, so timing does not reveal who exists.
    # argon2 takes a good fraction of a second of CPU: keep it off the event loop.
    ok = await asyncio.to_thread(verify_password, user.password_hash if user else DUMMY_HASH,
                                 password or "")
    account = await session.get(Account, user.account_id) if user and ok else None
    if user is None or not ok or account is None or account.deleted_at is not None:
        raise NotAuthenticated("Invalid email or password")
    if user.disabled or account.suspended_at is not None:
        raise LoginRefused("Your login is currently disabled")
    if not user.approved:
        raise LoginRefused("Your login is currently pending approval")
    if needs_rehash(user.password_hash):
        user.password_hash = await asyncio.to_thread(hash_password, password)
        await session.flush()
    return user


async def start_session(session: AsyncSession, user: User) -> str:
    """A server-side browser session: a token of kind `session`; the raw value goes in a cookie."""
    _, raw = await issue_token(session, app=None, user=user, scopes=SESSION_SCOPES, kind="session")
    return raw


async def session_user(session: AsyncSession, raw: str | None) -> User | None:
    """The signed-in user for a session token, or None (unknown, revoked, expired or unusable)."""
    if not raw:
        return None
    row = (await session.execute(
        select(AccessToken, User, Account)
        .join(User, User.id == AccessToken.user_id)
        .join(Account, Account.id == User.account_id)
        .where(AccessToken.token_hash == digest(raw), AccessToken.kind == "session",
               AccessToken.revoked_at.is_(None))
    )).first()
    if row is None:
        return None
    token, user, account = row
    if token.created_at < utcnow() - SESSION_TTL:
        return None
    if user.disabled or not user.approved or not account.is_active:
        return None
    return user


async def end_session(session: AsyncSession, raw: str | None) -> None:
    if raw:
        await session.execute(update(AccessToken)
                              .where(AccessToken.token_hash == digest(raw), AccessToken.kind == "session")
                              .values(revoked_at=utcnow()))


# ---- sign-ups ------------------------------------------------------------------------------

async def sign_up(session: AsyncSession, *, username: str, email: str, password: str,
                  agreement: bool, locale: str = "en", reason: str = "",
                  ip: str | None = None) -> User:
    """A new account from a sign-up (the API's POST /api/v1/accounts and the web's /signup).
    Under `approval` the user waits (approved=False) and cannot sign in until approve_user."""
    site = await site_settings.load(session, runtime.settings())
    if not site.registrations_open:
        raise Forbidden("Registrations are closed")
    if not agreement:
        raise Invalid("Validation failed: Agreement must be accepted",
                      details={"agreement": [{"error": "ERR_ACCEPTED", "description": "must be accepted"}]})
    locale = (locale or "en").strip()
    if not locale.replace("-", "").replace("_", "").isalnum() or len(locale) > 16:
        locale = "en"
    _, user = await create_account(session, username=username or "", email=email or "",
                                   password=password or "", locale=locale, reason=reason or "",
                                   approved=not site.approval_required)
    user.sign_up_ip = (ip or "")[:45] or None
    if user.approved:
        tell_staff_of_sign_up(session, user.account_id)
    return user


async def register(session: AsyncSession, *, app: OAuthApp | None, username: str, email: str,
                   password: str, agreement: bool, locale: str = "en",
                   reason: str = "", ip: str | None = None) -> tuple[User, AccessToken, str]:
    """POST /api/v1/accounts: sign up and get a token for the app that asked (refused until the
    user is approved when registrations need approval)."""
    user = await sign_up(session, username=username, email=email, password=password,
                         agreement=agreement, locale=locale, reason=reason, ip=ip)
    scopes = app.scopes.split() if app else SESSION_SCOPES
    token, raw = await issue_token(session, app=app, user=user, scopes=scopes)
    return user, token, raw
