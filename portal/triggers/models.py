"""A reason to update the catalog (目录更新事由, OVERSIGHT §1; R2024 §11「在15个工作日内更新本机构公共数据目录」,
R2024 §12「项目竣工验收前应当更新公共数据目录」): a change of the legal basis, of a statutory function or an IT
project's acceptance, naming the agency's entries it affects. Each affected entry is answered by a revision
submitted for review after filing, or by the agency's reasoned "no change"."""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..agencies.models import Agency
from ..catalog.models import Dataset
from ..extensions import db
from ..models_base import stamped


class TriggerKind(StrEnum):
    LAW = "law"            # 法律法规依据
    FUNCTION = "function"  # 法定职能
    PROJECT = "project"    # 信息化项目 (due = its acceptance date, 竣工验收)


KIND_LABELS = {TriggerKind.LAW: _l("Legal basis (laws and regulations)"),
               TriggerKind.FUNCTION: _l("Statutory function"),
               TriggerKind.PROJECT: _l("IT project (acceptance)")}


class TriggerState(StrEnum):
    OPEN = "open"        # some affected entry is not answered yet
    CLOSED = "closed"    # every affected entry has a revision submitted after filing or a reasoned "no change"


STATE_LABELS = {TriggerState.OPEN: _l("Update pending"), TriggerState.CLOSED: _l("Answered")}


class Answer(StrEnum):
    REVISION = "revision"    # a revision (or the entry itself) submitted for review after filing
    NO_CHANGE = "no_change"  # the agency's reasoned "no change"


ANSWER_LABELS = {Answer.REVISION: _l("Revision submitted for review"), Answer.NO_CHANGE: _l("No change needed")}


class CatalogTrigger(db.Model):
    __tablename__ = "catalog_triggers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    change: Mapped[str] = mapped_column(Text, default="")            # what changed (the law, the function, the project)
    reason: Mapped[str] = mapped_column(Text, default="")            # why these entries are affected
    effective_on: Mapped[date] = mapped_column(Date)                 # 施行 date, or the project's acceptance date
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    filed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    filed_at: Mapped[datetime] = mapped_column(DateTime, default=stamped)
    state: Mapped[str] = mapped_column(String(20), default=TriggerState.OPEN, index=True)
    due_date: Mapped[date] = mapped_column(Date, index=True)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    row_version: Mapped[int] = mapped_column(Integer, default=1)

    agency: Mapped[Agency] = relationship(lazy="joined")
    entries: Mapped[list["TriggerEntry"]] = relationship(back_populates="trigger", cascade="all, delete-orphan",
                                                         order_by="TriggerEntry.id")

    __mapper_args__ = {"version_id_col": row_version}


class TriggerEntry(db.Model):
    """One affected entry of a trigger and how it was answered."""

    __tablename__ = "catalog_trigger_entries"
    __table_args__ = (UniqueConstraint("trigger_id", "dataset_id", name="uq_catalog_trigger_entry"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    trigger_id: Mapped[int] = mapped_column(ForeignKey("catalog_triggers.id", ondelete="CASCADE"), index=True)
    dataset_id: Mapped[str] = mapped_column(ForeignKey("datasets.id", ondelete="CASCADE"), index=True)
    answer: Mapped[str | None] = mapped_column(String(20), nullable=True)
    answered_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    review_id: Mapped[int | None] = mapped_column(ForeignKey("reviews.id"), nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")    # the reason of a "no change"

    trigger: Mapped[CatalogTrigger] = relationship(back_populates="entries")
    dataset: Mapped[Dataset] = relationship(lazy="joined")
