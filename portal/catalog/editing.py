"""The agency console's rules: entry fields and their checks, edits, uploads and file versions."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, BinaryIO, Mapping

from flask import current_app
from flask_babel import gettext as _
from marshmallow import ValidationError
from sqlalchemy import func, select

from ..accounts import roles
from ..accounts.models import User
from ..agencies.models import Agency
from ..assets import services as assets
from ..assets.models import REGISTERED_ENTRY_FIELDS
from ..audit import services as audit
from ..errors import Conflict, Forbidden, InsufficientStorage, Invalid, NotFound
from ..extensions import db
from ..models_base import utcnow
from ..storage import StorageError, StorageFull, TooLarge
from ..storage import files as stored_files
from . import grading
from .files import add_file_resource
from .models import DataItem, Dataset, DatasetChange, DatasetState, Resource, ResourceVersion, Tag, Theme
# The entry's fields (the console's form reads TEXT_FIELDS, DATE_FIELDS and ITEM_TYPES from here).
from .schemas import DATE_FIELDS, ITEM_TYPES, TEXT_FIELDS, EntryIn, entry_errors, upload_meta  # noqa: F401

# The entry's fields and their rules are described once, in schemas.EntryIn.
EDITABLE_STATES = (DatasetState.DRAFT, DatasetState.RETURNED, DatasetState.PUBLISHED)


# ---- permissions ------------------------------------------------------------
def can_edit(actor: User, ds: Dataset) -> bool:
    """The entry's own agency's staff change it."""
    return roles.is_staff_of(actor, ds.agency_id)


def is_editable(ds: Dataset) -> bool:
    """A draft, a returned entry and a published one are edited, except while an edit is under review."""
    return ds.state in EDITABLE_STATES and ds.pending_state != DatasetState.SUBMITTED


def may_edit(actor: User, ds: Dataset) -> bool:
    """Whether the console offers this actor to edit the entry now."""
    return can_edit(actor, ds) and is_editable(ds)


def edit_is_staged(ds: Dataset) -> bool:
    """An edit of a published entry is kept aside (`pending`) until the authority approves it."""
    return ds.state == DatasetState.PUBLISHED


def may_fetch_quarantined(actor: User) -> bool:
    """Bytes quarantined after a rights complaint are given to auditors only."""
    return roles.is_auditor(actor)


def require_staff_of(actor: User, ds: Dataset) -> None:
    if not can_edit(actor, ds):
        raise Forbidden(_("Only staff of %(agency)s may change this entry.", agency=ds.agency.name))


def can_view_console(actor: User, ds: Dataset) -> bool:
    """Staff see their own agency's entries; the authority, auditors and administrators see all."""
    return can_edit(actor, ds) or roles.is_overseer(actor)


def console_dataset(dataset_id: str, actor: User) -> Dataset:
    ds = db.session.get(Dataset, dataset_id) if len(dataset_id) <= 36 else None
    if ds is None:
        raise NotFound(_("No catalog entry has this address."))
    if not can_view_console(actor, ds):
        raise Forbidden(_("Only staff of %(agency)s may change this entry.", agency=ds.agency.name))
    return ds


# ---- entry data -------------------------------------------------------------
def entry_data(ds: Dataset) -> dict[str, Any]:
    """The editable content of an entry as plain data (what a review snapshot and a pending edit hold)."""
    data: dict[str, Any] = {f: getattr(ds, f) or "" for f in TEXT_FIELDS}
    for f in DATE_FIELDS:
        value = getattr(ds, f)
        data[f] = value.isoformat() if value else ""
    data["theme"] = ds.theme.slug if ds.theme else ""
    data["tags"] = [t.name for t in ds.tags]
    data["items"] = [{"name": i.name, "type": i.type, "description": i.description} for i in ds.items]
    data["share_modes"] = list(ds.share_modes or [])
    data["related_ids"] = list(ds.related_ids or [])
    return data


def current_data(ds: Dataset) -> dict[str, Any]:
    """What the console edits: the pending edit of a published entry, else the entry itself."""
    return dict(ds.pending) if ds.pending is not None else entry_data(ds)


def clean(raw: dict[str, Any], ds: Dataset | None = None) -> dict[str, Any]:
    """Check an entry's fields by the catalog rules (SPEC §2, schemas.EntryIn) and the database (the theme
    exists, code and slug are unused); Invalid with a message per field."""
    try:
        data, errors = EntryIn().load(raw), {}
    except ValidationError as exc:
        data, errors = {**_BLANK, **exc.valid_data}, entry_errors(exc.messages)
    if not data["theme"] or db.session.scalar(select(func.count(Theme.id)).where(Theme.slug == data["theme"])) == 0:
        errors["theme"] = _("Choose a theme.")
    for f, column in (("code", Dataset.code), ("slug", Dataset.slug)):
        if data[f] and f not in errors:
            stmt = select(func.count(Dataset.id)).where(column == data[f])
            if ds is not None:
                stmt = stmt.where(Dataset.id != ds.id)
            if db.session.scalar(stmt):
                errors[f] = _("Another entry already uses this value.")
    if data["related_ids"] and "related_ids" not in errors:
        errors.update(related_errors(ds, data["related_ids"]))
    errors.update({f: m for f, m in grading.reason_error(ds, data).items() if f not in errors})
    errors.update({f: m for f, m in reclassification_errors(ds, data).items() if f not in errors})
    if errors:
        raise Invalid(_("Please correct the marked fields."), errors)
    return data


def related_errors(ds: Dataset | None, ids: list[str]) -> dict[str, str]:
    """Related entries are other entries of the catalog (any agency, any state; the public page links the public
    ones): an unknown id, or the entry itself, is refused naming the field."""
    if ds is not None and ds.id in ids:
        return {"related_ids": _("An entry is not related to itself.")}
    known = set(db.session.scalars(select(Dataset.id).where(Dataset.id.in_(ids))))
    unknown = [i for i in ids if i not in known]
    if unknown:
        return {"related_ids": _("No catalog entry has these ids: %(ids)s", ids="、".join(unknown))}
    return {}


def reclassification_errors(ds: Dataset | None, data: dict[str, Any]) -> dict[str, str]:
    """A published entry's open or share type changes only with its reason and legal basis (also towards
    unconditional: the history and the reassessment say why, R2024 §22, §29); checked here, once, for the
    console, the API and a revision after reassessment alike."""
    errors: dict[str, str] = {}
    if ds is None or ds.state != DatasetState.PUBLISHED:
        return errors
    for kind in ("open", "share"):
        if data.get(f"{kind}_type") and data[f"{kind}_type"] != getattr(ds, f"{kind}_type"):
            for f in (f"{kind}_reason", f"{kind}_legal_basis"):
                if not (data.get(f) or "").strip():
                    errors[f] = _("A change of type needs its reason and legal basis.")
    return errors


_BLANK: dict[str, Any] = {**{f: "" for f in (*TEXT_FIELDS, *DATE_FIELDS, "theme", "level_reason")}, "tags": [],
                          "items": [], "share_modes": [], "related_ids": [], "data_level": "general"}
# The share attribute (SHARING.md §2.1): when any of these changes, it counts as assessed anew.
SHARE_FIELDS = ("share_type", "share_conditions", "share_reason", "share_legal_basis", "share_basis_kind",
                "share_scope")
# The open attribute (R2024 §29): likewise.
OPEN_FIELDS = ("open_type", "open_conditions", "open_reason", "open_legal_basis")


def _apply(ds: Dataset, data: dict[str, Any], actor: User, reason: str, proposer: str = "") -> None:
    """Write clean data into the entry; every change of open or share type goes into the history. Every edit
    is applied here (a draft's save, a published entry's approved revision): a registered asset linking the
    entry learns here that a field it registered changed (assets.services.entry_changed)."""
    assets.entry_changed(ds, [f for f in REGISTERED_ENTRY_FIELDS
                              if str(getattr(ds, f) or "") != str(data.get(f) or "")], actor)
    for f, label in (("open_type", "open type"), ("share_type", "share type")):
        old, new = getattr(ds, f), data[f]
        if ds.state == DatasetState.PUBLISHED and old and old != new:
            ds.changes.append(DatasetChange(
                kind="reclassified", field=f, from_value=old, to_value=new, reason=reason or data.get(
                    "open_reason" if f == "open_type" else "share_reason", ""),
                summary=_("The %(what)s changed.", what=_("open type") if f == "open_type" else _("share type")),
                details={"by": actor.email}))
            audit.record(actor, f"dataset.{f}_changed", "dataset", ds.id, reason,
                         {"from": old, "to": new})
    _regrade(ds, data, actor, reason, proposer)
    modes = list(data.get("share_modes") or [])
    if ds.share_assessed_at is None or modes != list(ds.share_modes or []) or any(
            (getattr(ds, f) or "") != data[f] for f in SHARE_FIELDS):
        ds.share_assessed_at = utcnow()
    if ds.open_assessed_at is None or any((getattr(ds, f) or "") != data[f] for f in OPEN_FIELDS):
        ds.open_assessed_at = utcnow()
    for f in TEXT_FIELDS:
        setattr(ds, f, data[f])
    ds.share_modes = modes
    ds.related_ids = list(data.get("related_ids") or [])
    for f in DATE_FIELDS:
        setattr(ds, f, date.fromisoformat(data[f]) if data[f] else None)
    ds.theme = db.session.scalar(select(Theme).where(Theme.slug == data["theme"]))
    tags = []
    for name in data["tags"]:
        tag = db.session.scalar(select(Tag).where(Tag.name == name)) or Tag(name=name)
        tags.append(tag)
    ds.tags = tags
    ds.items = [DataItem(position=i, name=item["name"], type=item["type"], description=item["description"])
                for i, item in enumerate(data["items"])]


def _regrade(ds: Dataset, data: dict[str, Any], actor: User, reason: str, proposer: str = "") -> None:
    """A change of an entry's grading: an internal history line and an audit event (who, when, why); the
    level is graded under the current rule and waits for the authority's confirmation again."""
    changed = grading.changed(ds, data)
    if ds.data_level is None or not ds.grading_rule_version or changed:
        ds.grading_rule_version = grading.rule_version()
    if not changed:
        return
    why = (data.get("level_reason") or "").strip() or reason
    before = {f: getattr(ds, f) or "" for f in grading.GRADING_FIELDS}
    after = {f: data.get(f) or "" for f in grading.GRADING_FIELDS}
    ds.changes.append(DatasetChange(
        kind=grading.REGRADED, field="data_level", from_value=before["data_level"], to_value=after["data_level"],
        reason=why, summary=_("The classification or grading changed."),
        details={"by": actor.email, "proposed_by": proposer or actor.email, "from": before, "to": after,
                 "rule": ds.grading_rule_version}))
    audit.record(actor, "dataset.level_changed", "dataset", ds.id, why,
                 {"from": before, "to": after, "rule": ds.grading_rule_version, "proposed_by": proposer or actor.email,
                  "was_confirmed": ds.level_confirmed_at is not None})
    if "data_level" in changed:
        ds.level_confirmed_at, ds.level_confirmed_by_id = None, None


def create_entry(raw: dict[str, Any], actor: User) -> Dataset:
    """A new draft entry of the actor's agency."""
    if not roles.is_agency_staff(actor) or actor.agency is None:
        raise Forbidden(_("Only agency staff create catalog entries."))
    data = clean(raw)
    agency: Agency = actor.agency
    ds = Dataset(agency=agency, state=DatasetState.DRAFT, created_by_id=actor.id)
    _apply(ds, data, actor, "")
    db.session.add(ds)
    db.session.flush()
    ds.changes.append(DatasetChange(kind="created", summary=_("Entry drafted.")))
    audit.record(actor, "dataset.create", "dataset", ds.id, details={"code": ds.code})
    db.session.commit()
    return ds


def update_entry(ds: Dataset, raw: dict[str, Any], actor: User) -> Dataset:
    """Save an edit: drafts change in place; a published entry keeps its public version and stages the edit."""
    require_staff_of(actor, ds)
    if not is_editable(ds):
        raise Conflict(_("The entry is under review and cannot be edited until the authority decides."))
    data = clean(raw, ds)
    if edit_is_staged(ds):
        ds.pending = data
        ds.pending_state = DatasetState.DRAFT if ds.pending_state != DatasetState.RETURNED else ds.pending_state
        audit.record(actor, "dataset.edit_staged", "dataset", ds.id)
    else:
        _apply(ds, data, actor, "")
        audit.record(actor, "dataset.edit", "dataset", ds.id)
    db.session.commit()
    return ds


def apply_pending(ds: Dataset, actor: User, reason: str, proposer: str = "") -> None:
    """Make the staged edit of a published entry its public version (called on approval)."""
    if ds.pending is None:
        return
    _apply(ds, {**_BLANK, **ds.pending}, actor, reason, proposer)
    ds.pending, ds.pending_state = None, None


def needs_confirmation_note(ds: Dataset) -> bool:
    """A basic resource made conditional is approved only with the authority's 核定 note (SHARING.md §2.1
    rule 3, R2018 §14(一)「由本级政务信息资源统筹管理部门核定」)."""
    data = current_data(ds)
    return data.get("classification") == "basic" and data.get("share_type") == "conditional"


# ---- files ------------------------------------------------------------------
@dataclass
class UploadResult:
    resource: Resource
    warnings: list[str] = field(default_factory=list)


def column_warnings(ds: Dataset, columns: list[str]) -> list[str]:
    """Columns that do not match the declared data items (shown to the agency, not blocking)."""
    if not columns or not ds.items:
        return []
    declared = {i.name for i in ds.items}
    warnings = []
    extra = [c for c in columns if c not in declared]
    missing = [d for d in (i.name for i in ds.items) if d not in columns]
    if extra:
        warnings.append(_("Columns not among the data items: %(cols)s", cols="、".join(extra)))
    if missing:
        warnings.append(_("Data items missing from the file: %(cols)s", cols="、".join(missing)))
    return warnings


def upload(ds: Dataset, stream: BinaryIO, meta: Mapping[str, Any], *, actor: User,
           resource: Resource | None = None) -> UploadResult:
    """Store an uploaded file as a new resource, or as a new version of `resource`.

    The bytes stream to a temporary file while being hashed, are checked against the declared format,
    and only then are rows written; on any failure nothing remains (no row, no stray file).
    """
    require_staff_of(actor, ds)
    checked = upload_meta(meta)  # filename, format, name (schemas.UploadIn)
    filename, fmt, name = checked["filename"], checked["format"], checked["name"]
    try:
        res = add_file_resource(ds, stream, name=name or filename.rsplit(".", 1)[0], filename=filename, fmt=fmt,
                                resource=resource, uploaded_by_id=actor.id,
                                max_size=current_app.config["UPLOAD_MAX_BYTES"])
    except TooLarge:
        raise  # the view answers 413
    except StorageFull:
        current_app.logger.error("file storage full: an upload of %s was refused", filename)
        _drain(stream)  # read the rest, so the client is still listening when the answer comes
        raise InsufficientStorage(_("The portal's file storage is full, so the file could not be saved; nothing "
                                    "was stored. Please try again later; the administrators have been alerted."),
                                  {"file": "storage_full"})
    except StorageError as exc:
        raise Invalid(_("The upload did not complete; nothing was stored. (%(error)s)", error=str(exc)[:100]),
                      {"file": "incomplete"})
    try:
        ds.data_updated_at = res.updated_at
        if ds.state == DatasetState.PUBLISHED:  # the public history tells of new data (and follows hear it)
            ds.changes.append(DatasetChange(
                kind="new_version" if res.version > 1 else "new_file", field="resource", to_value=str(res.version),
                summary=_("New version %(n)d of “%(name)s”.", n=res.version, name=res.name) if res.version > 1
                else _("New file “%(name)s”.", name=res.name)))
        db.session.flush()
        audit.record(actor, "resource.upload", "resource", res.id,
                     details={"dataset": ds.id, "version": res.version, "sha256": res.sha256, "size": res.size})
        db.session.commit()
    except BaseException:
        key = res.storage_key
        db.session.rollback()  # first: the rows given up must not count as references
        stored_files.discard([key])
        raise
    return UploadResult(res, column_warnings(ds, res.columns))


def _drain(stream: BinaryIO) -> None:
    """Read and drop what is left of an upload's body (bounded by its Content-Length)."""
    try:
        while stream.read(1024 * 1024):
            pass
    except Exception:  # the client went away; there is nobody to answer
        pass


def agency_resource(ds: Dataset, resource_id: str) -> Resource:
    res = next((r for r in ds.resources if r.id == resource_id), None)
    if res is None:
        raise NotFound(_("No file has this address."))
    return res


def upload_limit_mb() -> int:
    return current_app.config["UPLOAD_MAX_BYTES"] // (1024 * 1024)


def archived_version(ds: Dataset, resource_id: str, version: int, actor: User) -> ResourceVersion:
    """Any stored version of a file, for those who see the entry in the console (its agency's staff, the
    authority, auditors), also once the entry is withdrawn: files are kept for audit (R2024 §29).
    Bytes quarantined after a rights complaint are given to auditors only."""
    from .downloads import is_quarantined

    if not can_view_console(actor, ds):
        raise Forbidden(_("Only staff of %(agency)s may change this entry.", agency=ds.agency.name))
    res = agency_resource(ds, resource_id)
    found = next((v for v in res.versions if v.version == version), None)
    if found is None:
        raise NotFound(_("No file has this address."))
    if is_quarantined(found.sha256) and not may_fetch_quarantined(actor):
        raise Forbidden(_("This version was withdrawn after a rights complaint; only auditors may retrieve it."))
    return found
