"""Corrections (数据纠错, R2024 §45): any logged-in user reports an error or omission; the entry is
marked while any is open; the agency accepts (and fixes, e.g. with a new file version) or rejects with a
reason within the configured workdays (SZ §19, R2018 §21). The list per entry is public."""
from __future__ import annotations

from typing import Any, Iterable, Mapping

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..accounts import roles
from ..accounts.models import User
from ..catalog.models import Dataset
from ..errors import NotFound
from ..extensions import db
from ..inbox.services import notify, notify_all
from ..models_base import utcnow
from .. import workdays
from ..storage import files as stored_files
from ..supervision.services import Case, Deadlines, register_workflow
from ..workflow import Transition, Workflow
from . import correction_notices, evidence
from .common import (MAX_TEXT, agency_staff, case_relations, decided_meanwhile, may_see, staff_link,
                     visible_to)
from .models import Correction, CorrectionState
from .schemas import CorrectionIn

STATE_LABELS = {
    CorrectionState.OPEN: _l("Being processed"),
    CorrectionState.ACCEPTED: _l("Accepted"),
    CorrectionState.REJECTED: _l("Rejected"),
}
STATE_BADGES = {  # how the public list marks each state
    CorrectionState.OPEN: "badge-conditional",
    CorrectionState.ACCEPTED: "badge-current",
    CorrectionState.REJECTED: "badge-closed",
}


def status_label(correction: Correction) -> str:
    return str(STATE_LABELS[correction.state])


def status_badge(correction: Correction) -> str:
    return STATE_BADGES[correction.state]


# ---- the notices each step sends ------------------------------------------------------------------
def _link(correction: Correction) -> str:
    return url_for("feedback.correction", correction_id=correction.id)


def _tell_agency(correction: Correction, actor: User, reason: str) -> None:
    ds = correction.dataset
    notify_all(agency_staff(ds.agency_id), _("Correction reported on “%(title)s”", title=ds.title),
               _("Verify it and answer by %(due)s.", due=workdays.due_text(correction.due_date, correction.filed_at)),
               link=_link(correction), kind="correction.filed")


def _tell_reopened(correction: Correction, actor: User, reason: str) -> None:
    """The data authority sent a rejection back to the agency after a dispute (OVERSIGHT §7)."""
    ds, due = correction.dataset, workdays.due_text(correction.due_date, utcnow())
    notify_all(agency_staff(ds.agency_id), _("Correction reopened after a dispute: “%(title)s”", title=ds.title),
               _("Verify it and answer by %(due)s.", due=due), link=_link(correction), kind="correction.reopened")
    notify(correction.reporter_id, _("Your correction on “%(title)s” is reopened", title=ds.title),
           _("Verify it and answer by %(due)s.", due=due), link=_link(correction), kind="correction.reopened")


def _tell_reporter(correction: Correction, actor: User, answer: str) -> None:
    notify(correction.reporter_id, _("Your correction on “%(title)s”: %(state)s", title=correction.dataset.title,
                                     state=status_label(correction)),
           answer, link=_link(correction), kind="correction.decided")


# ---- the workflow: filed by any user, answered by the agency with a written answer ---------------------
FILE, ACCEPT, REJECT = "file", "accept", "reject"
_ANSWER = dict(stops=True, needs_reason=True, notify=_tell_reporter)
CORRECTION = Workflow("correction", [
    Transition(FILE, (None,), CorrectionState.OPEN, (roles.OWNER,), "correction.file", starts="CORRECTION_WORKDAYS",
               notify=_tell_agency),
    Transition(ACCEPT, (CorrectionState.OPEN,), CorrectionState.ACCEPTED, (roles.AGENCY,), "correction.accept",
               reason_missing=lambda c: _("Say what was corrected."), **_ANSWER),
    Transition(REJECT, (CorrectionState.OPEN,), CorrectionState.REJECTED, (roles.AGENCY,), "correction.reject",
               reason_missing=lambda c: _("Give the reason for rejecting the correction."), **_ANSWER),
    # a dispute on the rejection resolved with "agency to redo" (disputes/services.py): a new period from today
    Transition("reopen", (CorrectionState.REJECTED,), CorrectionState.OPEN, (roles.AUTHORITY_ACTOR,),
               "correction.reopen", starts="CORRECTION_WORKDAYS", needs_reason=True, notify=_tell_reopened),
], relations=lambda c, actor: case_relations(actor, agency_id=c.dataset.agency_id, owner_id=c.reporter_id),
    reason_field="answer", reason_max=MAX_TEXT, stale=decided_meanwhile,
    conflict=lambda c: _("This correction has already been answered."),
    forbidden=lambda c: _("Only staff of %(agency)s answer corrections of its entries.", agency=c.dataset.agency.name))
DECISIONS = (ACCEPT, REJECT)


def can_view(user: User, correction: Correction) -> bool:
    return may_see(user, agency_id=correction.dataset.agency_id, owner_id=correction.reporter_id)


def allowed_actions(correction: Correction, actor: User) -> list[str]:
    """What this actor may answer on this correction now (the page offers exactly these)."""
    return [a for a in CORRECTION.allowed_actions(correction, actor) if a in DECISIONS]


def get_correction(correction_id: int, user: User) -> Correction:
    correction = db.session.get(Correction, correction_id)
    if correction is None or not can_view(user, correction):
        raise NotFound(_("No correction of yours has this number."))
    return correction


def public_list(ds: Dataset) -> list[Correction]:
    return list(db.session.scalars(select(Correction).where(Correction.dataset_id == ds.id)
                                   .order_by(Correction.filed_at.desc(), Correction.id.desc())))


def file_correction(ds: Dataset, values: Mapping[str, Any], files: Iterable[evidence.Upload], actor: User) -> Correction:
    """Record a reported error or omission (the fields of schemas.CorrectionIn, from the form or the API) on a
    published entry or one of its resources."""
    if not ds.is_published:
        raise NotFound(_("No public catalog entry is named %(slug)s.", slug=ds.slug))
    schema = CorrectionIn()
    data, errors = schema.read(values)
    resource = next((r for r in ds.resources if r.id == data["resource"]), None)
    if data["resource"] and resource is None:
        errors["resource"] = _("Choose among the entry's resources.")
    stored = evidence.store_all(files, schema.ordered(errors), field="attachment")
    try:
        correction = Correction(dataset=ds, resource=resource, reporter_id=actor.id, location=data["location"],
                                description=data["description"], filed_at=utcnow(),
                                resource_version_at_filing=resource.version if resource else None)

        def record(_step) -> None:
            db.session.add(correction)
            db.session.flush()
            evidence.attach(stored, "correction", correction.id, actor.id)
        CORRECTION.perform(correction, FILE, actor, effect=record, details=lambda: {
            "dataset": ds.id, "resource": data["resource"] or None, "due": correction.due_date.isoformat()})
    except BaseException:
        db.session.rollback()
        stored_files.discard(s.key for s in stored)
        raise
    return correction


def decide(correction: Correction, action: str, answer: str, actor: User) -> Correction:
    """Accept (the fix is the agency's new version or edit) or reject; both need a written answer."""
    ds, answer = correction.dataset, answer.strip()

    def record(step: Transition) -> None:
        correction.answer, correction.decided_by_id, correction.decided_at = answer, actor.id, utcnow()
        res = correction.resource
        if step.action == ACCEPT and res is not None and correction.resource_version_at_filing is not None \
                and res.version > correction.resource_version_at_filing:
            correction.fixed_in_version = res.version
        if step.action == ACCEPT:
            correction_notices.tell_concerned(correction, answer)
    # filing is not an answer: it is refused like any unknown one
    CORRECTION.perform(correction, action if action in DECISIONS else "", actor, answer, effect=record,
                       details=lambda: {"dataset": ds.id, "fixed_in_version": correction.fixed_in_version,
                                        "told": [r["agency_id"] or "authority" for r in correction.notified or []]})
    return correction


def corrections_for(user: User) -> list[Correction]:
    stmt = visible_to(select(Correction).join(Dataset).order_by(Correction.state.desc(), Correction.due_date,
                                                                Correction.id.desc()), Dataset.agency_id, user)
    return list(db.session.scalars(stmt))


def own_corrections(user: User) -> list[Correction]:
    return list(db.session.scalars(select(Correction).where(Correction.reporter_id == user.id)
                                   .order_by(Correction.filed_at.desc())))


def _open_corrections() -> list[Correction]:
    return list(db.session.scalars(select(Correction).where(Correction.state.in_(sorted(CORRECTION.running_states())))
                                   .order_by(Correction.due_date)))


def supervision_cases() -> list[Case]:
    return [Case(kind=_("Data correction"), title=c.dataset.title,
                 url=url_for("feedback.correction", correction_id=c.id), due=c.due_date,
                 agency=c.dataset.agency.name, state=status_label(c),
                 assignees=[u.id for u in agency_staff(c.dataset.agency_id)], provisional=c.due_provisional)
            for c in _open_corrections()]


register_workflow(supervision_cases, Deadlines(
    "correction", _open_corrections, start=lambda c: c.filed_at,
    label=lambda c: _("Correction No. %(n)d on “%(title)s”", n=c.id, title=c.dataset.title),
    link=lambda c: staff_link("corrections", c.id),
    parties=lambda c: [c.reporter_id, *agency_staff(c.dataset.agency_id)]))
