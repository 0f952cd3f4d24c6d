"""What the deadline command has already sent, so a reminder goes out at most once a day."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..models_base import stamped


class DeadlineNotice(db.Model):
    """One reminder or escalation sent by `flask portal deadlines`: a case, a user and a day at most once."""

    __tablename__ = "deadline_notices"
    __table_args__ = (UniqueConstraint("day", "case_key", "kind", "user_id", name="uq_deadline_notice"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[date] = mapped_column(Date, index=True)
    case_key: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(40))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    emailed: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=stamped)
