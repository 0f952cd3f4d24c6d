"""A dispute about an open-data decision, brought to the data authority (争议协调, OVERSIGHT §7), and the
referral of a dispute to named members of the expert committee (shared with sharing disputes)."""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..agencies.models import Agency
from ..extensions import db
from ..models_base import stamped


class DisputeState(StrEnum):
    FILED = "filed"                # with the authority; due = filing + DISPUTE_WORKDAYS
    COORDINATING = "coordinating"  # the authority took it up (the clock runs on)
    RESOLVED = "resolved"


class DisputeOutcome(StrEnum):
    UPHELD = "upheld"  # the decision disputed stands
    REDO = "redo"      # the agency decides again: the case is reopened with a new due date


class SubjectKind(StrEnum):
    """What is disputed: a decision of the agency on one case."""
    APPLICATION = "application"  # a refused application for conditional-open data
    COMPLAINT = "complaint"      # the outcome of a rights complaint
    CORRECTION = "correction"    # a rejected correction
    GRANT = "grant"              # a suspension of the access a grant gives


class Dispute(db.Model):
    __tablename__ = "disputes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))                # SubjectKind
    case_id: Mapped[int] = mapped_column(Integer, index=True)    # the application, complaint, correction or grant
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)  # the agency that decided
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)       # the data user party to the case
    filed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    filed_at: Mapped[datetime] = mapped_column(DateTime, default=stamped)
    title: Mapped[str] = mapped_column(String(500), default="")   # the entry's title, as filed
    reason: Mapped[str] = mapped_column(Text, default="")         # why the decision is disputed
    state: Mapped[str] = mapped_column(String(20), default=DisputeState.FILED, index=True)
    due_date: Mapped[date | None] = mapped_column(Date, nullable=True, index=True)
    referred_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    referral_question: Mapped[str] = mapped_column(Text, default="")
    expert_opinion: Mapped[str] = mapped_column(Text, default="")
    expert_opinion_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    outcome: Mapped[str] = mapped_column(String(20), default="")
    decision: Mapped[str] = mapped_column(Text, default="")       # the authority's reasons
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    redo_due: Mapped[date | None] = mapped_column(Date, nullable=True)  # the reopened case's new due date
    row_version: Mapped[int] = mapped_column(Integer, default=1)

    agency: Mapped[Agency] = relationship(lazy="joined")

    __mapper_args__ = {"version_id_col": row_version}


class ExpertReferral(db.Model):
    """One expert named in the referral of one dispute (of either kind): the expert reads that case, no other."""

    __tablename__ = "expert_referrals"
    __table_args__ = (UniqueConstraint("case_type", "case_id", "expert_id", name="uq_expert_referral"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_type: Mapped[str] = mapped_column(String(30))   # the workflow's object type: dispute, share_dispute
    case_id: Mapped[int] = mapped_column(Integer)
    expert_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    referred_at: Mapped[datetime] = mapped_column(DateTime, default=stamped)
