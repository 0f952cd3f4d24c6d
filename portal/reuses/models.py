"""Reuses (利用成果: an app, a visualisation, a paper, a news story built with public entries) and ratings of
entries (1–5 with an optional short comment, the agency's answer, reports of abusive comments)."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, DateTime, ForeignKey, Integer, SmallInteger, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..catalog.models import Dataset
from ..extensions import db
from ..models_base import stamped
from ..storage import files as stored_files


class ReuseKind(StrEnum):
    APP = "app"                      # 应用
    VISUALISATION = "visualisation"  # 可视化
    PAPER = "paper"                  # 论文/研究报告
    NEWS = "news"                    # 新闻报道
    OTHER = "other"                  # 其他


class ReuseState(StrEnum):
    PENDING = "pending"      # awaits the authority's moderation
    PUBLISHED = "published"  # shown on the showcase and on its entries' pages
    REJECTED = "rejected"    # not shown; the reason goes to the submitter


class CommentState(StrEnum):
    VISIBLE = "visible"
    REPORTED = "reported"  # shown while the authority looks at the reports
    HIDDEN = "hidden"      # hidden by the authority, with a reason


reuse_entries = Table(
    "reuse_entries", db.metadata,
    Column("reuse_id", ForeignKey("reuses.id", ondelete="CASCADE"), primary_key=True),
    Column("dataset_id", ForeignKey("datasets.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Reuse(db.Model):
    __tablename__ = "reuses"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20), index=True)
    url: Mapped[str] = mapped_column(String(500))
    description: Mapped[str] = mapped_column(Text)
    display_name: Mapped[str] = mapped_column(String(60))  # the name shown for the submitter, never the account's
    image_key: Mapped[str] = mapped_column(String(64), default="")
    image_type: Mapped[str] = mapped_column(String(40), default="")
    submitter_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    state: Mapped[str] = mapped_column(String(20), default=ReuseState.PENDING, index=True)
    reason: Mapped[str] = mapped_column(Text, default="")  # why it was rejected
    submitted_at: Mapped[datetime] = mapped_column(DateTime, default=stamped)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    row_version: Mapped[int] = mapped_column(Integer, default=1)

    entries: Mapped[list[Dataset]] = relationship(secondary=reuse_entries, order_by=Dataset.title)

    __mapper_args__ = {"version_id_col": row_version}


class Rating(db.Model):
    """One account's rating of one entry (changeable), with its optional comment and the agency's answer."""

    __tablename__ = "ratings"
    __table_args__ = (UniqueConstraint("dataset_id", "user_id", name="uq_ratings_dataset_user"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dataset_id: Mapped[str] = mapped_column(ForeignKey("datasets.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    score: Mapped[int] = mapped_column(SmallInteger)
    comment: Mapped[str] = mapped_column(String(500), default="")
    display_name: Mapped[str] = mapped_column(String(60))
    state: Mapped[str] = mapped_column(String(20), default=CommentState.VISIBLE, index=True)
    hide_reason: Mapped[str] = mapped_column(Text, default="")
    answer: Mapped[str] = mapped_column(String(1000), default="")
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    answered_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=stamped)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=stamped)
    row_version: Mapped[int] = mapped_column(Integer, default=1)

    dataset: Mapped[Dataset] = relationship()

    __mapper_args__ = {"version_id_col": row_version}


class CommentReport(db.Model):
    """One account's report of an abusive comment (one per account and comment)."""

    __tablename__ = "comment_reports"
    __table_args__ = (UniqueConstraint("rating_id", "reporter_id", name="uq_comment_reports_rating_reporter"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    rating_id: Mapped[int] = mapped_column(ForeignKey("ratings.id", ondelete="CASCADE"), index=True)
    reporter_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    reason: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=stamped)


stored_files.register(Reuse.image_key)
