"""One notice in a user's inbox."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..models_base import stamped


class Message(db.Model):
    __tablename__ = "inbox_messages"
    __table_args__ = (Index("ix_inbox_user_unread", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40), default="notice")  # e.g. application.decided, deadline.reminder
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str] = mapped_column(String(500), default="")  # a path inside the portal
    created_at: Mapped[datetime] = mapped_column(DateTime, default=stamped, index=True)
    read_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
