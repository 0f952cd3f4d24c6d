"""Usage reports on operation agreements (OVERSIGHT §10「usage reports … as for grants」; R2024 §36「反馈公共数据的
使用情况」): the operator files them on the schedule of opening.reports, the same model and rule as a grant's; a
missing report is flagged once to the data authority (which entered the agreement, as the agency is told of its
grants'), and the operator is reminded a week ahead, by the same `flask portal deadlines` run."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Mapping

from flask_babel import gettext as _
from sqlalchemy import select

from .. import legal
from ..accounts.models import Role, User
from ..errors import Invalid
from ..extensions import db
from ..opening import reports
from ..opening.models import UsageReport
from ..supervision.services import Notice, register_notice_source
from .models import AgreementState, OperationAgreement
from .schemas import UsageReportIn

KIND_MISSING, KIND_REMINDER = "usage_report.missing", "usage_report.reminder"


def schedule(agreement: OperationAgreement, on: date | None = None) -> list[reports.ReportSlot]:
    return reports.report_schedule(agreement, on)


def may_report(agreement: OperationAgreement, actor: Any) -> bool:
    return reports.may_report(agreement, actor, schedule(agreement))


def file(agreement: OperationAgreement, values: Mapping[str, Any], actor: Any) -> UsageReport:
    """The operator files the next outstanding report (UsageReportIn); 422 naming `report`, nothing kept."""
    data, errors = UsageReportIn().read(values)
    if errors:
        raise Invalid(_("Please correct the marked fields."), errors)
    return reports.file_report(agreement, actor, data["report"])


def slots_out(agreement: OperationAgreement) -> list[dict]:
    return [{"due": s.due, "filed_at": s.report.filed_at if s.report else None,
             "text": s.report.text if s.report else None, "missing": s.missing} for s in schedule(agreement)]


@dataclass
class MissingReport:
    agreement: OperationAgreement
    due: date


def missing(on: date | None = None) -> list[MissingReport]:
    """Overdue usage reports of agreements put in force and not revoked, oldest first."""
    stmt = select(OperationAgreement).where(OperationAgreement.state.in_((AgreementState.ACTIVE,
                                                                          AgreementState.SUSPENDED)))
    out = [MissingReport(a, s.due) for a in db.session.scalars(stmt) for s in schedule(a, on) if s.missing]
    return sorted(out, key=lambda m: (m.due, m.agreement.id))


def _authority_ids() -> list[int]:
    return list(db.session.scalars(select(User.id).where(User.role == Role.AUTHORITY, User.active.is_(True))))


@register_notice_source
def agreement_report_notices(on: date) -> list[Notice]:
    """Missing reports flagged to the data authority (once each); operators reminded a week ahead."""
    from ..supervision.models import DeadlineNotice

    flagged = set(db.session.scalars(select(DeadlineNotice.case_key).where(DeadlineNotice.kind == KIND_MISSING)))
    notices, authority = [], None
    for m in missing(on):
        a, key = m.agreement, f"agreement:{m.agreement.id}:{m.due.isoformat()}"
        if key in flagged:
            continue
        authority = authority if authority is not None else _authority_ids()
        notices.append(Notice(key, KIND_MISSING, authority,
                              _("Usage report missing: operation agreement #%(id)d", id=a.id),
                              _("%(user)s has not filed the usage report due %(date)s.", user=a.operator_name,
                                date=m.due.isoformat()), f"/operation/{a.id}"))
    soon = on + timedelta(days=reports.REPORT_REMINDER_DAYS)
    for a in db.session.scalars(select(OperationAgreement).where(OperationAgreement.state == AgreementState.ACTIVE)):
        for slot in schedule(a, on):
            if slot.report is None and on <= slot.due <= soon:
                notices.append(Notice(f"agreement:{a.id}:{slot.due.isoformat()}", KIND_REMINDER, [a.operator_id],
                                      _("Usage report due %(date)s: operation agreement #%(id)d",
                                        date=slot.due.isoformat(), id=a.id),
                                      _("Report how you used the data%(basis)s.", basis=legal.note("usage_report")),
                                      f"/operation/{a.id}"))
    return notices
