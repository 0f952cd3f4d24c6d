"""Demands for data not in the catalog (需求申请, SHARING.md §3.4, R2024 §24) and verifications against a
`none` entry (核实比对, §3.5, R2024 §23), with the timelines both parties see.

A demand is filed by the requesting agency's share officer, reviewed by the data authority, forwarded to
the source agency (数源部门, R2024 §13「一数一源一标准」), answered and fulfilled. A verification holds the
records the requester submitted (only the named fields) and, once answered, one verdict per record
(一致/不一致/查无): never a value of the provider's file.
"""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..agencies.models import Agency
from ..catalog.models import Dataset
from ..extensions import db
from ..models_base import TimelineLine, stamped


class DemandState(StrEnum):
    DRAFT = "draft"
    AUTHORITY_REVIEW = "authority_review"  # the authority reviews (R2024 §24「经公共数据主管部门审核」)
    RETURNED = "returned"
    PROVIDER_REVIEW = "provider_review"    # forwarded to the source agency
    AGREED = "agreed"                      # on the provider's 责任清单
    REFUSED = "refused"
    FULFILLED = "fulfilled"
    DISPUTED = "disputed"                  # §3.7, another workflow takes it from here
    # another level's or region's data: the authority asks upward (R2024 §25「向上级公共数据主管部门申请获取」)
    UPWARD = "upward"                      # asked of the higher authority or platform; the portal's follow-up runs
    UPWARD_AGREED = "upward_agreed"        # the higher level agreed; due = the date it gave
    UPWARD_REFUSED = "upward_refused"      # the higher level refused (its reason and basis recorded)
    WITHDRAWN = "withdrawn"                # the requester no longer needs it


class AgreeMode(StrEnum):
    DIRECT = "direct"          # completion due = answer + 7 WD (R2024 §24「7个工作日内完成数据汇聚、共享」)
    PROCESSING = "processing"  # completion due = the date the provider gives (「告知能够共享的具体时间」)
    UPWARD = "upward"          # the higher level agreed; completion due = the date it gave


class DemandRequest(db.Model):
    __tablename__ = "share_demands"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    requester_agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    provider_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), nullable=True, index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    state: Mapped[str] = mapped_column(String(20), default=DemandState.DRAFT, index=True)
    # what is asked
    title: Mapped[str] = mapped_column(String(300))                  # the data wanted
    items: Mapped[list[str]] = mapped_column(JSON, default=list)     # the data items wanted
    description: Mapped[str] = mapped_column(Text, default="")
    scenario: Mapped[str] = mapped_column(Text, default="")          # 应用业务场景
    legal_duty: Mapped[str] = mapped_column(Text, default="")
    suggested_provider: Mapped[str] = mapped_column(String(300), default="")  # the requester's guess, if any
    commitment: Mapped[bool] = mapped_column(Boolean, default=False)  # R2024 §20「承诺其真实性、合规性、安全性」
    # the clock
    created_at: Mapped[datetime] = mapped_column(DateTime, default=stamped)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    due_date: Mapped[date | None] = mapped_column(Date, nullable=True, index=True)  # what is owed now
    review_due: Mapped[date | None] = mapped_column(Date, nullable=True)
    answer_due: Mapped[date | None] = mapped_column(Date, nullable=True)
    completion_due: Mapped[date | None] = mapped_column(Date, nullable=True)
    # the answers
    return_reason: Mapped[str] = mapped_column(Text, default="")
    agree_mode: Mapped[str] = mapped_column(String(20), default="")
    answered_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    refusal_reason: Mapped[str] = mapped_column(Text, default="")
    refusal_legal_basis: Mapped[str] = mapped_column(Text, default="")
    fulfilled_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    fulfilled_dataset_id: Mapped[str | None] = mapped_column(ForeignKey("datasets.id"), nullable=True)
    # asked upward (R2024 §25, SZ §20): to whom, their reference, when sent; their answer
    upward_to: Mapped[str] = mapped_column(String(300), default="")        # the higher authority or platform
    upward_reference: Mapped[str] = mapped_column(String(100), default="")  # its reference number (文号/编号)
    upward_sent_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    upward_answer: Mapped[str] = mapped_column(Text, default="")           # how the data will be available
    row_version: Mapped[int] = mapped_column(Integer, default=1)

    requester: Mapped[Agency] = relationship(foreign_keys=[requester_agency_id], lazy="joined")
    provider: Mapped[Agency | None] = relationship(foreign_keys=[provider_agency_id], lazy="joined")
    fulfilled_dataset: Mapped[Dataset | None] = relationship()
    events: Mapped[list["DemandEvent"]] = relationship(
        back_populates="demand", cascade="all, delete-orphan", order_by="DemandEvent.id")

    __mapper_args__ = {"version_id_col": row_version}


class DemandEvent(TimelineLine, db.Model):
    __tablename__ = "share_demand_events"

    demand_id: Mapped[int] = mapped_column(ForeignKey("share_demands.id", ondelete="CASCADE"), index=True)

    demand: Mapped[DemandRequest] = relationship(back_populates="events")


class VerificationState(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    ANSWERED = "answered"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


class Verdict(StrEnum):
    MATCH = "match"          # 一致
    MISMATCH = "mismatch"    # 不一致
    NOT_FOUND = "not_found"  # 查无


class VerificationRequest(db.Model):
    __tablename__ = "share_verifications"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    requester_agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    provider_agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    dataset_id: Mapped[str] = mapped_column(ForeignKey("datasets.id"), index=True)
    resource_id: Mapped[str] = mapped_column(String(36))           # the provider's file compared against
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    state: Mapped[str] = mapped_column(String(20), default=VerificationState.DRAFT, index=True)
    purpose: Mapped[str] = mapped_column(Text, default="")
    legal_duty: Mapped[str] = mapped_column(Text, default="")
    key_fields: Mapped[list[str]] = mapped_column(JSON, default=list)      # how records are matched
    compare_fields: Mapped[list[str]] = mapped_column(JSON, default=list)  # what is compared
    filename: Mapped[str] = mapped_column(String(300), default="")
    records: Mapped[list[dict]] = mapped_column(JSON, default=list)   # the submitted records, named fields only
    verdicts: Mapped[list[str]] = mapped_column(JSON, default=list)   # one per record, once answered
    decline_basis: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=stamped)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    due_date: Mapped[date | None] = mapped_column(Date, nullable=True, index=True)
    answered_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    row_version: Mapped[int] = mapped_column(Integer, default=1)

    requester: Mapped[Agency] = relationship(foreign_keys=[requester_agency_id], lazy="joined")
    provider: Mapped[Agency] = relationship(foreign_keys=[provider_agency_id], lazy="joined")
    dataset: Mapped[Dataset] = relationship(lazy="joined")
    events: Mapped[list["VerificationEvent"]] = relationship(
        back_populates="verification", cascade="all, delete-orphan", order_by="VerificationEvent.id")

    __mapper_args__ = {"version_id_col": row_version}


class VerificationEvent(TimelineLine, db.Model):
    __tablename__ = "share_verification_events"

    verification_id: Mapped[int] = mapped_column(ForeignKey("share_verifications.id", ondelete="CASCADE"),
                                                 index=True)

    verification: Mapped[VerificationRequest] = relationship(back_populates="events")
