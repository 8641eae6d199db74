"""Test data made through the services (never by hand-written rows), committed in the test's
transaction."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from fastapi import FastAPI

from roost.accounts.service import create_account
from roost.auth.passwords import hash_password
from roost.auth.service import create_app, issue_token
from roost.db import Database
from roost.models import Account, Status, User
from roost.posts import service as posts

_counter = itertools.count(1)
_hashes: dict[str, str] = {}


def _hash_for(password: str) -> str:
    """argon2 is slow on purpose; hash each test password once per run."""
    if password not in _hashes:
        _hashes[password] = hash_password(password)
    return _hashes[password]
ALL_SCOPES = ["read", "write", "follow", "push"]


@dataclass
class Person:
    account: Account
    user: User
    token: str

    @property
    def id(self) -> str:
        return str(self.account.id)

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


class Factory:
    def __init__(self, app: FastAPI) -> None:
        self.app = app
        self.db: Database = app.state.db
        self._oauth_app = None

    async def account(self, username: str | None = None, *, scopes: list[str] | None = None,
                      locked: bool = False, role: str = "user", display_name: str = "",
                      password: str = "correct horse battery") -> Person:
        n = next(_counter)
        username = username or f"user{n}"
        async with self.db.unit_of_work() as session:
            account, user = await create_account(
                session, username=username, email=f"{username.lower()}@example.com",
                password=password, display_name=display_name, role=role,
                password_hash=_hash_for(password))
            account.locked = locked
            if self._oauth_app is None:
                self._oauth_app, _ = await create_app(
                    session, name="Test client", redirect_uris=["urn:ietf:wg:oauth:2.0:oob"],
                    scopes=ALL_SCOPES)
            _, raw = await issue_token(session, app=self._oauth_app, user=user,
                                       scopes=scopes or ALL_SCOPES)
        return Person(account, user, raw)

    async def token(self, person: Person, scopes: list[str]) -> str:
        async with self.db.unit_of_work() as session:
            _, raw = await issue_token(session, app=self._oauth_app, user=person.user, scopes=scopes)
        return raw

    async def app_token(self, scopes: list[str]) -> str:
        """A client-credentials token: the app itself, no user (needs one account made first)."""
        async with self.db.unit_of_work() as session:
            _, raw = await issue_token(session, app=self._oauth_app, user=None, scopes=scopes)
        return raw

    async def post(self, author: Person, text: str = "hello", **kwargs) -> Status:
        async with self.db.unit_of_work() as session:
            acc = await session.get(Account, author.account.id)
            return await posts.create_post(session, acc, posts.NewPost(text=text, **kwargs))

    async def follow(self, follower: Person, target: Person) -> None:
        from roost.graph import service as graph

        async with self.db.unit_of_work() as session:
            acc = await session.get(Account, follower.account.id)
            await graph.follow(session, acc, target.account.id)
