"""OAuth writes: register apps, issue and revoke tokens."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from roost.auth import scopes as scope_rules
from roost.auth.tokens import digest, new_secret
from roost.kit.clock import utcnow
from roost.kit.errors import Invalid
from roost.models import AccessToken, OAuthApp, User

OOB = "urn:ietf:wg:oauth:2.0:oob"


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
        if uri != OOB and ("://" not in uri or len(uri) > 2000 or any(c.isspace() for c in uri)):
            raise Invalid("Validation failed: Redirect URI must be an absolute URI")
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
                      scopes: list[str], kind: str = "oauth") -> tuple[AccessToken, str]:
    """Returns the token row and the bearer string (shown once, stored hashed)."""
    raw = new_secret()
    token = AccessToken(token_hash=digest(raw), app_id=app.id if app else None,
                        user_id=user.id if user else None, scopes=" ".join(scopes), kind=kind)
    session.add(token)
    await session.flush()
    return token, raw


async def revoke_token(session: AsyncSession, raw: str, app: OAuthApp | None = None) -> None:
    stmt = update(AccessToken).where(AccessToken.token_hash == digest(raw),
                                     AccessToken.revoked_at.is_(None))
    if app is not None:
        stmt = stmt.where(AccessToken.app_id == app.id)
    await session.execute(stmt.values(revoked_at=utcnow()))


async def revoke_all_for_user(session: AsyncSession, user_id: int) -> None:
    await session.execute(
        update(AccessToken).where(AccessToken.user_id == user_id, AccessToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
