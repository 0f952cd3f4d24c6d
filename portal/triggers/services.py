"""Catalog update after a change (目录更新事由, OVERSIGHT §1): R2024 §11「法律、法规依据或者法定职能发生变化的，
公共管理和服务机构应当在15个工作日内更新本机构公共数据目录」 (also R2018 §9, WH §7), and R2024 §12「项目竣工验收前
应当更新公共数据目录」.

Agency staff (for their agency) or the authority file a trigger: the kind of change, what changed, the day it
takes effect (施行; for an IT project the acceptance date) and the agency's entries it affects. It is due
CATALOG_UPDATE_WORKDAYS working days after the effective day on the official calendar; an IT project's is due
on its acceptance date itself. Each affected entry is answered by a revision submitted for review after
filing (catalog.review.submit tells `revision_submitted`) or by the agency's reasoned "no change"; when all
are answered the portal closes the trigger. Open triggers are supervision cases: overdue ones escalate to
the authority with the deadline run (R2024 §49(一)「目录编制」). Each answer puts a line in the entry's
public history. The table TRIGGER holds the steps; each step is an audit event.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Mapping

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from .. import workdays
from ..accounts import roles
from ..catalog import review
from ..catalog.models import Dataset, DatasetChange, DatasetState, Review
from ..errors import Conflict, Forbidden, Invalid, NotFound
from ..extensions import db
from ..inbox.services import notify_all
from ..models_base import utcnow
from ..supervision.services import Case, Deadlines, deadline_marks, register_workflow
from ..workflow import Transition, Workflow
from .models import KIND_LABELS, STATE_LABELS, Answer, CatalogTrigger, TriggerEntry, TriggerKind, TriggerState
from .schemas import NoChangeIn, TriggerIn

S = TriggerState
AGENCY, AUTHORITY, SYSTEM = roles.AGENCY, roles.AUTHORITY_ACTOR, roles.SYSTEM


def _relations(t: CatalogTrigger, actor: Any) -> set[str]:
    if actor == SYSTEM:
        return {SYSTEM}
    return roles.relations(actor, agency_id=t.agency_id)


TRIGGER = Workflow("catalog_trigger", [
    Transition("file", (None,), S.OPEN, (AGENCY, AUTHORITY), "catalog_trigger.file", needs_reason=True,
               reason_missing=lambda _t: _("Say why these entries are affected.")),
    Transition("revision", (S.OPEN,), S.OPEN, (AGENCY,), "catalog_trigger.revision"),
    Transition("no_change", (S.OPEN,), S.OPEN, (AGENCY,), "catalog_trigger.no_change", needs_reason=True,
               reason_missing=lambda _t: _("Say why the entry needs no change."),
               forbidden=lambda t: _("Only staff of %(agency)s answer for its entries.", agency=t.agency.name)),
    Transition("close", (S.OPEN,), S.CLOSED, (SYSTEM,), "catalog_trigger.close", stops=True),
], relations=_relations, object_type="catalog_trigger", reason_max=5000,
    forbidden=lambda _t: _("Only staff of the agency concerned and the data authority file catalog update triggers."),
    conflict=lambda _t: _("This catalog update trigger is already answered."))


def today() -> date:
    return workdays.china_date(utcnow())


def link(t: CatalogTrigger) -> str:
    return f"/console/catalog-updates/{t.id}"


def workdays_allowed() -> int:
    return current_app.config["CATALOG_UPDATE_WORKDAYS"]


def due_for(kind: str, effective_on: date) -> date:
    """An IT project's catalog is updated by its acceptance (R2024 §12「竣工验收前」); any other change within
    CATALOG_UPDATE_WORKDAYS working days of taking effect (R2024 §11)."""
    if kind == TriggerKind.PROJECT:
        return effective_on
    return workdays.add_workdays(effective_on, workdays_allowed())


def kind_label(t: CatalogTrigger) -> str:
    return str(KIND_LABELS.get(t.kind, t.kind))


# ---- reading -----------------------------------------------------------------------------------------
@dataclass
class Row:
    trigger: CatalogTrigger
    answered: int
    overdue: bool = False
    due_soon: bool = False

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS.get(self.trigger.state, self.trigger.state))


def marks(t: CatalogTrigger, on: date | None = None) -> tuple[bool, bool]:
    if t.state != S.OPEN:
        return False, False
    return deadline_marks(t.due_date, on or today())


def may_read(actor: Any, t: CatalogTrigger) -> bool:
    return roles.is_staff_of(actor, t.agency_id) or roles.is_overseer(actor)


def get(trigger_id: int, actor: Any) -> CatalogTrigger:
    t = db.session.get(CatalogTrigger, trigger_id)
    if t is None or not may_read(actor, t):
        raise NotFound(_("There is no catalog update trigger of yours with this number."))
    return t


def listing(actor: Any) -> list[Row]:
    """Open triggers first (overdue first, then by due date), then answered ones, newest first: the agency's
    own; the authority, auditors and administrators see all."""
    stmt = select(CatalogTrigger).order_by(CatalogTrigger.due_date, CatalogTrigger.id)
    if not roles.is_overseer(actor):
        if not (roles.is_agency_staff(actor) and getattr(actor, "agency_id", None)):
            raise Forbidden(_("Only agency staff, the data authority and auditors see catalog update triggers."))
        stmt = stmt.where(CatalogTrigger.agency_id == actor.agency_id)
    on = today()
    rows = [Row(t, sum(e.answer is not None for e in t.entries), *marks(t, on)) for t in db.session.scalars(stmt)]
    open_rows = sorted((r for r in rows if r.trigger.state == S.OPEN), key=lambda r: (not r.overdue, r.trigger.due_date))
    done = sorted((r for r in rows if r.trigger.state != S.OPEN), key=lambda r: -r.trigger.id)
    return open_rows + done


def allowed_actions(t: CatalogTrigger, actor: Any) -> list[str]:
    """What the trigger's page offers: the reasoned "no change" (agency staff, while an entry is unanswered)."""
    return [a for a in TRIGGER.allowed_actions(t, actor) if a == "no_change"]


def may_file(actor: Any) -> bool:
    return roles.is_authority(actor) or (roles.is_agency_staff(actor) and bool(getattr(actor, "agency_id", None)))


def choosable_entries(actor: Any) -> list[Dataset]:
    """The entries the filing form offers: the agency's own (any not withdrawn), or all for the authority."""
    stmt = select(Dataset).where(Dataset.state != DatasetState.WITHDRAWN).order_by(Dataset.agency_id, Dataset.title)
    if not roles.is_authority(actor):
        stmt = stmt.where(Dataset.agency_id == getattr(actor, "agency_id", None))
    return list(db.session.scalars(stmt))


def open_for(dataset_id: str) -> list[TriggerEntry]:
    """The unanswered affected-entry rows of open triggers naming the entry."""
    return list(db.session.scalars(select(TriggerEntry).join(CatalogTrigger).where(
        TriggerEntry.dataset_id == dataset_id, TriggerEntry.answer.is_(None), CatalogTrigger.state == S.OPEN)
        .order_by(TriggerEntry.id)))


# ---- filing ------------------------------------------------------------------------------------------
def _entries(ids: list[str], errors: dict[str, str]) -> list[Dataset]:
    found = {ds.id: ds for ds in db.session.scalars(select(Dataset).where(Dataset.id.in_(ids)))} if ids else {}
    unknown = [i for i in ids if i not in found]
    if unknown:
        errors["entries"] = _("No catalog entry has the id %(ids)s.", ids=", ".join(unknown[:5]))
        return []
    chosen = [found[i] for i in ids]
    if any(ds.state == DatasetState.WITHDRAWN for ds in chosen):
        errors["entries"] = _("A withdrawn entry is no longer in the catalog: leave it out.")
    elif len({ds.agency_id for ds in chosen}) > 1:
        errors["entries"] = _("A trigger names the entries of one agency: file one per agency.")
    return chosen


def file(values: Mapping[str, Any], actor: Any) -> CatalogTrigger:
    """File a trigger (the fields of TriggerIn): 403 for staff of another agency than the entries', 422 naming
    the field for bad input; nothing is written unless all is well."""
    data, errors = TriggerIn().read(values)
    chosen = _entries(data["entries"], errors) if "entries" not in errors else []
    agency_id = chosen[0].agency_id if chosen else getattr(actor, "agency_id", None)
    kind, effective_on = data.get("kind") or "", data.get("effective_on")
    t = CatalogTrigger(kind=kind, change=data.get("change", ""), reason=data.get("reason", ""),
                       effective_on=effective_on, agency_id=agency_id, filed_by_id=getattr(actor, "id", None))
    TRIGGER.check(t, "file", actor, "x")  # 403 before 422: not the entries' agency
    if errors:
        raise Invalid(_("Please correct the marked fields."), errors)
    t.due_date = due_for(kind, effective_on)
    t.entries = [TriggerEntry(dataset_id=ds.id) for ds in chosen]

    def record(_t: Transition) -> None:
        db.session.add(t)
        db.session.flush()
        staff = [i for i in _staff(t.agency_id) if i != getattr(actor, "id", None)]
        subject = _("Update the catalog by %(date)s: %(change)s", date=t.due_date.isoformat(), change=t.change[:80])
        body = _("%(kind)s, effective %(effective)s. Entries: %(titles)s", kind=kind_label(t),
                 effective=t.effective_on.isoformat(), titles="、".join(ds.title for ds in chosen))
        notify_all(staff, subject, body, link=link(t), kind="catalog_trigger.file")
        if not roles.is_authority(actor):
            notify_all(roles.authority_account_ids(), subject, body, link=link(t), kind="catalog_trigger.file")
    TRIGGER.perform(t, "file", actor, t.reason, effect=record, details=lambda: {
        "kind": t.kind, "change": t.change, "effective_on": t.effective_on.isoformat(),
        "due": t.due_date.isoformat(), "entries": [ds.id for ds in chosen]})
    return t


def _staff(agency_id: int) -> list[int]:
    from ..opening.workflow import staff_ids
    return staff_ids(agency_id)


# ---- answering ---------------------------------------------------------------------------------------
def _history(te: TriggerEntry, summary: str, reason: str) -> None:
    """The public line on the entry's page: the catalog was looked at after this change."""
    t = te.trigger
    te.dataset.changes.append(DatasetChange(kind="catalog_update", summary=summary, reason=reason, details={
        "trigger": t.id, "kind": t.kind, "effective_on": t.effective_on.isoformat(), "answer": te.answer}))


def _settle(t: CatalogTrigger) -> None:
    """Close the trigger once every affected entry is answered (in the caller's transaction)."""
    if t.state == S.OPEN and all(e.answer is not None for e in t.entries):
        def closed(_t: Transition) -> None:
            t.closed_at = utcnow()
        TRIGGER.perform(t, "close", SYSTEM, "", effect=closed, commit=False, details=lambda: {
            "answers": {e.dataset_id: e.answer for e in t.entries}})


def no_change(t: CatalogTrigger, values: Mapping[str, Any], actor: Any) -> TriggerEntry:
    """Record the agency's reasoned "no change" for one affected entry (the fields of NoChangeIn)."""
    data, errors = NoChangeIn().read(values)
    TRIGGER.check(t, "no_change", actor, "x", data.get("version"))  # 403 / 409 before 422
    te = next((e for e in t.entries if e.dataset_id == data.get("dataset")), None)
    if "dataset" not in errors and te is None:
        errors["dataset"] = _("This entry is not named by the trigger.")
    if errors:
        raise Invalid(_("Please correct the marked fields."), errors)
    if te.answer is not None:
        message = _("This entry is already answered.")
        raise Conflict(message, {"dataset": message})

    def record(_t: Transition) -> None:
        te.answer, te.answered_at, te.answered_by_id, te.note = Answer.NO_CHANGE, utcnow(), actor.id, data["reason"]
        _history(te, _("Catalog reviewed after a change (%(kind)s: %(change)s): no change needed.",
                       kind=kind_label(t), change=t.change), data["reason"])
    TRIGGER.perform(t, "no_change", actor, data["reason"], effect=record, details={"dataset": te.dataset_id},
                    commit=False)
    try:
        _settle(t)  # its own step, audited after the answer that completes it
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return te


@review.on_submit
def revision_submitted(submitted: Review, actor: Any) -> None:
    """A submission for review answers every open trigger naming the entry (filed before it); in the
    submission's own transaction. The submitter is the agency's staff: the step is theirs in the table."""
    for te in open_for(submitted.dataset_id):
        t = te.trigger

        def record(_t: Transition, te: TriggerEntry = te, t: CatalogTrigger = t) -> None:
            te.answer, te.answered_at = Answer.REVISION, submitted.submitted_at
            te.answered_by_id, te.review_id = getattr(actor, "id", None), submitted.id
            _history(te, _("Catalog update submitted for review after a change (%(kind)s: %(change)s).",
                           kind=kind_label(t), change=t.change), "")
        TRIGGER.perform(t, "revision", actor, "", effect=record, commit=False, details={
            "dataset": te.dataset_id, "review": submitted.id, "review_due": submitted.due_date.isoformat()})
        _settle(t)


# ---- supervision: an open trigger is a case of its agency; overdue ones escalate ----------------------
def _open() -> list[CatalogTrigger]:
    return list(db.session.scalars(select(CatalogTrigger).where(CatalogTrigger.state == S.OPEN)
                                   .order_by(CatalogTrigger.due_date, CatalogTrigger.id)))


def case_title(t: CatalogTrigger) -> str:
    return _("%(kind)s: %(change)s", kind=kind_label(t), change=t.change[:80])


def supervision_cases() -> list[Case]:
    staff: dict[int, list[int]] = {}
    cases = []
    for t in _open():
        if t.agency_id not in staff:
            staff[t.agency_id] = _staff(t.agency_id)
        answered = sum(e.answer is not None for e in t.entries)
        cases.append(Case(kind=_("Catalog update"), title=case_title(t), url=link(t), due=t.due_date,
                          agency=t.agency.name, assignees=staff[t.agency_id],
                          state=_("%(done)d of %(total)d entries answered", done=answered, total=len(t.entries)),
                          provisional=t.kind != TriggerKind.PROJECT and workdays.provisional(t.effective_on,
                                                                                             t.due_date)))
    return cases


# An IT project's due date is its acceptance date, not a count: only the others are recounted when a year's
# holiday arrangement changes.
register_workflow(supervision_cases, Deadlines(
    "catalog_trigger", lambda: [t for t in _open() if t.kind != TriggerKind.PROJECT],
    start=lambda t: t.effective_on, label=case_title, link=link, parties=lambda t: _staff(t.agency_id)))
