from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column

from roost.db import Base
from roost.kit.types import JSONType, UTCDateTime
from roost.models._common import created_column, id_column

VISIBILITIES = ("public", "unlisted", "private", "direct")


class Status(Base):
    """A post, or a repost when `reblog_of_id` is set (then it has no content of its own)."""

    __tablename__ = "statuses"
    __table_args__ = (
        Index("ix_statuses_account", "account_id", "id"),
        Index("ix_statuses_public", "visibility", "id"),
        Index("ix_statuses_reply", "in_reply_to_id"),
        UniqueConstraint("account_id", "reblog_of_id"),
    )

    id: Mapped[int] = id_column()
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False)
    text: Mapped[str] = mapped_column(Text, default="", nullable=False)
    content_html: Mapped[str] = mapped_column(Text, default="", nullable=False)
    spoiler_text: Mapped[str] = mapped_column(Text, default="", nullable=False)
    visibility: Mapped[str] = mapped_column(String(16), default="public", nullable=False)
    sensitive: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    language: Mapped[str | None] = mapped_column(String(16), nullable=True)
    in_reply_to_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    in_reply_to_account_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    reblog_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("statuses.id", ondelete="CASCADE"), nullable=True, index=True
    )
    thread_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True, index=True)
    application_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    created_at: Mapped[datetime] = created_column()
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    replies_count: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    reblogs_count: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    favourites_count: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    # the author excluded this post from training data (roost.consent)
    training_opt_out: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false(),
                                                   nullable=False)


class Mention(Base):
    __tablename__ = "mentions"
    __table_args__ = (
        UniqueConstraint("status_id", "account_id"),
        Index("ix_mentions_account", "account_id", "status_id"),
    )

    id: Mapped[int] = id_column()
    status_id: Mapped[int] = mapped_column(ForeignKey("statuses.id", ondelete="CASCADE"), nullable=False)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False)


class Tag(Base):
    __tablename__ = "tags"

    id: Mapped[int] = id_column()
    name: Mapped[str] = mapped_column(String(100), nullable=False, unique=True)  # lower-cased
    display_name: Mapped[str] = mapped_column(String(100), nullable=False)
    created_at: Mapped[datetime] = created_column()


class StatusTag(Base):
    __tablename__ = "status_tags"
    __table_args__ = (Index("ix_status_tags_tag", "tag_id", "status_id"),)

    status_id: Mapped[int] = mapped_column(
        ForeignKey("statuses.id", ondelete="CASCADE"), primary_key=True
    )
    tag_id: Mapped[int] = mapped_column(ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True)


class Favourite(Base):
    __tablename__ = "favourites"
    __table_args__ = (
        UniqueConstraint("account_id", "status_id"),
        Index("ix_favourites_status", "status_id"),
    )

    id: Mapped[int] = id_column()
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False)
    status_id: Mapped[int] = mapped_column(ForeignKey("statuses.id", ondelete="CASCADE"), nullable=False)
    created_at: Mapped[datetime] = created_column()


class Bookmark(Base):
    __tablename__ = "bookmarks"
    __table_args__ = (UniqueConstraint("account_id", "status_id"),)

    id: Mapped[int] = id_column()
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False)
    status_id: Mapped[int] = mapped_column(ForeignKey("statuses.id", ondelete="CASCADE"), nullable=False)
    created_at: Mapped[datetime] = created_column()


class Pin(Base):
    __tablename__ = "pins"
    __table_args__ = (UniqueConstraint("account_id", "status_id"),)

    id: Mapped[int] = id_column()
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False)
    status_id: Mapped[int] = mapped_column(ForeignKey("statuses.id", ondelete="CASCADE"), nullable=False)
    created_at: Mapped[datetime] = created_column()


class IdempotencyKey(Base):
    """Remembers `Idempotency-Key` headers so a retried POST /statuses creates one post."""

    __tablename__ = "idempotency_keys"

    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    status_id: Mapped[int] = mapped_column(BigInteger, nullable=False)
    created_at: Mapped[datetime] = created_column()


class StatusEdit(Base):
    """One version of an edited post: the original is stored on the first edit, then each edit."""

    __tablename__ = "status_edits"
    __table_args__ = (Index("ix_status_edits_status", "status_id", "id"),)

    id: Mapped[int] = id_column()
    status_id: Mapped[int] = mapped_column(ForeignKey("statuses.id", ondelete="CASCADE"), nullable=False)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False)
    text: Mapped[str] = mapped_column(Text, default="", nullable=False)
    content_html: Mapped[str] = mapped_column(Text, default="", nullable=False)
    spoiler_text: Mapped[str] = mapped_column(Text, default="", nullable=False)
    sensitive: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    media_ids: Mapped[list] = mapped_column(JSONType, default=list, nullable=False)
    poll_options: Mapped[list | None] = mapped_column(JSONType, nullable=True)
    created_at: Mapped[datetime] = created_column()
