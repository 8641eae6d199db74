from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from roost.db import Base
from roost.kit.types import JSONType, UTCDateTime
from roost.models._common import created_column, id_column

TREND_KINDS = ("tag", "status", "link")


class TrendItem(Base):
    """One ranked entry of the current trends, rewritten by each `trends.refresh` run.
    `ref_id` is the tag or status id; a link has `url` and its own `history`."""

    __tablename__ = "trend_items"
    __table_args__ = (Index("ix_trend_items_rank", "kind", "rank"),)

    id: Mapped[int] = id_column()
    kind: Mapped[str] = mapped_column(String(8), nullable=False)
    rank: Mapped[int] = mapped_column(Integer, nullable=False)
    score: Mapped[float] = mapped_column(Float, nullable=False)
    ref_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    url: Mapped[str | None] = mapped_column(Text, nullable=True)
    history: Mapped[list] = mapped_column(JSONType, default=list, nullable=False)
    computed_at: Mapped[datetime] = created_column()


class TrendHide(Base):
    """An item an admin took out of trends: `key` is a tag name, a status id or a URL."""

    __tablename__ = "trend_hides"

    kind: Mapped[str] = mapped_column(String(8), primary_key=True)
    key: Mapped[str] = mapped_column(String(2000), primary_key=True)
    created_at: Mapped[datetime] = created_column()


class SuggestionDismissal(Base):
    __tablename__ = "suggestion_dismissals"

    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True)
    target_account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True)
    created_at: Mapped[datetime] = created_column()


class CustomEmoji(Base):
    __tablename__ = "custom_emojis"

    id: Mapped[int] = id_column()
    shortcode: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    category: Mapped[str | None] = mapped_column(String(64), nullable=True)
    file_path: Mapped[str] = mapped_column(String(255), nullable=False)
    static_path: Mapped[str] = mapped_column(String(255), nullable=False)
    content_type: Mapped[str] = mapped_column(String(64), nullable=False)
    visible_in_picker: Mapped[bool] = mapped_column(default=True, nullable=False)
    disabled: Mapped[bool] = mapped_column(default=False, nullable=False)
    created_at: Mapped[datetime] = created_column()


class Announcement(Base):
    """Shown to every local user while published and not ended."""

    __tablename__ = "announcements"

    id: Mapped[int] = id_column()
    text: Mapped[str] = mapped_column(Text, nullable=False)
    content_html: Mapped[str] = mapped_column(Text, nullable=False)
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    all_day: Mapped[bool] = mapped_column(default=False, nullable=False)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = created_column()
    updated_at: Mapped[datetime] = created_column()


class AnnouncementDismissal(Base):
    __tablename__ = "announcement_dismissals"

    announcement_id: Mapped[int] = mapped_column(
        ForeignKey("announcements.id", ondelete="CASCADE"), primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True)


class AnnouncementReaction(Base):
    __tablename__ = "announcement_reactions"

    announcement_id: Mapped[int] = mapped_column(
        ForeignKey("announcements.id", ondelete="CASCADE"), primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True)
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    created_at: Mapped[datetime] = created_column()
