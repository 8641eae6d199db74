"""Social-graph writes: follow, follow requests, block, mute. Each verb checks first, then writes,
records its event and enqueues its jobs in the caller's transaction.

Rows are inserted with ON CONFLICT DO NOTHING and removed with DELETE, and the account counters
move only when a row really appeared or went away, so concurrent requests keep them exact."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from roost import events, jobs
from roost.accounts import repository as accounts_repo
from roost.db import insert as db_insert
from roost.events import schemas as ev
from roost.graph import repository as repo
from roost.jobs.queue import REGISTRY
from roost.kit.clock import utcnow
from roost.kit.errors import Forbidden, Invalid, NotFound
from roost.kit.ids import new_id, parse_id
from roost.lists import service as lists_service
from roost.models import Account, AccountPin, Block, Follow, FollowRequest, Mute, Notification

MAX_MUTE_SECONDS = 10 * 365 * 24 * 3600
MAX_LANGUAGES = 100
_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,8})?$")


# ---- helpers ------------------------------------------------------------------------------------

async def _target(session: AsyncSession, actor: Account, target_id: str | int, verb: str) -> Account:
    """The account acted on: 404 unless it exists and is active, 422 if it is the actor."""
    target = await accounts_repo.get(session, parse_id(target_id))
    if target is None:
        raise NotFound()
    if target.id == actor.id:
        raise Invalid(f"Validation failed: You cannot {verb} yourself")
    return target


async def _insert_pair(session: AsyncSession, model: Any, **values: Any) -> bool:
    """Insert an (account_id, target_account_id) row unless one exists. True if it is new."""
    stmt = db_insert(session, model).values(id=new_id(), created_at=utcnow(), **values)
    stmt = stmt.on_conflict_do_nothing(index_elements=["account_id", "target_account_id"])
    return bool((await session.execute(stmt)).rowcount)


async def _delete_pair(session: AsyncSession, model: Any, account_id: int, target_id: int) -> Any:
    """Delete the row and return it as a named tuple (None if there was none)."""
    stmt = (delete(model).where(model.account_id == account_id, model.target_account_id == target_id)
            .returning(*model.__table__.c))
    return (await session.execute(stmt)).first()


async def _count_follow(session: AsyncSession, follower_id: int, target_id: int, delta: int) -> None:
    """Move following_count / followers_count by one, never below zero."""
    for account_id, column in ((follower_id, Account.following_count),
                               (target_id, Account.followers_count)):
        stmt = update(Account).where(Account.id == account_id)
        if delta < 0:
            stmt = stmt.where(column > 0)
        await session.execute(stmt.values({column.key: column + delta}))


def _timeline_job(session: AsyncSession, name: str, account_id: int, target_account_id: int) -> None:
    """Home-feed upkeep, only where the timelines domain provides the job."""
    if name in REGISTRY:
        jobs.enqueue(session, name, account_id=account_id, target_account_id=target_account_id)


async def _drop_notification(session: AsyncSession, account_id: int, from_account_id: int,
                             type_: str) -> None:
    """A follow or follow request that goes away takes its notification with it (as in Mastodon)."""
    await session.execute(delete(Notification).where(
        Notification.account_id == account_id, Notification.from_account_id == from_account_id,
        Notification.type == type_, Notification.status_id.is_(None)))


def _languages(raw: list[str] | None) -> list[str] | None:
    """Normalise a languages filter: None for all languages (blank items are dropped, so a
    form's `languages[]=` clears it)."""
    raw = [item for item in raw or [] if str(item).strip()]
    if not raw:
        return None
    if len(raw) > MAX_LANGUAGES:
        raise Invalid("Validation failed: Too many languages")
    out: list[str] = []
    for item in raw:
        code = str(item).strip().lower()
        if not _LANGUAGE.match(code):
            raise Invalid(f"Validation failed: {str(item)[:20]!r} is not a language code")
        if code not in out:
            out.append(code)
    return out


def _options(reblogs: bool | None, notify: bool | None, languages: list[str] | None) -> dict:
    """The follow options that were given (None means: leave as it is)."""
    opts: dict[str, Any] = {}
    if reblogs is not None:
        opts["show_reblogs"] = bool(reblogs)
    if notify is not None:
        opts["notify"] = bool(notify)
    if languages is not None:
        opts["languages"] = _languages(languages)
    return opts


async def _start_following(session: AsyncSession, follower_id: int, target_id: int, *,
                           actor_id: int, **values: Any) -> bool:
    if not await _insert_pair(session, Follow, account_id=follower_id, target_account_id=target_id,
                              **values):
        return False
    await _count_follow(session, follower_id, target_id, +1)
    events.record(session, ev.Followed(account_id=str(follower_id), target_account_id=str(target_id)),
                  actor_id=actor_id, subject_id=target_id, public=True)
    _timeline_job(session, "timelines.merge_account", follower_id, target_id)
    return True


async def _stop_following(session: AsyncSession, follower_id: int, target_id: int, *,
                          actor_id: int, purge: bool = True) -> bool:
    if await _delete_pair(session, Follow, follower_id, target_id) is None:
        return False
    await _count_follow(session, follower_id, target_id, -1)
    await _drop_notification(session, target_id, follower_id, "follow")
    await lists_service.forget_follow(session, follower_id, target_id, actor_id=actor_id)
    events.record(session, ev.Unfollowed(account_id=str(follower_id), target_account_id=str(target_id)),
                  actor_id=actor_id, subject_id=target_id, public=True)
    await drop_endorsement(session, follower_id, target_id)  # only followed accounts are featured
    if purge:
        _timeline_job(session, "timelines.purge_account", follower_id, target_id)
    return True


async def drop_endorsement(session: AsyncSession, account_id: int, target_id: int) -> bool:
    stmt = (delete(AccountPin).where(AccountPin.account_id == account_id,
                                     AccountPin.target_account_id == target_id)
            .returning(AccountPin.id))
    if (await session.execute(stmt)).first() is None:
        return False
    events.record(session, ev.AccountUnendorsed(account_id=str(account_id),
                                                target_account_id=str(target_id)),
                  actor_id=account_id, subject_id=target_id, public=True)
    return True


async def _withdraw_request(session: AsyncSession, requester_id: int, target_id: int, *,
                            actor_id: int) -> bool:
    if await _delete_pair(session, FollowRequest, requester_id, target_id) is None:
        return False
    await _drop_notification(session, target_id, requester_id, "follow_request")
    events.record(session, ev.FollowRequestWithdrawn(account_id=str(requester_id),
                                                     target_account_id=str(target_id)),
                  actor_id=actor_id, subject_id=target_id)
    return True


# ---- follows ------------------------------------------------------------------------------------

async def follow(session: AsyncSession, actor: Account, target_id: str | int, *,
                 reblogs: bool | None = None, notify: bool | None = None,
                 languages: list[str] | None = None) -> Account:
    """Follow an account, or ask to if it is locked. Following again updates the options given.
    `languages`: None keeps the current filter, [] clears it (all languages)."""
    target = await _target(session, actor, target_id, "follow")
    if await repo.blocked_either_way(session, actor.id, target.id):
        raise Forbidden("This action is not allowed: blocked")
    opts = _options(reblogs, notify, languages)

    current = (await repo.get_follow(session, actor.id, target.id)
               or await repo.get_follow_request(session, actor.id, target.id))
    if current is not None:
        for key, value in opts.items():
            setattr(current, key, value)
        await session.flush()
        return target

    values = {"show_reblogs": True, "notify": False, "languages": None, **opts}
    if target.locked:
        if await _insert_pair(session, FollowRequest, account_id=actor.id,
                              target_account_id=target.id, **values):
            events.record(session, ev.FollowRequested(account_id=str(actor.id),
                                                      target_account_id=str(target.id)),
                          actor_id=actor.id, subject_id=target.id)
            jobs.enqueue(session, "notifications.create", account_id=target.id,
                         type="follow_request", from_account_id=actor.id)
        return target
    if await _start_following(session, actor.id, target.id, actor_id=actor.id, **values):
        jobs.enqueue(session, "notifications.create", account_id=target.id, type="follow",
                     from_account_id=actor.id)
    return target


async def unfollow(session: AsyncSession, actor: Account, target_id: str | int) -> Account:
    """Stop following, or withdraw a pending follow request."""
    target = await _target(session, actor, target_id, "unfollow")
    await _stop_following(session, actor.id, target.id, actor_id=actor.id)
    await _withdraw_request(session, actor.id, target.id, actor_id=actor.id)
    return target


async def remove_from_followers(session: AsyncSession, actor: Account,
                                follower_id: str | int) -> Account:
    follower = await _target(session, actor, follower_id, "remove")
    await _stop_following(session, follower.id, actor.id, actor_id=actor.id)
    return follower


async def _requester(session: AsyncSession, actor: Account, requester_id: str | int) -> Account:
    requester = await accounts_repo.get(session, parse_id(requester_id))
    if requester is None:
        raise NotFound()
    return requester


async def authorize_follow_request(session: AsyncSession, actor: Account,
                                   requester_id: str | int) -> Account:
    """Accept a pending request to follow `actor`: it becomes a follow with the options asked."""
    requester = await _requester(session, actor, requester_id)
    request = await _delete_pair(session, FollowRequest, requester.id, actor.id)
    if request is None:
        raise NotFound()
    await _drop_notification(session, actor.id, requester.id, "follow_request")
    await _start_following(session, requester.id, actor.id, actor_id=actor.id,
                           show_reblogs=request.show_reblogs, notify=request.notify,
                           languages=request.languages)
    return requester


async def reject_follow_request(session: AsyncSession, actor: Account,
                                requester_id: str | int) -> Account:
    requester = await _requester(session, actor, requester_id)
    if await _delete_pair(session, FollowRequest, requester.id, actor.id) is None:
        raise NotFound()
    await _drop_notification(session, actor.id, requester.id, "follow_request")
    events.record(session, ev.FollowRequestRejected(account_id=str(requester.id),
                                                    target_account_id=str(actor.id)),
                  actor_id=actor.id, subject_id=requester.id)
    return requester


async def authorize_all_follow_requests(session: AsyncSession, account: Account) -> int:
    """Accept every pending request (for an account that stops being locked). Returns how many."""
    requester_ids = list((await session.execute(
        select(FollowRequest.account_id).where(FollowRequest.target_account_id == account.id)
    )).scalars())
    for requester_id in requester_ids:
        await authorize_follow_request(session, account, requester_id)
    return len(requester_ids)


# ---- blocks -------------------------------------------------------------------------------------

async def block(session: AsyncSession, actor: Account, target_id: str | int) -> Account:
    """Block: follows and follow requests between the two end, both ways."""
    target = await _target(session, actor, target_id, "block")
    if not await _insert_pair(session, Block, account_id=actor.id, target_account_id=target.id):
        return target
    for a, b in ((actor.id, target.id), (target.id, actor.id)):
        await _stop_following(session, a, b, actor_id=actor.id, purge=False)
        await _withdraw_request(session, a, b, actor_id=actor.id)
    events.record(session, ev.Blocked(account_id=str(actor.id), target_account_id=str(target.id)),
                  actor_id=actor.id, subject_id=target.id)
    _timeline_job(session, "timelines.purge_account", actor.id, target.id)
    _timeline_job(session, "timelines.purge_account", target.id, actor.id)
    return target


async def unblock(session: AsyncSession, actor: Account, target_id: str | int) -> Account:
    target = await _target(session, actor, target_id, "unblock")
    if await _delete_pair(session, Block, actor.id, target.id) is not None:
        events.record(session, ev.Unblocked(account_id=str(actor.id), target_account_id=str(target.id)),
                      actor_id=actor.id, subject_id=target.id)
    return target


# ---- mutes --------------------------------------------------------------------------------------

async def mute(session: AsyncSession, actor: Account, target_id: str | int, *,
               notifications: bool = True, duration_seconds: int = 0) -> Account:
    """Mute an account, for `duration_seconds` (0: until unmuted). Muting again replaces the
    options and the duration."""
    target = await _target(session, actor, target_id, "mute")
    if not 0 <= duration_seconds <= MAX_MUTE_SECONDS:
        raise Invalid(f"Validation failed: duration must be between 0 and {MAX_MUTE_SECONDS} seconds")
    expires_at = utcnow() + timedelta(seconds=duration_seconds) if duration_seconds else None
    stmt = db_insert(session, Mute).values(
        id=new_id(), account_id=actor.id, target_account_id=target.id,
        hide_notifications=bool(notifications), expires_at=expires_at, created_at=utcnow(),
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=["account_id", "target_account_id"],
        set_={"hide_notifications": stmt.excluded.hide_notifications,
              "expires_at": stmt.excluded.expires_at},
    )
    await session.execute(stmt)
    events.record(session, ev.Muted(account_id=str(actor.id), target_account_id=str(target.id),
                                    expires_at=expires_at.isoformat() if expires_at else None),
                  actor_id=actor.id, subject_id=target.id)
    if expires_at is not None:
        jobs.enqueue(session, "graph.expire_mute", run_at=expires_at, account_id=actor.id,
                     target_account_id=target.id)
    return target


async def unmute(session: AsyncSession, actor: Account, target_id: str | int) -> Account:
    target = await _target(session, actor, target_id, "unmute")
    if await _delete_pair(session, Mute, actor.id, target.id) is not None:
        events.record(session, ev.Unmuted(account_id=str(actor.id), target_account_id=str(target.id)),
                      actor_id=actor.id, subject_id=target.id)
    return target


async def expire_mute(session: AsyncSession, account_id: int, target_id: int) -> bool:
    """End a timed mute whose time is up (a later mute with a new duration is left alone)."""
    stmt = (delete(Mute).where(Mute.account_id == account_id, Mute.target_account_id == target_id,
                               Mute.expires_at.is_not(None), Mute.expires_at <= utcnow())
            .returning(Mute.id))
    if (await session.execute(stmt)).first() is None:
        return False
    events.record(session, ev.Unmuted(account_id=str(account_id), target_account_id=str(target_id)),
                  actor_id=account_id, subject_id=target_id)
    return True
