from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from roost.db import Base
from roost.kit.types import JSONType, UTCDateTime
from roost.models._common import created_column, id_column


class CustomFilter(Base):
    """A person's content filter (Mastodon's CustomFilter): a title, the contexts it applies in,
    what to do with a match (warn, hide, blur) and an optional expiry. What it matches are its
    keywords and statuses."""

    __tablename__ = "custom_filters"
    __table_args__ = (Index("ix_custom_filters_account", "account_id", "id"),)

    id: Mapped[int] = id_column()
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False)
    title: Mapped[str] = mapped_column(Text, default="", nullable=False)
    context: Mapped[list] = mapped_column(JSONType, default=list, nullable=False)
    action: Mapped[str] = mapped_column(String(8), default="warn", nullable=False)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = created_column()
    updated_at: Mapped[datetime] = created_column()


class CustomFilterKeyword(Base):
    __tablename__ = "custom_filter_keywords"
    __table_args__ = (Index("ix_custom_filter_keywords_filter", "filter_id", "id"),)

    id: Mapped[int] = id_column()
    filter_id: Mapped[int] = mapped_column(ForeignKey("custom_filters.id", ondelete="CASCADE"),
                                           nullable=False)
    keyword: Mapped[str] = mapped_column(Text, nullable=False)
    whole_word: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)
    created_at: Mapped[datetime] = created_column()


class CustomFilterStatus(Base):
    __tablename__ = "custom_filter_statuses"
    __table_args__ = (UniqueConstraint("filter_id", "status_id"),)

    id: Mapped[int] = id_column()
    filter_id: Mapped[int] = mapped_column(ForeignKey("custom_filters.id", ondelete="CASCADE"),
                                           nullable=False)
    status_id: Mapped[int] = mapped_column(ForeignKey("statuses.id", ondelete="CASCADE"),
                                           nullable=False, index=True)
    created_at: Mapped[datetime] = created_column()
