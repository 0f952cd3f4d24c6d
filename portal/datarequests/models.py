"""Public data requests (数据需求, issue 25): anyone with an account asks for data that is not open yet; the data
authority routes the request to an agency, which accepts it (linked to an open-plan item or a catalog entry) or
refuses it with its reason and legal basis. Requests and answers are public; the requester never appears by
name, only by the kind of account (`requester_kind`, recorded when filing). Other accounts add "me too" with
their own use case, once each (`DataRequestSupport`).
"""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from flask_babel import lazy_pgettext
from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .. import workdays
from ..agencies.models import Agency
from ..catalog.models import Dataset, Theme
from ..extensions import db
from ..models_base import stamped
from ..plans.models import PlanItem


class DataRequestState(StrEnum):
    SUBMITTED = "submitted"  # the data authority routes it to an agency
    ROUTED = "routed"        # the agency answers within DATA_REQUEST_WORKDAYS
    ACCEPTED = "accepted"    # linked to a plan item or a catalog entry
    REFUSED = "refused"      # with reason and legal basis


STATE_LABELS = {
    DataRequestState.SUBMITTED: lazy_pgettext("data request state", "Waiting to be routed"),
    DataRequestState.ROUTED: lazy_pgettext("data request state", "Waiting for the agency's answer"),
    DataRequestState.ACCEPTED: lazy_pgettext("data request state", "Accepted"),
    DataRequestState.REFUSED: lazy_pgettext("data request state", "Refused"),
}


class DataRequest(db.Model):
    __tablename__ = "data_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    requester_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)  # never shown to the public
    requester_kind: Mapped[str] = mapped_column(String(20), default="")  # person, legal_person, ..., staff
    title: Mapped[str] = mapped_column(String(300))        # the data wanted
    description: Mapped[str] = mapped_column(Text, default="")  # what exactly: items, period, area
    use_case: Mapped[str] = mapped_column(Text)            # why: what it is used for
    theme_id: Mapped[int | None] = mapped_column(ForeignKey("themes.id"), nullable=True, index=True)
    suggested_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), nullable=True)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), nullable=True, index=True)
    state: Mapped[str] = mapped_column(String(20), default=DataRequestState.SUBMITTED, index=True)
    filed_at: Mapped[datetime] = mapped_column(DateTime, default=stamped)
    routed_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    due_date: Mapped[date | None] = mapped_column(Date, nullable=True, index=True)  # what is owed now
    answer: Mapped[str] = mapped_column(Text, default="")             # the agency's answer or refusal reason
    refusal_legal_basis: Mapped[str] = mapped_column(Text, default="")
    plan_item_id: Mapped[int | None] = mapped_column(ForeignKey("plan_items.id", ondelete="SET NULL"), nullable=True)
    dataset_id: Mapped[str | None] = mapped_column(ForeignKey("datasets.id"), nullable=True)
    answered_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    row_version: Mapped[int] = mapped_column(Integer, default=1)

    theme: Mapped[Theme | None] = relationship()
    suggested_agency: Mapped[Agency | None] = relationship(foreign_keys=[suggested_agency_id])
    agency: Mapped[Agency | None] = relationship(foreign_keys=[agency_id])
    plan_item: Mapped[PlanItem | None] = relationship()
    dataset: Mapped[Dataset | None] = relationship()
    supports: Mapped[list["DataRequestSupport"]] = relationship(
        back_populates="request", cascade="all, delete-orphan", order_by="DataRequestSupport.id")

    __mapper_args__ = {"version_id_col": row_version}

    @property
    def is_open(self) -> bool:
        return self.state in (DataRequestState.SUBMITTED, DataRequestState.ROUTED)

    @property
    def due_provisional(self) -> bool:
        start = self.routed_at or self.filed_at
        return self.is_open and self.due_date is not None and workdays.provisional(
            start, self.due_date, cal=workdays.shared_calendar())


class DataRequestSupport(db.Model):
    """One account's "me too" on a request, with its own use case (once per account)."""

    __tablename__ = "data_request_supports"
    __table_args__ = (UniqueConstraint("request_id", "user_id", name="uq_data_request_supports_once"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("data_requests.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)  # never shown to the public
    user_kind: Mapped[str] = mapped_column(String(20), default="")
    use_case: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=stamped)

    request: Mapped[DataRequest] = relationship(back_populates="supports")
