"""Corrections (数据纠错, R2024 §45): any logged-in user reports an error or omission; the entry is
marked while any is open; the agency accepts (and fixes, e.g. with a new file version) or rejects with a
reason within the configured workdays (SZ §19, R2018 §21). The list per entry is public."""
from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..accounts.models import User
from ..audit import services as audit
from ..catalog.models import Dataset
from ..errors import Conflict, Forbidden, Invalid, NotFound
from ..extensions import db
from ..inbox.services import notify, notify_all
from ..models_base import utcnow
from .. import workdays
from ..storage import files as stored_files
from ..supervision.services import Case, Deadlines, register_workflow
from . import evidence
from .common import MAX_TEXT, OVERSEERS, agency_staff, due_in, is_staff_of, one_decision, staff_link
from .models import Correction, CorrectionState

STATE_LABELS = {
    CorrectionState.OPEN: _l("Being processed"),
    CorrectionState.ACCEPTED: _l("Accepted"),
    CorrectionState.REJECTED: _l("Rejected"),
}


def can_view(user: User, correction: Correction) -> bool:
    return (correction.reporter_id == user.id or user.role in OVERSEERS
            or is_staff_of(user, correction.dataset.agency_id))


def get_correction(correction_id: int, user: User) -> Correction:
    correction = db.session.get(Correction, correction_id)
    if correction is None or not can_view(user, correction):
        raise NotFound(_("No correction of yours has this number."))
    return correction


def public_list(ds: Dataset) -> list[Correction]:
    return list(db.session.scalars(select(Correction).where(Correction.dataset_id == ds.id)
                                   .order_by(Correction.filed_at.desc(), Correction.id.desc())))


def file_correction(ds: Dataset, *, resource_id: str, location: str, description: str,
                    files: list[evidence.Upload], actor: User) -> Correction:
    """Record a reported error or omission on a published entry (or one of its resources)."""
    if not ds.is_published:
        raise NotFound(_("No public catalog entry is named %(slug)s.", slug=ds.slug))
    errors: dict[str, str] = {}
    resource = next((r for r in ds.resources if r.id == resource_id), None) if resource_id else None
    if resource_id and resource is None:
        errors["resource"] = _("Choose among the entry's resources.")
    location, description = location.strip(), description.strip()
    if not location:
        errors["location"] = _("Say which field or rows are wrong.")
    elif len(location) > 500:
        errors["location"] = _("At most %(n)d characters.", n=500)
    if not description:
        errors["description"] = _("Say what is wrong or missing.")
    elif len(description) > MAX_TEXT:
        errors["description"] = _("At most %(n)d characters.", n=MAX_TEXT)
    try:
        stored = evidence.store_files(files, field="attachment")
    except Invalid as exc:
        errors.update(exc.details)
        stored = []
    if errors:
        stored_files.discard(s.key for s in stored)
        raise Invalid(_("Please correct the marked fields."), errors)
    try:
        now = utcnow()
        correction = Correction(dataset=ds, resource=resource, reporter_id=actor.id, location=location,
                                description=description, filed_at=now, due_date=due_in("CORRECTION_WORKDAYS", now),
                                resource_version_at_filing=resource.version if resource else None)
        db.session.add(correction)
        db.session.flush()
        evidence.attach(stored, "correction", correction.id, actor.id)
        audit.record(actor, "correction.file", "correction", str(correction.id),
                     details={"dataset": ds.id, "resource": resource_id or None, "due": correction.due_date.isoformat()})
        link = url_for("feedback.correction", correction_id=correction.id)
        notify_all(agency_staff(ds.agency_id), _("Correction reported on “%(title)s”", title=ds.title),
                   _("Verify it and answer by %(due)s.", due=workdays.due_text(correction.due_date, now)), link=link,
                   kind="correction.filed")
        db.session.commit()
    except BaseException:
        db.session.rollback()
        stored_files.discard(s.key for s in stored)
        raise
    return correction


@one_decision
def decide(correction: Correction, action: str, answer: str, actor: User) -> Correction:
    """Accept (the fix is the agency's new version or edit) or reject; both need a written answer."""
    ds = correction.dataset
    if not is_staff_of(actor, ds.agency_id):
        raise Forbidden(_("Only staff of %(agency)s answer corrections of its entries.", agency=ds.agency.name))
    if not correction.is_open:
        raise Conflict(_("This correction has already been answered."))
    if action not in ("accept", "reject"):
        raise Invalid(_("Choose a decision."), {"action": _("Choose a decision.")})
    answer = answer.strip()
    if not answer:
        message = (_("Say what was corrected.") if action == "accept"
                   else _("Give the reason for rejecting the correction."))
        raise Invalid(message, {"answer": message})
    if len(answer) > MAX_TEXT:
        raise Invalid(_("At most %(n)d characters.", n=MAX_TEXT), {"answer": _("At most %(n)d characters.", n=MAX_TEXT)})
    correction.state = CorrectionState.ACCEPTED if action == "accept" else CorrectionState.REJECTED
    correction.answer, correction.decided_by_id, correction.decided_at = answer, actor.id, utcnow()
    res = correction.resource
    if action == "accept" and res is not None and correction.resource_version_at_filing is not None \
            and res.version > correction.resource_version_at_filing:
        correction.fixed_in_version = res.version
    audit.record(actor, f"correction.{action}", "correction", str(correction.id), answer,
                 {"dataset": ds.id, "fixed_in_version": correction.fixed_in_version})
    notify(correction.reporter_id, _("Your correction on “%(title)s”: %(state)s", title=ds.title,
                                     state=str(STATE_LABELS[correction.state])),
           answer, link=url_for("feedback.correction", correction_id=correction.id), kind="correction.decided")
    db.session.commit()
    return correction


def corrections_for(user: User) -> list[Correction]:
    stmt = select(Correction).join(Dataset).order_by(Correction.state.desc(), Correction.due_date, Correction.id.desc())
    if user.role not in OVERSEERS:
        stmt = stmt.where(Dataset.agency_id == (user.agency_id or -1))
    return list(db.session.scalars(stmt))


def own_corrections(user: User) -> list[Correction]:
    return list(db.session.scalars(select(Correction).where(Correction.reporter_id == user.id)
                                   .order_by(Correction.filed_at.desc())))


def _open_corrections() -> list[Correction]:
    return list(db.session.scalars(select(Correction).where(Correction.state == CorrectionState.OPEN)
                                   .order_by(Correction.due_date)))


def supervision_cases() -> list[Case]:
    return [Case(kind=_("Data correction"), title=c.dataset.title,
                 url=url_for("feedback.correction", correction_id=c.id), due=c.due_date,
                 agency=c.dataset.agency.name, state=str(STATE_LABELS[c.state]),
                 assignees=[u.id for u in agency_staff(c.dataset.agency_id)], provisional=c.due_provisional)
            for c in _open_corrections()]


register_workflow(supervision_cases, Deadlines(
    "correction", _open_corrections, start=lambda c: c.filed_at,
    label=lambda c: _("Correction No. %(n)d on “%(title)s”", n=c.id, title=c.dataset.title),
    link=lambda c: staff_link("corrections", c.id),
    parties=lambda c: [c.reporter_id, *agency_staff(c.dataset.agency_id)]))
