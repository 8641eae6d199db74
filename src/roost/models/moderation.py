from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from roost.db import Base
from roost.kit.types import JSONType, UTCDateTime
from roost.models._common import created_column, id_column

REPORT_CATEGORIES = ("spam", "legal", "violation", "other")


class Report(Base):
    """A report of an account (and some of its posts) to the moderators. Open while
    `action_taken_at` is empty."""

    __tablename__ = "reports"
    __table_args__ = (Index("ix_reports_open", "action_taken_at", "id"),
                      Index("ix_reports_target", "target_account_id", "id"))

    id: Mapped[int] = id_column()
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False)
    target_account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False)
    status_ids: Mapped[list] = mapped_column(JSONType, default=list, nullable=False)
    rule_ids: Mapped[list] = mapped_column(JSONType, default=list, nullable=False)
    comment: Mapped[str] = mapped_column(Text, default="", nullable=False)
    category: Mapped[str] = mapped_column(String(16), default="other", nullable=False)
    forwarded: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    assigned_account_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    action_taken_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    action_taken_by_account_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    created_at: Mapped[datetime] = created_column()
    updated_at: Mapped[datetime] = created_column()
