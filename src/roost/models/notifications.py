from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from roost.db import Base
from roost.kit.types import UTCDateTime
from roost.models._common import created_column, id_column


class Notification(Base):
    """`key` makes creation idempotent: a retried job cannot notify twice."""

    __tablename__ = "notifications"
    __table_args__ = (
        UniqueConstraint("account_id", "key"),
        Index("ix_notifications_account", "account_id", "id"),
    )

    id: Mapped[int] = id_column()
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False)
    from_account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False
    )
    type: Mapped[str] = mapped_column(String(32), nullable=False)
    status_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True, index=True)
    report_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)  # admin.report
    key: Mapped[str] = mapped_column(String(100), nullable=False)
    created_at: Mapped[datetime] = created_column()


class FollowNotice(Base):
    """When an account was last told that another followed it: a re-follow soon after an
    unfollow does not notify again."""

    __tablename__ = "follow_notices"

    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True)
    from_account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    notified_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
