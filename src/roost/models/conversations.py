from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from roost.db import Base
from roost.kit.types import JSONType, UTCDateTime
from roost.models._common import id_column


class AccountConversation(Base):
    """One person's view of a direct-message thread (Mastodon's AccountConversation).
    `conversation_key` is the thread's root status id; `participant_account_ids` the other
    people in it, sorted. The row id is the Conversation id the API shows."""

    __tablename__ = "account_conversations"
    __table_args__ = (
        UniqueConstraint("account_id", "conversation_key"),
        Index("ix_account_conversations_page", "account_id", "last_status_id"),
        Index("ix_account_conversations_status", "last_status_id"),
    )

    id: Mapped[int] = id_column()
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False)
    conversation_key: Mapped[int] = mapped_column(BigInteger, nullable=False)
    participant_account_ids: Mapped[list] = mapped_column(JSONType, default=list, nullable=False)
    last_status_id: Mapped[int] = mapped_column(BigInteger, nullable=False)
    unread: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
