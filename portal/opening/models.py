"""Applications for conditional-open data, their timeline and attachments, grants and usage reports
(SPEC §3; R2024 §28, §36, §50; SZ §25). A user's access suspended for misuse is accounts.models.AccessBlock."""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, BigInteger, Boolean, CheckConstraint, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .. import workdays
from ..accounts.models import User
from ..catalog.models import Dataset
from ..extensions import db
from ..models_base import TimelineLine, stamped
from ..storage import files as stored_files


class ApplicationState(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"            # waiting for the agency; the clock runs
    INFO_REQUESTED = "info_requested"  # waiting for the applicant; the clock rule decides (run, pause, restart)
    APPROVED = "approved"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"


class ProvisionMethod(StrEnum):
    DOWNLOAD = "download"  # file download from the portal
    API = "api"            # through the API with a token


class GrantState(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    REVOKED = "revoked"


class Application(db.Model):
    """One application for a conditional-open entry, with every field R2024 §28 asks for."""

    __tablename__ = "applications"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dataset_id: Mapped[str] = mapped_column(ForeignKey("datasets.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)  # who must answer
    applicant_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    state: Mapped[str] = mapped_column(String(20), default=ApplicationState.DRAFT, index=True)
    scenario: Mapped[str] = mapped_column(Text, default="")              # 应用场景
    items: Mapped[list[str]] = mapped_column(JSON, default=list)         # 数据需求范围: data items
    records_scope: Mapped[str] = mapped_column(Text, default="")         # 数据需求范围: records or period
    provision_methods: Mapped[list[str]] = mapped_column(JSON, default=list)  # 数据提供方式
    period_start: Mapped[date | None] = mapped_column(Date, nullable=True)    # 数据使用时限
    period_end: Mapped[date | None] = mapped_column(Date, nullable=True)
    security_measures: Mapped[str] = mapped_column(Text, default="")     # 安全保障措施
    commit_truth: Mapped[bool] = mapped_column(Boolean, default=False)
    commit_compliance: Mapped[bool] = mapped_column(Boolean, default=False)
    commit_security: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=stamped)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    due_date: Mapped[date | None] = mapped_column(Date, nullable=True, index=True)
    # When the count to due_date began: the submission, or the answer that restarted a stopped clock.
    clock_started_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    # While the agency waits for more information under the "pause" or "restart" rule: when the clock stopped.
    clock_stopped_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    # While the agency waits for more information, the workdays that were left (clock rule "pause").
    remaining_workdays: Mapped[int | None] = mapped_column(Integer, nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    permitted_purpose: Mapped[str] = mapped_column(Text, default="")
    permitted_scope: Mapped[str] = mapped_column(Text, default="")
    refusal_reason: Mapped[str] = mapped_column(Text, default="")
    refusal_legal_basis: Mapped[str] = mapped_column(Text, default="")
    row_version: Mapped[int] = mapped_column(Integer, default=1)

    dataset: Mapped[Dataset] = relationship(lazy="joined")
    applicant: Mapped[User] = relationship(foreign_keys=[applicant_id], lazy="joined")
    attachments: Mapped[list["ApplicationAttachment"]] = relationship(
        back_populates="application", cascade="all, delete-orphan", order_by="ApplicationAttachment.id")
    events: Mapped[list["ApplicationEvent"]] = relationship(
        back_populates="application", cascade="all, delete-orphan", order_by="ApplicationEvent.id")
    grant: Mapped["Grant | None"] = relationship(back_populates="application", uselist=False)

    __mapper_args__ = {"version_id_col": row_version}  # two staff deciding at once: one wins, one 409s

    @property
    def clock_start(self) -> datetime | None:
        return self.clock_started_at or self.submitted_at

    @property
    def clock_stopped_on(self) -> date | None:
        """The day the clock stopped while the agency waits for the applicant; None while it runs."""
        if self.state != ApplicationState.INFO_REQUESTED or self.clock_stopped_at is None:
            return None
        return workdays.china_date(self.clock_stopped_at)

    @property
    def due_provisional(self) -> bool:
        """The open application's due date was counted through a year whose holiday arrangement is not known yet."""
        return (self.state in (ApplicationState.SUBMITTED, ApplicationState.INFO_REQUESTED)
                and workdays.provisional(self.clock_start, self.due_date, cal=workdays.shared_calendar()))


class ApplicationAttachment(db.Model):
    """A proof of capability (PDF, PNG or JPEG), stored content-addressed through the storage backend."""

    __tablename__ = "application_attachments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(300))
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(BigInteger)
    storage_key: Mapped[str] = mapped_column(String(200), index=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    uploaded_at: Mapped[datetime] = mapped_column(DateTime, default=stamped)

    application: Mapped[Application] = relationship(back_populates="attachments")


stored_files.register(ApplicationAttachment.storage_key)  # the storage owner keeps the bytes while a row names them


class ApplicationEvent(TimelineLine, db.Model):
    """A line of the case timeline the applicant and the agency both see."""

    __tablename__ = "application_events"

    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)

    application: Mapped[Application] = relationship(back_populates="events")


class Grant(db.Model):
    """Approved access: one applicant, one entry, a period, a scope and a usage-report schedule."""

    __tablename__ = "grants"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), unique=True)
    dataset_id: Mapped[str] = mapped_column(ForeignKey("datasets.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    purpose: Mapped[str] = mapped_column(Text)
    scope: Mapped[str] = mapped_column(Text)
    items: Mapped[list[str]] = mapped_column(JSON, default=list)
    resource_ids: Mapped[list[str]] = mapped_column(JSON, default=list)  # the files covered
    provision_methods: Mapped[list[str]] = mapped_column(JSON, default=list)
    start: Mapped[date] = mapped_column(Date)
    end: Mapped[date] = mapped_column(Date)
    report_every_days: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(20), default=GrantState.ACTIVE, index=True)
    state_reason: Mapped[str] = mapped_column(Text, default="")
    state_changed_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    state_changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=stamped)
    row_version: Mapped[int] = mapped_column(Integer, default=1)

    application: Mapped[Application] = relationship(back_populates="grant")
    dataset: Mapped[Dataset] = relationship(lazy="joined")
    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined")
    reports: Mapped[list["UsageReport"]] = relationship(
        back_populates="grant", cascade="all, delete-orphan", order_by="UsageReport.due_date")

    __mapper_args__ = {"version_id_col": row_version}  # a suspension and a revocation at once: one wins

    @property
    def holder_id(self) -> int:
        """Who files the usage reports (opening.reports reads grants and operation agreements alike)."""
        return self.user_id

    owes_reports = True  # from its start

    def usable_on(self, day: date) -> bool:
        """Active, and the day is within the approved period."""
        return self.state == GrantState.ACTIVE and self.start <= day <= self.end

    def covers_file(self, resource_id: str) -> bool:
        """The file is within the approved scope (no list of files: every file of the entry)."""
        return not self.resource_ids or resource_id in self.resource_ids

    def covers(self, resource_id: str, channel: str, day: date) -> bool:
        """Does this grant let its holder fetch this file through `channel` (download, api) on this day?
        (A suspension of the holder's access closes every grant: opening.grants asks both.)"""
        return self.usable_on(day) and self.covers_file(resource_id) and channel in self.provision_methods


class UsageReport(db.Model):
    """A usage report (利用情况) filed for one due date of the schedule (R2024 §36) by the holder of a grant or
    the operator of an operation agreement (OVERSIGHT §10): exactly one of the two links is set."""

    __tablename__ = "usage_reports"
    __table_args__ = (UniqueConstraint("grant_id", "due_date", name="uq_usage_report_due"),
                      UniqueConstraint("agreement_id", "due_date", name="uq_usage_report_agreement_due"),
                      CheckConstraint("(grant_id IS NULL) <> (agreement_id IS NULL)", name="ck_usage_report_one_case"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    grant_id: Mapped[int | None] = mapped_column(ForeignKey("grants.id", ondelete="CASCADE"), index=True,
                                                 nullable=True)
    agreement_id: Mapped[int | None] = mapped_column(ForeignKey("operation_agreements.id", ondelete="CASCADE"),
                                                     index=True, nullable=True)
    due_date: Mapped[date] = mapped_column(Date)
    filed_at: Mapped[datetime] = mapped_column(DateTime, default=stamped)
    filed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    text: Mapped[str] = mapped_column(Text)

    grant: Mapped[Grant | None] = relationship(back_populates="reports")
    # `agreement` (an OperationAgreement or None) is the backref of OperationAgreement.reports: this module
    # does not depend on operation, which may not be loaded
