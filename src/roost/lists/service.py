"""List writes: create, update, delete, add and remove members. Members must be accounts the
owner follows (or the owner); when a follow ends, the account leaves the owner's lists.

Exclusive lists keep their members' posts out of the owner's home, so a change of exclusive
membership enqueues the home-feed upkeep jobs (purge on entering, merge on leaving)."""

from __future__ import annotations

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from roost import events, jobs
from roost.db import insert as db_insert
from roost.events import schemas as ev
from roost.jobs.queue import REGISTRY
from roost.kit.clock import utcnow
from roost.kit.errors import Invalid, NotFound
from roost.kit.ids import new_id, parse_id
from roost.lists import repository as repo
from roost.models import Account, List, ListAccount

REPLIES_POLICIES = ("followed", "list", "none")
MAX_LISTS = 50
MAX_TITLE = 256
MAX_ACCOUNTS_PER_CALL = 250


def _title(raw: str | None) -> str:
    title = (raw or "").strip()
    if not title:
        raise Invalid("Validation failed: Title can't be blank")
    if len(title) > MAX_TITLE:
        raise Invalid(f"Validation failed: Title is too long (maximum is {MAX_TITLE} characters)")
    return title


def _policy(raw: str | None) -> str:
    if raw not in REPLIES_POLICIES:
        raise Invalid("Validation failed: Replies policy is not included in the list")
    return raw


def _record(session: AsyncSession, cls, lst: List) -> None:  # noqa: ANN001
    events.record(session, cls(list_id=str(lst.id), account_id=str(lst.account_id), title=lst.title,
                               replies_policy=lst.replies_policy, exclusive=lst.exclusive),
                  actor_id=lst.account_id, subject_id=lst.id)


def _home_jobs(session: AsyncSession, owner_id: int, *, hidden: set[int] = frozenset(),
               shown: set[int] = frozenset()) -> None:
    """Home-feed upkeep after accounts enter (`hidden`) or leave (`shown`) exclusive lists."""
    for name, ids in (("timelines.purge_account", hidden), ("timelines.merge_account", shown)):
        if name in REGISTRY:
            for target in sorted(ids):
                jobs.enqueue(session, name, account_id=owner_id, target_account_id=target)


async def get_owned(session: AsyncSession, actor: Account, list_id: str | int) -> List:
    lst = await repo.owned(session, actor.id, parse_id(list_id))
    if lst is None:
        raise NotFound()
    return lst


async def create_list(session: AsyncSession, actor: Account, *, title: str | None,
                      replies_policy: str | None = None, exclusive: bool = False) -> List:
    title = _title(title)
    policy = _policy(replies_policy or "list")
    if await repo.count_of(session, actor.id) >= MAX_LISTS:
        raise Invalid(f"Validation failed: You cannot have more than {MAX_LISTS} lists")
    now = utcnow()
    lst = List(id=new_id(), account_id=actor.id, title=title, replies_policy=policy,
               exclusive=bool(exclusive), created_at=now, updated_at=now)
    session.add(lst)
    await session.flush()
    _record(session, ev.ListCreated, lst)
    return lst


async def update_list(session: AsyncSession, actor: Account, list_id: str | int, *,
                      title: str | None = None, replies_policy: str | None = None,
                      exclusive: bool | None = None) -> List:
    """Change what is given (None: leave as it is)."""
    lst = await get_owned(session, actor, list_id)
    new_title = _title(title) if title is not None else lst.title
    new_policy = _policy(replies_policy) if replies_policy is not None else lst.replies_policy
    new_exclusive = lst.exclusive if exclusive is None else bool(exclusive)
    if (new_title, new_policy, new_exclusive) == (lst.title, lst.replies_policy, lst.exclusive):
        return lst
    if new_exclusive != lst.exclusive:
        members = set(await repo.member_ids(session, lst.id)) - {actor.id}
        lst.exclusive = new_exclusive
        await session.flush()
        if new_exclusive:
            _home_jobs(session, actor.id, hidden=members)
        else:  # members still in another exclusive list stay hidden
            _home_jobs(session, actor.id,
                       shown=members - await repo.exclusive_members(session, actor.id, members))
    lst.title, lst.replies_policy, lst.updated_at = new_title, new_policy, utcnow()
    await session.flush()
    _record(session, ev.ListUpdated, lst)
    return lst


async def delete_list(session: AsyncSession, actor: Account, list_id: str | int) -> None:
    lst = await get_owned(session, actor, list_id)
    members = set(await repo.member_ids(session, lst.id)) - {actor.id} if lst.exclusive else set()
    await session.execute(delete(ListAccount).where(ListAccount.list_id == lst.id))
    await session.execute(delete(List).where(List.id == lst.id))
    await session.flush()
    if members:
        _home_jobs(session, actor.id,
                   shown=members - await repo.exclusive_members(session, actor.id, members))
    events.record(session, ev.ListDeleted(list_id=str(lst.id), account_id=str(actor.id)),
                  actor_id=actor.id, subject_id=lst.id)


def _ids(raw: list) -> list[int]:
    if len(raw) > MAX_ACCOUNTS_PER_CALL:
        raise Invalid(f"Validation failed: at most {MAX_ACCOUNTS_PER_CALL} accounts at once")
    ids = [parse_id(x) for x in raw]
    if any(i is None for i in ids):
        raise NotFound()
    return list(dict.fromkeys(ids))  # type: ignore[arg-type]


async def add_accounts(session: AsyncSession, actor: Account, list_id: str | int,
                       account_ids: list) -> List:
    """All or nothing: 404 if any account is unknown or not followed, 422 if one is already a
    member (as Mastodon)."""
    lst = await get_owned(session, actor, list_id)
    ids = _ids(account_ids)
    if not ids:
        return lst
    allowed = await repo.followed_among(session, actor.id, ids)
    if actor.id in ids:
        allowed |= await repo.existing_accounts(session, [actor.id])
    if set(ids) - allowed:
        raise NotFound()
    if await repo.members_among(session, lst.id, ids):
        raise Invalid("Validation failed: Account has already been taken")
    hidden = (set(ids) - await repo.exclusive_members(session, actor.id, ids)
              if lst.exclusive else set())
    now = utcnow()
    stmt = db_insert(session, ListAccount).values(
        [{"id": new_id(), "list_id": lst.id, "account_id": i, "created_at": now} for i in ids])
    await session.execute(stmt.on_conflict_do_nothing(index_elements=["list_id", "account_id"]))
    _home_jobs(session, actor.id, hidden=hidden - {actor.id})
    events.record(session, ev.ListAccountsAdded(list_id=str(lst.id), account_id=str(actor.id),
                                                account_ids=[str(i) for i in ids]),
                  actor_id=actor.id, subject_id=lst.id)
    return lst


async def _remove(session: AsyncSession, lst: List, ids: list[int], *, reason: str,
                  actor_id: int) -> list[int]:
    stmt = (delete(ListAccount).where(ListAccount.list_id == lst.id, ListAccount.account_id.in_(ids))
            .returning(ListAccount.account_id))
    gone = sorted((await session.execute(stmt)).scalars())
    if gone:
        events.record(session, ev.ListAccountsRemoved(
            list_id=str(lst.id), account_id=str(lst.account_id), account_ids=[str(i) for i in gone],
            reason=reason), actor_id=actor_id, subject_id=lst.id)
    return gone


async def remove_accounts(session: AsyncSession, actor: Account, list_id: str | int,
                          account_ids: list) -> List:
    """Accounts that are not members are ignored."""
    lst = await get_owned(session, actor, list_id)
    ids = _ids(account_ids)
    if not ids:
        return lst
    gone = await _remove(session, lst, ids, reason="removed", actor_id=actor.id)
    if lst.exclusive and gone:
        _home_jobs(session, actor.id,
                   shown=set(gone) - await repo.exclusive_members(session, actor.id, gone) - {actor.id})
    return lst


async def forget_follow(session: AsyncSession, owner_id: int, target_id: int, *,
                        actor_id: int) -> None:
    """A follow ended: `target_id` leaves every list of `owner_id`. (Its posts leave home through
    the unfollow's own purge.)"""
    for list_id, _ in await repo.memberships(session, owner_id, target_id):
        lst = await session.get(List, list_id)
        if lst is not None:
            await _remove(session, lst, [target_id], reason="unfollowed", actor_id=actor_id)
