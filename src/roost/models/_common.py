from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from roost.kit.clock import utcnow
from roost.kit.ids import new_id
from roost.kit.types import UTCDateTime


def id_column() -> Mapped[int]:
    return mapped_column(BigInteger, primary_key=True, default=new_id, autoincrement=False)


def created_column() -> Mapped[datetime]:
    return mapped_column(UTCDateTime, default=utcnow, nullable=False)


def key_column(target: str) -> Mapped[int]:
    """Part of a composite primary key that points at `target` ("table.id"), deleted with it."""
    return mapped_column(BigInteger, ForeignKey(target, ondelete="CASCADE"), primary_key=True,
                         autoincrement=False)
