"""FastAPI dependencies shared by every interface: the unit of work and the caller."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from roost.auth.actor import Actor, check_scope, resolve_token
from roost.config import Settings
from roost.db import Database, commit, rollback
from roost.kit.errors import NotAuthenticated


def get_db(request: Request) -> Database:
    return request.app.state.db


def get_settings_dep(request: Request) -> Settings:
    return request.app.state.settings


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """One unit of work per request, committed before the response is sent."""
    db: Database = request.app.state.db
    reading = request.method in ("GET", "HEAD")
    async with (db.read_session() if reading else db.session()) as session:
        try:
            yield session
        except BaseException:
            await rollback(session)
            raise
        await commit(session)


DbSession = Annotated[AsyncSession, Depends(get_session, scope="function")]
AppSettings = Annotated[Settings, Depends(get_settings_dep)]


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    if header[:7].lower() == "bearer ":
        token = header[7:].strip()
        return token or None
    token = request.query_params.get("access_token")
    return token or None


async def _actor_or_none(request: Request, session: AsyncSession) -> Actor | None:
    if "actor" in request.state._state:
        return request.state.actor
    raw = bearer_token(request)
    actor = await resolve_token(session, raw) if raw else None
    request.state.actor = actor
    limiter = getattr(request.app.state, "rate_limiter", None)
    if limiter is not None:
        await limiter.check_request(request, actor)
    return actor


def user(scope: str | None = None):
    """Dependency: an authenticated user holding `scope` (401 without a token, 403 without scope)."""

    async def dep(request: Request, session: DbSession) -> Actor:
        actor = await _actor_or_none(request, session)
        if actor is None:
            raise NotAuthenticated("The access token is invalid")
        check_scope(actor, scope)
        return actor

    dep.access = ("user", scope)  # read by the authorization matrix test
    return Depends(dep)


def app_or_user(scope: str | None = None):
    """Dependency: any valid token (an app's client-credentials token or a user's)."""

    async def dep(request: Request, session: DbSession) -> Actor:
        actor = await _actor_or_none(request, session)
        if actor is None:
            raise NotAuthenticated("The access token is invalid")
        check_scope(actor, scope, user_required=False)
        return actor

    dep.access = ("app_or_user", scope)
    return Depends(dep)


def maybe_user(scope: str | None = None):
    """Dependency: the user if a token was sent, else None. As Mastodon: a token that is sent must be
    valid and hold `scope` (403 otherwise); an app-only token reads as anonymous."""

    async def dep(request: Request, session: DbSession) -> Actor | None:
        actor = await _actor_or_none(request, session)
        if actor is not None and actor.account is None:
            return None
        if actor is not None:
            check_scope(actor, scope)
        return actor

    dep.access = ("maybe_user", scope)
    return Depends(dep)
