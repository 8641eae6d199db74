from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from roost.db import Base
from roost.kit.types import JSONType
from roost.models._common import created_column, id_column


class MediaAttachment(Base):
    __tablename__ = "media_attachments"

    id: Mapped[int] = id_column()
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False, index=True
    )
    status_id: Mapped[int | None] = mapped_column(
        ForeignKey("statuses.id", ondelete="SET NULL"), nullable=True, index=True
    )
    scheduled_status_id: Mapped[int | None] = mapped_column(
        ForeignKey("scheduled_statuses.id", ondelete="SET NULL"), nullable=True, index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    type: Mapped[str] = mapped_column(String(16), default="image", nullable=False)
    content_type: Mapped[str] = mapped_column(String(64), nullable=False)
    file_path: Mapped[str] = mapped_column(String(255), nullable=False)
    thumbnail_path: Mapped[str | None] = mapped_column(String(255), nullable=True)
    file_size: Mapped[int] = mapped_column(BigInteger, default=0, nullable=False)
    width: Mapped[int | None] = mapped_column(Integer, nullable=True)
    height: Mapped[int | None] = mapped_column(Integer, nullable=True)
    thumb_width: Mapped[int | None] = mapped_column(Integer, nullable=True)
    thumb_height: Mapped[int | None] = mapped_column(Integer, nullable=True)
    blurhash: Mapped[str | None] = mapped_column(String(100), nullable=True)
    description: Mapped[str | None] = mapped_column(Text, nullable=True)
    focus_x: Mapped[float] = mapped_column(Float, default=0.0, nullable=False)
    focus_y: Mapped[float] = mapped_column(Float, default=0.0, nullable=False)
    # Set when the file came from an AI generation (pick): the status carrying it is an AI post.
    ai_generation_id: Mapped[int | None] = mapped_column(
        ForeignKey("ai_generations.id", ondelete="SET NULL"), nullable=True, index=True)
    ai_candidate_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    # What the uploaded file claimed about AI generation, read before its metadata was stripped
    # (roost.ai.provenance.detect; C2PA verified with content_credentials.read). The source is
    # set only when the upload is labelled AI-generated.
    ai_provenance_source: Mapped[str | None] = mapped_column(String(32), nullable=True)
    ai_provenance: Mapped[dict | None] = mapped_column(JSONType, nullable=True)
    created_at: Mapped[datetime] = created_column()
