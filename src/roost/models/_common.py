from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger
from sqlalchemy.orm import Mapped, mapped_column

from roost.kit.clock import utcnow
from roost.kit.ids import new_id
from roost.kit.types import UTCDateTime


def id_column() -> Mapped[int]:
    return mapped_column(BigInteger, primary_key=True, default=new_id, autoincrement=False)


def created_column() -> Mapped[datetime]:
    return mapped_column(UTCDateTime, default=utcnow, nullable=False)
