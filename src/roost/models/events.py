from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from roost.db import Base, BigId
from roost.kit.types import JSONType
from roost.models._common import created_column


class Event(Base):
    """One row of the append-only event log. `seq` increases in commit order."""

    __tablename__ = "events"
    # AUTOINCREMENT on SQLite: a sequence number is never reused, even after pruning the tail.
    __table_args__ = {"sqlite_autoincrement": True}

    seq: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    type: Mapped[str] = mapped_column(String(64), nullable=False, index=True)
    actor_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True, index=True)
    subject_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    public: Mapped[bool] = mapped_column(default=False, nullable=False)
    # the actor's training consent when the event was recorded (None: no actor)
    consent: Mapped[str | None] = mapped_column(String(16), nullable=True)
    data: Mapped[dict] = mapped_column(JSONType, nullable=False)
    created_at: Mapped[datetime] = created_column()
