from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from roost.db import Base
from roost.kit.types import JSONType, UTCDateTime
from roost.models._common import created_column, id_column


def _account_fk() -> Mapped[int]:
    return mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False)


class Follow(Base):
    __tablename__ = "follows"
    __table_args__ = (
        UniqueConstraint("account_id", "target_account_id"),
        Index("ix_follows_target", "target_account_id", "account_id"),
        Index("ix_follows_target_page", "target_account_id", "id"),  # followers lists, newest first
        Index("ix_follows_account_page", "account_id", "id"),  # following lists
    )

    id: Mapped[int] = id_column()
    account_id: Mapped[int] = _account_fk()
    target_account_id: Mapped[int] = _account_fk()
    show_reblogs: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)
    notify: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    languages: Mapped[list | None] = mapped_column(JSONType, nullable=True)  # None: all languages
    created_at: Mapped[datetime] = created_column()


class FollowRequest(Base):
    __tablename__ = "follow_requests"
    __table_args__ = (
        UniqueConstraint("account_id", "target_account_id"),
        Index("ix_follow_requests_target", "target_account_id", "id"),
    )

    id: Mapped[int] = id_column()
    account_id: Mapped[int] = _account_fk()
    target_account_id: Mapped[int] = _account_fk()
    show_reblogs: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)
    notify: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    languages: Mapped[list | None] = mapped_column(JSONType, nullable=True)  # None: all languages
    created_at: Mapped[datetime] = created_column()


class Block(Base):
    __tablename__ = "blocks"
    __table_args__ = (
        UniqueConstraint("account_id", "target_account_id"),
        Index("ix_blocks_target", "target_account_id", "account_id"),
    )

    id: Mapped[int] = id_column()
    account_id: Mapped[int] = _account_fk()
    target_account_id: Mapped[int] = _account_fk()
    created_at: Mapped[datetime] = created_column()


class Mute(Base):
    __tablename__ = "mutes"
    __table_args__ = (UniqueConstraint("account_id", "target_account_id"),)

    id: Mapped[int] = id_column()
    account_id: Mapped[int] = _account_fk()
    target_account_id: Mapped[int] = _account_fk()
    hide_notifications: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = created_column()
