"""Who is calling: resolve a bearer token to an Actor and check its scopes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from functools import cache

from sqlalchemy import Select, String, bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from roost.auth import scopes as scope_rules
from roost.auth.tokens import digest
from roost.kit.clock import utcnow
from roost.kit.errors import Forbidden, NotAuthenticated
from roost.models import AccessToken, Account, OAuthApp, User

ACTIVE_TOUCH = timedelta(minutes=10)


@dataclass
class Actor:
    token: AccessToken
    scopes: list[str]
    app: OAuthApp | None = None
    user: User | None = None
    account: Account | None = None
    extra: dict = field(default_factory=dict)

    @property
    def account_id(self) -> int | None:
        return self.account.id if self.account else None

    def can(self, needed: str) -> bool:
        return scope_rules.grants(self.scopes, needed)


@cache
def _by_token() -> Select:
    """Built once: building it per request cost more than running it."""
    return (select(AccessToken, OAuthApp, User, Account)
            .outerjoin(OAuthApp, OAuthApp.id == AccessToken.app_id)
            .outerjoin(User, User.id == AccessToken.user_id)
            .outerjoin(Account, Account.id == User.account_id)
            .where(AccessToken.token_hash == bindparam("token_hash", type_=String),
                   AccessToken.revoked_at.is_(None),
                   AccessToken.kind == "oauth"))  # a browser session is no bearer token


async def resolve_token(session: AsyncSession, raw_token: str) -> Actor:
    row = (await session.execute(_by_token(), {"token_hash": digest(raw_token)})).first()
    if row is None:
        raise NotAuthenticated("The access token is invalid")
    token, app, user, account = row
    if user is not None:
        if account is None or account.deleted_at is not None:
            raise NotAuthenticated("The access token is invalid")
        if user.disabled or account.suspended_at is not None:
            raise Forbidden("Your login is currently disabled")
        if not user.approved:
            raise Forbidden("Your login is currently pending approval")
        touch_active(session, user, token.id)
    return Actor(token=token, scopes=token.scopes.split(), app=app, user=user, account=account)


def touch_active(session: AsyncSession, user: User, token_id: int | None = None) -> None:
    """Mark the user active (home fan-out reaches only recently active people) at most every
    ACTIVE_TOUCH, by a bearer token or a browser session (token_id None)."""
    now = utcnow()
    if user.last_active_at is None or now - user.last_active_at > ACTIVE_TOUCH:
        _touch_after_commit(session, user.id, token_id, now)
        set_committed_value(user, "last_active_at", now)  # no write in this transaction


def _touch_after_commit(session: AsyncSession, user_id: int, token_id: int | None, now) -> None:  # noqa: ANN001
    """Record activity in its own short transaction after the request's, so a read-only request
    stays read-only."""
    from roost.db import after_commit, database_of

    db = database_of(session)

    async def touch() -> None:
        async with db.unit_of_work() as s:
            await s.execute(update(User).where(User.id == user_id).values(last_active_at=now))
            if token_id is not None:
                await s.execute(update(AccessToken).where(AccessToken.id == token_id)
                                .values(last_used_at=now))

    after_commit(session, touch, key="auth.touch")


def check_scope(actor: Actor, needed: str | None, *, user_required: bool = True) -> None:
    if user_required and actor.account is None:
        raise Forbidden("This method requires an authenticated user")
    if needed and not actor.can(needed):
        raise Forbidden("This action is outside the authorized scopes")
