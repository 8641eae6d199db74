from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from roost.db import Base
from roost.kit.types import UTCDateTime
from roost.models._common import created_column, id_column


class List(Base):
    """A person's list of accounts they follow (Mastodon's List)."""

    __tablename__ = "lists"
    __table_args__ = (Index("ix_lists_account", "account_id", "id"),)

    id: Mapped[int] = id_column()
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False)
    title: Mapped[str] = mapped_column(String(256), nullable=False)
    replies_policy: Mapped[str] = mapped_column(String(16), default="list", nullable=False)
    exclusive: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    created_at: Mapped[datetime] = created_column()
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)


class ListAccount(Base):
    """One member of a list. The row id pages the list's members."""

    __tablename__ = "list_accounts"
    __table_args__ = (
        UniqueConstraint("list_id", "account_id"),
        Index("ix_list_accounts_page", "list_id", "id"),
        Index("ix_list_accounts_account", "account_id", "list_id"),  # lists holding an account
    )

    id: Mapped[int] = id_column()
    list_id: Mapped[int] = mapped_column(ForeignKey("lists.id", ondelete="CASCADE"), nullable=False)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False)
    created_at: Mapped[datetime] = created_column()
