"""Usage reports (利用情况, R2024 §36): the schedule of a grant, filing by the holder, missing reports on the
agency's console, and the reminders (holders a week ahead, the agency's staff once a report is missing).

The schedule and the filing serve operation agreements too (OVERSIGHT §10, "usage reports as for grants"): a
"case" here is a Grant or an OperationAgreement, both with start, end, report_every_days, state, state_changed_at,
reports, holder_id and owes_reports; portal/operation/reports.py lists and flags the agreements' missing ones."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from .. import legal, workdays
from ..accounts.models import User
from ..audit import services as audit
from ..catalog.models import Dataset
from ..errors import Conflict, Forbidden, Invalid
from ..extensions import db
from ..models_base import utcnow
from ..supervision.services import Notice, register_notice_source
from .models import Grant, GrantState, UsageReport
from .permissions import scoped
from .schemas import MAX_TEXT
from .workflow import event, link, staff_ids, today

REPORT_REMINDER_DAYS = 7  # the holder is reminded this many days before a usage report is due


def report_due_dates(case: Any) -> list[date]:
    """Every `report_every_days` from the start while access lasts, and a final report at the end."""
    dates, step = [], timedelta(days=case.report_every_days)
    d = case.start + step
    while d < case.end:
        dates.append(d)
        d += step
    dates.append(case.end)
    return dates


@dataclass
class ReportSlot:
    due: date
    report: UsageReport | None
    missing: bool


def report_schedule(case: Any, on: date | None = None) -> list[ReportSlot]:
    """The report due dates of a grant or an agreement, each filed, missing or not yet due."""
    if not case.owes_reports:
        return []
    on = on or today()
    filed = {r.due_date: r for r in case.reports}
    live = case.state != GrantState.REVOKED
    cut = case.state_changed_at and workdays.china_date(case.state_changed_at)
    slots = []
    for due in report_due_dates(case):
        if not live and cut and due > cut:
            break  # nothing is owed after a revocation
        slots.append(ReportSlot(due, filed.get(due), due < on and due not in filed))
    return slots


def may_report(case: Any, actor: User, schedule: list[ReportSlot]) -> bool:
    """The holder files the next report while the grant (agreement) is not revoked and one is still owed."""
    return (case.holder_id == getattr(actor, "id", None) and case.state != GrantState.REVOKED
            and any(s.report is None for s in schedule))


def file_report(case: Any, actor: User, text: str) -> UsageReport:
    """The holder of a grant (the operator of an agreement) files the next outstanding usage report."""
    if case.holder_id != actor.id:
        raise Forbidden(_("Only the holder files usage reports."))
    text = (text or "").strip()
    if not text:
        raise Invalid(_("Describe how the data was used."), {"report": _("Describe how the data was used.")})
    if len(text) > MAX_TEXT:
        raise Invalid(_("At most %(n)d characters.", n=MAX_TEXT), {"report": _("At most %(n)d characters.", n=MAX_TEXT)})
    if not case.owes_reports:
        raise Conflict(_("Usage reports are owed once the agreement is in force."))
    slot = next((s for s in report_schedule(case) if s.report is None), None)
    if slot is None:
        raise Conflict(_("Every usage report of this grant has been filed.") if isinstance(case, Grant)
                       else _("Every usage report of this agreement has been filed."))
    report = UsageReport(due_date=slot.due, filed_at=utcnow(), filed_by_id=actor.id, text=text)
    case.reports.append(report)
    if isinstance(case, Grant):
        event(case.application, "report_filed", actor, _("For %(date)s.", date=slot.due.isoformat()))
        kind, action = "grant", "grant.report"
    else:
        kind, action = "operation_agreement", "operation.report"
    db.session.flush()
    audit.record(actor, action, kind, str(case.id), details={"due": slot.due.isoformat(), "report": report.id})
    db.session.commit()
    return report


@dataclass
class MissingReport:
    grant: Grant
    due: date


def missing_reports(actor: User | None = None, on: date | None = None) -> list[MissingReport]:
    """Overdue usage reports of grants that are not revoked, oldest first (the agency's list)."""
    stmt = select(Grant).join(Dataset, Grant.dataset_id == Dataset.id).where(Grant.state != GrantState.REVOKED)
    if actor is not None:
        stmt = scoped(stmt, actor, Dataset.agency_id)
    out = [MissingReport(g, s.due) for g in db.session.scalars(stmt) for s in report_schedule(g, on) if s.missing]
    return sorted(out, key=lambda m: (m.due, m.grant.id))


@register_notice_source
def report_notices(on: date) -> list[Notice]:
    """Missing usage reports flagged to the agency's staff (once each), and holders reminded a week ahead."""
    from ..supervision.models import DeadlineNotice

    flagged = set(db.session.scalars(select(DeadlineNotice.case_key).where(
        DeadlineNotice.kind == "usage_report.missing")))
    notices = []
    for missing in missing_reports(on=on):
        g, key = missing.grant, f"grant:{missing.grant.id}:{missing.due.isoformat()}"
        if key in flagged:
            continue
        notices.append(Notice(key, "usage_report.missing", staff_ids(g.dataset.agency_id),
                              _("Usage report missing: “%(title)s”", title=g.dataset.title),
                              _("%(user)s has not filed the usage report due %(date)s.", user=g.user.name,
                                date=missing.due.isoformat()), link(g.application)))
    soon = on + timedelta(days=REPORT_REMINDER_DAYS)
    for g in db.session.scalars(select(Grant).where(Grant.state == GrantState.ACTIVE)):
        for slot in report_schedule(g, on):
            if slot.report is None and on <= slot.due <= soon:
                notices.append(Notice(f"grant:{g.id}:{slot.due.isoformat()}", "usage_report.reminder", [g.user_id],
                                      _("Usage report due %(date)s: “%(title)s”", date=slot.due.isoformat(),
                                        title=g.dataset.title),
                                      _("Report how you used the data%(basis)s.", basis=legal.note("usage_report")),
                                      link(g.application)))
    return notices
