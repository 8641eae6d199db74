from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from roost.db import Base
from roost.kit.types import UTCDateTime
from roost.models._common import created_column, id_column


class AccountArchive(Base):
    """One request for an archive of a person's own data (roost.archives). `state` moves
    queued → running → done (or failed), and done → expired when the retention passes and the file
    is removed. `path` is relative to the data directory's archives/ folder, never served as is."""

    __tablename__ = "account_archives"
    __table_args__ = (Index("ix_account_archives_account", "account_id", "created_at"),)

    id: Mapped[int] = id_column()
    account_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False)
    state: Mapped[str] = mapped_column(String(16), nullable=False, default="queued")
    created_at: Mapped[datetime] = created_column()
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    path: Mapped[str | None] = mapped_column(String(255), nullable=True)
    size: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
