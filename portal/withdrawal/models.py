"""A planned withdrawal (停止提供预告, OVERSIGHT §2; SZ §12「至少提前一个月通知」, R2018 §18, R2021 §26): the
agency announces that a published entry stops being provided after a last day at least a month away."""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..agencies.models import Agency
from ..catalog.models import Dataset
from ..extensions import db
from ..models_base import stamped


class WithdrawalState(StrEnum):
    FILED = "filed"          # announced; in mode `approve` awaiting the authority
    APPROVED = "approved"    # mode `approve`: the authority approved it
    RETURNED = "returned"    # the authority returned it before the last day
    WITHDRAWN = "withdrawn"  # the agency took it back: the entry stays
    EFFECTIVE = "effective"  # the day after the last day the entry was unpublished


from flask_babel import lazy_gettext as _l  # noqa: E402

# The labels of the states (the `status` filter of portal/templating.py reads them).
STATE_LABELS = {WithdrawalState.FILED: _l("Announced"), WithdrawalState.APPROVED: _l("Approved"),
                WithdrawalState.RETURNED: _l("Returned"), WithdrawalState.WITHDRAWN: _l("Withdrawn by the agency"),
                WithdrawalState.EFFECTIVE: _l("In effect: no longer provided")}


class Withdrawal(db.Model):
    __tablename__ = "entry_withdrawals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dataset_id: Mapped[str] = mapped_column(ForeignKey("datasets.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    filed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    filed_at: Mapped[datetime] = mapped_column(DateTime, default=stamped)
    filed_on: Mapped[date] = mapped_column(Date)                       # China date of filing
    reason: Mapped[str] = mapped_column(Text, default="")              # 正当理由
    last_day: Mapped[date] = mapped_column(Date, index=True)
    mode: Mapped[str] = mapped_column(String(20), default="file")      # `file` or `approve`, at filing
    told_user_ids: Mapped[list[int]] = mapped_column(JSON, default=list)  # notified at filing
    state: Mapped[str] = mapped_column(String(20), default=WithdrawalState.FILED, index=True)
    due_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    decision_note: Mapped[str] = mapped_column(Text, default="")
    effective_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    row_version: Mapped[int] = mapped_column(Integer, default=1)

    dataset: Mapped[Dataset] = relationship(lazy="joined")
    agency: Mapped[Agency] = relationship(lazy="joined")

    __mapper_args__ = {"version_id_col": row_version}
