"""Poll queries. A poll is readable exactly when its post is (`posts.repository.readable_by`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from roost.models import Poll, PollVote, Status
from roost.posts import repository as posts_repo


async def get_readable(session: AsyncSession, poll_id: int | None,
                       viewer_id: int | None) -> tuple[Poll, Status] | None:
    if poll_id is None:
        return None
    poll = await session.get(Poll, poll_id)
    if poll is None:
        return None
    status = await posts_repo.get_readable(session, poll.status_id, viewer_id)
    return (poll, status) if status is not None else None


async def for_statuses(session: AsyncSession, status_ids: Iterable[int]) -> dict[int, Poll]:
    """The polls of these posts, by post id, in one query."""
    ids = list(set(status_ids))
    if not ids:
        return {}
    rows = (await session.execute(select(Poll).where(Poll.status_id.in_(ids)))).scalars()
    return {p.status_id: p for p in rows}


async def own_votes(session: AsyncSession, account_id: int | None,
                    poll_ids: Iterable[int]) -> dict[int, list[int]]:
    """The choices `account_id` made in each of these polls, in one query."""
    ids = list(set(poll_ids))
    if account_id is None or not ids:
        return {}
    rows = await session.execute(
        select(PollVote.poll_id, PollVote.choice)
        .where(PollVote.account_id == account_id, PollVote.poll_id.in_(ids))
        .order_by(PollVote.poll_id, PollVote.choice))
    out: dict[int, list[int]] = defaultdict(list)
    for poll_id, choice in rows.all():
        out[poll_id].append(choice)
    return dict(out)


async def voter_ids(session: AsyncSession, poll_id: int) -> list[int]:
    rows = await session.execute(
        select(PollVote.account_id).where(PollVote.poll_id == poll_id).distinct())
    return list(rows.scalars())
