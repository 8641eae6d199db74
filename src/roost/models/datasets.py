"""Dataset builds (issue 5, section 5): one row per build, and whose data each build included."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from roost.db import Base
from roost.kit.types import UTCDateTime
from roost.models._common import created_column, id_column, key_column

BUILD_STATES = ("queued", "running", "done", "failed", "recalled")


class DatasetBuild(Base):
    """One versioned build of one kind: queued → running → done | failed; done → recalled.
    `salt` pseudonymises the accounts in this build's files and is never written out."""

    __tablename__ = "dataset_builds"
    __table_args__ = (UniqueConstraint("kind", "version", name="uq_dataset_builds_kind_version"),
                      Index("ix_dataset_builds_kind_state", "kind", "state"))

    id: Mapped[int] = id_column()
    kind: Mapped[str] = mapped_column(String(32), nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    state: Mapped[str] = mapped_column(String(16), nullable=False, default="queued")
    requested_by: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL"), nullable=True)
    created_at: Mapped[datetime] = created_column()
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # the event log range read: (from_seq, to_seq]; from_seq is the base build's to_seq (0: full)
    from_seq: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    to_seq: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    base_build_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    progress: Mapped[float] = mapped_column(Float, nullable=False, default=0.0)
    stage: Mapped[str | None] = mapped_column(String(64), nullable=True)
    rows: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    bytes: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    path: Mapped[str | None] = mapped_column(Text, nullable=True)
    out_dir: Mapped[str | None] = mapped_column(Text, nullable=True)  # --out; None: the default
    salt: Mapped[str] = mapped_column(String(64), nullable=False)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    recalled_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    superseded_by: Mapped[int | None] = mapped_column(BigInteger, nullable=True)


class DatasetBuildAccount(Base):
    """An account whose data a build included, and in how many rows (GET .../datasets/mine)."""

    __tablename__ = "dataset_build_accounts"
    __table_args__ = (Index("ix_dataset_build_accounts_account", "account_id"),)

    build_id: Mapped[int] = key_column("dataset_builds.id")
    account_id: Mapped[int] = key_column("accounts.id")
    rows: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
