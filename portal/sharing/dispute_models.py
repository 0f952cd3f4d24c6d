"""Error checks, disputes and stop/change notices between agencies (SHARING.md §2.3, §3.6–3.8).

- `ShareErrorReport` (疑义、错误校核, R2018 §21): a holder of an active grant reports a suspected error in the
  shared entry within 5 workdays of discovering it (else it is flagged late, still accepted); the provider
  answers within 10 workdays: corrected, correct as is, or partly corrected.
- `ShareDispute` (协商与协调, R2018 §19): after a refusal, or for a `none` entry the requester「确需使用」;
  negotiated by both officers within 10 workdays, then coordinated by the authority within 30.
- `ShareChangeNotice` (停止/变更共享, SZ §12, R2018 §18): the provider announces that sharing of an entry
  stops or narrows after a last day at least a month away; the entry's grants end the day after.
"""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..agencies.models import Agency
from ..catalog.models import Dataset
from ..extensions import db
from ..models_base import stamped


class ErrorState(StrEnum):
    SUBMITTED = "submitted"   # the provider checks; due = report + 10 WD
    ANSWERED = "answered"


class ErrorOutcome(StrEnum):
    CORRECTED = "corrected"   # 已更正
    CORRECT = "correct"       # 经核无误
    PARTLY = "partly"         # 部分更正


class DisputeState(StrEnum):
    NEGOTIATING = "negotiating"    # 协商: due = open + 10 WD
    COORDINATING = "coordinating"  # 协调 by the authority: due = negotiation end + 30 WD
    RESOLVED = "resolved"


class DisputeOutcome(StrEnum):
    AGREED = "agreed"                  # terms agreed in negotiation
    SHARE = "share"                    # the authority decided to share (on terms)
    REFUSAL_STANDS = "refusal_stands"  # the authority upheld the refusal


class NoticeState(StrEnum):
    FILED = "filed"          # mode `file`: takes effect by itself after the last day; mode `approve`: awaits the authority
    APPROVED = "approved"
    RETURNED = "returned"
    WITHDRAWN = "withdrawn"
    EFFECTIVE = "effective"  # the grants of the entry ended


class NoticeKind(StrEnum):
    STOP = "stop"      # 停止共享
    NARROW = "narrow"  # 变更 (narrowing) 共享


class ShareErrorReport(db.Model):
    __tablename__ = "share_error_reports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dataset_id: Mapped[str] = mapped_column(ForeignKey("datasets.id"), index=True)
    grant_id: Mapped[int | None] = mapped_column(ForeignKey("share_grants.id"), nullable=True)
    requester_agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    provider_agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    reported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    discovered_on: Mapped[date] = mapped_column(Date)
    reported_at: Mapped[datetime] = mapped_column(DateTime, default=stamped)
    report_due: Mapped[date] = mapped_column(Date)          # discovery + 5 WD (R2018 §21)
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    location: Mapped[str] = mapped_column(Text, default="")  # which items / records
    evidence: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(20), default=ErrorState.SUBMITTED, index=True)
    due_date: Mapped[date | None] = mapped_column(Date, nullable=True, index=True)
    outcome: Mapped[str] = mapped_column(String(20), default="")
    answer: Mapped[str] = mapped_column(Text, default="")
    answered_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    row_version: Mapped[int] = mapped_column(Integer, default=1)

    dataset: Mapped[Dataset] = relationship(lazy="joined")
    requester: Mapped[Agency] = relationship(foreign_keys=[requester_agency_id], lazy="joined")
    provider: Mapped[Agency] = relationship(foreign_keys=[provider_agency_id], lazy="joined")

    __mapper_args__ = {"version_id_col": row_version}


class ShareDispute(db.Model):
    __tablename__ = "share_disputes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int | None] = mapped_column(ForeignKey("share_requests.id"), nullable=True, index=True)
    dataset_id: Mapped[str] = mapped_column(ForeignKey("datasets.id"), index=True)
    requester_agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    provider_agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    ground: Mapped[str] = mapped_column(String(20))          # "refusal" or "needed" (确需使用 a `none` entry)
    statement: Mapped[str] = mapped_column(Text, default="")  # why the requester needs the data
    opened_at: Mapped[datetime] = mapped_column(DateTime, default=stamped)
    state: Mapped[str] = mapped_column(String(20), default=DisputeState.NEGOTIATING, index=True)
    due_date: Mapped[date | None] = mapped_column(Date, nullable=True, index=True)
    negotiation_due: Mapped[date | None] = mapped_column(Date, nullable=True)
    negotiation_ended_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    coordination_due: Mapped[date | None] = mapped_column(Date, nullable=True)
    proposed_terms: Mapped[str] = mapped_column(Text, default="")
    proposed_by_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), nullable=True)
    referred_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)  # to the expert committee
    referral_question: Mapped[str] = mapped_column(Text, default="")    # what the experts are asked
    expert_opinion: Mapped[str] = mapped_column(Text, default="")       # the committee's opinion, as received
    expert_opinion_on: Mapped[date | None] = mapped_column(Date, nullable=True)  # the date of that opinion
    outcome: Mapped[str] = mapped_column(String(20), default="")
    terms: Mapped[str] = mapped_column(Text, default="")     # what would be granted (agreed or decided)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    row_version: Mapped[int] = mapped_column(Integer, default=1)

    dataset: Mapped[Dataset] = relationship(lazy="joined")
    requester: Mapped[Agency] = relationship(foreign_keys=[requester_agency_id], lazy="joined")
    provider: Mapped[Agency] = relationship(foreign_keys=[provider_agency_id], lazy="joined")

    __mapper_args__ = {"version_id_col": row_version}


class ShareChangeNotice(db.Model):
    __tablename__ = "share_change_notices"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dataset_id: Mapped[str] = mapped_column(ForeignKey("datasets.id"), index=True)
    provider_agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    filed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    filed_at: Mapped[datetime] = mapped_column(DateTime, default=stamped)
    kind: Mapped[str] = mapped_column(String(20), default=NoticeKind.STOP)
    resource_ids: Mapped[list[str]] = mapped_column(JSON, default=list)  # the files that stop (empty: all)
    change: Mapped[str] = mapped_column(Text, default="")                # what narrows
    reason: Mapped[str] = mapped_column(Text, default="")                # 正当理由
    last_day: Mapped[date] = mapped_column(Date)
    short_notice_ground: Mapped[str] = mapped_column(Text, default="")   # the legal ground of a shorter notice
    mode: Mapped[str] = mapped_column(String(20), default="file")        # `file` (备案) or `approve`, at filing
    holder_agency_ids: Mapped[list[int]] = mapped_column(JSON, default=list)  # told at filing
    state: Mapped[str] = mapped_column(String(20), default=NoticeState.FILED, index=True)
    due_date: Mapped[date | None] = mapped_column(Date, nullable=True, index=True)
    decision_note: Mapped[str] = mapped_column(Text, default="")
    effective_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    ended_grant_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    row_version: Mapped[int] = mapped_column(Integer, default=1)

    dataset: Mapped[Dataset] = relationship(lazy="joined")
    provider: Mapped[Agency] = relationship(foreign_keys=[provider_agency_id], lazy="joined")

    __mapper_args__ = {"version_id_col": row_version}
