"""Account writes: registration, profiles, passwords, roles, suspension and deletion.

Each verb checks input and permission first, then writes, records its event and enqueues its
jobs in the caller's transaction (services only flush)."""

from __future__ import annotations

import asyncio
import re
from typing import Any

from sqlalchemy import delete, or_, update
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import UploadFile

from roost import events, jobs, runtime
from roost.accounts import repository as repo
from roost.auth.passwords import MAX_LENGTH, MIN_LENGTH, hash_password, verify_password
from roost.db import insert as db_insert
from roost.events.schemas import (
    AccountApproved,
    AccountCreated,
    AccountDeleted,
    AccountPasswordChanged,
    AccountRoleChanged,
    AccountSuspended,
    AccountUpdated,
)
from roost.graph import service as graph_service
from roost.kit import text as textkit
from roost.kit.clock import utcnow
from roost.kit.errors import Forbidden, Invalid, NotFound, TooLarge
from roost.kit.ids import parse_id
from roost.media import service as media_service
from roost.notifications import service as notifications
from roost.models import AccessToken, Account, Marker, Notification, User

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
    user = User(account_id=account.id, email=email, password_hash=password_hash or await asyncio.to_thread(hash_password, password),
                role=role, approved=approved, locale=locale, sign_up_reason=reason[:1000])
    session.add(user)
    await session.flush()
    events.record(session, AccountCreated(account_id=str(account.id), username=account.username),
                  actor_id=account.id, subject_id=account.id, public=approved)
    return account, user


# ---- profile ------------------------------------------------------------------------------------

MAX_DISPLAY_NAME = 30
MAX_NOTE = 500
MAX_FIELDS = 4
MAX_FIELD_CHARS = 255
PRIVACIES = ("public", "unlisted", "private")
ROLES = ("user", "moderator", "admin")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _clean(value: str, *, single_line: bool = False) -> str:
    """Drop control characters (PostgreSQL refuses NUL) and, for one-line values, line breaks."""
    value = _CONTROL.sub("", value.replace("\r\n", "\n"))
    if single_line:
        value = " ".join(value.splitlines())
    return value


def _note_length(note: str) -> int:
    """Count like Mastodon: grapheme clusters, every link weighs 23 characters, a mention's
    domain is free. (The display name and fields count code points, as Mastodon's do.)"""
    return textkit.length(textkit.countable(note))


def profile_url(account: Account) -> str:
    return f"{runtime.settings().base_url}/@{account.username}"


async def _render(session: AsyncSession, text: str) -> str:
    """Text to safe HTML, linking URLs, hashtags and mentions of accounts that exist."""
    settings = runtime.settings()
    parsed = textkit.parse(text, local_domain=settings.domain)
    known = await repo.by_usernames(session, parsed.mentions)
    return textkit.render(text, base_url=settings.base_url, local_domain=settings.domain,
                          known_accounts={u: profile_url(a) for u, a in known.items()})


async def _render_inline(session: AsyncSession, text: str) -> str:
    html = await _render(session, text)
    return html.replace("</p><p>", " ").removeprefix("<p>").removesuffix("</p>")


def _invalid(field: str, message: str, code: str = "ERR_INVALID") -> Invalid:
    """A validation error naming the parameter at fault (Mastodon's `details`)."""
    return Invalid(message, details={field: [{"error": code, "description": message}]})


def _check_fields(raw: Any) -> list[dict[str, str]]:
    if isinstance(raw, dict):
        raw = [raw[k] for k in sorted(raw, key=lambda k: (len(str(k)), str(k)))]
    if not isinstance(raw, list):
        raise _invalid("fields_attributes", "Validation failed: Fields must be a list of name "
                       "and value pairs")
    out = []
    for item in raw:
        if not isinstance(item, dict):
            raise _invalid("fields_attributes", "Validation failed: Each field needs a name and "
                           "a value")
        name = _clean(str(item.get("name") or ""), single_line=True).strip()
        value = _clean(str(item.get("value") or ""), single_line=True).strip()
        if not name and not value:
            continue  # blank rows in a form mean "no field"
        if len(name) > MAX_FIELD_CHARS or len(value) > MAX_FIELD_CHARS:
            raise _invalid("fields_attributes", f"Validation failed: Field names and values are "
                           f"limited to {MAX_FIELD_CHARS} characters", "ERR_TOO_LONG")
        out.append({"name": name, "value": value})
    if len(out) > MAX_FIELDS:
        raise _invalid("fields_attributes", f"Validation failed: At most {MAX_FIELDS} profile "
                       "fields", "ERR_TOO_LONG")
    return out


def _check_language(language: str) -> str | None:
    language = language.strip()
    if not language:
        return None
    if len(language) > 16 or not language.replace("-", "").isalnum():
        raise Invalid("Validation failed: Language is not a language code")
    return language.lower()


async def _store_image(session: AsyncSession, account: Account, upload: Any, kind: str) -> None:
    if not isinstance(upload, UploadFile):
        raise _invalid(kind, f"Validation failed: {kind.capitalize()} must be an image file")
    try:
        await media_service.store_profile_image(session, account, upload, kind=kind)
    except (Invalid, TooLarge) as exc:  # name the picture at fault (the web form shows it there)
        exc.details = exc.details or {kind: [{"error": "ERR_INVALID", "description": exc.message}]}
        raise


async def update_profile(session: AsyncSession, account: Account, *,
                         display_name: str | None = None, note: str | None = None,
                         locked: bool | None = None, bot: bool | None = None,
                         discoverable: bool | None = None, indexable: bool | None = None,
                         fields: Any = None, avatar: Any = None, header: Any = None,
                         privacy: str | None = None, sensitive: bool | None = None,
                         language: str | None = None) -> Account:
    """Change what is given (None leaves a value as it is). `fields` replaces all profile fields."""
    if not account.is_active:
        raise Forbidden("This account is not active")
    changed: dict[str, Any] = {}
    if display_name is not None:
        display_name = _clean(display_name, single_line=True).strip()
        if len(display_name) > MAX_DISPLAY_NAME:
            raise _invalid("display_name", f"Validation failed: Display name is too long "
                           f"(maximum is {MAX_DISPLAY_NAME} characters)", "ERR_TOO_LONG")
        changed["display_name"] = display_name
    if note is not None:
        note = _clean(note).strip()
        if _note_length(note) > MAX_NOTE:
            raise _invalid("note", f"Validation failed: Note is too long (maximum is {MAX_NOTE} "
                           "characters)", "ERR_TOO_LONG")
        changed["note"] = note
    if fields is not None:
        changed["fields"] = _check_fields(fields)
    flags = {"locked": locked, "bot": bot, "discoverable": discoverable, "indexable": indexable}
    changed.update({k: bool(v) for k, v in flags.items() if v is not None})
    prefs: dict[str, Any] = {}
    if privacy is not None:
        if privacy not in PRIVACIES:
            raise Invalid(f"Validation failed: Privacy must be one of {', '.join(PRIVACIES)}")
        prefs["posting:default:visibility"] = privacy
    if sensitive is not None:
        prefs["posting:default:sensitive"] = bool(sensitive)
    if language is not None:
        prefs["posting:default:language"] = _check_language(language)

    # Everything is checked; now write.
    if "note" in changed:
        account.note = changed["note"]
        account.note_html = await _render(session, account.note) if account.note else ""
    if "fields" in changed:
        account.fields = [{**f, "value_html": await _render_inline(session, f["value"])}
                          for f in changed["fields"]]
    unlocking = account.locked and changed.get("locked") is False
    for key in ("display_name", "locked", "bot", "discoverable", "indexable"):
        if key in changed:
            setattr(account, key, changed[key])
    if unlocking:  # as Mastodon: whoever asked to follow a locked account now follows it
        await graph_service.authorize_all_follow_requests(session, account)
    if avatar is not None:
        await _store_image(session, account, avatar, "avatar")
        changed["avatar"] = True
    if header is not None:
        await _store_image(session, account, header, "header")
        changed["header"] = True
    if prefs:
        user = await repo.user_for(session, account.id)
        if user is not None:
            user.preferences = {**(user.preferences or {}), **prefs}
            changed.update({"source": True})
    if changed:
        account.updated_at = utcnow()
        await session.flush()
        events.record(session, AccountUpdated(account_id=str(account.id), fields=sorted(changed)),
                      actor_id=account.id, subject_id=account.id, public=True)
    return account


async def remove_profile_image(session: AsyncSession, account: Account, kind: str) -> Account:
    """Go back to the default avatar or header; the file goes once this commits."""
    if kind not in ("avatar", "header"):
        raise NotFound()
    if getattr(account, f"{kind}_path"):
        await media_service.clear_profile_image(session, account, kind=kind)
        account.updated_at = utcnow()
        await session.flush()
        events.record(session, AccountUpdated(account_id=str(account.id), fields=[kind]),
                      actor_id=account.id, subject_id=account.id, public=True)
    return account


# ---- passwords, roles, approval -----------------------------------------------------------------

async def _set_password(session: AsyncSession, user: User, new: str, *, reset: bool,
                        keep_token_id: int | None) -> None:
    check_password(new)
    user.password_hash = await asyncio.to_thread(hash_password, new)
    stmt = update(AccessToken).where(AccessToken.user_id == user.id, AccessToken.revoked_at.is_(None))
    if keep_token_id is not None:
        stmt = stmt.where(AccessToken.id != keep_token_id)
    await session.execute(stmt.values(revoked_at=utcnow()))
    await session.flush()
    events.record(session, AccountPasswordChanged(account_id=str(user.account_id), reset=reset),
                  actor_id=user.account_id, subject_id=user.account_id)


async def change_password(session: AsyncSession, user: User, current: str, new: str, *,
                          keep_token_id: int | None = None) -> None:
    """Check the current password, set the new one and sign out every other session."""
    if not await asyncio.to_thread(verify_password, user.password_hash, current or ""):
        raise Invalid("Validation failed: Current password is invalid",
                      details={"current_password": [{"error": "ERR_INVALID",
                                                     "description": "invalid"}]})
    await _set_password(session, user, new, reset=False, keep_token_id=keep_token_id)


async def reset_password(session: AsyncSession, user: User, new: str) -> None:
    """Set a password without the old one (CLI, admin) and sign out every session."""
    await _set_password(session, user, new, reset=True, keep_token_id=None)


async def _require_staff(session: AsyncSession, actor: Account | None, *, admin: bool) -> User | None:
    """None means the system itself (the CLI); otherwise the actor must hold the role."""
    if actor is None:
        return None
    staff = await repo.user_for(session, actor.id)
    if staff is None or not (staff.is_admin if admin else staff.is_moderator):
        raise Forbidden("This action is not allowed")
    return staff


async def set_role(session: AsyncSession, actor: Account | None, user: User, role: str) -> User:
    """Make a user a plain user, a moderator or an admin. Only admins (or the CLI) may."""
    if role not in ROLES:
        raise Invalid(f"Validation failed: Role must be one of {', '.join(ROLES)}")
    await _require_staff(session, actor, admin=True)
    if actor is not None and actor.id == user.account_id and role != "admin":
        raise Forbidden("Admins cannot demote themselves")
    if user.role != role:
        user.role = role
        await session.flush()
        if role not in notifications.STAFF_ROLES:
            await notifications.forget_staff_notifications(session, user.account_id)
        events.record(session, AccountRoleChanged(account_id=str(user.account_id), role=role),
                      actor_id=actor.id if actor else None, subject_id=user.account_id)
    return user


def tell_staff_of_sign_up(session: AsyncSession, account_id: int) -> None:
    """A new account is active: moderators and admins get `admin.sign_up` (as Mastodon does when
    a sign-up is confirmed and approved; accounts made at the shell are not announced)."""
    jobs.enqueue(session, "notifications.for_staff", type="admin.sign_up", from_account_id=account_id)


async def approve_user(session: AsyncSession, actor: Account | None, user: User) -> User:
    """Let a user who signed up while registrations needed approval log in."""
    await _require_staff(session, actor, admin=False)
    if not user.approved:
        user.approved = True
        await session.flush()
        events.record(session, AccountApproved(account_id=str(user.account_id)),
                      actor_id=actor.id if actor else None, subject_id=user.account_id,
                      public=True)  # a sign-up becomes public when approved
        tell_staff_of_sign_up(session, user.account_id)
    return user


# ---- suspension and deletion --------------------------------------------------------------------

async def _sign_out(session: AsyncSession, user: User) -> None:
    from roost.auth.service import (
        revoke_all_for_user,  # auth imports this module for sign-ups
    )

    await revoke_all_for_user(session, user.id)


async def _check_moderation(session: AsyncSession, moderator: Account | None, account: Account) -> None:
    staff = await _require_staff(session, moderator, admin=False)
    if staff is None:
        return
    if staff.account_id == account.id:
        raise Forbidden("You cannot moderate yourself")
    target = await repo.user_for(session, account.id)
    if target is not None and target.is_moderator and not staff.is_admin:
        raise Forbidden("Only admins can moderate staff")


async def suspend(session: AsyncSession, moderator: Account | None, account: Account) -> Account:
    """Hide the account and everything it posted (repositories check suspended_at) and sign it
    out. Reversible with unsuspend(); nothing is erased."""
    if account.deleted_at is not None:
        raise NotFound()
    await _check_moderation(session, moderator, account)
    if account.suspended_at is None:
        account.suspended_at = utcnow()
        user = await repo.user_for(session, account.id)
        if user is not None:
            await _sign_out(session, user)
        await session.flush()
        events.record(session, AccountSuspended(account_id=str(account.id), suspended=True),
                      actor_id=moderator.id if moderator else None, subject_id=account.id,
                      public=True)
    return account


async def unsuspend(session: AsyncSession, moderator: Account | None, account: Account) -> Account:
    if account.deleted_at is not None:
        raise NotFound()
    await _check_moderation(session, moderator, account)
    if account.suspended_at is not None:
        account.suspended_at = None
        await session.flush()
        events.record(session, AccountSuspended(account_id=str(account.id), suspended=False),
                      actor_id=moderator.id if moderator else None, subject_id=account.id,
                      public=True)
    return account


async def delete_account(session: AsyncSession, account: Account, *, password: str | None = None,
                         moderator: Account | None = None) -> Account:
    """Erase the profile now and the posts, media and social graph in the "accounts.erase" job.

    The row stays as a tombstone so the username is never reused. With `password` (the web app's
    confirmation) it must match; a moderator (or the CLI, with neither) may delete without it."""
    user = await repo.user_for(session, account.id)
    if password is not None:
        if user is None or not verify_password(user.password_hash, password):
            raise Invalid("Validation failed: Password is invalid")
    else:
        await _check_moderation(session, moderator, account)
    if account.deleted_at is not None:
        return account
    now = utcnow()
    account.deleted_at = now
    account.updated_at = now
    account.display_name = account.note = account.note_html = ""
    account.fields = []
    account.locked = account.bot = account.discoverable = account.indexable = False
    if user is not None:
        await _sign_out(session, user)
        user.disabled = True
        user.password_hash = "!deleted"  # matches no password
        user.email = f"deleted-{user.id}@deleted.invalid"  # frees the address for a new sign-up
        user.preferences = {}
    await session.execute(delete(Marker).where(Marker.account_id == account.id))
    await session.execute(delete(Notification).where(
        or_(Notification.account_id == account.id, Notification.from_account_id == account.id)))
    await session.flush()
    events.record(session, AccountDeleted(account_id=str(account.id)),
                  actor_id=moderator.id if moderator else account.id, subject_id=account.id,
                  public=True)
    jobs.enqueue(session, "accounts.erase", account_id=account.id)
    return account


# ---- markers ------------------------------------------------------------------------------------

MARKER_TIMELINES = ("home", "notifications")


async def save_markers(session: AsyncSession, account: Account, positions: dict[str, Any]) -> list[Marker]:
    """Remember the last read id per timeline; each save bumps the marker's version."""
    wanted: dict[str, int] = {}
    for timeline, last_read_id in positions.items():
        if timeline not in MARKER_TIMELINES:
            continue
        marker_id = parse_id(str(last_read_id)) if last_read_id is not None else None
        if marker_id is None:
            raise Invalid(f"Validation failed: {timeline}[last_read_id] must be an id")
        wanted[timeline] = marker_id
    if not wanted:
        raise Invalid("Validation failed: Give home[last_read_id] or notifications[last_read_id]")
    now = utcnow()
    for timeline, marker_id in wanted.items():
        stmt = db_insert(session, Marker).values(account_id=account.id, timeline=timeline,
                                     last_read_id=marker_id, version=1, updated_at=now)
        await session.execute(stmt.on_conflict_do_update(
            index_elements=["account_id", "timeline"],
            set_={"last_read_id": stmt.excluded.last_read_id, "version": Marker.version + 1,
                  "updated_at": stmt.excluded.updated_at},
        ))
    return await repo.markers(session, account.id, wanted)
