"""Account writes: registration and the checks on usernames, emails and passwords."""

from __future__ import annotations

import re

from sqlalchemy.ext.asyncio import AsyncSession

from roost import events
from roost.accounts import repository as repo
from roost.auth.passwords import MAX_LENGTH, MIN_LENGTH, hash_password
from roost.events.schemas import AccountCreated
from roost.kit.errors import Invalid
from roost.models import Account, User

USERNAME_RE = re.compile(r"^[A-Za-z0-9_]{1,30}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
RESERVED = {"admin", "administrator", "root", "support", "help", "settings", "about", "api",
            "oauth", "auth", "login", "logout", "signup", "register", "web", "static", "media",
            "system", "moderator", "mod", "roost", "instance", "explore", "tags", "search",
            "notifications", "home", "public", "local", "well-known", "postmaster", "webmaster"}


def check_username(username: str, *, allow_reserved: bool = False) -> str:
    if not USERNAME_RE.match(username or ""):
        raise Invalid("Username must be 1-30 letters, digits or underscores",
                      details={"username": [{"error": "ERR_INVALID", "description": "invalid"}]})
    if not allow_reserved and username.lower() in RESERVED:
        raise Invalid("Username is reserved",
                      details={"username": [{"error": "ERR_RESERVED", "description": "reserved"}]})
    return username


def check_password(password: str) -> str:
    if not password or len(password) < MIN_LENGTH:
        raise Invalid(f"Password is too short (minimum is {MIN_LENGTH} characters)",
                      details={"password": [{"error": "ERR_TOO_SHORT", "description": "too short"}]})
    if len(password) > MAX_LENGTH:
        raise Invalid("Password is too long",
                      details={"password": [{"error": "ERR_TOO_LONG", "description": "too long"}]})
    return password


def check_email(email: str) -> str:
    email = (email or "").strip()
    if len(email) > 254 or not EMAIL_RE.match(email):
        raise Invalid("Email is invalid",
                      details={"email": [{"error": "ERR_INVALID", "description": "invalid"}]})
    return email.lower()


async def create_account(session: AsyncSession, *, username: str, email: str, password: str,
                         display_name: str = "", role: str = "user", approved: bool = True,
                         bot: bool = False, locale: str = "en", reason: str = "",
                         allow_reserved: bool = False,
                         password_hash: str | None = None) -> tuple[Account, User]:
    """`password_hash` (an argon2 hash made earlier) skips hashing: the demo seeder reuses one."""
    check_username(username, allow_reserved=allow_reserved)
    email = check_email(email)
    if password_hash is None:
        check_password(password)
    if await repo.by_username(session, username, include_hidden=True):
        raise Invalid("Username is already taken",
                      details={"username": [{"error": "ERR_TAKEN", "description": "taken"}]})
    if await repo.user_by_email(session, email):
        raise Invalid("Email is already registered",
                      details={"email": [{"error": "ERR_TAKEN", "description": "taken"}]})
    if role not in ("user", "moderator", "admin"):
        raise Invalid("Unknown role")
    account = Account(username=username, username_lower=username.lower(),
                      display_name=display_name[:100], bot=bot, fields=[])
    session.add(account)
    await session.flush()
    user = User(account_id=account.id, email=email, password_hash=password_hash or hash_password(password),
                role=role, approved=approved, locale=locale, sign_up_reason=reason[:1000])
    session.add(user)
    await session.flush()
    events.record(session, AccountCreated(account_id=str(account.id), username=account.username),
                  actor_id=account.id, subject_id=account.id, public=True)
    return account, user
