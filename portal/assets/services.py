"""Asset registration (资产登记, OVERSIGHT §9): R2024 §43「负责登记本机构公共数据资产」「汇总登记本级公共数据资产」,
after the national practice (《公共数据资源登记管理暂行办法》, 发改数据规〔2025〕26号).

The holding agency's staff group published catalog entries of their agency into an asset and submit it; the
authority records the code and date the registration platform (登记平台) gave (registered). When an edit of a
registered field of a linked entry is published (catalog.editing applies every edit in one place and calls
`entry_changed`), the asset needs a change registration (change_needed); the agency resubmits it (changed) and
the authority records the change. Either may cancel it. Volume (rows, bytes of the entries' files), update
frequency, level and open/share types are worked out from the entries when the agency saves or resubmits it.
The authority compiles the register of its level and exports it (register.py).
"""
from __future__ import annotations

import re
from typing import Any, Mapping

from flask_babel import gettext as _
from sqlalchemy import select

from .. import workdays
from ..accounts import roles
from ..audit import services as audit
from ..catalog.models import DataLevel, Dataset, DatasetState, ResourceKind, UpdateFrequency
from ..catalog.vocab import field_labels
from ..errors import Conflict, Forbidden, Invalid, NotFound
from ..extensions import db
from ..inbox.services import notify_all
from ..models_base import utcnow
from ..workflow import Transition, Workflow
from .models import REGISTERED_ENTRY_FIELDS, AssetState, DataAsset, asset_entries
from .schemas import AssetActionIn, AssetIn

S = AssetState
AGENCY, AUTHORITY, SYSTEM = roles.AGENCY, roles.AUTHORITY_ACTOR, roles.SYSTEM
LIVE = (S.DRAFT, S.SUBMITTED, S.REGISTERED, S.CHANGE_NEEDED, S.CHANGED)
EDITABLE = (S.DRAFT, S.CHANGE_NEEDED)
# The states of an asset that stands in the register: it has been registered and is not cancelled.
ON_REGISTER = (S.REGISTERED, S.CHANGE_NEEDED, S.CHANGED)
DECISIONS = ("submit", "register", "return", "resubmit", "cancel")


def _relations(asset: DataAsset, actor: Any) -> set[str]:
    if actor == SYSTEM:
        return {SYSTEM}
    return roles.relations(actor, agency_id=asset.agency_id)


def link(asset: DataAsset) -> str:
    return f"/assets/{asset.id}"


def _staff(asset: DataAsset) -> list[int]:
    from ..opening.workflow import staff_ids
    return staff_ids(asset.agency_id)


def _tell_authority(asset: DataAsset, _actor: Any, _reason: str) -> None:
    notify_all(roles.authority_account_ids(), _("Asset to register: %(name)s", name=asset.name),
               asset.agency.name, link=link(asset), kind="asset.submitted")


def _tell_agency(asset: DataAsset, _actor: Any, reason: str) -> None:
    notify_all(_staff(asset), _("Asset “%(name)s”: %(state)s", name=asset.name,
                                state=str(_state_label(asset.state))), reason, link=link(asset),
               kind=f"asset.{asset.state}")


def _tell_both(asset: DataAsset, actor: Any, reason: str) -> None:
    _tell_agency(asset, actor, reason)
    _tell_authority(asset, actor, reason)


def _state_label(state: str) -> Any:
    from .models import STATE_LABELS
    return STATE_LABELS.get(state, state)


ASSET = Workflow("asset", [
    Transition("create", (None,), S.DRAFT, (AGENCY,), "asset.create"),
    Transition("submit", (S.DRAFT,), S.SUBMITTED, (AGENCY,), "asset.submit", notify=_tell_authority),
    Transition("register", (S.SUBMITTED, S.CHANGED), S.REGISTERED, (AUTHORITY,), "asset.register",
               notify=_tell_agency),
    Transition("return", (S.SUBMITTED,), S.DRAFT, (AUTHORITY,), "asset.return", needs_reason=True,
               notify=_tell_agency),
    Transition("return", (S.CHANGED,), S.CHANGE_NEEDED, (AUTHORITY,), "asset.return", needs_reason=True,
               notify=_tell_agency),
    Transition("flag_change", (S.REGISTERED, S.CHANGED), S.CHANGE_NEEDED, (SYSTEM,), "asset.change_needed",
               notify=_tell_both),
    Transition("resubmit", (S.CHANGE_NEEDED,), S.CHANGED, (AGENCY,), "asset.resubmit", notify=_tell_authority),
    Transition("cancel", LIVE, S.CANCELLED, (AGENCY, AUTHORITY), "asset.cancel", needs_reason=True,
               notify=_tell_both),
], relations=_relations, object_type="data_asset")


# ---- reading -----------------------------------------------------------------------------------------
def may_read(actor: Any, asset: DataAsset) -> bool:
    """The holder's staff, the authority, auditors and administrators."""
    return roles.is_staff_of(actor, asset.agency_id) or roles.is_overseer(actor)


def get(asset_id: int, actor: Any) -> DataAsset:
    asset = db.session.get(DataAsset, asset_id)
    if asset is None or not may_read(actor, asset):
        raise NotFound(_("There is no asset of yours with this number."))
    return asset


def visible(actor: Any) -> list[DataAsset]:
    """The assets the actor reads: the own agency's for its staff, all for the authority and auditors."""
    stmt = select(DataAsset).order_by(DataAsset.id.desc())
    if not roles.is_overseer(actor):
        if not roles.is_agency_staff(actor):
            return []
        stmt = stmt.where(DataAsset.agency_id == actor.agency_id)
    return list(db.session.scalars(stmt))


def allowed_actions(asset: DataAsset, actor: Any) -> list[str]:
    return [a for a in ASSET.allowed_actions(asset, actor) if a in DECISIONS]


def may_create(actor: Any) -> bool:
    return roles.is_agency_staff(actor) and getattr(actor, "agency_id", None) is not None


def may_edit(asset: DataAsset, actor: Any) -> bool:
    return roles.is_staff_of(actor, asset.agency_id) and asset.state in EDITABLE


# ---- the entries and what the registration states ----------------------------------------------------
def split_codes(values: list[str]) -> list[str]:
    return list(dict.fromkeys(c for v in values for c in re.split(r"[\s,，、;；]+", v or "") if c))


def _entries(codes: list[str], agency_id: int | None, errors: dict[str, str]) -> list[Dataset]:
    """The published entries of these codes; an entry of another agency is Forbidden, an unknown or
    unpublished one an error on `entries`."""
    if not codes:
        return []
    found = {d.code: d for d in db.session.scalars(select(Dataset).where(Dataset.code.in_(codes)))}
    unknown = [c for c in codes if c not in found or found[c].state != DatasetState.PUBLISHED]
    if unknown:
        errors.setdefault("entries", _("No published catalog entry has the code %(codes)s.", codes="、".join(unknown)))
        return []
    foreign = [c for c in codes if found[c].agency_id != agency_id]
    if foreign:
        raise Forbidden(_("Only your own agency's entries can be registered as its assets: %(codes)s.",
                          codes="、".join(foreign)))
    return [found[c] for c in codes]


_LEVEL_ORDER = (DataLevel.CORE, DataLevel.IMPORTANT, DataLevel.GENERAL)
_FREQUENCY_ORDER = tuple(UpdateFrequency)


def entry_fields(ds: Dataset) -> dict[str, str]:
    return {f: str(getattr(ds, f) or "") for f in REGISTERED_ENTRY_FIELDS}


def refresh(asset: DataAsset) -> None:
    """Volume, frequency, level and types from the linked entries as they are published now."""
    files = [r for d in asset.entries for r in d.resources if r.kind == ResourceKind.FILE]
    asset.rows = sum(r.row_count or 0 for r in files)
    asset.bytes = sum(r.size or 0 for r in files)
    freqs = [d.update_frequency for d in asset.entries if d.update_frequency in _FREQUENCY_ORDER]
    asset.update_frequency = min(freqs, key=_FREQUENCY_ORDER.index) if freqs else ""
    levels = [d.data_level for d in asset.entries if d.data_level in _LEVEL_ORDER]
    asset.data_level = min(levels, key=_LEVEL_ORDER.index) if levels else ""
    asset.open_types = sorted({d.open_type for d in asset.entries})
    asset.share_types = sorted({d.share_type for d in asset.entries})
    asset.entry_fields = {d.code: entry_fields(d) for d in asset.entries}


def _read(values: Mapping[str, Any], agency_id: int | None) -> tuple[dict[str, Any], list[Dataset]]:
    data, errors = AssetIn().read(values)
    entries = _entries(split_codes(data.get("entries") or []), agency_id, errors)
    if errors:
        raise Invalid(_("Please correct the marked fields."), errors)
    return data, entries


def _fill(asset: DataAsset, data: dict[str, Any], entries: list[Dataset]) -> None:
    asset.name, asset.summary = data["name"], data.get("summary", "")
    asset.in_operation_scope = bool(data.get("in_operation_scope"))
    asset.entries = entries
    refresh(asset)


def create(values: Mapping[str, Any], actor: Any) -> DataAsset:
    """A draft asset of the actor's agency (the fields of AssetIn); 422 naming the field, nothing kept."""
    if not may_create(actor):
        raise Forbidden(_("Only agency staff register their agency's assets."))
    asset = DataAsset(agency_id=actor.agency_id, created_by_id=actor.id, state=None)
    data, entries = _read(values, actor.agency_id)
    ASSET.perform(asset, "create", actor, effect=lambda _t: (db.session.add(asset), _fill(asset, data, entries)),
                  details=lambda: {"entries": asset.codes, "in_operation_scope": asset.in_operation_scope})
    return asset


def update(asset: DataAsset, values: Mapping[str, Any], actor: Any) -> DataAsset:
    """The agency edits a draft, or an asset that needs a change registration."""
    if not roles.is_staff_of(actor, asset.agency_id):
        raise Forbidden(_("Only staff of %(agency)s may change this asset.", agency=asset.agency.name))
    if asset.state not in EDITABLE:
        raise Conflict(_("This asset cannot be edited in its current state."))
    data, entries = _read(values, asset.agency_id)
    version = data.get("version")
    if version is not None and version != asset.row_version:
        raise Conflict(_("Someone else changed this asset at the same time. Please reload the page."))
    try:
        _fill(asset, data, entries)
        db.session.flush()
        audit.record(actor, "asset.edit", "data_asset", str(asset.id), details={"entries": asset.codes})
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return asset


# ---- the steps ---------------------------------------------------------------------------------------
def act(asset: DataAsset, values: Mapping[str, Any], actor: Any) -> DataAsset:
    """Take one step (AssetActionIn): register needs the platform's code and the day, not in the future."""
    data, errors = AssetActionIn().read(values)
    action, reason = data.get("action", ""), data.get("reason", "")
    if action not in DECISIONS:
        action = ""
    ASSET.check(asset, action, actor, reason, data.get("version"))  # 403, 409 and a missing reason first
    if action == "register":
        if not data.get("registration_code") and "registration_code" not in errors:
            errors["registration_code"] = _("Give the registration code the registration platform assigned.")
        day = data.get("registered_on")
        if day is None and "registered_on" not in errors:
            errors["registered_on"] = _("Give the day of registration.")
        elif day is not None and day > workdays.china_date(utcnow()):
            errors["registered_on"] = _("The day of registration cannot be in the future.")
    errors = {k: v for k, v in errors.items() if action == "register" or k not in ("registration_code",
                                                                                   "registered_on")}
    if errors:
        raise Invalid(_("Please correct the marked fields."), errors)

    def effect(_t: Transition) -> None:
        asset.note = reason
        if action == "register":
            asset.registration_code, asset.registered_on = data["registration_code"], data["registered_on"]
            asset.changed_fields = []
        if action in ("submit", "resubmit"):
            refresh(asset)
    ASSET.perform(asset, action, actor, reason, effect=effect, version=data.get("version"), details=lambda: {
        "state": asset.state, "registration_code": asset.registration_code,
        "registered_on": asset.registered_on.isoformat() if asset.registered_on else None, "entries": asset.codes})
    return asset


def entry_changed(ds: Dataset, changed: list[str], actor: Any) -> None:
    """An edit of `ds` that changes registered fields is being applied (catalog.editing, in its transaction):
    each registered asset linking it needs a change registration. The caller commits."""
    fields_ = [f for f in changed if f in REGISTERED_ENTRY_FIELDS]
    if ds.id is None or not fields_:
        return
    rows = db.session.scalars(select(DataAsset).join(asset_entries, asset_entries.c.asset_id == DataAsset.id)
                              .where(asset_entries.c.dataset_id == ds.id,
                                     DataAsset.state.in_((S.REGISTERED, S.CHANGED))))
    note = _("Edited in %(code)s: %(fields)s", code=ds.code, fields="、".join(field_labels(fields_)))
    for asset in list(rows):
        def effect(_t: Transition, asset: DataAsset = asset) -> None:
            asset.changed_fields = list(dict.fromkeys([*(asset.changed_fields or []), *fields_]))
            asset.note = note
        ASSET.perform(asset, "flag_change", SYSTEM, note, effect=effect, commit=False,
                      details={"dataset": ds.id, "fields": fields_, "by": getattr(actor, "email", str(actor))})
