from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from roost.db import Base
from roost.kit.types import UTCDateTime
from roost.models._common import created_column, id_column, key_column


class Note(Base):
    """A note that adds context to a post (roost.notes). Soft-deleted: `deleted_at` set, text
    erased. At most one live note per (post, author): a partial unique index."""

    __tablename__ = "notes"
    __table_args__ = (
        Index("ix_notes_status", "status_id", "id"),
        Index("ix_notes_account", "account_id"),
        Index("uq_notes_live", "status_id", "account_id", unique=True,
              sqlite_where=text("deleted_at IS NULL"), postgresql_where=text("deleted_at IS NULL")),
    )

    id: Mapped[int] = id_column()
    status_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("statuses.id", ondelete="CASCADE"), nullable=False)
    account_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False)
    text: Mapped[str] = mapped_column(Text, nullable=False)  # plain text, rendered when shown
    created_at: Mapped[datetime] = created_column()
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class NoteRating(Base):
    """One person's rating of a note; rating again replaces it."""

    __tablename__ = "note_ratings"
    __table_args__ = (Index("ix_note_ratings_account", "account_id"),)

    note_id: Mapped[int] = key_column("notes.id")
    account_id: Mapped[int] = key_column("accounts.id")
    helpful: Mapped[bool] = mapped_column(Boolean, nullable=False)
    reason: Mapped[str | None] = mapped_column(String(32), nullable=True)
    created_at: Mapped[datetime] = created_column()
    updated_at: Mapped[datetime] = created_column()
