"""Poll writes, as Mastodon 4.3 has them: a poll is made with its post (never with media), has
2..`poll_max_options` distinct options and closes `expires_in` seconds later; anyone who may read
the post votes once (several choices on a multiple-choice poll), except its author; at the close,
the author and the voters get a `poll` notification."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from roost import events, jobs, runtime
from roost.events import schemas as ev
from roost.kit.clock import utcnow
from roost.kit import text as textkit
from roost.kit.errors import Invalid, NotFound
from roost.kit.ids import parse_id
from roost.models import Account, Poll, PollVote, Status
from roost.polls import repository as repo


@dataclass
class PollInput:
    options: list[str]
    expires_in: Any = None  # seconds; checked by check_poll
    multiple: bool = False
    hide_totals: bool = False

    def as_params(self) -> dict:
        """The JSON form kept in a scheduled post (Mastodon's ScheduledStatus `params.poll`)."""
        return {"options": list(self.options), "expires_in": int(self.expires_in),
                "multiple": self.multiple, "hide_totals": self.hide_totals}


def _truthy(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("1", "true", "t", "yes", "on")


def from_params(raw: Any) -> PollInput | None:
    """A poll from request parameters (`poll[options][]`, `poll[expires_in]`, ...); None when
    there is none."""
    if raw in (None, "", {}):
        return None
    if not isinstance(raw, dict):
        raise Invalid("Validation failed: Poll must be an object")
    options = raw.get("options")
    if options is None or options == "":
        options = []
    if not isinstance(options, list):
        options = [options]
    if not all(isinstance(o, (str, int, float)) and not isinstance(o, bool) for o in options):
        raise Invalid("Validation failed: Poll options must be text")
    return PollInput(options=[str(o) for o in options], expires_in=raw.get("expires_in"),
                     multiple=_truthy(raw.get("multiple", False)),
                     hide_totals=_truthy(raw.get("hide_totals", False)))


def _seconds(value: Any) -> int:
    if isinstance(value, bool) or value is None or value == "":
        raise Invalid("Validation failed: Poll expires in can't be blank")
    try:
        n = int(str(value).strip()) if not isinstance(value, (int, float)) else int(value)
    except (ValueError, OverflowError) as exc:  # JSON may carry NaN or Infinity
        raise Invalid("Validation failed: Poll expires in must be a whole number of seconds") from exc
    return n


def check_poll(poll: PollInput) -> int:
    """Validate against the instance's limits; returns the duration in seconds."""
    s = runtime.settings()
    options = poll.options
    if len(options) < 2:
        raise Invalid("Validation failed: Poll options must have more than one item")
    if len(options) > s.poll_max_options:
        raise Invalid(f"Validation failed: Poll options can't contain more than "
                      f"{s.poll_max_options} items")
    if any(not o.strip() for o in options):
        raise Invalid("Validation failed: Poll options can't be blank")
    if any(textkit.length(o) > s.poll_max_characters_per_option for o in options):  # graphemes
        raise Invalid(f"Validation failed: Poll options cannot be longer than "
                      f"{s.poll_max_characters_per_option} characters each")
    if len(set(options)) != len(options):
        raise Invalid("Validation failed: Poll options contain duplicate items")
    seconds = _seconds(poll.expires_in)
    if seconds > s.poll_max_expiration:
        raise Invalid(f"Validation failed: Poll expires in is too far into the future "
                      f"(at most {s.poll_max_expiration} seconds)")
    if seconds < s.poll_min_expiration:
        raise Invalid(f"Validation failed: Poll expires in is too soon "
                      f"(at least {s.poll_min_expiration} seconds)")
    return seconds


def _schedule_close(session: AsyncSession, poll: Poll) -> None:
    jobs.enqueue(session, "polls.close", run_at=poll.expires_at, poll_id=poll.id)


async def attach(session: AsyncSession, status: Status, poll: PollInput) -> Poll:
    """Create the poll of a new post (already checked with check_poll) and schedule its close."""
    seconds = check_poll(poll)
    row = Poll(status_id=status.id, account_id=status.account_id, options=list(poll.options),
               tallies=[0] * len(poll.options), multiple=poll.multiple,
               hide_totals=poll.hide_totals, votes_count=0, voters_count=0,
               expires_at=utcnow() + timedelta(seconds=seconds))
    session.add(row)
    await session.flush()
    _record_created(session, row, status)
    _schedule_close(session, row)
    return row


def _record_created(session: AsyncSession, poll: Poll, status: Status) -> None:
    events.record(session, ev.PollCreated(
        poll_id=str(poll.id), status_id=str(status.id), account_id=str(status.account_id),
        options=list(poll.options), multiple=poll.multiple, hide_totals=poll.hide_totals,
        expires_at=poll.expires_at.isoformat(),
    ), actor_id=status.account_id, subject_id=poll.id,
        public=status.visibility in ("public", "unlisted"))


async def replace_for_edit(session: AsyncSession, status: Status, current: Poll | None,
                           poll: PollInput | None) -> Poll | None:
    """An edit's poll, as Mastodon's UpdateStatusService: no poll removes it; new options or a
    changed `multiple` reset the votes; the expiry is counted again from now."""
    if poll is None:
        if current is not None:
            await session.delete(current)
            await session.flush()
        return None
    seconds = check_poll(poll)
    if current is None:
        return await attach(session, status, poll)
    if list(current.options) != list(poll.options) or current.multiple != poll.multiple:
        await session.execute(delete(PollVote).where(PollVote.poll_id == current.id))
        current.tallies, current.votes_count, current.voters_count = [0] * len(poll.options), 0, 0
    current.options = list(poll.options)
    current.multiple, current.hide_totals = poll.multiple, poll.hide_totals
    current.expires_at = utcnow() + timedelta(seconds=seconds)
    current.closed_at = None
    await session.flush()
    _schedule_close(session, current)
    return current


def _choices(raw: list, poll: Poll) -> list[int]:
    out = []
    for c in raw:
        if isinstance(c, bool) or not isinstance(c, (int, str)):
            n = None
        else:
            n = c if isinstance(c, int) else parse_id(c)
        if n is None or not 0 <= n < len(poll.options):
            raise Invalid("Validation failed: The chosen vote option does not exist")
        out.append(n)
    return out


async def vote(session: AsyncSession, voter: Account, poll_id: str | int, raw_choices: list) -> Poll:
    found = await repo.get_readable(session, parse_id(poll_id), voter.id)
    if found is None:
        raise NotFound()
    _, status = found
    poll = (await session.execute(
        select(Poll).where(Poll.id == found[0].id).with_for_update()
        .execution_options(populate_existing=True)
    )).scalar_one()
    if not raw_choices:
        raise Invalid("Validation failed: Choices can't be blank")
    choices = _choices(raw_choices, poll)
    if poll.expires_at <= utcnow():
        raise Invalid("Validation failed: The poll has already ended")
    if poll.account_id == voter.id:
        raise Invalid("Validation failed: You cannot vote in your own polls")
    if len(set(choices)) != len(choices):
        raise Invalid("Validation failed: The same option is chosen twice")
    if not poll.multiple and len(choices) > 1:
        raise Invalid("Validation failed: This poll allows only one choice")
    earlier = set((await repo.own_votes(session, voter.id, [poll.id])).get(poll.id, []))
    if earlier and (not poll.multiple or earlier & set(choices)):
        raise Invalid("Validation failed: You have already voted on this poll")

    for c in choices:
        session.add(PollVote(poll_id=poll.id, account_id=voter.id, choice=c))
    tallies = list(poll.tallies)
    for c in choices:
        tallies[c] += 1
    poll.tallies = tallies
    poll.votes_count += len(choices)
    if not earlier:
        poll.voters_count += 1
    await session.flush()
    events.record(session, ev.PollVoted(poll_id=str(poll.id), status_id=str(status.id),
                                        account_id=str(voter.id), choices=choices),
                  actor_id=voter.id, subject_id=poll.id, public=False)
    return poll


async def close(session: AsyncSession, poll_id: int) -> Poll | None:
    """Close an expired poll once: record `poll.closed` and notify its author and voters."""
    poll = (await session.execute(
        select(Poll).where(Poll.id == poll_id).with_for_update()
        .execution_options(populate_existing=True)
    )).scalar_one_or_none()
    if poll is None or poll.closed_at is not None or poll.expires_at > utcnow():
        return None  # gone, closed already, or edited to close later (that edit queued its own)
    status = await session.get(Status, poll.status_id)
    if status is None or status.deleted_at is not None:
        return None
    poll.closed_at = utcnow()
    await session.flush()
    events.record(session, ev.PollClosed(poll_id=str(poll.id), status_id=str(status.id),
                                         votes_count=poll.votes_count,
                                         voters_count=poll.voters_count, tallies=list(poll.tallies)),
                  actor_id=None, subject_id=poll.id,
                  public=status.visibility in ("public", "unlisted"))
    for account_id in [poll.account_id, *await repo.voter_ids(session, poll.id)]:
        jobs.enqueue(session, "notifications.create", account_id=account_id, type="poll",
                     from_account_id=poll.account_id, status_id=status.id)
    return poll
