from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from roost.db import Base
from roost.kit.types import JSONType, UTCDateTime
from roost.kit.clock import utcnow


class SiteSetting(Base):
    """Settings an admin changes at run time (deployment settings live in the environment)."""

    __tablename__ = "site_settings"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[dict] = mapped_column(JSONType, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
