"""The agency's side of an application (R2024 §28): its queue by due date, asking for more information
(the clock rule of PORTAL_APPLICATION_CLOCK), approval with a grant, refusal with reason and legal basis.
Each decision is a step of workflow.APPLICATION: two staff deciding at once, one wins (row version).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from .. import legal, sentences, workdays
from ..accounts.models import User
from ..catalog.models import ResourceKind
from ..errors import Invalid
from ..extensions import db
from ..models_base import utcnow
from ..supervision.services import deadline_marks
from .models import Application, Grant, GrantState
from .permissions import scoped
from .workflow import APPLICATION, DECIDED_STATES, WAITING_STATES, event, refusal_sentences, today


@dataclass
class QueueRow:
    application: Application
    overdue: bool
    due_soon: bool


def queue(actor: User | None = None, on: date | None = None) -> list[QueueRow]:
    """Applications waiting for an agency (submitted) or an applicant (more information), by due date.
    One overdue when its clock stopped for the applicant stays overdue."""
    on = on or today()
    cal = workdays.shared_calendar()
    stmt = select(Application).where(Application.state.in_(WAITING_STATES))
    if actor is not None:
        stmt = scoped(stmt, actor, Application.agency_id)
    rows = db.session.scalars(stmt.order_by(Application.due_date.is_(None), Application.due_date,
                                            Application.submitted_at)).all()
    return [QueueRow(a, *deadline_marks(a.due_date, on, a.clock_stopped_on, cal=cal)) for a in rows]


def decided(actor: User, limit: int = 50) -> list[Application]:
    stmt = scoped(select(Application).where(Application.state.in_(DECIDED_STATES)), actor, Application.agency_id)
    return list(db.session.scalars(stmt.order_by(Application.decided_at.desc()).limit(limit)))


def workdays_left(on: date, due: date | None) -> int | None:
    """The workdays left on a day before a due date (at least one); None once it is past."""
    if due is None or due < on:
        return None
    return max(1, workdays.workdays_between(on, due))


def request_info(app_: Application, actor: User, question: str) -> Application:
    """Ask the applicant for more information. PORTAL_APPLICATION_CLOCK: under "run" (the default,
    docs/decisions.md) the clock runs on; under "pause" (the workdays left are kept for after the answer)
    or "restart" (the full period again from the answer) it stops. The case stays under supervision."""
    question = (question or "").strip()
    rule = current_app.config["APPLICATION_CLOCK"]

    def asked(_t) -> None:
        if not question:
            raise Invalid(_("Say what information is missing."), {"question": _("Say what information is missing.")})
        app_.remaining_workdays = workdays_left(today(), app_.due_date) if rule == "pause" else None
        app_.clock_stopped_at = utcnow() if rule in ("pause", "restart") else None
        event(app_, "info_requested", actor, question)

    APPLICATION.perform(app_, "request_info", actor, question, effect=asked,
                        details=lambda: {"remaining_workdays": app_.remaining_workdays, "clock": rule})
    return app_


@dataclass
class Approval:
    purpose: str
    scope: str
    end: date | None = None            # a shorter period than asked for
    resource_ids: list[str] | None = None  # files covered; None = every file of the entry
    report_every_days: int | None = None


def _decided(app_: Application, actor: User) -> None:
    app_.decided_at, app_.decided_by_id = utcnow(), actor.id
    app_.remaining_workdays = app_.clock_stopped_at = None


def approve(app_: Application, actor: User, approval: Approval) -> Grant:
    """Approve with the permitted purpose and scope: a grant for this applicant only, for the period."""
    purpose, scope = (approval.purpose or "").strip(), (approval.scope or "").strip()

    def granted(_t) -> None:
        errors = {}
        if not purpose:
            errors["purpose"] = _("State the purpose the data may be used for.")
        if not scope:
            errors["scope"] = _("State the scope of the data and of its use.")
        start = max(app_.period_start or today(), today())
        end = approval.end or app_.period_end
        if end is None or end < start:
            errors["end"] = _("The end of access must be on or after %(date)s.", date=start.isoformat())
        elif app_.period_end and end > app_.period_end:
            errors["end"] = _("Access may not end later than the applicant asked (%(date)s).",
                              date=app_.period_end.isoformat())
        files = {r.id for r in app_.dataset.resources if r.kind == ResourceKind.FILE}
        chosen = list(files) if approval.resource_ids is None else [r for r in approval.resource_ids if r in files]
        if approval.resource_ids is not None and (not chosen or len(chosen) != len(set(approval.resource_ids))):
            errors["resources"] = _("Choose at least one file of this entry.")
        every = approval.report_every_days or current_app.config["USAGE_REPORT_DAYS"]
        if every < 1 or every > 366:
            errors["report_every_days"] = _("Choose how often usage is reported.")
        if errors:
            raise Invalid(_("Please correct the marked fields."), errors)
        _decided(app_, actor)
        app_.permitted_purpose, app_.permitted_scope = purpose, scope
        db.session.add(Grant(application=app_, dataset_id=app_.dataset_id, user_id=app_.applicant_id,
                             purpose=purpose, scope=scope, items=list(app_.items), resource_ids=sorted(chosen),
                             provision_methods=list(app_.provision_methods), start=start, end=end,
                             report_every_days=every, state=GrantState.ACTIVE, created_at=app_.decided_at))
        event(app_, "approved", actor, sentences.join(
            _("Purpose: %(purpose)s", purpose=purpose), _("Scope: %(scope)s", scope=scope),
            _("Access %(start)s to %(end)s", start=start.isoformat(), end=end.isoformat())))

    def details() -> dict:
        g, procedure = app_.grant, legal.cite("application_approval")
        return {"grant": g.id, "scope": scope, "start": g.start.isoformat(), "end": g.end.isoformat(),
                "resources": g.resource_ids, "procedure": procedure.key if procedure else None}

    APPLICATION.perform(app_, "approve", actor, purpose, effect=granted, details=details)
    return app_.grant


def refuse(app_: Application, actor: User, reason: str, legal_basis: str) -> Application:
    """Refuse with the reason and its legal basis, both required (R2024 §28)."""
    reason, legal_basis = (reason or "").strip(), (legal_basis or "").strip()

    def refused(_t) -> None:
        errors = {}
        if not reason:
            errors["reason"] = _("State the reason for refusing.")
        if not legal_basis:
            errors["legal_basis"] = _("State the law or regulation the refusal rests on.")
        if errors:
            raise Invalid(_("A refusal needs both its reason and its legal basis."), errors)
        _decided(app_, actor)
        app_.refusal_reason, app_.refusal_legal_basis = reason, legal_basis
        event(app_, "refused", actor, sentences.join(*refusal_sentences(app_)))

    def details() -> dict:
        procedure = legal.cite("application_refusal")
        return {"legal_basis": legal_basis, "procedure": procedure.key if procedure else None}

    APPLICATION.perform(app_, "refuse", actor, reason, effect=refused, details=details)
    return app_
