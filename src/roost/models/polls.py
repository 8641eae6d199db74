from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from roost.db import Base
from roost.kit.types import JSONType, UTCDateTime
from roost.models._common import created_column, id_column


class Poll(Base):
    """A post's poll. `tallies[i]` counts the votes for `options[i]`; both change under a row lock
    (FOR UPDATE on PostgreSQL, the single writer on SQLite)."""

    __tablename__ = "polls"

    id: Mapped[int] = id_column()
    status_id: Mapped[int] = mapped_column(
        ForeignKey("statuses.id", ondelete="CASCADE"), nullable=False, unique=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False, index=True)
    options: Mapped[list] = mapped_column(JSONType, nullable=False)
    tallies: Mapped[list] = mapped_column(JSONType, nullable=False)
    multiple: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    hide_totals: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    votes_count: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    voters_count: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = created_column()


class PollVote(Base):
    __tablename__ = "poll_votes"
    __table_args__ = (
        UniqueConstraint("poll_id", "account_id", "choice"),
        Index("ix_poll_votes_account", "account_id", "poll_id"),
    )

    id: Mapped[int] = id_column()
    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"), nullable=False)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False)
    choice: Mapped[int] = mapped_column(Integer, nullable=False)
    created_at: Mapped[datetime] = created_column()


class ScheduledStatus(Base):
    """A post to be published at `scheduled_at`; `params` holds what create_post will be given."""

    __tablename__ = "scheduled_statuses"
    __table_args__ = (Index("ix_scheduled_statuses_account", "account_id", "scheduled_at"),)

    id: Mapped[int] = id_column()
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False)
    scheduled_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    params: Mapped[dict] = mapped_column(JSONType, nullable=False)
    created_at: Mapped[datetime] = created_column()
