"""Home-feed jobs. Without Redis the home timeline is read from the database and these jobs
have nothing to do for it; with Redis they maintain each active follower's capped sorted set.
Either way fan_out and unfan announce the post to live streams (timelines/live.py)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from roost import runtime
from roost.jobs import job
from roost.timelines import feeds, live, tag_fanout


@job("timelines.fan_out")
async def fan_out(session: AsyncSession, *, status_id: int) -> None:
    if runtime.redis() is not None:
        await feeds.fan_out(session, runtime.redis(), status_id)
    await live.status_created(session, status_id)


@job("timelines.unfan")
async def unfan(session: AsyncSession, *, status_id: int, account_id: int) -> None:
    if runtime.redis() is not None:
        await feeds.unfan(session, runtime.redis(), status_id, account_id)
    await live.status_deleted(session, status_id, account_id)


@job("timelines.merge_account")
async def merge_account(session: AsyncSession, *, account_id: int, target_account_id: int) -> None:
    """After a follow: the target's recent posts go into the follower's feed."""
    if runtime.redis() is None:
        return
    await feeds.merge_account(session, runtime.redis(), account_id, target_account_id)


@job("timelines.purge_account")
async def purge_account(session: AsyncSession, *, account_id: int, target_account_id: int) -> None:
    """After an unfollow or a block: the target's posts leave the account's feed."""
    if runtime.redis() is None:
        return
    await feeds.purge_account(session, runtime.redis(), account_id, target_account_id)


@job("timelines.fan_out_tags")
async def fan_out_tags(session: AsyncSession, *, status_id: int) -> None:
    """A public post with hashtags: into the feeds of the tags' followers."""
    if runtime.redis() is None:
        return
    await tag_fanout.fan_out_tags(session, runtime.redis(), status_id)
