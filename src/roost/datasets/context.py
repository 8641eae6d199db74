"""What every builder shares: consent at build time, pseudonyms, scrubbing, and batched loads of
events, posts and accounts (never one query per row)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import pyarrow as pa
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from roost.consent.rules import may_use, may_use_post
from roost.datasets import pii
from roost.models import Account, AssistantAccount, Event, Mention, Status

CHUNK = 500


def chunks(values: Sequence, size: int = CHUNK) -> Iterable[Sequence]:
    for i in range(0, len(values), size):
        yield values[i:i + size]


@dataclass
class Row:
    """One output row: its values, the config (subset) it belongs to, the item it came from (the
    manifest) and every account that appears in it (all must be allowed; dataset_build_accounts)."""
    config: str
    item: str
    accounts: tuple[int, ...]
    values: dict
    at: datetime | None = None  # when its source happened (the card's collection period)


@dataclass
class Config:
    """One subset of a kind: its Arrow schema and a description of each field (the card)."""
    name: str
    schema: pa.Schema
    fields: dict[str, str]
    rows_per_file: int = 50_000


@dataclass
class Context:
    session: AsyncSession
    salt: str
    now: datetime
    levels: dict[int, str] = field(default_factory=dict)  # "none" for inactive accounts
    usernames: dict[str, int] = field(default_factory=dict)  # lower-case username -> id
    statuses: dict[int, Status | None] = field(default_factory=dict)
    assistant_ids: set[int] | None = None

    # ---- accounts and consent -------------------------------------------------------------------

    async def load_accounts(self, ids: Iterable[int]) -> None:
        """The level in force now for each account; deleted and suspended accounts count as none."""
        missing = sorted({i for i in ids if i is not None} - set(self.levels))
        for part in chunks(missing):
            rows = await self.session.execute(
                select(Account.id, Account.training_consent, Account.suspended_at,
                       Account.deleted_at, Account.username_lower).where(Account.id.in_(part)))
            for aid, level, suspended, deleted, name in rows.all():
                self.levels[aid] = level if suspended is None and deleted is None else "none"
                self.usernames[name] = aid
        for aid in missing:
            self.levels.setdefault(aid, "none")

    def allows(self, account_id: int | None, need: str) -> bool:
        """May data of this account (already loaded) be used for a kind that needs `need`
        ("public_posts" or "all")?"""
        return account_id is not None and may_use(self.levels.get(account_id, "none"), need)

    def pseudonym(self, account_id: int) -> str:
        return pii.pseudonym(self.salt, account_id)

    # ---- posts ----------------------------------------------------------------------------------

    async def load_statuses(self, ids: Iterable[int]) -> None:
        missing = sorted({i for i in ids if i is not None} - set(self.statuses))
        for part in chunks(missing):
            for status in (await self.session.scalars(
                    select(Status).where(Status.id.in_(part)))).all():
                self.statuses[status.id] = status
        for sid in missing:
            self.statuses.setdefault(sid, None)
        await self.load_accounts(s.account_id for s in self.statuses.values() if s is not None)

    def status(self, status_id: int | None) -> Status | None:
        return self.statuses.get(status_id) if status_id is not None else None

    def post_usable(self, status_id: int | None) -> bool:
        """A loaded post whose text and media may be used: public, not excluded, not deleted, not
        a repost, by an active author whose level allows public posts."""
        s = self.status(status_id)
        return (s is not None and s.reblog_of_id is None
                and may_use_post(self.levels.get(s.account_id, "none"), visibility=s.visibility,
                                 opted_out=s.training_opt_out, deleted=s.deleted_at is not None))

    # ---- text -----------------------------------------------------------------------------------

    async def prepare_text(self, texts: Iterable[str]) -> None:
        """Load the accounts mentioned in these texts (one query), for `scrub`."""
        names = sorted({n for t in texts for n in pii.mentioned_names(t)} - set(self.usernames))
        for part in chunks(names):
            rows = await self.session.execute(
                select(Account.id, Account.username_lower).where(Account.username_lower.in_(part)))
            found = dict((n, i) for i, n in rows.all())
            self.usernames.update(found)
            await self.load_accounts(found.values())
        if self.assistant_ids is None:
            self.assistant_ids = set((await self.session.scalars(
                select(AssistantAccount.account_id))).all())

    def scrub(self, text: str | None) -> str:
        """Placeholders for emails, phones and secrets; "@user" for a mention of anyone who did not
        consent to public posts (remote accounts included: their consent is unknown here). The
        assistant's own mention stays."""
        def mention(name: str, domain: str | None) -> str:
            aid = self.usernames.get(name.lower()) if domain is None else None
            if aid is not None and (aid in (self.assistant_ids or ())
                                    or self.allows(aid, "public_posts")):
                return f"@{name}"
            return pii.ANONYMOUS_MENTION
        return pii.scrub(text or "", mention)

    def is_assistant(self, account_id: int | None) -> bool:
        return account_id in (self.assistant_ids or ())

    # ---- events ---------------------------------------------------------------------------------

    async def events_by_seq(self, seqs: Iterable[int]) -> dict[int, Event]:
        out: dict[int, Event] = {}
        for part in chunks(sorted(set(seqs))):
            for e in (await self.session.scalars(select(Event).where(Event.seq.in_(part)))).all():
                out[e.seq] = e
        return out

    async def events_of(self, types: Sequence[str], *, after: int, upto: int,
                        actors: Iterable[int] | None = None) -> list[Event]:
        """Events of these types in (after, upto], optionally only by these actors, in order."""
        base = (select(Event).where(Event.type.in_(list(types)), Event.seq > after,
                                    Event.seq <= upto).order_by(Event.seq))
        if actors is None:
            return list((await self.session.scalars(base)).all())
        out: list[Event] = []
        for part in chunks(sorted(set(actors))):
            out += (await self.session.scalars(base.where(Event.actor_id.in_(part)))).all()
        return sorted(out, key=lambda e: e.seq)

    async def events_about(self, types: Sequence[str], subjects: Iterable[int], *,
                           upto: int) -> list[Event]:
        """Events of these types whose subject is one of `subjects`, up to `upto`, in order."""
        out: list[Event] = []
        for part in chunks(sorted(set(subjects))):
            out += (await self.session.scalars(select(Event).where(
                Event.type.in_(list(types)), Event.subject_id.in_(part), Event.seq <= upto))).all()
        return sorted(out, key=lambda e: e.seq)

    async def mentions_of(self, status_ids: Iterable[int]) -> dict[int, list[int]]:
        out: dict[int, list[int]] = {}
        for part in chunks(sorted(set(status_ids))):
            rows = await self.session.execute(
                select(Mention.status_id, Mention.account_id).where(Mention.status_id.in_(part)))
            for sid, aid in rows.all():
                out.setdefault(sid, []).append(aid)
        return out


def image_struct(data: bytes, path: str) -> dict:
    """The value of a `datasets.Image()` feature: the file's bytes and a name."""
    return {"bytes": data, "path": path}


IMAGE = pa.struct([("bytes", pa.binary()), ("path", pa.string())])
