"""Reports of illegal use of public data (举报, R2024 §46): any logged-in user reports who does what,
with optional evidence; the authority and the agency concerned see it, handle it and answer; the
authority can suspend the reported user's data access from the report (R2024 §50)."""
from __future__ import annotations

from typing import Any, Iterable, Mapping

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..accounts import access, roles
from ..accounts.models import User
from ..agencies.models import Agency
from ..catalog.models import Dataset
from ..errors import Conflict, Invalid, NotFound
from ..extensions import db
from ..inbox.services import notify, notify_all
from ..models_base import utcnow
from .. import workdays
from ..storage import files as stored_files
from ..supervision.services import Case, Deadlines, register_workflow
from ..workflow import Transition, Workflow
from . import evidence
from .common import (MAX_TEXT, agency_staff, authority_users, case_relations, decided_meanwhile, may_see,
                     staff_link, visible_to)
from .models import Report, ReportState
from .schemas import ReportIn

STATE_LABELS = {ReportState.OPEN: _l("Being handled"), ReportState.ANSWERED: _l("Answered")}


def status_label(report: Report) -> str:
    return str(STATE_LABELS[report.state])


# ---- the notices each step sends ------------------------------------------------------------------
def _link(report: Report) -> str:
    return url_for("feedback.report", report_id=report.id)


def _tell_handlers(report: Report, actor: User, reason: str) -> None:
    handlers = authority_users() + (agency_staff(report.agency_id) if report.agency_id else [])
    notify_all(handlers, _("Report of illegal use of public data"),
               _("Handle it and answer the reporter by %(due)s.", due=workdays.due_text(report.due_date, report.filed_at)),
               link=_link(report), kind="report.filed")


def _tell_reporter(report: Report, actor: User, answer: str) -> None:
    notify(report.reporter_id, _("Answer to your report of illegal use"), answer, link=_link(report),
           kind="report.answered")


# ---- the workflow: filed by any user, answered by the authority or the agency concerned; the authority
# suspends (and restores) the reported account's data access from the report, answered or not (R2024 §50)
FILE, ANSWER, SUSPEND_ACCESS, RESTORE_ACCESS = "file", "answer", "suspend_access", "restore_access"
_SUSPEND = dict(forbidden=lambda r: _("Only the data authority suspends a user's data access."))
_RESTORE = dict(forbidden=lambda r: _("Only the data authority restores a user's data access."))
REPORT = Workflow("report", [
    Transition(FILE, (None,), ReportState.OPEN, (roles.OWNER,), "report.file", starts="REPORT_WORKDAYS",
               notify=_tell_handlers),
    Transition(ANSWER, (ReportState.OPEN,), ReportState.ANSWERED, (roles.AGENCY, roles.AUTHORITY_ACTOR),
               "report.answer", stops=True, needs_reason=True, notify=_tell_reporter),
    # the account's access changes, not the report's state (the access module audits and tells the account)
    Transition(SUSPEND_ACCESS, (ReportState.OPEN,), ReportState.OPEN, (roles.AUTHORITY_ACTOR,),
               "report.access_suspended", **_SUSPEND),
    Transition(SUSPEND_ACCESS, (ReportState.ANSWERED,), ReportState.ANSWERED, (roles.AUTHORITY_ACTOR,),
               "report.access_suspended", **_SUSPEND),
    Transition(RESTORE_ACCESS, (ReportState.OPEN,), ReportState.OPEN, (roles.AUTHORITY_ACTOR,),
               "report.access_restored", **_RESTORE),
    Transition(RESTORE_ACCESS, (ReportState.ANSWERED,), ReportState.ANSWERED, (roles.AUTHORITY_ACTOR,),
               "report.access_restored", **_RESTORE),
], relations=lambda r, actor: case_relations(actor, agency_id=r.agency_id, owner_id=r.reporter_id),
    reason_field="answer", stale=decided_meanwhile,
    reason_missing=lambda r: _("Write the answer to the reporter."),
    conflict=lambda r: _("This report has already been answered."),
    forbidden=lambda r: _("Only the data authority and the agency concerned answer this report."))


def can_view(user: User, report: Report) -> bool:
    return may_see(user, agency_id=report.agency_id, owner_id=report.reporter_id)


def allowed_actions(report: Report, actor: User) -> list[str]:
    """What this actor may do with this report now: answer it while it is open; suspend the reported
    account's data access, or restore it while the suspension lasts."""
    suspended = access.active_suspension(report.reported_user) if report.reported_user else None
    hidden = SUSPEND_ACCESS if suspended else RESTORE_ACCESS
    return [a for a in REPORT.allowed_actions(report, actor) if a != hidden]


def get_report(report_id: int, user: User) -> Report:
    report = db.session.get(Report, report_id)
    if report is None or not can_view(user, report):
        raise NotFound(_("No report of yours has this number."))
    return report


def file_report(values: Mapping[str, Any], files: Iterable[evidence.Upload], actor: User) -> Report:
    """Record a report (the fields of schemas.ReportIn, from the form or the API); the agency concerned is the
    entry's agency, or the one the reporter chose."""
    schema = ReportIn()
    data, errors = schema.read(values)
    ds = agency = None
    if data["dataset"]:
        ds = db.session.scalar(select(Dataset).where(Dataset.slug == data["dataset"]))
        if ds is None or not ds.is_published:
            errors["dataset"] = _("No public catalog entry is named %(slug)s.", slug=data["dataset"][:120])
        else:
            agency = ds.agency
    if agency is None and data["agency"]:
        agency = db.session.scalar(select(Agency).where(Agency.slug == data["agency"]))
        if agency is None:
            errors["agency"] = _("Choose an agency from the list.")
    stored = evidence.store_all(files, schema.ordered(errors))
    try:
        report = Report(reporter_id=actor.id, dataset=ds, agency=agency, accused=data["accused"],
                        description=data["description"], filed_at=utcnow())

        def record(_step) -> None:
            db.session.add(report)
            db.session.flush()
            evidence.attach(stored, "report", report.id, actor.id)
        REPORT.perform(report, FILE, actor, effect=record, details=lambda: {
            "dataset": ds.id if ds else None, "agency": agency.slug if agency else None,
            "due": report.due_date.isoformat()})
    except BaseException:
        db.session.rollback()
        stored_files.discard(s.key for s in stored)
        raise
    return report


def answer(report: Report, text: str, actor: User) -> Report:
    """Answer the reporter (how the report was handled); closes the report."""
    def record(_step: Transition) -> None:
        if len(text.strip()) > MAX_TEXT:
            raise Invalid(_("At most %(n)d characters.", n=MAX_TEXT), {"answer": _("At most %(n)d characters.", n=MAX_TEXT)})
        report.answer, report.answered_by_id, report.answered_at = text.strip(), actor.id, utcnow()
    REPORT.perform(report, ANSWER, actor, text, effect=record)
    return report


def suspend_access(report: Report, email: str, reason: str, actor: User) -> User:
    """The authority suspends the reported account's data access from the report (R2024 §50)."""
    found: list[User] = []

    def record(_step: Transition) -> None:
        user = db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower())) \
            if email.strip() else None
        if user is None:
            raise Invalid(_("No account has this e-mail address."), {"email": _("No account has this e-mail address.")})
        if roles.role_of(user) not in roles.DATA_USERS:
            message = _("Only data users' access can be suspended here.")
            raise Invalid(message, {"email": message})
        access.suspend_data_access(user, actor, reason, source=f"report:{report.id}")
        report.reported_user_id = user.id
        found.append(user)
    REPORT.perform(report, SUSPEND_ACCESS, actor, reason, effect=record, details=lambda: {"user": found[0].id})
    return found[0]


def restore_access(report: Report, reason: str, actor: User) -> User:
    def record(_step: Transition) -> None:
        if report.reported_user is None:
            raise Conflict(_("No account was suspended from this report."))
        access.restore_data_access(report.reported_user, actor, reason)
    REPORT.perform(report, RESTORE_ACCESS, actor, reason, effect=record,
                   details=lambda: {"user": report.reported_user_id})
    return report.reported_user


def reports_for(user: User) -> list[Report]:
    stmt = visible_to(select(Report).order_by(Report.state.desc(), Report.due_date, Report.id.desc()),
                      Report.agency_id, user)
    return list(db.session.scalars(stmt))


def own_reports(user: User) -> list[Report]:
    return list(db.session.scalars(select(Report).where(Report.reporter_id == user.id)
                                   .order_by(Report.filed_at.desc())))


def _open_reports() -> list[Report]:
    return list(db.session.scalars(select(Report).where(Report.state.in_(sorted(REPORT.running_states()))).order_by(Report.due_date)))


def supervision_cases() -> list[Case]:
    return [Case(kind=_("Report of illegal use"), title=r.dataset.title if r.dataset else r.accused,
                 url=url_for("feedback.report", report_id=r.id), due=r.due_date,
                 agency=r.agency.name if r.agency else "", state=status_label(r),
                 assignees=[u.id for u in authority_users()], provisional=r.due_provisional)
            for r in _open_reports()]


register_workflow(supervision_cases, Deadlines(
    "report", _open_reports, start=lambda r: r.filed_at,
    label=lambda r: _("Report No. %(n)d of illegal use", n=r.id), link=lambda r: staff_link("reports", r.id),
    parties=lambda r: [r.reporter_id, *authority_users(), *(agency_staff(r.agency_id) if r.agency_id else [])]))
