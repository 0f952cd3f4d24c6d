"""An operation agreement (授权运营协议, OVERSIGHT §10; R2024 §31「建立健全公共数据授权运营」): a legal person (its
统一社会信用代码) operates registered public-data assets in the 授权运营 scope for a purpose and a period, under
security measures, making stated products; a risk assessment is recorded before it starts (R2024 §35)."""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import Column, Date, DateTime, ForeignKey, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..catalog.models import Dataset
from ..extensions import db
from ..models_base import stamped
from ..opening.models import UsageReport


class AgreementState(StrEnum):
    DRAFT = "draft"            # entered by the authority
    ASSESSED = "assessed"      # the risk assessment is on record
    ACTIVE = "active"          # in force: within its period the operator fetches the entries' files by API
    SUSPENDED = "suspended"    # suspended with a reason (as a grant)
    REVOKED = "revoked"        # ended early with a reason


STATE_LABELS = {AgreementState.DRAFT: _l("Draft"), AgreementState.ASSESSED: _l("Risk assessed"),
                AgreementState.ACTIVE: _l("In force"), AgreementState.SUSPENDED: _l("Suspended"),
                AgreementState.REVOKED: _l("Revoked")}

agreement_entries = Table(
    "operation_agreement_entries", db.metadata,
    Column("agreement_id", ForeignKey("operation_agreements.id", ondelete="CASCADE"), primary_key=True),
    Column("dataset_id", ForeignKey("datasets.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class OperationAgreement(db.Model):
    __tablename__ = "operation_agreements"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    operator_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)   # the operator's account
    operator_name: Mapped[str] = mapped_column(String(200))                        # the legal person's name
    uscc: Mapped[str] = mapped_column(String(18))                                  # 统一社会信用代码
    purpose: Mapped[str] = mapped_column(Text)
    start: Mapped[date] = mapped_column(Date)
    end: Mapped[date] = mapped_column(Date)
    security_measures: Mapped[str] = mapped_column(Text)
    products: Mapped[str] = mapped_column(Text, default="")
    risk_note: Mapped[str] = mapped_column(Text, default="")                      # the risk assessment's conclusion
    risk_assessed_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    risk_assessed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    state: Mapped[str] = mapped_column(String(20), default=AgreementState.DRAFT, index=True)
    due_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    state_reason: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=stamped)
    report_every_days: Mapped[int] = mapped_column(Integer, default=90)   # usage reports, as for a grant
    state_changed_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    row_version: Mapped[int] = mapped_column(Integer, default=1)

    operator: Mapped[User] = relationship(foreign_keys=[operator_id], lazy="joined")
    entries: Mapped[list[Dataset]] = relationship(secondary=agreement_entries, lazy="selectin",
                                                  order_by="Dataset.code")
    reports: Mapped[list[UsageReport]] = relationship(backref="agreement", cascade="all, delete-orphan",
                                                      order_by="UsageReport.due_date")

    __mapper_args__ = {"version_id_col": row_version}

    @property
    def codes(self) -> list[str]:
        return [d.code for d in self.entries]

    @property
    def holder_id(self) -> int:
        """Who files the usage reports (opening.reports reads grants and operation agreements alike)."""
        return self.operator_id

    @property
    def owes_reports(self) -> bool:
        """Reports are owed once the agreement has been put in force."""
        return self.state in (AgreementState.ACTIVE, AgreementState.SUSPENDED, AgreementState.REVOKED)

    def in_force_on(self, day: date) -> bool:
        return self.state == AgreementState.ACTIVE and self.start <= day <= self.end
