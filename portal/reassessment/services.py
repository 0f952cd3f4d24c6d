"""Periodic reassessment (定期评估): every published entry that is conditional or closed to open (R2024 §29
「对尚未开放的公共数据进行定期评估」) or conditional or not shared (R2024 §22「定期进行评估」) is due for
reassessment REASSESS_MONTHS after its last assessment, else its publication (民法典 §202 month arithmetic).
The agency records a reasoned "keep" here, or submits a revision through the console's edit and review,
whose approval sets the assessed date when the type or its grounds change (catalog.editing).

`due_date` is the one rule: the queue, supervision and the sharing figures all read it."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Mapping

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..accounts import roles
from ..audit import services as audit
from ..catalog import vocab
from ..catalog.models import Dataset, DatasetChange, DatasetState, OpenType, ShareType
from ..errors import Conflict, Forbidden, Invalid, NotFound
from ..extensions import db
from ..models_base import utcnow
from ..workdays import add_months
from ..supervision.services import Case, deadline_marks, register_case_source
from ..workdays import china_date
from .schemas import KeepIn


@dataclass(frozen=True)
class Attribute:
    kind: str              # open | share
    type_field: str        # the entry's type
    assessed_field: str    # when it was last set or confirmed
    due_types: tuple[str, ...]
    label: Any             # e.g. 开放类型
    type_labels: dict


ATTRIBUTES = {
    "open": Attribute("open", "open_type", "open_assessed_at", (OpenType.CONDITIONAL, OpenType.CLOSED),
                      _l("open type"), vocab.OPEN_TYPE_LABELS),
    "share": Attribute("share", "share_type", "share_assessed_at", (ShareType.CONDITIONAL, ShareType.NONE),
                       _l("share type"), vocab.SHARE_TYPE_LABELS),
}


def months() -> int:
    return current_app.config["REASSESS_MONTHS"]


def last_assessed(ds: Any, kind: str) -> date | None:
    """The day the attribute was last assessed, else the day the entry was published."""
    at = getattr(ds, ATTRIBUTES[kind].assessed_field, None) or getattr(ds, "published_at", None)
    return china_date(at) if at else None


def due_date(ds: Any, kind: str) -> date | None:
    """When the entry's open (kind="open") or share ("share") type is due for reassessment; None when it is
    not (unpublished, or a type that needs none)."""
    attr = ATTRIBUTES[kind]
    if getattr(ds, "state", None) != DatasetState.PUBLISHED or getattr(ds, attr.type_field) not in attr.due_types:
        return None
    last = last_assessed(ds, kind)
    return add_months(last, months()) if last else None


@dataclass
class Due:
    dataset: Dataset
    kind: str
    type: str
    last: date | None
    due: date
    overdue: bool = False
    due_soon: bool = False

    @property
    def label(self) -> str:
        return str(ATTRIBUTES[self.kind].label)

    @property
    def type_label(self) -> str:
        return vocab.label(ATTRIBUTES[self.kind].type_labels, self.type)


def _published(agency_id: int | None = None) -> list[Dataset]:
    stmt = select(Dataset).where(Dataset.state == DatasetState.PUBLISHED).order_by(Dataset.title)
    if agency_id is not None:
        stmt = stmt.where(Dataset.agency_id == agency_id)
    return list(db.session.scalars(stmt))


def all_due(agency_id: int | None = None, today: date | None = None) -> list[Due]:
    """Every reassessment the entries owe, overdue first, then by due date."""
    today = today or china_date(utcnow())
    rows = []
    for ds in _published(agency_id):
        for kind, attr in ATTRIBUTES.items():
            due = due_date(ds, kind)
            if due is not None:
                overdue, soon = deadline_marks(due, today)
                rows.append(Due(ds, kind, getattr(ds, attr.type_field), last_assessed(ds, kind), due, overdue, soon))
    return sorted(rows, key=lambda r: (not r.overdue, r.due, r.dataset.title, r.kind))


def queue_for(actor: Any) -> list[Due]:
    """The agency's own reassessments; the authority, auditors and administrators see all."""
    if roles.is_overseer(actor):
        return all_due()
    if roles.is_agency_staff(actor) and getattr(actor, "agency_id", None):
        return all_due(actor.agency_id)
    raise Forbidden(_("Only agency staff, the data authority and auditors see reassessments."))


def may_keep(actor: Any, ds: Dataset) -> bool:
    return roles.is_staff_of(actor, ds.agency_id)


def get_entry(dataset_id: str, actor: Any) -> Dataset:
    ds = db.session.get(Dataset, dataset_id)
    if ds is None or not (roles.is_overseer(actor) or roles.is_staff_of(actor, ds.agency_id)):
        raise NotFound(_("No catalog entry of yours has this id."))
    return ds


def keep(ds: Dataset, values: Mapping[str, Any], actor: Any) -> DatasetChange:
    """Record that the entry's type stays after reassessment: the assessed date, a public history line, an
    audit event with who, when and why. Only staff of the entry's agency may."""
    if not may_keep(actor, ds):
        raise Forbidden(_("Only staff of %(agency)s reassess its entries.", agency=ds.agency.name))
    schema = KeepIn()
    data, errors = schema.read(values)
    if errors:
        raise Invalid(_("Please correct the marked fields."), schema.ordered(errors))
    attr = ATTRIBUTES[data["kind"]]
    due = due_date(ds, attr.kind)
    if due is None:
        raise Conflict(_("This entry's %(what)s needs no reassessment.", what=attr.label))
    current = getattr(ds, attr.type_field)
    setattr(ds, attr.assessed_field, utcnow())
    change = DatasetChange(kind="reassessed", field=attr.type_field, from_value=current, to_value=current,
                           reason=data["reason"], summary=_("The %(what)s was reassessed and kept.", what=attr.label),
                           details={"by": getattr(actor, "email", ""), "legal_basis": data["legal_basis"]})
    ds.changes.append(change)
    audit.record(actor, f"dataset.{attr.kind}_reassessed", "dataset", ds.id, data["reason"],
                 {"type": current, "legal_basis": data["legal_basis"], "was_due": due.isoformat()})
    db.session.commit()
    return change


# ---- supervision: a reassessment due soon or overdue is a case of the entry's agency ----------------------
@register_case_source
def supervision_cases() -> list[Case]:
    """Only those due soon or overdue: a conditional entry always owes its next reassessment, and the
    supervision page would otherwise list every one of them a year ahead (the queue shows them all)."""
    from ..feedback.common import agency_staff

    staff: dict[int, list[int]] = {}
    cases = []
    for row in all_due():
        if not (row.overdue or row.due_soon):
            continue
        ds = row.dataset
        if ds.agency_id not in staff:
            staff[ds.agency_id] = [u.id for u in agency_staff(ds.agency_id)]
        cases.append(Case(kind=_("Reassessment of the %(what)s", what=row.label), title=ds.title,
                          url=f"/console/reassessments/{ds.id}", due=row.due, agency=ds.agency.name,
                          state=row.type_label, assignees=staff[ds.agency_id]))
    return cases
