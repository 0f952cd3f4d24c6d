"""A public-data asset (公共数据资产, OVERSIGHT §9; R2024 §43「负责登记本机构公共数据资产」): catalog entries of one
holding agency registered together, with the fields of the national registration practice (《公共数据资源登记
管理暂行办法》): volume, update frequency, level, open and share types, whether in the 授权运营 scope."""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, BigInteger, Boolean, Column, Date, DateTime, ForeignKey, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..agencies.models import Agency
from ..catalog.models import Dataset
from ..extensions import db
from ..models_base import stamped


class AssetState(StrEnum):
    DRAFT = "draft"                  # the agency prepares it
    SUBMITTED = "submitted"          # the agency asked the authority to register it
    REGISTERED = "registered"        # the authority recorded the external registration code and date
    CHANGE_NEEDED = "change_needed"  # a registered field of a linked entry was edited (set by the portal)
    CHANGED = "changed"              # the agency resubmitted it after the change
    CANCELLED = "cancelled"          # cancelled (注销)


STATE_LABELS = {AssetState.DRAFT: _l("Draft"), AssetState.SUBMITTED: _l("Submitted for registration"),
                AssetState.REGISTERED: _l("Registered"), AssetState.CHANGE_NEEDED: _l("Change registration needed"),
                AssetState.CHANGED: _l("Change submitted"), AssetState.CANCELLED: _l("Cancelled")}

# The fields of a linked entry the registration records: editing any of them (once the edit is published)
# makes a registered asset need a change registration (变更登记).
REGISTERED_ENTRY_FIELDS = ("title", "summary", "update_frequency", "open_type", "share_type", "data_level",
                           "data_category")

asset_entries = Table(
    "data_asset_entries", db.metadata,
    Column("asset_id", ForeignKey("data_assets.id", ondelete="CASCADE"), primary_key=True),
    Column("dataset_id", ForeignKey("datasets.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class DataAsset(db.Model):
    __tablename__ = "data_assets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)   # 登记主体 (holder)
    name: Mapped[str] = mapped_column(String(200))                                 # 数据资源名称
    summary: Mapped[str] = mapped_column(Text, default="")                         # 数据资源摘要
    in_operation_scope: Mapped[bool] = mapped_column(Boolean, default=False)       # 纳入授权运营范围
    # What the registration states, worked out from the linked entries when the agency saves or submits it
    rows: Mapped[int] = mapped_column(BigInteger, default=0)                       # 数据量（条）
    bytes: Mapped[int] = mapped_column(BigInteger, default=0)                      # 数据量（字节）
    update_frequency: Mapped[str] = mapped_column(String(20), default="")          # the most frequent of the entries'
    data_level: Mapped[str] = mapped_column(String(20), default="")                # the highest of the entries'
    open_types: Mapped[list[str]] = mapped_column(JSON, default=list)
    share_types: Mapped[list[str]] = mapped_column(JSON, default=list)
    entry_fields: Mapped[dict] = mapped_column(JSON, default=dict)                 # each entry's registered fields
    state: Mapped[str] = mapped_column(String(20), default=AssetState.DRAFT, index=True)
    due_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    registration_code: Mapped[str] = mapped_column(String(64), default="")         # 登记编号 (external)
    registered_on: Mapped[date | None] = mapped_column(Date, nullable=True)         # 登记日期
    note: Mapped[str] = mapped_column(Text, default="")                             # the last reason or note
    changed_fields: Mapped[list[str]] = mapped_column(JSON, default=list)          # why a change is needed
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=stamped)
    modified_at: Mapped[datetime] = mapped_column(DateTime, default=stamped, onupdate=stamped)
    row_version: Mapped[int] = mapped_column(Integer, default=1)

    agency: Mapped[Agency] = relationship(lazy="joined")
    entries: Mapped[list[Dataset]] = relationship(secondary=asset_entries, lazy="selectin", order_by="Dataset.code")

    __mapper_args__ = {"version_id_col": row_version}

    @property
    def codes(self) -> list[str]:
        return [d.code for d in self.entries]
