"""Rights complaints, corrections, reports of illegal use, and the files attached to them."""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .. import workdays
from ..accounts.models import User
from ..agencies.models import Agency
from ..catalog.models import Dataset, Resource
from ..extensions import db
from ..models_base import stamped
from ..storage import files as stored_files


class Right(StrEnum):
    """The right a complainant says opened data infringes (R2024 §28)."""

    PRIVACY = "privacy"                            # 隐私
    PERSONAL_INFORMATION = "personal_information"  # 个人信息
    TRADE_SECRET = "trade_secret"                  # 商业秘密
    OTHER = "other"                                # 其他合法权益


class CaseState(StrEnum):
    HELD = "held"        # filed during a burst by a new account: awaits a quick decision, entry not suspended
    OPEN = "open"        # the entry is suspended while the agency verifies
    DECIDED = "decided"


class Outcome(StrEnum):
    """The agency's decision on a complaint after verification (R2024 §28)."""

    WITHDRAW = "withdraw"   # 撤回数据
    RESUME = "resume"       # 恢复开放
    PROCESS = "process"     # 依法处理后开放
    REJECT = "reject"       # 驳回: unfounded or abusive; opening is restored if this complaint alone suspended it


class CorrectionState(StrEnum):
    OPEN = "open"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class ReportState(StrEnum):
    OPEN = "open"
    ANSWERED = "answered"


class Complaint(db.Model):
    """A rights complaint on an opened entry; the entry is suspended from the moment it is filed (or, when
    it is held during a burst of complaints, from the moment the authority or the agency lets it through)."""

    __tablename__ = "complaints"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dataset_id: Mapped[str] = mapped_column(ForeignKey("datasets.id"), index=True)
    complainant_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    right: Mapped[str] = mapped_column(String(30))
    right_other: Mapped[str] = mapped_column(String(200), default="")
    description: Mapped[str] = mapped_column(Text)
    resource_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Every file of the entry when the complaint was filed: {resource id: {version, sha256, name}};
    # "resume" checks the files are still these, "process" quarantines the complained-about ones.
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    state: Mapped[str] = mapped_column(String(20), default=CaseState.OPEN, index=True)
    outcome: Mapped[str | None] = mapped_column(String(20), nullable=True)
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    filed_at: Mapped[datetime] = mapped_column(DateTime, default=stamped)
    due_date: Mapped[date] = mapped_column(Date)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    held_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)  # filed in the held state
    row_version: Mapped[int] = mapped_column(Integer, default=1)

    dataset: Mapped[Dataset] = relationship()
    complainant: Mapped[User] = relationship(foreign_keys=[complainant_id])

    __mapper_args__ = {"version_id_col": row_version}  # two decisions at once: one wins, one 409s

    @property
    def is_open(self) -> bool:
        return self.state == CaseState.OPEN

    @property
    def is_held(self) -> bool:
        return self.state == CaseState.HELD

    @property
    def is_pending(self) -> bool:
        """Not decided yet: held or open."""
        return self.state != CaseState.DECIDED

    @property
    def due_provisional(self) -> bool:
        """The pending case's due date was counted through a year whose holiday arrangement is not known yet."""
        return self.is_pending and workdays.provisional(self.filed_at, self.due_date, cal=workdays.shared_calendar())


class Correction(db.Model):
    """A reported error or omission in an entry or one of its resources (R2024 §45)."""

    __tablename__ = "corrections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dataset_id: Mapped[str] = mapped_column(ForeignKey("datasets.id"), index=True)
    resource_id: Mapped[str | None] = mapped_column(ForeignKey("resources.id"), nullable=True)
    reporter_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    location: Mapped[str] = mapped_column(String(500))  # which field or rows
    description: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(20), default=CorrectionState.OPEN, index=True)
    filed_at: Mapped[datetime] = mapped_column(DateTime, default=stamped)
    due_date: Mapped[date] = mapped_column(Date)
    resource_version_at_filing: Mapped[int | None] = mapped_column(Integer, nullable=True)
    fixed_in_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    answer: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    # Whom the portal told when the correction was accepted (R2024 §45): [{"agency_id", "agency", "why"}]
    notified: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    row_version: Mapped[int] = mapped_column(Integer, default=1)

    dataset: Mapped[Dataset] = relationship()
    resource: Mapped[Resource | None] = relationship()
    reporter: Mapped[User] = relationship(foreign_keys=[reporter_id])

    __mapper_args__ = {"version_id_col": row_version}

    @property
    def is_open(self) -> bool:
        return self.state == CorrectionState.OPEN

    @property
    def due_provisional(self) -> bool:
        """The open case's due date was counted through a year whose holiday arrangement is not known yet."""
        return self.is_open and workdays.provisional(self.filed_at, self.due_date, cal=workdays.shared_calendar())


class Report(db.Model):
    """A report of illegal use of public data (R2024 §46), seen by the authority and the agency concerned."""

    __tablename__ = "reports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reporter_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    dataset_id: Mapped[str | None] = mapped_column(ForeignKey("datasets.id"), nullable=True, index=True)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), nullable=True, index=True)
    accused: Mapped[str] = mapped_column(String(300))  # who uses the data illegally, as the reporter knows them
    description: Mapped[str] = mapped_column(Text)     # what they do
    state: Mapped[str] = mapped_column(String(20), default=ReportState.OPEN, index=True)
    filed_at: Mapped[datetime] = mapped_column(DateTime, default=stamped)
    due_date: Mapped[date] = mapped_column(Date)
    answer: Mapped[str] = mapped_column(Text, default="")
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    answered_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    reported_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    row_version: Mapped[int] = mapped_column(Integer, default=1)

    dataset: Mapped[Dataset | None] = relationship()
    agency: Mapped[Agency | None] = relationship()
    reporter: Mapped[User] = relationship(foreign_keys=[reporter_id])
    reported_user: Mapped[User | None] = relationship(foreign_keys=[reported_user_id])

    __mapper_args__ = {"version_id_col": row_version}

    @property
    def is_open(self) -> bool:
        return self.state == ReportState.OPEN

    @property
    def due_provisional(self) -> bool:
        """The open case's due date was counted through a year whose holiday arrangement is not known yet."""
        return self.is_open and workdays.provisional(self.filed_at, self.due_date, cal=workdays.shared_calendar())


class Attachment(db.Model):
    """A file attached to a complaint (evidence), correction or report; never public."""

    __tablename__ = "feedback_attachments"
    __table_args__ = (Index("ix_feedback_attachments_owner", "owner_type", "owner_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner_type: Mapped[str] = mapped_column(String(20))  # complaint | correction | report
    owner_id: Mapped[int] = mapped_column(Integer)
    filename: Mapped[str] = mapped_column(String(300))
    storage_key: Mapped[str] = mapped_column(String(200), index=True)
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=stamped)


stored_files.register(Attachment.storage_key)  # the storage owner keeps the bytes while a row names them
