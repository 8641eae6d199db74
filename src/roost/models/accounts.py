from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from roost.db import Base
from roost.kit.types import JSONType, UTCDateTime
from roost.models._common import created_column, id_column


class Account(Base):
    """A public identity: what others see and follow."""

    __tablename__ = "accounts"

    id: Mapped[int] = id_column()
    username: Mapped[str] = mapped_column(String(30), nullable=False)
    username_lower: Mapped[str] = mapped_column(String(30), nullable=False, unique=True)
    display_name: Mapped[str] = mapped_column(String(100), default="", nullable=False)
    note: Mapped[str] = mapped_column(Text, default="", nullable=False)
    note_html: Mapped[str] = mapped_column(Text, default="", nullable=False)
    fields: Mapped[list] = mapped_column(JSONType, default=list, nullable=False)
    avatar_media_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    header_media_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    avatar_path: Mapped[str | None] = mapped_column(String(255), nullable=True)
    header_path: Mapped[str | None] = mapped_column(String(255), nullable=True)
    locked: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    bot: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    discoverable: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)
    indexable: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)
    created_at: Mapped[datetime] = created_column()
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    suspended_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    followers_count: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    following_count: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    statuses_count: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    last_status_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # how many content filters the person has (filters/service.py keeps it): with none, a
    # rendering request skips the filters query
    filters_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0",
                                               nullable=False)
    # the training consent in force (roost.consent): "none", "public_posts" or "all"; its history
    # is the append-only training_consents table
    training_consent: Mapped[str] = mapped_column(String(16), default="none", server_default="none",
                                                  nullable=False)

    @property
    def is_active(self) -> bool:
        return self.suspended_at is None and self.deleted_at is None


class User(Base):
    """The login behind a local account."""

    __tablename__ = "users"

    id: Mapped[int] = id_column()
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False, unique=True
    )
    email: Mapped[str] = mapped_column(String(254), nullable=False, unique=True)
    password_hash: Mapped[str] = mapped_column(String(255), nullable=False)
    role: Mapped[str] = mapped_column(String(16), default="user", nullable=False)
    approved: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    locale: Mapped[str] = mapped_column(String(16), default="en", nullable=False)
    sign_up_reason: Mapped[str] = mapped_column(Text, default="", nullable=False)
    sign_up_ip: Mapped[str | None] = mapped_column(String(45), nullable=True)
    # Posting and reading defaults, keyed as Mastodon's Preferences entity
    # ("posting:default:visibility", "posting:default:sensitive", "posting:default:language").
    preferences: Mapped[dict] = mapped_column(JSONType, default=dict, nullable=False)
    created_at: Mapped[datetime] = created_column()
    last_active_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True, index=True)

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def is_moderator(self) -> bool:
        return self.role in ("admin", "moderator")


class Marker(Base):
    """The last item a person has read in a timeline ("home" or "notifications")."""

    __tablename__ = "markers"

    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    timeline: Mapped[str] = mapped_column(String(32), primary_key=True)
    last_read_id: Mapped[int] = mapped_column(BigInteger, nullable=False)
    version: Mapped[int] = mapped_column(Integer, default=1, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
