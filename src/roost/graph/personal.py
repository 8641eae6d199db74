"""What a person keeps about other accounts: private notes, endorsements (accounts featured on
their profile) and blocked domains. Each verb checks, writes, and records its event."""

from __future__ import annotations

import re

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from roost import events
from roost.db import insert as db_insert
from roost.events import schemas as ev
from roost.graph import repository as repo
from roost.graph.service import _target, drop_endorsement
from roost.kit.clock import utcnow
from roost.kit.errors import Invalid
from roost.kit.ids import new_id
from roost.models import Account, AccountDomainBlock, AccountNote, AccountPin

MAX_NOTE_CHARS = 2000  # Mastodon's AccountNote limit
MAX_ENDORSEMENTS = 100
_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}"
                     r"[a-z0-9])?$")


async def set_note(session: AsyncSession, actor: Account, target_id: str | int,
                   comment: str) -> Account:
    """Keep (or, with an empty comment, drop) the actor's private note about an account."""
    target = await _target(session, actor, target_id, "note")
    comment = comment.strip()
    if len(comment) > MAX_NOTE_CHARS:
        raise Invalid(f"Validation failed: Comment is too long (maximum is {MAX_NOTE_CHARS} characters)")
    where = (AccountNote.account_id == actor.id, AccountNote.target_account_id == target.id)
    if not comment:
        await session.execute(delete(AccountNote).where(*where))
    else:
        stmt = db_insert(session, AccountNote).values(
            id=new_id(), account_id=actor.id, target_account_id=target.id, comment=comment,
            created_at=utcnow())
        stmt = stmt.on_conflict_do_update(index_elements=["account_id", "target_account_id"],
                                          set_={"comment": stmt.excluded.comment})
        await session.execute(stmt)
    events.record(session, ev.AccountNoteSet(account_id=str(actor.id), target_account_id=str(target.id)),
                  actor_id=actor.id, subject_id=target.id)
    return target


async def endorse(session: AsyncSession, actor: Account, target_id: str | int) -> Account:
    """Feature a followed account on the actor's profile (422 unless the actor follows it)."""
    target = await _target(session, actor, target_id, "endorse")
    if not await repo.is_following(session, actor.id, target.id):
        raise Invalid("Validation failed: You must be following the account to endorse it")
    if await repo.endorsement_count(session, actor.id) >= MAX_ENDORSEMENTS:
        raise Invalid(f"Validation failed: You cannot endorse more than {MAX_ENDORSEMENTS} accounts")
    stmt = db_insert(session, AccountPin).values(id=new_id(), account_id=actor.id,
                                                 target_account_id=target.id, created_at=utcnow())
    stmt = stmt.on_conflict_do_nothing(index_elements=["account_id", "target_account_id"])
    if (await session.execute(stmt)).rowcount:
        events.record(session, ev.AccountEndorsed(account_id=str(actor.id),
                                                  target_account_id=str(target.id)),
                      actor_id=actor.id, subject_id=target.id, public=True)
    return target


async def unendorse(session: AsyncSession, actor: Account, target_id: str | int) -> Account:
    target = await _target(session, actor, target_id, "unendorse")
    await drop_endorsement(session, actor.id, target.id)
    return target


def _domain(raw: str | None) -> str:
    domain = (raw or "").strip().lower().rstrip(".")
    if domain.startswith("*."):
        domain = domain[2:]
    try:
        domain = domain.encode("idna").decode() if domain else domain
    except UnicodeError:
        domain = ""
    if not _DOMAIN.match(domain):
        raise Invalid("Validation failed: Domain is invalid")
    return domain


async def block_domain(session: AsyncSession, actor: Account, raw: str | None) -> None:
    domain = _domain(raw)
    stmt = db_insert(session, AccountDomainBlock).values(id=new_id(), account_id=actor.id,
                                                         domain=domain, created_at=utcnow())
    stmt = stmt.on_conflict_do_nothing(index_elements=["account_id", "domain"])
    if (await session.execute(stmt)).rowcount:
        events.record(session, ev.DomainBlocked(account_id=str(actor.id), domain=domain),
                      actor_id=actor.id)


async def unblock_domain(session: AsyncSession, actor: Account, raw: str | None) -> None:
    domain = _domain(raw)
    stmt = (delete(AccountDomainBlock)
            .where(AccountDomainBlock.account_id == actor.id, AccountDomainBlock.domain == domain)
            .returning(AccountDomainBlock.id))
    if (await session.execute(stmt)).first() is not None:
        events.record(session, ev.DomainUnblocked(account_id=str(actor.id), domain=domain),
                      actor_id=actor.id)

