"""The derived table of one version of a tabular file: its state, its Parquet copy, columns and profile."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, BigInteger, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from ..catalog.models import Resource
from ..extensions import db
from ..models_base import stamped
from ..storage import files as stored_files


class TableState(StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


STATE_LABELS = {TableState.PENDING: _l("Waiting to be read"), TableState.RUNNING: _l("Being read"),
                TableState.DONE: _l("Read"), TableState.FAILED: _l("Could not be read")}


class DerivedTable(db.Model):
    """One version of a tabular file read into a typed Parquet copy. A new version of the file gets a new
    row; the old row and its copy stay (old versions keep their derived copies)."""

    __tablename__ = "derived_tables"
    __table_args__ = (UniqueConstraint("resource_id", "version", name="uq_derived_tables_version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    resource_id: Mapped[str] = mapped_column(ForeignKey("resources.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    source_key: Mapped[str] = mapped_column(String(200))       # the file's bytes (storage key)
    source_format: Mapped[str] = mapped_column(String(20))
    source_size: Mapped[int] = mapped_column(BigInteger, default=0)
    state: Mapped[str] = mapped_column(String(20), default=TableState.PENDING, index=True)
    progress: Mapped[int] = mapped_column(Integer, default=0)    # percent, while running
    step: Mapped[str] = mapped_column(String(40), default="")
    overrides: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)  # column -> type, set by the agency
    storage_key: Mapped[str] = mapped_column(String(200), default="")     # the Parquet copy, once done
    row_count: Mapped[int | None] = mapped_column(Integer, nullable=True)
    columns: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)  # [{name, type, inferred, mixed}]
    profile: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)  # one dict per column
    # The privacy scan (tables/privacy.py): [{column, kind, count, examples (masked)}]; None until scanned.
    privacy: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON, nullable=True)
    error: Mapped[str] = mapped_column(Text, default="")
    error_row: Mapped[int | None] = mapped_column(Integer, nullable=True)     # 1 = the first data row
    error_column: Mapped[str] = mapped_column(String(300), default="")
    queued_at: Mapped[datetime] = mapped_column(DateTime, default=stamped)
    started_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)

    # A file removed with the ORM takes its tables' rows along (SQLite does not enforce ON DELETE CASCADE);
    # their copies are then orphans of the derived area, removed by `flask portal storage check --clean`.
    resource: Mapped[Resource] = relationship(
        backref=backref("derived_tables", cascade="all, delete-orphan", order_by="DerivedTable.version"))

    @property
    def flagged(self) -> bool:
        """The privacy scan found columns that look like personal information."""
        return bool(self.privacy)


# The Parquet copies live in their own area (DERIVED_DIR), not among the files people sent: they can be made again,
# so backups leave them out and a restore derives them anew. The storage owner keeps a copy while a row names it.
stored_files.register(DerivedTable.storage_key, area=stored_files.DERIVED)
