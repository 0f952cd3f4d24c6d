"""An evaluation round (OVERSIGHT §8(b); R2024 §39「定期开展……评估，并通报评估结果」, §41「年度评估」) and the
frozen snapshot of each agency's figures in it, with the inputs they were computed from."""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..agencies.models import Agency
from ..extensions import db
from ..models_base import stamped


class RoundState(StrEnum):
    DRAFT = "draft"            # indicators, weights and period set; nothing frozen yet
    COMMENTING = "commenting"  # snapshots frozen; the agencies comment until due_date
    FINALISED = "finalised"    # the authority finalised the round and circulated it to the agencies (通报)
    PUBLISHED = "published"    # made public (only where PORTAL_EVALUATION_PUBLIC=1)


class SnapshotState(StrEnum):
    OPEN = "open"              # awaiting the agency's comment
    COMMENTED = "commented"


ROUND_STATE_LABELS = {RoundState.DRAFT: _l("Draft"), RoundState.COMMENTING: _l("Agencies commenting"),
                      RoundState.FINALISED: _l("Finalised and circulated"), RoundState.PUBLISHED: _l("Published")}
SNAPSHOT_STATE_LABELS = {SnapshotState.OPEN: _l("No comment yet"), SnapshotState.COMMENTED: _l("Commented")}


class EvaluationRound(db.Model):
    __tablename__ = "evaluation_rounds"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    # the indicators chosen and their weights, in the order set: [{"key": ..., "weight": ...}]
    weights: Mapped[list] = mapped_column(JSON, default=list)
    state: Mapped[str] = mapped_column(String(20), default=RoundState.DRAFT, index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=stamped)
    frozen_on: Mapped[date | None] = mapped_column(Date, nullable=True)   # the day the snapshots were made
    due_date: Mapped[date | None] = mapped_column(Date, nullable=True)    # the last day for the agencies' comments
    finalised_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    conclusion: Mapped[str] = mapped_column(Text, default="")             # the authority's words when circulating
    published_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    row_version: Mapped[int] = mapped_column(Integer, default=1)

    snapshots: Mapped[list["EvaluationSnapshot"]] = relationship(
        back_populates="round", order_by="EvaluationSnapshot.id", cascade="all, delete-orphan")

    __mapper_args__ = {"version_id_col": row_version}


class EvaluationSnapshot(db.Model):
    __tablename__ = "evaluation_snapshots"
    __table_args__ = (UniqueConstraint("round_id", "agency_id", name="uq_evaluation_snapshot_agency"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("evaluation_rounds.id", ondelete="CASCADE"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    made_at: Mapped[datetime] = mapped_column(DateTime, default=stamped)
    made_on: Mapped[date] = mapped_column(Date)
    # per indicator: {"key", "weight", "inputs": {...counts and the ids they count}, "figure": 0-100 or null}
    results: Mapped[list] = mapped_column(JSON, default=list)
    score: Mapped[int | None] = mapped_column(Integer, nullable=True)
    state: Mapped[str] = mapped_column(String(20), default=SnapshotState.OPEN)
    comment: Mapped[str] = mapped_column(Text, default="")
    commented_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    commented_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    row_version: Mapped[int] = mapped_column(Integer, default=1)

    round: Mapped[EvaluationRound] = relationship(back_populates="snapshots")
    agency: Mapped[Agency] = relationship(lazy="joined")

    __mapper_args__ = {"version_id_col": row_version}
