"""The assistant's account: an ordinary local account (bot, no usable password) made once, at
start-up or `roost migrate`, and marked in ai_assistant_accounts so that a person who already
holds the name is never taken over."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from roost import events, runtime
from roost.accounts import repository as accounts_repo
from roost.accounts.service import _render, create_account
from roost.ai import registry
from roost.config import Settings
from roost.events.schemas import AccountUpdated
from roost.models import Account, AssistantAccount

UNUSABLE_PASSWORD = "!assistant: no password, nobody signs in as it"


class AssistantNameTaken(RuntimeError):
    """ROOST_AI_ASSISTANT_USERNAME names an account that is not the assistant's."""


def describe(settings: Settings) -> tuple[str, str]:
    """(display name, bio) saying what the account is and which model answers."""
    try:
        label = registry.text_generator(settings).info.label
    except Exception:  # noqa: BLE001 - a missing model file says so when it is first used
        label = f"the {settings.ai_text_provider} text provider"
    display = "Assistant (AI)"
    bio = (f"I am this server's automated assistant, a bot. Mention me and I answer in the "
           f"thread; ask me to draw something and I make an image. My answers are written by "
           f"{label}, a language model: they can be wrong. Block or mute me and I stay quiet.")
    return display, bio


async def find(session: AsyncSession, settings: Settings) -> Account | None:
    """The assistant's account, if it exists and is marked as the assistant's."""
    account = await accounts_repo.by_username(session, settings.ai_assistant_username,
                                              include_hidden=True)
    if account is None:
        return None
    marked = await session.get(AssistantAccount, account.id)
    return account if marked is not None else None


async def ensure_account(session: AsyncSession, settings: Settings) -> Account:
    """Create the assistant's account, or bring its profile up to date; refuse when the name is
    a person's."""
    username = settings.ai_assistant_username
    display, bio = describe(settings)
    account = await accounts_repo.by_username(session, username, include_hidden=True)
    if account is None:
        account, _ = await create_account(
            session, username=username, email=f"{username.lower()}@assistant.invalid",
            password="", display_name=display, bot=True, allow_reserved=True,
            password_hash=UNUSABLE_PASSWORD)
        session.add(AssistantAccount(account_id=account.id))
    elif await session.get(AssistantAccount, account.id) is None:
        raise AssistantNameTaken(
            f"The assistant's username @{username} belongs to an existing account that is not "
            f"the assistant. Set ROOST_AI_ASSISTANT_USERNAME to a free name, or turn the "
            f"assistant off with ROOST_AI_ASSISTANT_ENABLED=false.")
    changed = [f for f, v in (("display_name", display), ("note", bio), ("bot", True))
               if getattr(account, f) != v]
    if changed:
        account.display_name, account.note, account.bot = display, bio, True
        account.note_html = await _render(session, bio)
        events.record(session, AccountUpdated(account_id=str(account.id), fields=changed),
                      actor_id=account.id, subject_id=account.id, public=True)
    await session.flush()
    return account


async def start(db, settings: Settings) -> int | None:  # noqa: ANN001
    """At start-up: make sure the account exists and remember its id (None when turned off)."""
    runtime.current.assistant_id = None
    if not settings.ai_assistant_enabled:
        return None
    async with db.unit_of_work() as session:
        account = await ensure_account(session, settings)
        account_id = account.id
    runtime.current.assistant_id = account_id
    return account_id
