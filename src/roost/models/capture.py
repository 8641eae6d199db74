"""Capture (issue 5 §4): what each person told Roost about a post — "show more / show less like
this" — and about the assistant's answers — ratings and "try again". The events in the log are
the record; these rows are the state in force now, so it can be shown, undone and enforced."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from roost.db import Base
from roost.models._common import created_column, id_column, key_column

FEEDBACK_SIGNALS = ("more", "less")
RATINGS = ("helpful", "not_helpful")
REGENERATION_STATES = ("pending", "done", "failed")


class StatusFeedback(Base):
    """A person's current "show more" / "show less like this" on one post. A "less" row hides the
    post (and reposts of it) from that person's timelines."""

    __tablename__ = "status_feedback"

    account_id: Mapped[int] = key_column("accounts.id")
    status_id: Mapped[int] = key_column("statuses.id")
    signal: Mapped[str] = mapped_column(String(8), nullable=False)  # see FEEDBACK_SIGNALS
    created_at: Mapped[datetime] = created_column()


class AssistantRating(Base):
    """One person's rating of one of the assistant's answers (helpful / not helpful, with an
    optional reason)."""

    __tablename__ = "ai_assistant_ratings"

    account_id: Mapped[int] = key_column("accounts.id")
    status_id: Mapped[int] = key_column("statuses.id")
    rating: Mapped[str] = mapped_column(String(16), nullable=False)  # see RATINGS
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = created_column()


class AssistantRegeneration(Base):
    """One "try again" on an assistant's answer, asked by the person who asked the question: a
    small state machine (pending → done | failed) that the job `ai.assistant_regenerate` drives.
    Its rows also count against the asker's hourly assistant budget."""

    __tablename__ = "ai_assistant_regenerations"
    __table_args__ = (Index("ix_ai_assistant_regenerations_asker", "asker_account_id",
                            "created_at"),)

    id: Mapped[int] = id_column()
    reply_status_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("statuses.id", ondelete="CASCADE"), nullable=False, index=True)
    asker_account_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False)
    state: Mapped[str] = mapped_column(String(16), nullable=False, default="pending")
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)  # why it failed
    created_at: Mapped[datetime] = created_column()
