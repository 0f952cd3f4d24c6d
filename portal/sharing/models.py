"""Share requests between agencies, their timeline, and the grants they lead to (SHARING.md §2.3, §3.1–3.3).

A request names the requesting agency (使用方), the providing agency (提供方, the entry's owner), the entry,
its files and data items, and states what R2024 §20 and §23 ask: the application scenario (应用业务场景), the
legal duty it serves, the records, the modes, the start and end date, the named users (用数人员), the
security measures and the commitment to truth, compliance and security. The provider's answer narrows it
(agreed_*), never widens it; delivery makes a `ShareGrant`, the one answer to "may this user take this file
this way today" (`ShareGrant.covers`).
"""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..agencies.models import Agency
from ..catalog.models import Dataset
from ..extensions import db
from ..models_base import TimelineLine, stamped


class RequestState(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"    # waiting for the provider's answer; the clock runs
    AGREED = "agreed"          # agreed (fully or narrower); waiting for delivery
    DELIVERED = "delivered"    # conditional: data delivered, grant active
    GRANTED = "granted"        # unconditional: granted at once (R2024 §23「直接…申请并获取」)
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"
    DISPUTED = "disputed"      # the requester disputes a refusal (§3.7)


class ShareMode(StrEnum):
    API = "api"            # 接口: by the named user's API token
    DOWNLOAD = "download"  # 批量下载: file download on the site
    QUERY = "query"        # 在线查询
    OFFLINE = "offline"    # 前置机/系统对接: recorded with a note, not enforced by the portal


class ShareGrantState(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    REVOKED = "revoked"
    EXPIRED = "expired"    # the end date passed
    ENDED = "ended"        # a stop notice took effect (§3.8)


class ShareRequest(db.Model):
    """One request of an agency for another agency's catalog entry."""

    __tablename__ = "share_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    requester_agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    provider_agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    dataset_id: Mapped[str] = mapped_column(ForeignKey("datasets.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    share_type: Mapped[str] = mapped_column(String(20))   # the entry's share type when the request was made
    state: Mapped[str] = mapped_column(String(20), default=RequestState.DRAFT, index=True)
    # what is asked (R2024 §20, §23)
    resource_ids: Mapped[list[str]] = mapped_column(JSON, default=list)   # the files asked for
    items: Mapped[list[str]] = mapped_column(JSON, default=list)          # the data items asked for
    scenario: Mapped[str] = mapped_column(Text, default="")               # 应用业务场景
    legal_duty: Mapped[str] = mapped_column(Text, default="")             # the duty the data serves, its basis
    purpose: Mapped[str] = mapped_column(Text, default="")
    records: Mapped[str] = mapped_column(Text, default="")                # which records (region, period …)
    modes: Mapped[list[str]] = mapped_column(JSON, default=list)
    start: Mapped[date | None] = mapped_column(Date, nullable=True)
    end: Mapped[date | None] = mapped_column(Date, nullable=True)
    user_ids: Mapped[list[int]] = mapped_column(JSON, default=list)       # 用数人员: staff of the requester
    security_measures: Mapped[str] = mapped_column(Text, default="")
    commitment: Mapped[bool] = mapped_column(Boolean, default=False)      # R2024 §20「承诺其真实性、合规性、安全性」
    # the clock
    created_at: Mapped[datetime] = mapped_column(DateTime, default=stamped)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    due_date: Mapped[date | None] = mapped_column(Date, nullable=True, index=True)  # what is owed now
    answer_due: Mapped[date | None] = mapped_column(Date, nullable=True)
    delivery_due: Mapped[date | None] = mapped_column(Date, nullable=True)
    supervised_on: Mapped[date | None] = mapped_column(Date, nullable=True)  # 督办 by the authority (R2024 §49)
    # the answer
    answered_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    refusal_reason: Mapped[str] = mapped_column(Text, default="")
    refusal_legal_basis: Mapped[str] = mapped_column(Text, default="")
    # agreed terms: the ask, or narrower (least privilege, R2024 §23)
    agreed_items: Mapped[list[str]] = mapped_column(JSON, default=list)
    agreed_resource_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    agreed_modes: Mapped[list[str]] = mapped_column(JSON, default=list)
    agreed_user_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    agreed_start: Mapped[date | None] = mapped_column(Date, nullable=True)
    agreed_end: Mapped[date | None] = mapped_column(Date, nullable=True)
    terms_note: Mapped[str] = mapped_column(Text, default="")
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    row_version: Mapped[int] = mapped_column(Integer, default=1)

    requester: Mapped[Agency] = relationship(foreign_keys=[requester_agency_id], lazy="joined")
    provider: Mapped[Agency] = relationship(foreign_keys=[provider_agency_id], lazy="joined")
    dataset: Mapped[Dataset] = relationship(lazy="joined")
    events: Mapped[list["ShareRequestEvent"]] = relationship(
        back_populates="request", cascade="all, delete-orphan", order_by="ShareRequestEvent.id")
    grant: Mapped["ShareGrant | None"] = relationship(back_populates="request", uselist=False)

    __mapper_args__ = {"version_id_col": row_version}  # two officers answering at once: one wins, one 409s


class ShareRequestEvent(TimelineLine, db.Model):
    """A line of the request's timeline, which both agencies see."""

    __tablename__ = "share_request_events"

    request_id: Mapped[int] = mapped_column(ForeignKey("share_requests.id", ondelete="CASCADE"), index=True)

    request: Mapped[ShareRequest] = relationship(back_populates="events")


class ShareGrant(db.Model):
    """What a delivered (or unconditionally granted) request allows: named users, listed files and data
    items, granted modes, from start to end (SHARING.md §3.3)."""

    __tablename__ = "share_grants"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("share_requests.id"), unique=True)
    dataset_id: Mapped[str] = mapped_column(ForeignKey("datasets.id"), index=True)
    requester_agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    provider_agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    user_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    resource_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    items: Mapped[list[str]] = mapped_column(JSON, default=list)
    modes: Mapped[list[str]] = mapped_column(JSON, default=list)
    purpose: Mapped[str] = mapped_column(Text, default="")
    scenario: Mapped[str] = mapped_column(Text, default="")
    start: Mapped[date] = mapped_column(Date)
    end: Mapped[date] = mapped_column(Date)
    offline_note: Mapped[str] = mapped_column(Text, default="")   # `offline` delivery: recorded, unenforced
    state: Mapped[str] = mapped_column(String(20), default=ShareGrantState.ACTIVE, index=True)
    state_reason: Mapped[str] = mapped_column(Text, default="")
    state_changed_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    state_changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=stamped)
    row_version: Mapped[int] = mapped_column(Integer, default=1)

    request: Mapped[ShareRequest] = relationship(back_populates="grant")
    dataset: Mapped[Dataset] = relationship(lazy="joined")

    __mapper_args__ = {"version_id_col": row_version}

    def refusal(self, resource_id: str, user_id: int | None, mode: str, day: date) -> str | None:
        """Why this grant does not let `user_id` take this file by `mode` on `day`; None when it does.
        A code, in the order asked: state, user, file, mode, period (grants.py words it)."""
        if self.state != ShareGrantState.ACTIVE:
            return self.state
        if user_id not in self.user_ids:
            return "user"
        if self.resource_ids and resource_id not in self.resource_ids:
            return "resource"
        if mode not in self.modes:
            return "mode"
        if day < self.start:
            return "not_started"
        if day > self.end:
            return "ended"
        return None

    def covers(self, resource_id: str, user_id: int | None, mode: str, day: date) -> bool:
        """Named users only, listed files, granted modes, start to end, while active (SHARING.md §3.3)."""
        return self.refusal(resource_id, user_id, mode, day) is None


class ShareDelivery(db.Model):
    """The bytes that left under a grant (one row per grant and content): what the requester received, so
    that the same bytes are refused as a file of the requester's own entries (SHARING.md §4, S6)."""

    __tablename__ = "share_deliveries"
    __table_args__ = (UniqueConstraint("grant_id", "sha256", name="uq_share_delivery"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    grant_id: Mapped[int] = mapped_column(ForeignKey("share_grants.id"), index=True)
    resource_id: Mapped[str] = mapped_column(String(36))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=stamped)
