from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String, Text, UniqueConstraint
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


class AccountNote(Base):
    """A private note one account keeps about another (Relationship.note)."""

    __tablename__ = "account_notes"
    __table_args__ = (UniqueConstraint("account_id", "target_account_id"),)

    id: Mapped[int] = id_column()
    account_id: Mapped[int] = _account_fk()
    target_account_id: Mapped[int] = _account_fk()
    comment: Mapped[str] = mapped_column(Text, nullable=False, default="")
    created_at: Mapped[datetime] = created_column()


class AccountPin(Base):
    """An endorsement: a followed account featured on the endorser's profile."""

    __tablename__ = "account_pins"
    __table_args__ = (
        UniqueConstraint("account_id", "target_account_id"),
        Index("ix_account_pins_account_page", "account_id", "id"),
    )

    id: Mapped[int] = id_column()
    account_id: Mapped[int] = _account_fk()
    target_account_id: Mapped[int] = _account_fk()
    created_at: Mapped[datetime] = created_column()


class AccountDomainBlock(Base):
    """A domain a person blocks. Until federation no account lives on another domain, so the
    block is kept and listed but hides nothing yet."""

    __tablename__ = "account_domain_blocks"
    __table_args__ = (
        UniqueConstraint("account_id", "domain"),
        Index("ix_account_domain_blocks_page", "account_id", "id"),
    )

    id: Mapped[int] = id_column()
    account_id: Mapped[int] = _account_fk()
    domain: Mapped[str] = mapped_column(String(253), nullable=False)
    created_at: Mapped[datetime] = created_column()
