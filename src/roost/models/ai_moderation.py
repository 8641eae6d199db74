"""The moderators' log of every AI moderation decision."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from roost.db import Base
from roost.kit.types import JSONType
from roost.models._common import created_column, id_column


class ModerationDecision(Base):
    """One check of a prompt, a text or an image. Images are kept only as their SHA-256; prompts
    and texts keep their words too, for moderators to read."""

    __tablename__ = "ai_moderation_decisions"
    __table_args__ = (Index("ix_ai_moderation_decisions_verdict", "verdict", "id"),
                      Index("ix_ai_moderation_decisions_account", "account_id", "id"))

    id: Mapped[int] = id_column()
    account_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), nullable=True)
    subject_kind: Mapped[str] = mapped_column(String(16), nullable=False)  # prompt, image, text
    subject_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)  # generation, media...
    content_sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    text: Mapped[str | None] = mapped_column(Text, nullable=True)
    verdict: Mapped[str] = mapped_column(String(16), nullable=False)  # allowed, sensitive, refused
    categories: Mapped[dict] = mapped_column(JSONType, default=dict, nullable=False)
    reason: Mapped[str] = mapped_column(Text, default="", nullable=False)
    provider: Mapped[str] = mapped_column(String(128), nullable=False)
    created_at: Mapped[datetime] = created_column()
