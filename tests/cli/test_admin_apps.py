"""`roost admin apps` and `revoke-app`: see and revoke what a user has authorized."""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from roost.auth.service import create_app, issue_token
from roost.db import Database
from roost.models import AccessToken, Account, User


def _authorize(data_dir, username: str) -> int:
    async def go() -> int:
        db = Database(f"sqlite+aiosqlite:///{data_dir / 'roost.db'}")
        try:
            async with db.unit_of_work() as session:
                user = (await session.execute(select(User).join(Account, Account.id == User.account_id)
                                              .where(Account.username == username))).scalar_one()
                app, _ = await create_app(session, name="Phanpy", redirect_uris=["https://p.example/cb"],
                                          scopes=["read", "write"])
                await issue_token(session, app=app, user=user, scopes=["read", "write"])
                await issue_token(session, app=app, user=user, scopes=["read"])
                return app.id
        finally:
            await db.dispose()

    return asyncio.run(go())


def _live_tokens(data_dir) -> int:
    async def go() -> int:
        db = Database(f"sqlite+aiosqlite:///{data_dir / 'roost.db'}")
        try:
            async with db.session() as session:
                return len((await session.execute(
                    select(AccessToken.id).where(AccessToken.revoked_at.is_(None)))).all())
        finally:
            await db.dispose()

    return asyncio.run(go())


def test_list_and_revoke_apps(roost, data_dir):
    assert roost("admin", "create-user", "gil", "--email", "gil@example.com",
                 "--password", "long enough").exit_code == 0
    assert "No app has access to @gil." in roost("admin", "apps", "gil").output
    app_id = _authorize(data_dir, "gil")
    listed = roost("admin", "apps", "@gil")
    assert listed.exit_code == 0 and str(app_id) in listed.output
    assert "Phanpy (read write)" in listed.output
    assert _live_tokens(data_dir) == 2

    done = roost("admin", "revoke-app", "gil", str(app_id))
    assert done.exit_code == 0 and "Revoked 2 tokens" in done.output
    assert _live_tokens(data_dir) == 0
    again = roost("admin", "revoke-app", "gil", str(app_id))
    assert again.exit_code != 0 and "has not authorized app" in again.output
    assert roost("admin", "apps", "nobody").exit_code != 0
