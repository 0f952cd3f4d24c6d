"""Error checks of shared data (疑义、错误校核, SHARING.md §3.6): R2018 §21.

The share officer of an agency holding an active grant of an entry reports a suspected error: the day it
was found, where, the evidence. Reported within SHARE_ERROR_REPORT_WORKDAYS (5) of discovery it is on
time (「在发现问题5个工作日内反馈」), later it is flagged late and still accepted. The provider's officer
answers within SHARE_ERROR_ANSWER_WORKDAYS (10; SZ §19 agrees): corrected, correct as is, partly corrected,
with a note. While a check is open the entry's grant holders see 校核中 and that citizens' matters go on
(「受理单位应照常办理」). On "corrected" or "partly", every active grant holder of the entry and the
authority are told (R2024 §45「通报相关机构」).
"""
from __future__ import annotations

from typing import Any, Mapping

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from .. import workdays
from ..accounts import roles
from ..errors import Invalid
from ..extensions import db
from ..inbox.services import notify_all
from ..models_base import utcnow
from ..supervision.services import Case, Deadlines, register_workflow
from .dispute_common import grants_of, holder_agency_ids, not_found, officers_of, reads_pair
from .dispute_models import ErrorOutcome, ErrorState, ShareErrorReport
from .dispute_schemas import ErrorAnswerIn, ErrorReportIn
from .dispute_workflow import ERROR_CHECK, today
from .models import ShareGrant, ShareGrantState
from .workflow import officer_ids

OUTCOME_LABELS = {ErrorOutcome.CORRECTED: _l("Corrected"), ErrorOutcome.CORRECT: _l("Correct as is"),
                  ErrorOutcome.PARTLY: _l("Partly corrected")}
NOTIFY_ALL_HOLDERS = (ErrorOutcome.CORRECTED, ErrorOutcome.PARTLY)


def link(report: ShareErrorReport) -> str:
    return f"/sharing/errors/{report.id}"


def may_read(actor: Any, report: ShareErrorReport) -> bool:
    return reads_pair(actor, report)


def get_report(report_id: int, actor: Any) -> ShareErrorReport:
    report = db.session.get(ShareErrorReport, report_id)
    if report is None or not may_read(actor, report):
        raise not_found(_("error report"))
    return report


def allowed_actions(report: ShareErrorReport, actor: Any) -> list[str]:
    return [a for a in ERROR_CHECK.allowed_actions(report, actor) if a == "answer"]


def visible(actor: Any) -> list[ShareErrorReport]:
    rows = db.session.scalars(select(ShareErrorReport).order_by(ShareErrorReport.id.desc()))
    return [r for r in rows if may_read(actor, r)]


def open_checks_of(dataset_id: str) -> list[ShareErrorReport]:
    """The entry's open checks: while there is one, its grant holders see 校核中 (R2018 §21)."""
    return list(db.session.scalars(select(ShareErrorReport).where(
        ShareErrorReport.dataset_id == dataset_id, ShareErrorReport.state == ErrorState.SUBMITTED)))


def grant_for_report(grant_id: int | None, actor: Any) -> ShareGrant | None:
    """An active grant the actor's agency holds (None for any other: the form names no other)."""
    grant = db.session.get(ShareGrant, grant_id) if grant_id else None
    if grant is None or not roles.is_staff_of(actor, grant.requester_agency_id):
        return None
    return grant


def report_error(values: Mapping[str, Any], actor: Any) -> ShareErrorReport:
    data, errors = ErrorReportIn().read(values)
    grant = grant_for_report(data.get("grant"), actor)
    if data.get("grant") and grant is None:
        raise not_found(_("share grant"))
    if grant is not None and grant.state != ShareGrantState.ACTIVE and "grant" not in errors:
        errors["grant"] = _("Only data received under an active grant can be reported.")
    now = today()
    found = data.get("discovered_on")
    if found is not None and found > now:
        errors["discovered_on"] = _("The day the error was found cannot be in the future.")
    report = ShareErrorReport(dataset_id=getattr(grant, "dataset_id", None), grant_id=getattr(grant, "id", None),
                              requester_agency_id=getattr(grant, "requester_agency_id", None),
                              provider_agency_id=getattr(grant, "provider_agency_id", None),
                              reported_by_id=getattr(actor, "id", None), discovered_on=found,
                              location=data.get("location", ""), evidence=data.get("evidence", ""),
                              reported_at=utcnow())
    if grant is not None:
        ERROR_CHECK.check(report, "report", actor)  # 403 for staff who are not the share officer
    if errors:
        raise Invalid(_("Please correct the marked fields."), errors)
    report.report_due = workdays.add_workdays(found, current_app.config["SHARE_ERROR_REPORT_WORKDAYS"])
    report.late = now > report.report_due

    def record(_step) -> None:
        db.session.add(report)
        db.session.flush()
        notify_all(officer_ids(report.provider_agency_id),
                   _("Suspected error in shared data: “%(title)s”", title=grant.dataset.title),
                   _("%(agency)s reports: %(evidence)s Check and answer by %(date)s.", agency=report.requester.name,
                     evidence=report.evidence, date=report.due_date.isoformat()),
                   link=link(report), kind="share_error.report")
    ERROR_CHECK.perform(report, "report", actor, effect=record, details=lambda: {
        "dataset": report.dataset_id, "grant": report.grant_id, "discovered_on": found.isoformat(),
        "late": report.late, "due": report.due_date.isoformat()})
    return report


def answer(report: ShareErrorReport, values: Mapping[str, Any], actor: Any, version: int | None = None) -> None:
    data, errors = ErrorAnswerIn().read(values)
    if data.get("outcome") and data["outcome"] not in tuple(ErrorOutcome):
        errors["outcome"] = _("Choose the result of the check.")
    ERROR_CHECK.check(report, "answer", actor, data.get("answer") or "x", version)
    if errors:
        raise Invalid(_("Please correct the marked fields."), errors)

    def record(_step) -> None:
        report.outcome, report.answer = data["outcome"], data["answer"]
        report.answered_at, report.answered_by_id = utcnow(), getattr(actor, "id", None)
        ds, label = report.dataset, str(OUTCOME_LABELS[ErrorOutcome(data["outcome"])])
        told = set(officer_ids(report.requester_agency_id))
        if report.outcome in NOTIFY_ALL_HOLDERS:  # R2024 §45: every holder of the entry and the authority
            told |= set(officers_of(holder_agency_ids(grants_of(report.dataset_id))))
            told |= set(roles.authority_account_ids())
        notify_all(told, _("Shared data checked: “%(title)s” — %(outcome)s", title=ds.title, outcome=label),
                   report.answer, link=link(report), kind=f"share_error.{report.outcome}")
    ERROR_CHECK.perform(report, "answer", actor, data["answer"], effect=record, version=version,
                        details={"outcome": data["outcome"]})


def _running() -> list[ShareErrorReport]:
    return list(db.session.scalars(select(ShareErrorReport).where(ShareErrorReport.state == ErrorState.SUBMITTED)))


def supervision_cases() -> list[Case]:
    return [Case(kind=_("Error check of shared data"), title=r.dataset.title, url=link(r), due=r.due_date,
                 agency=r.provider.name, state=_("Being checked"), assignees=officer_ids(r.provider_agency_id))
            for r in _running()]


register_workflow(supervision_cases, Deadlines(
    "share_error", _running, start=lambda r: r.reported_at,
    label=lambda r: _("Error report No. %(n)d on “%(title)s”", n=r.id, title=r.dataset.title), link=link,
    parties=lambda r: [*officer_ids(r.provider_agency_id), *officer_ids(r.requester_agency_id)]))
