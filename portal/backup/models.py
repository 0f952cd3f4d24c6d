"""The record of scheduled backups: each run, each copy (local, off-site), each read-back, each restore drill,
each failure and each alarm is one row (OVERSIGHT §11, R2024 §35「采用加密方式进行本地及异地备份」)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..models_base import stamped


class BackupRun(db.Model):
    """One step of the backup machinery and how it ended.

    kind: run (one scheduled run) · local (the archive in the local backup directory) · offsite (its copy
    at the off-site target) · drill (a restore into a scratch database) · alarm (the off-site copy is too old).
    outcome: ok · verified (a copy read back with the key, every hash matched) · failed · sent (an alarm).
    """

    __tablename__ = "backup_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    outcome: Mapped[str] = mapped_column(String(20), index=True)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("backup_runs.id"), nullable=True)
    period: Mapped[str] = mapped_column(String(40), default="", index=True)  # the schedule's period, an outage key
    started_at: Mapped[datetime] = mapped_column(DateTime, default=stamped)
    finished_at: Mapped[datetime] = mapped_column(DateTime, default=stamped, index=True)
    archive: Mapped[str] = mapped_column(String(200), default="")
    location: Mapped[str] = mapped_column(String(500), default="")
    size: Mapped[int] = mapped_column(BigInteger, default=0)
    sha256: Mapped[str] = mapped_column(String(64), default="")
    error: Mapped[str] = mapped_column(Text, default="")
    details: Mapped[dict] = mapped_column(JSON, default=dict)
