"""Disputes about open-data decisions, coordinated by the data authority (争议协调, OVERSIGHT §7; R2024 §47).

A data user, or the agency, party to one case files a dispute about the agency's decision on it: a refused
application, the outcome of a rights complaint, a rejected correction, or the suspension of the access a grant
gives (R2024 §50). The authority takes it up, may refer it to named experts of the committee (referral.py,
the rule shared with sharing disputes), and resolves it: the decision is upheld, or the agency decides again —
the case is reopened on its own table (application, correction: `reopen`) with a new due date on the official
calendar. Due: filing + DISPUTE_WORKDAYS (workflow.py). Who reads it: the parties, the authority, auditors and
administrators, and the experts it was referred to; nobody else learns it exists (404)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Mapping

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from .. import workdays
from ..accounts import roles
from ..errors import Conflict, Invalid, NotFound
from ..extensions import db
from ..feedback.common import agency_staff
from ..feedback.corrections import CORRECTION
from ..feedback.models import CaseState, Complaint, Correction, CorrectionState
from ..inbox.services import notify_all
from ..models_base import utcnow
from ..opening.models import Application, ApplicationState, Grant, GrantState
from ..opening.workflow import APPLICATION, event
from ..supervision.services import Case, Deadlines, register_workflow
from . import referral
from .models import Dispute, DisputeOutcome, DisputeState, SubjectKind
from .schemas import DisputeActionIn, DisputeIn
from .workflow import DECISIONS, DISPUTE, STATE_LABELS

D, K = DisputeState, SubjectKind
CASE_TYPE = "dispute"
OUTCOME_LABELS = {DisputeOutcome.UPHELD: _l("The decision disputed stands"),
                  DisputeOutcome.REDO: _l("The agency decides again")}


# ---- what can be disputed ----------------------------------------------------------------------------
def _reopen_application(app_: Application, actor: Any, reason: str) -> None:
    def again(_t) -> None:
        app_.clock_started_at, app_.clock_stopped_at, app_.remaining_workdays = utcnow(), None, None
        app_.decided_at = None
        event(app_, "reopened", actor, reason)
    APPLICATION.perform(app_, "reopen", actor, reason, effect=again, commit=False)


def _reopen_correction(c: Correction, actor: Any, reason: str) -> None:
    def again(_t) -> None:
        c.decided_at = None
    CORRECTION.perform(c, "reopen", actor, reason, effect=again, commit=False)


@dataclass(frozen=True)
class Subject:
    label: Any                                  # what is disputed, for pages and notices
    model: type
    disputable: str                             # the case's state a dispute is filed from
    user_id: Callable[[Any], int]               # the data user party to the case
    agency_id: Callable[[Any], int]             # the agency that decided
    link: Callable[[Any], str]                  # the case's page
    decided_at: Callable[[Any], Any]            # when the decision in force was taken
    reopen: Callable[[Any, Any, str], None] | None = None  # the `reopen` step of the case's own table
    period: str = ""                            # without a reopening step: the setting of the agency's new period


SUBJECTS: dict[str, Subject] = {
    K.APPLICATION: Subject(_l("Refused application"), Application, ApplicationState.REFUSED,
                           lambda a: a.applicant_id, lambda a: a.agency_id, lambda a: f"/applications/{a.id}",
                           lambda a: a.decided_at, reopen=_reopen_application),
    K.CORRECTION: Subject(_l("Rejected correction"), Correction, CorrectionState.REJECTED,
                          lambda c: c.reporter_id, lambda c: c.dataset.agency_id, lambda c: f"/corrections/{c.id}",
                          lambda c: c.decided_at, reopen=_reopen_correction),
    K.COMPLAINT: Subject(_l("Outcome of a rights complaint"), Complaint, CaseState.DECIDED,
                         lambda c: c.complainant_id, lambda c: c.dataset.agency_id, lambda c: f"/complaints/{c.id}",
                         lambda c: c.decided_at, period="COMPLAINT_WORKDAYS"),
    K.GRANT: Subject(_l("Suspension of access"), Grant, GrantState.SUSPENDED,
                     lambda g: g.user_id, lambda g: g.dataset.agency_id, lambda g: f"/applications/{g.application_id}",
                     lambda g: g.state_changed_at, period="APPLICATION_WORKDAYS"),
}
KIND_LABELS = {k: s.label for k, s in SUBJECTS.items()}


def subject_of(dispute: Dispute) -> Any:
    return db.session.get(SUBJECTS[dispute.kind].model, dispute.case_id)


def subject_link(dispute: Dispute) -> str:
    return SUBJECTS[dispute.kind].link(subject_of(dispute))


def _party(actor: Any, subject: Subject, case: Any) -> bool:
    have = roles.relations(actor, agency_id=subject.agency_id(case), owner_id=subject.user_id(case))
    return bool(have & {roles.OWNER, roles.AGENCY})


def _blocking(kind: str, case: Any) -> Dispute | None:
    """A dispute that keeps a second one off the same decision: one in progress, one whose decision stands,
    or one sent back to the agency ("redo") that has not decided again since (a complaint or a grant, which
    are not reopened, keep the decision disputed until the agency takes a new one)."""
    decided = SUBJECTS[kind].decided_at(case)
    sent_back = Dispute.outcome == DisputeOutcome.REDO
    if decided is not None:
        sent_back = sent_back & (Dispute.resolved_at >= decided)
    return db.session.scalar(select(Dispute).where(
        Dispute.kind == kind, Dispute.case_id == case.id,
        or_(Dispute.state != D.RESOLVED, Dispute.outcome == DisputeOutcome.UPHELD, sent_back)).limit(1))


def may_file(kind: str, case: Any, actor: Any) -> bool:
    """Whether the case page offers this actor the "dispute" button."""
    subject = SUBJECTS[kind]
    return (case is not None and getattr(actor, "is_authenticated", True) and _party(actor, subject, case)
            and case.state == subject.disputable and _blocking(kind, case) is None)


# ---- reading -------------------------------------------------------------------------------------------
def link(dispute: Dispute) -> str:
    return f"/disputes/{dispute.id}"


def may_read(actor: Any, dispute: Dispute) -> bool:
    """The parties, the authority, auditors and administrators; an expert, the disputes referred to them."""
    if actor is None or not getattr(actor, "is_authenticated", True):
        return False
    return (roles.is_overseer(actor) or bool(DISPUTE.relations(dispute, actor) & {roles.OWNER, roles.AGENCY})
            or referral.expert_reads(actor, CASE_TYPE, dispute.id))


def get_dispute(dispute_id: int, actor: Any) -> Dispute:
    dispute = db.session.get(Dispute, dispute_id)
    if dispute is None or not may_read(actor, dispute):
        raise NotFound(_("There is no dispute of yours with this number."))
    return dispute


def visible(actor: Any) -> list[Dispute]:
    stmt = select(Dispute).order_by(Dispute.id.desc())
    if roles.is_overseer(actor):
        return list(db.session.scalars(stmt))
    if roles.is_expert(actor):
        return list(db.session.scalars(stmt.where(Dispute.id.in_(referral.cases_of_expert(actor, CASE_TYPE) or {-1}))))
    mine = [Dispute.user_id == getattr(actor, "id", -1)]
    if roles.is_agency_staff(actor):
        mine.append(Dispute.agency_id == (getattr(actor, "agency_id", None) or -1))
    return list(db.session.scalars(stmt.where(or_(*mine))))


def allowed_actions(dispute: Dispute, actor: Any) -> list[str]:
    return referral.offered(dispute, [a for a in DISPUTE.allowed_actions(dispute, actor) if a in DECISIONS])


def experts(dispute: Dispute):
    return referral.experts_of(CASE_TYPE, dispute.id)


# ---- notices -------------------------------------------------------------------------------------------
def _parties(dispute: Dispute) -> list[int]:
    return [dispute.user_id, *[u.id for u in agency_staff(dispute.agency_id)]]


def _tell(to, subject: str, body: str, dispute: Dispute, kind: str) -> None:
    notify_all(to, subject, body, link=link(dispute), kind=f"dispute.{kind}")


# ---- filing --------------------------------------------------------------------------------------------
def file_dispute(values: Mapping[str, Any], actor: Any) -> Dispute:
    data, errors = DisputeIn().read(values)
    kind = data.get("kind", "")
    if kind not in SUBJECTS:
        message = _("Choose what you dispute.")
        raise Invalid(_("Please correct the marked fields."), {"kind": message})
    subject = SUBJECTS[kind]
    case = db.session.get(subject.model, data["case"]) if data.get("case") else None
    if case is None or not _party(actor, subject, case):
        raise NotFound(_("There is no case of yours with this number."))
    if case.state != subject.disputable:
        message = _("Only this decision of the agency can be disputed: %(what)s. This case is not one, or not yet.",
                    what=str(subject.label))
        raise Conflict(message, {"case": message})
    if _blocking(kind, case) is not None:
        message = _("This decision is already disputed with the data authority.")
        raise Conflict(message, {"case": message})
    if errors:
        raise Invalid(_("Please correct the marked fields."), errors)
    dispute = Dispute(kind=kind, case_id=case.id, agency_id=subject.agency_id(case), user_id=subject.user_id(case),
                      filed_by_id=actor.id, filed_at=utcnow(), title=case.dataset.title, reason=data["reason"])

    def record(_t) -> None:
        db.session.add(dispute)
        db.session.flush()
        to = [*_parties(dispute), *roles.authority_account_ids()]
        _tell([u for u in to if u != actor.id], _("Dispute filed with the data authority: “%(title)s”",
                                                  title=dispute.title),
              _("The data authority coordinates it by %(date)s.", date=workdays.due_text(dispute.due_date, dispute.filed_at)),
              dispute, "file")
    DISPUTE.perform(dispute, "file", actor, dispute.reason, effect=record,
                    details=lambda: {"kind": kind, "case": case.id, "due": dispute.due_date.isoformat()})
    return dispute


# ---- the authority's steps -------------------------------------------------------------------------------
def act(dispute: Dispute, values: Mapping[str, Any], actor: Any) -> None:
    data, errors = DisputeActionIn().read({k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in values.items()})
    action, version = data.get("action", ""), data.get("version")
    action = action if action in DECISIONS else ""
    text = data.get(referral.TEXT_FIELDS.get(action, "reason"), "")
    DISPUTE.check(dispute, action, actor, text or ("x" if action == "take_up" else ""), version)
    referral.check_step(dispute, action, data)
    chosen = referral.chosen_experts(data.get("experts")) if action == "refer" else []
    parties, title = _parties(dispute), dispute.title
    subject, case = SUBJECTS[dispute.kind], subject_of(dispute)
    if action == "redo" and case.state != subject.disputable:
        message = _("The case was decided again meanwhile; reload the page.")
        raise Conflict(message, {"action": message})

    def record(_t) -> None:
        if action == "take_up":
            _tell(parties, _("The data authority took up the dispute on “%(title)s”", title=title),
                  _("It coordinates the dispute by %(date)s.", date=dispute.due_date.isoformat()), dispute, "take_up")
        elif action == "refer":
            referral.refer(dispute, CASE_TYPE, text, chosen)
            _tell([e.id for e in chosen], _("Dispute referred to you by the data authority: “%(title)s”", title=title),
                  text, dispute, "refer")
            _tell(parties, _("The dispute on “%(title)s” is referred to the expert committee", title=title), text,
                  dispute, "refer")
        elif action == "record_opinion":
            referral.record_opinion(dispute, text, data["opinion_on"])
            _tell(parties, _("The expert committee's opinion on the dispute on “%(title)s”", title=title), text,
                  dispute, "expert_opinion")
        else:
            dispute.outcome = DisputeOutcome.UPHELD if action == "uphold" else DisputeOutcome.REDO
            dispute.decision, dispute.resolved_at = text, utcnow()
            if action == "redo":
                if subject.reopen is not None:
                    subject.reopen(case, actor, text)
                    dispute.redo_due = workdays.china_date(case.due_date)
                else:
                    dispute.redo_due = workdays.add_workdays(utcnow(), current_app.config[subject.period])
                body = _("The agency decides again by %(date)s.", date=dispute.redo_due.isoformat())
            else:
                body = text
            _tell(parties, _("The data authority decided the dispute on “%(title)s”: %(outcome)s", title=title,
                             outcome=str(OUTCOME_LABELS[dispute.outcome])), body, dispute, "resolved")
    DISPUTE.perform(dispute, action, actor, text, effect=record, version=version, details=lambda: {
        "outcome": dispute.outcome, "experts": [e.id for e in chosen],
        "redo_due": dispute.redo_due.isoformat() if dispute.redo_due else None,
        **({"opinion_on": dispute.expert_opinion_on.isoformat()} if action == "record_opinion" else {})})


# ---- supervision: the authority's open disputes, overdue past their due date ---------------------------
def _running() -> list[Dispute]:
    return list(db.session.scalars(select(Dispute).where(Dispute.state.in_((D.FILED, D.COORDINATING)))
                                   .order_by(Dispute.due_date)))


def supervision_cases() -> list[Case]:
    authority = roles.authority_account_ids()
    return [Case(kind=_("Dispute to the data authority"), title=d.title, url=link(d), due=d.due_date,
                 agency=_("Data authority"), state=str(STATE_LABELS[d.state]), assignees=authority)
            for d in _running()]


register_workflow(supervision_cases, Deadlines(
    "dispute", _running, start=lambda d: d.filed_at,
    label=lambda d: _("Dispute No. %(n)d on “%(title)s”", n=d.id, title=d.title), link=link,
    parties=lambda d: [*_parties(d), *roles.authority_account_ids()]))
