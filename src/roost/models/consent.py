from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from roost.db import Base
from roost.kit.types import UTCDateTime
from roost.models._common import id_column


class TrainingConsent(Base):
    """One change of an account's training consent. Append-only: the history is never rewritten;
    the level in force now is also kept on `accounts.training_consent` for the hot path."""

    __tablename__ = "training_consents"
    __table_args__ = (Index("ix_training_consents_account", "account_id", "changed_at"),)

    id: Mapped[int] = id_column()
    account_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False)
    level: Mapped[str] = mapped_column(String(16), nullable=False)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    source: Mapped[str] = mapped_column(String(16), nullable=False)  # "api" or "web"
