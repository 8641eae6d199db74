"""Content filters (Mastodon's CustomFilter): writes, each recording an event, and the compiled
filters a request applies.

The v1 API sees one filter per keyword (its id is the keyword's id); services for it map onto
the same rows as Mastodon does: `phrase` is both the keyword and the filter's title,
`irreversible` means the `hide` action."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import delete, update
from sqlalchemy.ext.asyncio import AsyncSession

from roost import events
from roost.events import schemas as ev
from roost.filters import repository as repo
from roost.filters.matching import ACTIONS, CONTEXTS, CompiledFilter, FilterRules, compile_filter
from roost.kit.clock import utcnow
from roost.kit.errors import Invalid, NotFound
from roost.kit.ids import new_id, parse_id
from roost.models import Account, CustomFilter, CustomFilterKeyword, CustomFilterStatus
from roost.posts import repository as posts_repo

MAX_TITLE = 256
MAX_KEYWORD = 512
MAX_EXPIRES_IN = 100 * 365 * 24 * 3600
_CACHE = "roost.filters.compiled"


@dataclass
class KeywordChange:
    """One entry of `keywords_attributes`: a new keyword (no id), a change to one, or its removal."""

    keyword: str | None = None
    whole_word: bool | None = None
    id: str | None = None
    destroy: bool = False


@dataclass
class FilterChange:
    """What a create or update sends; None means "not sent". `expires_in` counts only when
    `expires_sent` (None then means "never")."""

    title: str | None = None
    context: list[str] | None = None
    action: str | None = None
    expires_sent: bool = False
    expires_in: int | None = None
    keywords: list[KeywordChange] = field(default_factory=list)


# ---- reading ------------------------------------------------------------------------------------

async def compiled_for(session: AsyncSession, account_id: int) -> list[CompiledFilter]:
    """The account's unexpired filters, compiled once per unit of work (one query)."""
    cache: dict[int, list[CompiledFilter]] = session.info.setdefault(_CACHE, {})
    if account_id not in cache:
        rows = await repo.filters_with_rules(session, account_id, active_at=utcnow())
        cache[account_id] = [compile_filter(rules) for _, rules in rows]
    return cache[account_id]


async def list_filters(session: AsyncSession, viewer: Account) -> list[FilterRules]:
    return [rules for _, rules in await repo.filters_with_rules(session, viewer.id)]


async def get_filter(session: AsyncSession, viewer: Account, filter_id: str | int) -> FilterRules:
    found = await repo.filters_with_rules(session, viewer.id, filter_id=parse_id(filter_id) or 0)
    if not found:
        raise NotFound()
    return found[0][1]


async def _own_filter(session: AsyncSession, viewer: Account, filter_id: str, *,
                      for_update: bool = False) -> CustomFilter:
    """The viewer's filter, or 404 (someone else's filter is not found either)."""
    row = await repo.own_filter(session, viewer.id, parse_id(filter_id), for_update=for_update)
    if row is None:
        raise NotFound()
    return row


async def list_keywords(session: AsyncSession, viewer: Account, filter_id: str) -> list[CustomFilterKeyword]:
    return await repo.keywords_of(session, (await _own_filter(session, viewer, filter_id)).id)


async def get_keyword(session: AsyncSession, viewer: Account,
                      keyword_id: str) -> tuple[CustomFilterKeyword, CustomFilter]:
    found = await repo.own_keyword(session, viewer.id, parse_id(keyword_id))
    if found is None:
        raise NotFound()
    return found


async def list_statuses(session: AsyncSession, viewer: Account, filter_id: str) -> list[CustomFilterStatus]:
    return await repo.statuses_of(session, (await _own_filter(session, viewer, filter_id)).id)


async def get_filtered_status(session: AsyncSession, viewer: Account,
                          filter_status_id: str) -> CustomFilterStatus:
    found = await repo.own_status(session, viewer.id, parse_id(filter_status_id))
    if found is None:
        raise NotFound()
    return found[0]


async def v1_filters(session: AsyncSession, viewer: Account) -> list[tuple[CustomFilterKeyword, CustomFilter]]:
    return await repo.own_keywords(session, viewer.id)


# ---- checks -------------------------------------------------------------------------------------

def _title(value: str | None) -> str:
    title = (value or "").strip()
    if not title:
        raise Invalid("Validation failed: Title can't be blank")
    if len(title) > MAX_TITLE:
        raise Invalid(f"Validation failed: Title is too long (maximum is {MAX_TITLE} characters)")
    return title


def _context(value: list[str] | None) -> list[str]:
    cleaned = []
    for c in value or []:
        c = c.strip()
        if c and c not in cleaned:
            cleaned.append(c)
    if not cleaned:
        raise Invalid("Validation failed: Context can't be blank")
    if any(c not in CONTEXTS for c in cleaned):
        raise Invalid("Validation failed: Context is invalid")
    return cleaned


def _action(value: str | None) -> str:
    if value not in ACTIONS:
        raise Invalid("Validation failed: Filter action is not included in the list")
    return value


def _expires_at(seconds: int | None) -> datetime | None:
    if seconds is None:
        return None
    if not 0 < seconds <= MAX_EXPIRES_IN:
        raise Invalid("Validation failed: Expires in must be a positive number of seconds")
    return utcnow() + timedelta(seconds=seconds)


def _keyword(value: str | None) -> str:
    kw = (value or "").strip()
    if not kw:
        raise Invalid("Validation failed: Keyword can't be blank")
    if len(kw) > MAX_KEYWORD:
        raise Invalid(f"Validation failed: Keyword is too long (maximum is {MAX_KEYWORD} characters)")
    return kw


def _forget_compiled(session: AsyncSession) -> None:
    session.info.pop(_CACHE, None)


async def _count_filters(session: AsyncSession, owner: Account, by: int) -> None:
    """Keep `accounts.filters_count` (with none, rendering skips the filters query): an atomic
    increment, right under concurrent writes; `owner` in the session gets the new value."""
    await session.execute(update(Account).where(Account.id == owner.id)
                          .values(filters_count=Account.filters_count + by)
                          .execution_options(synchronize_session="fetch"))


def _keyword_event(cls, row: CustomFilterKeyword, account_id: int):  # noqa: ANN001, ANN202
    return cls(filter_id=str(row.filter_id), account_id=str(account_id), keyword_id=str(row.id),
               keyword=row.keyword, whole_word=row.whole_word)


# ---- filters ------------------------------------------------------------------------------------

async def _insert_keyword(session: AsyncSession, owner: Account, filter_id: int, keyword: str,
                          whole_word: bool | None) -> CustomFilterKeyword:
    row = CustomFilterKeyword(id=new_id(), filter_id=filter_id, keyword=_keyword(keyword),
                              whole_word=True if whole_word is None else whole_word)
    session.add(row)
    await session.flush()
    events.record(session, _keyword_event(ev.FilterKeywordAdded, row, owner.id),
                  actor_id=owner.id, subject_id=filter_id)
    return row


async def create_filter(session: AsyncSession, owner: Account, change: FilterChange) -> FilterRules:
    """A new filter with its keywords; keywords with `_destroy` are left out, any with an id
    is an error (404) as in Mastodon."""
    title, context = _title(change.title), _context(change.context)
    action = _action(change.action or "warn")
    expires_at = _expires_at(change.expires_in) if change.expires_sent else None
    if any(k.id not in (None, "") for k in change.keywords):
        raise NotFound()
    wanted = [k for k in change.keywords if not k.destroy]
    for k in wanted:
        _keyword(k.keyword)
    row = CustomFilter(id=new_id(), account_id=owner.id, title=title, context=context,
                       action=action, expires_at=expires_at)
    session.add(row)
    await session.flush()
    await _count_filters(session, owner, 1)
    added = [await _insert_keyword(session, owner, row.id, k.keyword, k.whole_word) for k in wanted]
    events.record(session, ev.FilterCreated(
        filter_id=str(row.id), account_id=str(owner.id), title=title, context=context,
        action=action, expires_at=expires_at.isoformat() if expires_at else None,
        keyword_ids=[str(k.id) for k in added],
    ), actor_id=owner.id, subject_id=row.id)
    _forget_compiled(session)
    return await get_filter(session, owner, row.id)


def _apply_filter_fields(row: CustomFilter, change: FilterChange) -> list[str]:
    """Set the sent fields on `row`; the names of those that changed."""
    changed = []
    if change.title is not None and (title := _title(change.title)) != row.title:
        row.title = title
        changed.append("title")
    if change.context is not None and (context := _context(change.context)) != list(row.context):
        row.context = context
        changed.append("context")
    if change.action is not None and (action := _action(change.action)) != row.action:
        row.action = action
        changed.append("filter_action")
    if change.expires_sent:
        expires_at = _expires_at(change.expires_in)
        if expires_at != row.expires_at:
            row.expires_at = expires_at
            changed.append("expires_at")
    return changed


async def update_filter(session: AsyncSession, owner: Account, filter_id: str,
                        change: FilterChange) -> FilterRules:
    """Change the sent fields and apply `keywords_attributes`: entries with an id change or
    (`_destroy`) remove that keyword of this filter (404 for any other id), the rest are added."""
    row = await _own_filter(session, owner, filter_id, for_update=True)
    existing = {k.id: k for k in await repo.keywords_of(session, row.id)}
    targets = []
    for k in change.keywords:
        if k.id in (None, ""):
            if not k.destroy:
                _keyword(k.keyword)
            targets.append((k, None))
            continue
        target = existing.get(parse_id(k.id) or 0)
        if target is None:
            raise NotFound()
        if not k.destroy and k.keyword is not None:
            _keyword(k.keyword)
        targets.append((k, target))
    changed = _apply_filter_fields(row, change)
    for k, target in targets:
        if target is None:
            if not k.destroy:
                await _insert_keyword(session, owner, row.id, k.keyword, k.whole_word)
        elif k.destroy:
            await _delete_keyword(session, owner, target)
        else:
            await _change_keyword(session, owner, target, k.keyword, k.whole_word)
    if changed:
        row.updated_at = utcnow()
        await session.flush()
        events.record(session, ev.FilterUpdated(filter_id=str(row.id), account_id=str(owner.id),
                                                fields=changed), actor_id=owner.id, subject_id=row.id)
    _forget_compiled(session)
    return await get_filter(session, owner, row.id)


async def delete_filter(session: AsyncSession, owner: Account, filter_id: str) -> None:
    row = await _own_filter(session, owner, filter_id, for_update=True)
    await _delete_filter_row(session, owner, row)


async def _delete_filter_row(session: AsyncSession, owner: Account, row: CustomFilter) -> None:
    await session.execute(delete(CustomFilterKeyword).where(CustomFilterKeyword.filter_id == row.id))
    await session.execute(delete(CustomFilterStatus).where(CustomFilterStatus.filter_id == row.id))
    await session.delete(row)
    await session.flush()
    await _count_filters(session, owner, -1)
    events.record(session, ev.FilterDeleted(filter_id=str(row.id), account_id=str(owner.id)),
                  actor_id=owner.id, subject_id=row.id)
    _forget_compiled(session)


# ---- keywords -----------------------------------------------------------------------------------

async def add_keyword(session: AsyncSession, owner: Account, filter_id: str, keyword: str | None,
                      whole_word: bool | None) -> CustomFilterKeyword:
    row = await _own_filter(session, owner, filter_id)
    added = await _insert_keyword(session, owner, row.id, keyword, whole_word)
    _forget_compiled(session)
    return added


async def _change_keyword(session: AsyncSession, owner: Account, row: CustomFilterKeyword,
                          keyword: str | None, whole_word: bool | None) -> None:
    new_keyword = _keyword(keyword) if keyword is not None else row.keyword
    new_whole = row.whole_word if whole_word is None else whole_word
    if (new_keyword, new_whole) == (row.keyword, row.whole_word):
        return
    row.keyword, row.whole_word = new_keyword, new_whole
    await session.flush()
    events.record(session, _keyword_event(ev.FilterKeywordUpdated, row, owner.id),
                  actor_id=owner.id, subject_id=row.filter_id)


async def update_keyword(session: AsyncSession, owner: Account, keyword_id: str,
                         keyword: str | None, whole_word: bool | None) -> CustomFilterKeyword:
    row, _ = await get_keyword(session, owner, keyword_id)
    await _change_keyword(session, owner, row, keyword, whole_word)
    _forget_compiled(session)
    return row


async def _delete_keyword(session: AsyncSession, owner: Account, row: CustomFilterKeyword) -> None:
    await session.delete(row)
    await session.flush()
    events.record(session, ev.FilterKeywordRemoved(
        filter_id=str(row.filter_id), account_id=str(owner.id), keyword_id=str(row.id),
    ), actor_id=owner.id, subject_id=row.filter_id)


async def remove_keyword(session: AsyncSession, owner: Account, keyword_id: str) -> None:
    row, _ = await get_keyword(session, owner, keyword_id)
    await _delete_keyword(session, owner, row)
    _forget_compiled(session)


# ---- statuses -----------------------------------------------------------------------------------

async def add_status(session: AsyncSession, owner: Account, filter_id: str,
                     status_id: str | None) -> CustomFilterStatus:
    """Filter one post (as Mastodon: 422 when the owner may not read it or it is already in)."""
    row = await _own_filter(session, owner, filter_id)
    status = await posts_repo.get_readable(session, parse_id(status_id or ""), owner.id)
    if status is None:
        raise Invalid("Validation failed: Status must exist")
    if await repo.has_status(session, row.id, status.id):
        raise Invalid("Validation failed: Status has already been taken")
    added = CustomFilterStatus(id=new_id(), filter_id=row.id, status_id=status.id)
    session.add(added)
    await session.flush()
    events.record(session, ev.FilterStatusAdded(
        filter_id=str(row.id), account_id=str(owner.id), filter_status_id=str(added.id),
        status_id=str(status.id),
    ), actor_id=owner.id, subject_id=row.id)
    _forget_compiled(session)
    return added


async def remove_status(session: AsyncSession, owner: Account,
                        filter_status_id: str) -> CustomFilterStatus:
    row = await get_filtered_status(session, owner, filter_status_id)
    await session.delete(row)
    await session.flush()
    events.record(session, ev.FilterStatusRemoved(
        filter_id=str(row.filter_id), account_id=str(owner.id), filter_status_id=str(row.id),
        status_id=str(row.status_id),
    ), actor_id=owner.id, subject_id=row.filter_id)
    _forget_compiled(session)
    return row


# ---- the v1 API: one keyword seen as a filter ----------------------------------------------------

@dataclass
class V1Change:
    phrase: str | None = None
    context: list[str] | None = None
    irreversible: bool | None = None
    whole_word: bool | None = None
    expires_sent: bool = False
    expires_in: int | None = None


async def v1_create(session: AsyncSession, owner: Account,
                    change: V1Change) -> tuple[CustomFilterKeyword, CustomFilter]:
    _keyword(change.phrase)
    rules = await create_filter(session, owner, FilterChange(
        title=change.phrase, context=change.context,
        action="hide" if change.irreversible else "warn",
        expires_sent=change.expires_sent, expires_in=change.expires_in,
        keywords=[KeywordChange(keyword=change.phrase, whole_word=change.whole_word)]))
    return await get_keyword(session, owner, str(rules.keywords[0].id))


async def v1_update(session: AsyncSession, owner: Account, keyword_id: str,
                    change: V1Change) -> tuple[CustomFilterKeyword, CustomFilter]:
    """Update the keyword and its filter; a filter with more keywords cannot be changed through
    v1 (422, Mastodon's rule), only its keyword."""
    kw, row = await get_keyword(session, owner, keyword_id)
    fields = FilterChange(
        title=change.phrase, context=change.context,
        action=None if change.irreversible is None else ("hide" if change.irreversible else "warn"),
        expires_sent=change.expires_sent, expires_in=change.expires_in)
    changed = _apply_filter_fields(row, fields)
    if changed and len(await repo.keywords_of(session, row.id)) > 1:
        raise Invalid("These parameters cannot be changed from this application because they "
                      "apply to more than one filter keyword. Use a more recent application or "
                      "the web interface.")
    await _change_keyword(session, owner, kw, change.phrase, change.whole_word)
    if changed:
        row.updated_at = utcnow()
        await session.flush()
        events.record(session, ev.FilterUpdated(filter_id=str(row.id), account_id=str(owner.id),
                                                fields=changed), actor_id=owner.id, subject_id=row.id)
    _forget_compiled(session)
    return kw, row


async def v1_delete(session: AsyncSession, owner: Account, keyword_id: str) -> None:
    """Remove the keyword; its filter goes too when nothing is left in it."""
    kw, row = await get_keyword(session, owner, keyword_id)
    await _delete_keyword(session, owner, kw)
    if not await repo.keywords_of(session, row.id) and not await repo.statuses_of(session, row.id):
        await _delete_filter_row(session, owner, row)
    _forget_compiled(session)
