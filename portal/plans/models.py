"""Annual open plans (OpenPlan) and their items (PlanItem) — R2024 §26, R2021 §30, SZ §24."""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..agencies.models import Agency
from ..catalog.models import Dataset
from ..extensions import db
from ..models_base import stamped


class PlanState(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"


class OpenPlan(db.Model):
    """One year's open plan of one agency, or the regional plan of the authority (agency_id NULL)."""

    __tablename__ = "open_plans"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), nullable=True, index=True)
    priorities: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(20), default=PlanState.DRAFT, index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=stamped)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=stamped)
    published_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    row_version: Mapped[int] = mapped_column(Integer, default=1)

    agency: Mapped[Agency | None] = relationship(lazy="joined")
    items: Mapped[list["PlanItem"]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="PlanItem.position", lazy="selectin")

    __table_args__ = (
        UniqueConstraint("year", "agency_id", name="uq_open_plans_year_agency"),
        # NULLs are distinct in a unique constraint, so the regional plan gets its own partial index;
        # the service checks first and gives a readable message, this is the backstop for races.
        Index("uq_open_plans_regional_year", "year", unique=True,
              sqlite_where=text("agency_id IS NULL"), postgresql_where=text("agency_id IS NULL")),
    )
    # Every change of a plan (or of its items) bumps the version: a publish racing an edit loses one side.
    __mapper_args__ = {"version_id_col": row_version}

    @property
    def is_regional(self) -> bool:
        return self.agency_id is None

    @property
    def is_published(self) -> bool:
        return self.state == PlanState.PUBLISHED


class PlanItem(db.Model):
    """An entry to open in the plan's year: an existing catalog entry, or a new one still to be created."""

    __tablename__ = "plan_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("open_plans.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    dataset_id: Mapped[str | None] = mapped_column(ForeignKey("datasets.id"), nullable=True, index=True)
    new_title: Mapped[str] = mapped_column(String(300), default="")
    target_open_type: Mapped[str] = mapped_column(String(20))
    target_date: Mapped[date] = mapped_column(Date)
    livelihood: Mapped[bool] = mapped_column(Boolean, default=False)        # 民生紧密相关
    urgent_demand: Mapped[bool] = mapped_column(Boolean, default=False)     # 社会迫切需要
    commercial_value: Mapped[bool] = mapped_column(Boolean, default=False)  # 商业增值潜力
    note: Mapped[str] = mapped_column(Text, default="")

    plan: Mapped[OpenPlan] = relationship(back_populates="items")
    dataset: Mapped[Dataset | None] = relationship(lazy="joined")

    @property
    def title(self) -> str:
        return self.dataset.title if self.dataset is not None else self.new_title
