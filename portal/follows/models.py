"""A follow and the events it was told of."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..models_base import stamped


class Follow(db.Model):
    """One thing a user follows, and how they want to be told.

    target: "dataset" (key: entry id), "agency" (agency id), "theme" (theme id), "search" (the search page's
    query string, normalised) or "mine" (the answers to the user's own cases; key empty).
    email: "none", "immediate" or "weekly"; feed: the follow has a private Atom feed at its token."""

    __tablename__ = "follows"
    __table_args__ = (UniqueConstraint("user_id", "target", "key", name="uq_follows_user_target_key"),
                      Index("ix_follows_target_key", "target", "key"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    target: Mapped[str] = mapped_column(String(20))
    key: Mapped[str] = mapped_column(String(500), default="")
    label: Mapped[str] = mapped_column(String(300), default="")
    email: Mapped[str] = mapped_column(String(20), default="weekly")
    feed: Mapped[bool] = mapped_column(default=False)
    feed_token: Mapped[str] = mapped_column(String(64), unique=True)
    # Moves when an unsubscribe link is used: the links already sent stop working (they work once).
    unsubscribe_nonce: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=stamped)

    events: Mapped[list["FollowEvent"]] = relationship(back_populates="follow", cascade="all, delete-orphan",
                                                       passive_deletes=True)


class FollowEvent(db.Model):
    """Something a follow was told of: written in the transaction of the change itself (events.py)."""

    __tablename__ = "follow_events"
    __table_args__ = (Index("ix_follow_events_follow_at", "follow_id", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    follow_id: Mapped[int] = mapped_column(ForeignKey("follows.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(DateTime, default=stamped)
    kind: Mapped[str] = mapped_column(String(40))   # new_file, new_version, open_type, withdrawal_notice, ...
    dataset_id: Mapped[str | None] = mapped_column(String(36), nullable=True, index=True)
    title: Mapped[str] = mapped_column(String(300), default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str] = mapped_column(String(500), default="")  # a path inside the portal
    mailed_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True, index=True)  # sent or digested

    follow: Mapped[Follow] = relationship(back_populates="events")
