"""Reports of illegal use of public data (举报, R2024 §46): any logged-in user reports who does what,
with optional evidence; the authority and the agency concerned see it, handle it and answer; the
authority can suspend the reported user's data access from the report (R2024 §50)."""
from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..accounts import access
from ..accounts.models import Role, User
from ..agencies.models import Agency
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
from .common import (MAX_TEXT, OVERSEERS, agency_staff, authority_users, due_in, is_staff_of, one_decision,
                     staff_link)
from .models import Report, ReportState

STATE_LABELS = {ReportState.OPEN: _l("Being handled"), ReportState.ANSWERED: _l("Answered")}
HANDLERS = (Role.AUTHORITY, Role.ADMIN)


def can_view(user: User, report: Report) -> bool:
    return report.reporter_id == user.id or user.role in OVERSEERS or is_staff_of(user, report.agency_id)


def can_answer(user: User, report: Report) -> bool:
    return user.role in HANDLERS or is_staff_of(user, report.agency_id)


def get_report(report_id: int, user: User) -> Report:
    report = db.session.get(Report, report_id)
    if report is None or not can_view(user, report):
        raise NotFound(_("No report of yours has this number."))
    return report


def file_report(*, accused: str, description: str, dataset_slug: str, agency_slug: str,
                files: list[evidence.Upload], actor: User) -> Report:
    """Record a report; the agency concerned is the entry's agency, or the one the reporter chose."""
    errors: dict[str, str] = {}
    ds = agency = None
    if dataset_slug:
        ds = db.session.scalar(select(Dataset).where(Dataset.slug == dataset_slug))
        if ds is None or not ds.is_published:
            errors["dataset"] = _("No public catalog entry is named %(slug)s.", slug=dataset_slug[:120])
        else:
            agency = ds.agency
    if agency is None and agency_slug:
        agency = db.session.scalar(select(Agency).where(Agency.slug == agency_slug))
        if agency is None:
            errors["agency"] = _("Choose an agency from the list.")
    accused, description = accused.strip(), description.strip()
    if not accused:
        errors["accused"] = _("Say who uses the data illegally (a name, organisation, website or account).")
    elif len(accused) > 300:
        errors["accused"] = _("At most %(n)d characters.", n=300)
    if not description:
        errors["description"] = _("Describe the illegal use.")
    elif len(description) > MAX_TEXT:
        errors["description"] = _("At most %(n)d characters.", n=MAX_TEXT)
    try:
        stored = evidence.store_files(files)
    except Invalid as exc:
        errors.update(exc.details)
        stored = []
    if errors:
        stored_files.discard(s.key for s in stored)
        raise Invalid(_("Please correct the marked fields."), errors)
    try:
        now = utcnow()
        report = Report(reporter_id=actor.id, dataset=ds, agency=agency, accused=accused, description=description,
                        filed_at=now, due_date=due_in("REPORT_WORKDAYS", now))
        db.session.add(report)
        db.session.flush()
        evidence.attach(stored, "report", report.id, actor.id)
        audit.record(actor, "report.file", "report", str(report.id),
                     details={"dataset": ds.id if ds else None, "agency": agency.slug if agency else None,
                              "due": report.due_date.isoformat()})
        handlers = authority_users() + (agency_staff(agency.id) if agency else [])
        notify_all(handlers, _("Report of illegal use of public data"),
                   _("Handle it and answer the reporter by %(due)s.", due=workdays.due_text(report.due_date, now)),
                   link=url_for("feedback.report", report_id=report.id), kind="report.filed")
        db.session.commit()
    except BaseException:
        db.session.rollback()
        stored_files.discard(s.key for s in stored)
        raise
    return report


@one_decision
def answer(report: Report, text: str, actor: User) -> Report:
    """Answer the reporter (how the report was handled); closes the report."""
    if not can_answer(actor, report):
        raise Forbidden(_("Only the data authority and the agency concerned answer this report."))
    if not report.is_open:
        raise Conflict(_("This report has already been answered."))
    text = text.strip()
    if not text:
        raise Invalid(_("Write the answer to the reporter."), {"answer": _("Write the answer to the reporter.")})
    if len(text) > MAX_TEXT:
        raise Invalid(_("At most %(n)d characters.", n=MAX_TEXT), {"answer": _("At most %(n)d characters.", n=MAX_TEXT)})
    report.state, report.answer, report.answered_by_id, report.answered_at = ReportState.ANSWERED, text, actor.id, utcnow()
    audit.record(actor, "report.answer", "report", str(report.id), text)
    notify(report.reporter_id, _("Answer to your report of illegal use"), text,
           link=url_for("feedback.report", report_id=report.id), kind="report.answered")
    db.session.commit()
    return report


def suspend_access(report: Report, email: str, reason: str, actor: User) -> User:
    """The authority suspends the reported account's data access from the report (R2024 §50)."""
    if actor.role not in HANDLERS:
        raise Forbidden(_("Only the data authority suspends a user's data access."))
    user = db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower())) if email.strip() else None
    if user is None:
        raise Invalid(_("No account has this e-mail address."), {"email": _("No account has this e-mail address.")})
    if user.role != Role.DATA_USER:
        message = _("Only data users' access can be suspended here.")
        raise Invalid(message, {"email": message})
    access.suspend_data_access(user, actor, reason, source=f"report:{report.id}")
    report.reported_user_id = user.id
    audit.record(actor, "report.access_suspended", "report", str(report.id), reason.strip(), {"user": user.id})
    db.session.commit()
    return user


def restore_access(report: Report, reason: str, actor: User) -> User:
    if actor.role not in HANDLERS:
        raise Forbidden(_("Only the data authority restores a user's data access."))
    if report.reported_user is None:
        raise Conflict(_("No account was suspended from this report."))
    access.restore_data_access(report.reported_user, actor, reason)
    audit.record(actor, "report.access_restored", "report", str(report.id), reason.strip(),
                 {"user": report.reported_user_id})
    db.session.commit()
    return report.reported_user


def reports_for(user: User) -> list[Report]:
    stmt = select(Report).order_by(Report.state.desc(), Report.due_date, Report.id.desc())
    if user.role not in OVERSEERS:
        stmt = stmt.where(Report.agency_id == (user.agency_id or -1))
    return list(db.session.scalars(stmt))


def own_reports(user: User) -> list[Report]:
    return list(db.session.scalars(select(Report).where(Report.reporter_id == user.id)
                                   .order_by(Report.filed_at.desc())))


def _open_reports() -> list[Report]:
    return list(db.session.scalars(select(Report).where(Report.state == ReportState.OPEN).order_by(Report.due_date)))


def supervision_cases() -> list[Case]:
    return [Case(kind=_("Report of illegal use"), title=r.dataset.title if r.dataset else r.accused,
                 url=url_for("feedback.report", report_id=r.id), due=r.due_date,
                 agency=r.agency.name if r.agency else "", state=str(STATE_LABELS[r.state]),
                 assignees=[u.id for u in authority_users()], provisional=r.due_provisional)
            for r in _open_reports()]


register_workflow(supervision_cases, Deadlines(
    "report", _open_reports, start=lambda r: r.filed_at,
    label=lambda r: _("Report No. %(n)d of illegal use", n=r.id), link=lambda r: staff_link("reports", r.id),
    parties=lambda r: [r.reporter_id, *authority_users(), *(agency_staff(r.agency_id) if r.agency_id else [])]))
