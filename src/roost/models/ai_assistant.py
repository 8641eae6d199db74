"""The assistant account (issue 4): which account it is, and one row per post that asked it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from roost.db import Base
from roost.models._common import created_column, id_column

ANSWER_STATES = ("answered", "declined", "refused")


class AssistantAccount(Base):
    """Marks the local account the assistant posts as (so a person's account of the same name is
    never taken over)."""

    __tablename__ = "ai_assistant_accounts"

    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True, autoincrement=False)
    created_at: Mapped[datetime] = created_column()


class AssistantAnswer(Base):
    """What became of one post that mentioned the assistant: answered (reply_status_id),
    declined (blocked, muted, over the hourly limit: `reason`) or refused by moderation. One row
    per asking post, so the job never answers twice."""

    __tablename__ = "ai_assistant_answers"
    __table_args__ = (Index("ix_ai_assistant_answers_asker", "asker_account_id", "created_at"),)

    id: Mapped[int] = id_column()
    question_status_id: Mapped[int] = mapped_column(
        ForeignKey("statuses.id", ondelete="CASCADE"), nullable=False, unique=True)
    asker_account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False)
    reply_status_id: Mapped[int | None] = mapped_column(
        ForeignKey("statuses.id", ondelete="SET NULL"), nullable=True, index=True)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)      # text | image
    state: Mapped[str] = mapped_column(String(16), nullable=False)     # see ANSWER_STATES
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    provider: Mapped[str | None] = mapped_column(String(64), nullable=True)
    model: Mapped[str | None] = mapped_column(String(128), nullable=True)
    generation_ms: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    created_at: Mapped[datetime] = created_column()
