"""Catalog entries (Dataset), their data items, resources, themes, tags and change history (SPEC §2)."""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, Date, DateTime, ForeignKey, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .. import workdays
from ..accounts.models import User
from ..agencies.models import Agency
from ..extensions import db
from ..models_base import new_id, stamped
from ..storage import files as stored_files


class OpenType(StrEnum):
    UNCONDITIONAL = "unconditional"  # 无条件开放
    CONDITIONAL = "conditional"      # 有条件开放
    CLOSED = "closed"                # 非开放


class ShareType(StrEnum):
    UNCONDITIONAL = "unconditional"  # 无条件共享
    CONDITIONAL = "conditional"      # 有条件共享
    NONE = "none"                    # 不予共享


class ShareBasisKind(StrEnum):
    """The kind of instrument a conditional or refused share type rests on (SHARING.md §2.1 rule 2)."""
    LAW = "law"                                  # 法律
    ADMINISTRATIVE_REGULATION = "administrative_regulation"  # 行政法规
    LOCAL_REGULATION = "local_regulation"        # 地方性法规
    RULES = "rules"                              # 规章
    POLICY = "policy"                            # 政策文件


class ShareMode(StrEnum):
    """How a shared entry is delivered (SHARING.md §2.1)."""
    API = "api"              # 接口
    DOWNLOAD = "download"    # 批量下载
    QUERY = "query"          # 在线查询
    OFFLINE = "offline"      # 前置机/系统对接


class Classification(StrEnum):
    BASIC = "basic"                  # 基础信息资源
    THEMATIC = "thematic"            # 主题信息资源
    DEPARTMENTAL = "departmental"    # 部门信息资源


class DataLevel(StrEnum):
    """The security level of the data (GB/T 43697-2024's three levels; R2024 §9, §36)."""
    CORE = "core"            # 核心数据
    IMPORTANT = "important"  # 重要数据
    GENERAL = "general"      # 一般数据


class DataForm(StrEnum):
    STRUCTURED = "structured"
    SEMI_STRUCTURED = "semi_structured"
    UNSTRUCTURED = "unstructured"


class UpdateFrequency(StrEnum):
    REALTIME = "realtime"
    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    SEMIANNUAL = "semiannual"
    ANNUAL = "annual"
    IRREGULAR = "irregular"


class DatasetState(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    PUBLISHED = "published"
    RETURNED = "returned"
    WITHDRAWN = "withdrawn"


class ResourceKind(StrEnum):
    FILE = "file"
    LINK = "link"  # an API or external page; nothing stored


dataset_tags = Table(
    "dataset_tags",
    db.metadata,
    Column("dataset_id", ForeignKey("datasets.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True),
)


class Theme(db.Model):
    """A theme (主题); the CKAN layer calls these groups."""

    __tablename__ = "themes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)


class Tag(db.Model):
    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)


class Dataset(db.Model):
    """One catalog entry (目录条目) with every field SPEC §2 requires."""

    __tablename__ = "datasets"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    slug: Mapped[str] = mapped_column(String(120), unique=True, index=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text)
    classification: Mapped[str] = mapped_column(String(20), default=Classification.DEPARTMENTAL)
    theme_id: Mapped[int] = mapped_column(ForeignKey("themes.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    collecting_agency: Mapped[str] = mapped_column(String(200), default="")
    approving_agency: Mapped[str] = mapped_column(String(200), default="")
    region: Mapped[str] = mapped_column(String(100))
    region_level: Mapped[str] = mapped_column(String(20))
    temporal_start: Mapped[date | None] = mapped_column(Date, nullable=True)
    temporal_end: Mapped[date | None] = mapped_column(Date, nullable=True)
    data_form: Mapped[str] = mapped_column(String(20), default=DataForm.STRUCTURED)
    share_type: Mapped[str] = mapped_column(String(20), default=ShareType.UNCONDITIONAL)
    share_conditions: Mapped[str] = mapped_column(Text, default="")
    share_reason: Mapped[str] = mapped_column(Text, default="")
    share_legal_basis: Mapped[str] = mapped_column(Text, default="")
    share_scope: Mapped[str] = mapped_column(String(200), default="")
    share_basis_kind: Mapped[str] = mapped_column(String(30), default="")  # ShareBasisKind, "" when unconditional
    share_modes: Mapped[list[str]] = mapped_column(JSON, default=list)     # ShareMode codes
    # When the share attribute was last set or confirmed (R2024 §22「定期进行评估」); None: not since migration.
    share_assessed_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    open_type: Mapped[str] = mapped_column(String(20), default=OpenType.UNCONDITIONAL, index=True)
    # When the open attribute was last set or confirmed (R2024 §29「定期进行评估」); None: not since migration.
    open_assessed_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    open_conditions: Mapped[str] = mapped_column(Text, default="")
    open_reason: Mapped[str] = mapped_column(Text, default="")
    open_legal_basis: Mapped[str] = mapped_column(Text, default="")
    update_frequency: Mapped[str] = mapped_column(String(20), default=UpdateFrequency.IRREGULAR)
    timeliness: Mapped[str] = mapped_column(String(200), default="")
    related: Mapped[str] = mapped_column(Text, default="")
    related_ids: Mapped[list[str]] = mapped_column(JSON, default=list)  # related catalog entries, by id
    licence_id: Mapped[str] = mapped_column(String(40), default="nmg-open-data-1.0")
    # Who answers questions about this entry (name, telephone or e-mail; DCAT contactPoint); "" = the agency's.
    contact_point: Mapped[str] = mapped_column(String(200), default="")
    state: Mapped[str] = mapped_column(String(20), default=DatasetState.DRAFT, index=True)
    # Classification and grading (分类分级, OVERSIGHT.md §4): proposed by the agency, confirmed by the authority
    # at review; never public unless PORTAL_LEVEL_PUBLIC=1 (catalog.grading).
    data_category: Mapped[str] = mapped_column(String(100), default="")           # 行业领域 (regional list)
    data_level: Mapped[str] = mapped_column(String(20), default=DataLevel.GENERAL)  # DataLevel
    data_grade: Mapped[str] = mapped_column(String(40), default="")              # sub-grade of 一般数据
    grading_rule_version: Mapped[str] = mapped_column(String(40), default="")     # the rule it was graded under
    level_confirmed_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    level_confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    # An edit of a published entry waits here (same shape as editing.entry_data) while the
    # published version stays online; its own state follows the same transition table.
    pending: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    pending_state: Mapped[str | None] = mapped_column(String(20), nullable=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    published_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    # Set while a rights complaint is being verified (R2024 §28 立即中止开放): the entry leaves every
    # public channel, its page says so, downloads answer 451. Cleared on resumption or withdrawal.
    suspended_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True, index=True)
    data_updated_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    download_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=stamped)
    modified_at: Mapped[datetime] = mapped_column(DateTime, default=stamped, onupdate=stamped)

    agency: Mapped[Agency] = relationship(lazy="joined")
    theme: Mapped[Theme] = relationship(lazy="joined")
    tags: Mapped[list[Tag]] = relationship(secondary=dataset_tags, lazy="selectin", order_by="Tag.name")
    items: Mapped[list["DataItem"]] = relationship(
        back_populates="dataset", cascade="all, delete-orphan", order_by="DataItem.position", lazy="selectin")
    resources: Mapped[list["Resource"]] = relationship(
        back_populates="dataset", cascade="all, delete-orphan", order_by="Resource.position", lazy="selectin")
    changes: Mapped[list["DatasetChange"]] = relationship(
        back_populates="dataset", cascade="all, delete-orphan", order_by="DatasetChange.at.desc()")
    reviews: Mapped[list["Review"]] = relationship(
        back_populates="dataset", cascade="all, delete-orphan", order_by="Review.submitted_at.desc()")

    @property
    def is_published(self) -> bool:
        """Published (its page exists), whether or not it is suspended."""
        return self.state == DatasetState.PUBLISHED

    @property
    def is_suspended(self) -> bool:
        """Suspended pending verification of a rights complaint."""
        return self.suspended_at is not None

    @property
    def is_public(self) -> bool:
        """On every public channel (listings, search, API, exports, downloads): published and not suspended.

        Must agree with `services.public_datasets()`."""
        return self.state == DatasetState.PUBLISHED and self.suspended_at is None

    @property
    def formats(self) -> list[str]:
        return sorted({r.format for r in self.resources if r.format})


class DataItem(db.Model):
    """A data item (信息项): one field of the data."""

    __tablename__ = "data_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dataset_id: Mapped[str] = mapped_column(ForeignKey("datasets.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(String(40), default="string")
    description: Mapped[str] = mapped_column(Text, default="")

    dataset: Mapped[Dataset] = relationship(back_populates="items")


class Resource(db.Model):
    """A file (stored) or a link (API, external page) of a dataset."""

    __tablename__ = "resources"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    dataset_id: Mapped[str] = mapped_column(ForeignKey("datasets.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(10), default=ResourceKind.FILE)
    format: Mapped[str] = mapped_column(String(20))
    url: Mapped[str] = mapped_column(String(500), default="")
    filename: Mapped[str] = mapped_column(String(300), default="")
    storage_key: Mapped[str] = mapped_column(String(200), default="")
    media_type: Mapped[str] = mapped_column(String(100), default="application/octet-stream")
    size: Mapped[int] = mapped_column(BigInteger, default=0)
    sha256: Mapped[str] = mapped_column(String(64), default="")
    encoding: Mapped[str] = mapped_column(String(20), default="")
    row_count: Mapped[int | None] = mapped_column(Integer, nullable=True)
    columns: Mapped[list[str]] = mapped_column(JSON, default=list)
    download_count: Mapped[int] = mapped_column(Integer, default=0)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=stamped)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=stamped)

    dataset: Mapped[Dataset] = relationship(back_populates="resources")
    versions: Mapped[list["ResourceVersion"]] = relationship(
        back_populates="resource", cascade="all, delete-orphan", order_by="ResourceVersion.version.desc()")


class ResourceVersion(db.Model):
    """Every file ever uploaded for a resource; the resource row mirrors the newest (what the public gets)."""

    __tablename__ = "resource_versions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    resource_id: Mapped[str] = mapped_column(ForeignKey("resources.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    filename: Mapped[str] = mapped_column(String(300))
    storage_key: Mapped[str] = mapped_column(String(200))
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    encoding: Mapped[str] = mapped_column(String(20), default="")
    row_count: Mapped[int | None] = mapped_column(Integer, nullable=True)
    columns: Mapped[list[str]] = mapped_column(JSON, default=list)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=stamped)

    resource: Mapped[Resource] = relationship(back_populates="versions")


class ReviewState(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    RETURNED = "returned"


class Review(db.Model):
    """One submission of an entry (or of an edit of a published entry) to the authority (R2024 §10–11)."""

    __tablename__ = "reviews"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dataset_id: Mapped[str] = mapped_column(ForeignKey("datasets.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # publish | revision
    state: Mapped[str] = mapped_column(String(20), default=ReviewState.PENDING, index=True)
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    submitted_at: Mapped[datetime] = mapped_column(DateTime, default=stamped)
    due_date: Mapped[date] = mapped_column(Date)
    confidentiality_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    confidentiality_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    confidentiality_note: Mapped[str] = mapped_column(Text, default="")
    disclosure_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    disclosure_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    disclosure_note: Mapped[str] = mapped_column(Text, default="")
    level_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)  # 识别认定 (R2024 §9)
    level_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    level_note: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    comment: Mapped[str] = mapped_column(Text, default="")
    row_version: Mapped[int] = mapped_column(Integer, default=1)

    dataset: Mapped[Dataset] = relationship(back_populates="reviews")
    agency_checks: Mapped[list["EntryCheck"]] = relationship(back_populates="review", order_by="EntryCheck.id")

    __mapper_args__ = {"version_id_col": row_version}  # two reviewers at once: one wins, one 409s

    @property
    def due_provisional(self) -> bool:
        """The pending review's due date was counted through a year whose holiday arrangement is not known yet."""
        return self.state == ReviewState.PENDING and workdays.provisional(self.submitted_at, self.due_date,
                                                                          cal=workdays.shared_calendar())


class EntryCheck(db.Model):
    """The agency's own review of what it submits (保密审查, 公开审查: SZ §23, R2018 §26, R2024 §36): who
    reviewed, on which day, the note, and the content it covers (a hash of the entry's data as then staged).
    Recorded before submission; the submission it went with is `review_id` (catalog.checks)."""

    __tablename__ = "entry_checks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dataset_id: Mapped[str] = mapped_column(ForeignKey("datasets.id", ondelete="CASCADE"), index=True)
    review_id: Mapped[int | None] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"), nullable=True,
                                                  index=True)
    check: Mapped[str] = mapped_column(String(20))
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reviewed_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    content_hash: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(DateTime, default=stamped)

    review: Mapped[Review | None] = relationship(back_populates="agency_checks")
    reviewer: Mapped[User] = relationship(lazy="joined")


class LegalStop(db.Model):
    """An immediate stop of a published entry because a law or regulation prohibits providing it (法律法规禁止,
    OVERSIGHT.md §2): the legal basis, and the supervision case it opens until the authority records its
    follow-up (catalog.stops). The stop itself is the entry's `unpublish` (catalog.review)."""

    __tablename__ = "legal_stops"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dataset_id: Mapped[str] = mapped_column(ForeignKey("datasets.id", ondelete="CASCADE"), index=True)
    legal_basis: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text, default="")
    stopped_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    stopped_at: Mapped[datetime] = mapped_column(DateTime, default=stamped)
    state: Mapped[str] = mapped_column(String(20), default="open", index=True)  # open | closed
    due_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    close_note: Mapped[str] = mapped_column(Text, default="")
    row_version: Mapped[int] = mapped_column(Integer, default=1)

    dataset: Mapped[Dataset] = relationship()

    __mapper_args__ = {"version_id_col": row_version}


class DatasetChange(db.Model):
    """A line of an entry's public change history (created, published, reclassified, new data ...)."""

    __tablename__ = "dataset_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dataset_id: Mapped[str] = mapped_column(ForeignKey("datasets.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=stamped)
    kind: Mapped[str] = mapped_column(String(40))
    summary: Mapped[str] = mapped_column(Text, default="")
    field: Mapped[str] = mapped_column(String(40), default="")
    from_value: Mapped[str] = mapped_column(String(200), default="")
    to_value: Mapped[str] = mapped_column(String(200), default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    dataset: Mapped[Dataset] = relationship(back_populates="changes")


class QuarantinedFile(db.Model):
    """Bytes that must never be served again (a version replaced after a rights complaint, R2024 §28).

    Storage is content-addressed, so the quarantine is by SHA-256: any resource whose current file has
    this hash answers 451, and the same bytes cannot be uploaded again. The blob itself is kept for audit.
    """

    __tablename__ = "quarantined_files"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(100), default="")  # e.g. complaint:12
    dataset_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    resource_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=stamped)


# The stored files these rows hold (portal.storage.files decides when bytes may go). A quarantined file's
# bytes are kept for audit; its SHA-256 is its storage key (content-addressed), so it is a reference too.
stored_files.register(Resource.storage_key)
stored_files.register(ResourceVersion.storage_key)
stored_files.register(QuarantinedFile.sha256)
