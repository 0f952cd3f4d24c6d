"""Rights complaints (权益申诉, R2024 §28): filing suspends the entry on every channel in the same
transaction; the agency verifies and withdraws, resumes or opens a processed version, with a reason.

Only a verified identity files a complaint, within per-account, per-address and portal-wide limits; in an
unusual burst, complaints from new accounts are held for a quick decision instead of suspending at once
(safeguards.py, docs/security.md). An unfounded or abusive complaint is rejected, which restores the entry.
Every step — filing included — is a row of the table COMPLAINT, driven by the workflow engine (workflow.py).

Suspension lives on the entry (`Dataset.suspended_at`), which every public channel already filters
through `catalog.queries.public_datasets` / `Dataset.is_public`; downloads answer 451.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..accounts import roles
from ..accounts.models import User
from ..accounts.verification import identity_problem
from ..accounts.vocab import ROLE_LABELS
from ..audit import services as audit
from ..catalog.indexing import index_datasets
from ..catalog.models import Dataset, OpenType, ResourceKind
from ..catalog.vocab import label
from ..errors import Forbidden, NotFound
from ..extensions import db
from ..inbox import mail
from ..inbox.services import notify, notify_all
from ..models_base import utcnow
from .. import workdays
from ..storage import files as stored_files
from ..supervision.services import Case, Deadlines, register_workflow
from ..workflow import Transition, Workflow
from . import evidence, safeguards, suspension
from .common import (MAX_TEXT, agency_staff, authority_users, case_relations, decided_meanwhile, may_see,
                     staff_link, visible_to)
from .models import CaseState, Complaint, Outcome, Right
from .schemas import ComplaintIn
from .suspension import changed_files, open_complaints  # noqa: F401 (the pages ask the complaint module)

RIGHT_LABELS = {
    Right.PRIVACY: _l("Privacy"),
    Right.PERSONAL_INFORMATION: _l("Personal information"),
    Right.TRADE_SECRET: _l("Trade secret"),
    Right.OTHER: _l("Other lawful right"),
}
OUTCOME_LABELS = {
    Outcome.WITHDRAW: _l("Data withdrawn"),
    Outcome.RESUME: _l("Opening resumed"),
    Outcome.PROCESS: _l("Opened after processing"),
    Outcome.REJECT: _l("Rejected as unfounded or abusive"),
}
STATE_LABELS = {
    CaseState.HELD: _l("Held for a quick decision"),
    CaseState.OPEN: _l("Suspended, awaiting verification"),
}
FILE, FILE_HELD = "file", "file_held"  # filed: the entry is suspended at once, or (in a burst) the complaint held
SUSPEND = "suspend"  # a held complaint let through: the entry is suspended and the agency verifies
ACTION_LABELS = {
    SUSPEND: _l("Suspend the entry now (the agency then verifies the complaint)"),
    Outcome.RESUME: _l("Resume opening (the files exactly as before)"),
    Outcome.PROCESS: _l("Open after processing (the uploaded processed version)"),
    Outcome.WITHDRAW: _l("Withdraw the entry (files kept for audit)"),
    Outcome.REJECT: _l("Reject as unfounded or abusive (opening is restored)"),
}


def status_label(complaint: Complaint) -> str:
    """The outcome once decided, else the state."""
    return str(OUTCOME_LABELS[complaint.outcome] if complaint.outcome else STATE_LABELS[complaint.state])


# ---- the notices each step sends ------------------------------------------------------------------
def _link(complaint: Complaint) -> str:
    return url_for("feedback.complaint", complaint_id=complaint.id)


def _tell_agency_suspended(complaint: Complaint) -> None:
    ds = complaint.dataset
    notify_all(agency_staff(ds.agency_id), _("Rights complaint: “%(title)s” is suspended", title=ds.title),
               _("The entry has been suspended on every channel. Verify the complaint and decide by %(due)s.",
                 due=workdays.due_text(complaint.due_date, complaint.filed_at)), link=_link(complaint),
               kind="complaint.filed")


def _tell_filed(complaint: Complaint, actor: User, reason: str) -> None:
    ds = complaint.dataset
    _tell_agency_suspended(complaint)
    notify(actor, _("Your rights complaint on “%(title)s” was received", title=ds.title),
           _("Opening of the entry is suspended while %(agency)s verifies it; the decision is due by %(due)s.",
             agency=ds.agency.name, due=workdays.due_text(complaint.due_date, complaint.filed_at)),
           link=_link(complaint), kind="complaint.received")


def _tell_held(complaint: Complaint, actor: User, reason: str) -> None:
    ds = complaint.dataset
    notify(actor, _("Your rights complaint on “%(title)s” was received", title=ds.title),
           _("Because of an unusual number of complaints, complaints from new accounts are checked before the "
             "entry is suspended. The data authority or %(agency)s decides by %(due)s.",
             agency=ds.agency.name, due=workdays.due_text(complaint.due_date, complaint.filed_at)),
           link=_link(complaint), kind="complaint.received")


def _tell_let_through(complaint: Complaint, actor: User, reason: str) -> None:
    ds = complaint.dataset
    _tell_agency_suspended(complaint)
    notify(complaint.complainant_id, _("Your rights complaint on “%(title)s”: the entry is suspended", title=ds.title),
           _("Opening of the entry is suspended while %(agency)s verifies it; the decision is due by %(due)s.",
             agency=ds.agency.name, due=complaint.due_date.isoformat()), link=_link(complaint),
           kind="complaint.received")


def _tell_complainant(complaint: Complaint, reason: str) -> None:
    notify(complaint.complainant_id,
           _("Decision on your rights complaint: %(outcome)s", outcome=str(OUTCOME_LABELS[complaint.outcome])),
           _("“%(title)s”: %(reason)s", title=complaint.dataset.title, reason=reason), link=_link(complaint),
           kind="complaint.decided")


def _tell_decided(complaint: Complaint, actor: User, reason: str) -> None:
    """The complainant learns the outcome and the reason; when the authority rejects, the agency is told too."""
    ds = complaint.dataset
    _tell_complainant(complaint, reason)
    if complaint.outcome == Outcome.REJECT and roles.AGENCY not in _relations(complaint, actor):
        notify_all(agency_staff(ds.agency_id), _("The data authority rejected a rights complaint on “%(title)s”",
                                                  title=ds.title), reason, link=_link(complaint),
                   kind="complaint.decided")


# ---- the workflow: every step of a complaint, in one table ---------------------------------------------
OWNER, AGENCY, AUTHORITY = roles.OWNER, roles.AGENCY, roles.AUTHORITY_ACTOR


def _relations(complaint: Complaint, actor: Any) -> set[str]:
    return case_relations(actor, agency_id=complaint.dataset.agency_id, owner_id=complaint.complainant_id)


def _not_now(complaint: Complaint) -> str:
    if complaint.state == CaseState.DECIDED:
        return _("This complaint has already been decided.")
    return _("This decision is not possible in the complaint's present state (%(state)s).",
             state=status_label(complaint))


def _agency_only(complaint: Complaint) -> str:
    return _("Only staff of %(agency)s take this decision.", agency=complaint.dataset.agency.name)


_DECISION = dict(stops=True, needs_reason=True, notify=_tell_decided)
COMPLAINT = Workflow("complaint", [
    Transition(FILE, (None,), CaseState.OPEN, (OWNER,), "complaint.file", starts="COMPLAINT_WORKDAYS",
               notify=_tell_filed),
    Transition(FILE_HELD, (None,), CaseState.HELD, (OWNER,), "complaint.file",
               starts="COMPLAINT_BURST_HOLD_WORKDAYS", notify=_tell_held),
    Transition(SUSPEND, (CaseState.HELD,), CaseState.OPEN, (AGENCY, AUTHORITY), "complaint.suspend",
               starts="COMPLAINT_WORKDAYS", notify=_tell_let_through),
    Transition(Outcome.RESUME, (CaseState.OPEN,), CaseState.DECIDED, (AGENCY,), "complaint.decide",
               forbidden=_agency_only, **_DECISION),
    Transition(Outcome.PROCESS, (CaseState.OPEN,), CaseState.DECIDED, (AGENCY,), "complaint.decide",
               forbidden=_agency_only, **_DECISION),
    Transition(Outcome.WITHDRAW, (CaseState.OPEN,), CaseState.DECIDED, (AGENCY,), "complaint.decide",
               forbidden=_agency_only, **_DECISION),
    Transition(Outcome.REJECT, (CaseState.HELD, CaseState.OPEN), CaseState.DECIDED, (AGENCY, AUTHORITY),
               "complaint.reject", **_DECISION),
], relations=_relations, action_field="outcome", conflict=_not_now, stale=decided_meanwhile,
    forbidden=lambda c: _("Only staff of %(agency)s decide complaints on its entries.", agency=c.dataset.agency.name),
    reason_missing=lambda c: _("Write down the reason for the decision; the complainant receives it."),
    reason_max=MAX_TEXT)
DECISIONS = (SUSPEND, Outcome.RESUME, Outcome.PROCESS, Outcome.WITHDRAW, Outcome.REJECT)


# ---- who may do what ------------------------------------------------------------
def can_complain(ds: Dataset) -> bool:
    """Every opened entry (unconditional or conditional) that is published, suspended or not."""
    return ds.is_published and ds.open_type in (OpenType.UNCONDITIONAL, OpenType.CONDITIONAL)


def can_view(user: User, complaint: Complaint) -> bool:
    """The complainant sees their own; staff their agency's; the authority, auditors and admins all."""
    return may_see(user, agency_id=complaint.dataset.agency_id, owner_id=complaint.complainant_id)


def allowed_actions(complaint: Complaint, actor: User) -> list[str]:
    """What this actor may decide on this complaint now (the page offers exactly these)."""
    return COMPLAINT.allowed_actions(complaint, actor)


def may_see_history(actor: User) -> bool:
    """Only the authority, auditors and administrators see an account's complaint history."""
    return roles.is_overseer(actor)


def get_complaint(complaint_id: int, user: User) -> Complaint:
    complaint = db.session.get(Complaint, complaint_id)
    if complaint is None or not can_view(user, complaint):
        raise NotFound(_("No complaint of yours has this number."))
    return complaint


# ---- filing: the entry is suspended in the same transaction -----------------------------------
def file_complaint(ds: Dataset, values: Mapping[str, Any], files: Iterable[evidence.Upload], actor: User) -> Complaint:
    """Accept a complaint (the fields of schemas.ComplaintIn, from the form or the API) with its evidence from a
    verified identity and suspend the entry, all in one transaction; the index drops the entry right after the
    commit (search and facets). In a burst of complaints, one from a new account is held for a quick decision
    instead, and the authority is alerted."""
    if not can_complain(ds):
        raise NotFound(_("Rights complaints can be filed only on opened catalog entries."))
    if problem := identity_problem(actor):
        raise Forbidden(problem, {"identity": problem})
    schema = ComplaintIn()
    data, errors = schema.read(values)
    known = {r.id for r in ds.resources}  # the rules that need the entry
    if any(rid not in known for rid in data["resources"]):
        errors["resources"] = _("Choose among the entry's resources.")
    elif ds.resources and not data["resources"]:
        errors["resources"] = _("Choose at least one resource the complaint is about.")
    stored = evidence.store_all(files, schema.ordered(errors), required=True)
    try:
        burst = safeguards.in_burst()
        held = burst and not safeguards.is_established(actor)
        now = utcnow()
        snapshot = {r.id: {"version": r.version, "sha256": r.sha256, "name": r.name}
                    for r in ds.resources if r.kind == ResourceKind.FILE}
        complaint = Complaint(dataset=ds, complainant_id=actor.id, right=data["right"],
                              right_other=data["right_other"] if data["right"] == Right.OTHER else "",
                              description=data["description"], resource_ids=list(dict.fromkeys(data["resources"])),
                              snapshot=snapshot, filed_at=now, held_at=now if held else None)

        def record(_step) -> None:
            db.session.add(complaint)
            db.session.flush()
            evidence.attach(stored, "complaint", complaint.id, actor.id)
            if not held:
                suspension.suspend(ds, actor, complaint)
        COMPLAINT.perform(complaint, FILE_HELD if held else FILE, actor, effect=record, commit=False, details=lambda: {
            "dataset": ds.id, "right": complaint.right, "resources": complaint.resource_ids,
            "evidence": [s.sha256 for s in stored], "due": complaint.due_date.isoformat(), "held": held})
        alert = safeguards.alert_authority_once() if burst else []
        db.session.commit()
    except BaseException:
        db.session.rollback()
        stored_files.discard(s.key for s in stored)
        raise
    mail.send(alert)
    if not held:
        index_datasets([ds])
    return complaint


# ---- the decisions (their effects on the entry: suspension.py) --------------------------------------
def _withdraw(complaint: Complaint, reason: str, actor: User) -> None:
    """The entry is withdrawn; its other pending complaints end with it, and their complainants are told."""
    ds = complaint.dataset
    suspension.withdraw(complaint, reason, actor)
    for other in open_complaints(ds, CaseState.OPEN, CaseState.HELD):
        if other.id == complaint.id:
            continue
        was = other.state
        _record_outcome(other, Outcome.WITHDRAW, reason, actor)
        audit.record(actor, "complaint.decide", "complaint", str(other.id), reason,
                     {"outcome": Outcome.WITHDRAW, "dataset": ds.id, "was": was})
        _tell_complainant(other, reason)


def _record_outcome(complaint: Complaint, outcome: str, reason: str, actor: User) -> None:
    complaint.state, complaint.outcome, complaint.decision_reason = CaseState.DECIDED, outcome, reason
    complaint.decided_by_id, complaint.decided_at = actor.id, utcnow()


def decide(complaint: Complaint, outcome: str, reason: str, actor: User) -> Complaint:
    """Take one decision of the table, with its reason: the agency withdraws, resumes (the files must be exactly
    those of the day of the complaint) or opens after processing (every complained-about file replaced; the
    old bytes are quarantined); the agency or the authority rejects an unfounded or abusive complaint (the
    entry is restored unless another open complaint keeps it suspended), or lets a held one through."""
    if outcome == SUSPEND:
        return _let_through(complaint, reason, actor)
    ds, was, reason = complaint.dataset, complaint.state, reason.strip()
    details: dict[str, Any] = {"outcome": outcome, "dataset": ds.id, "was": was}

    def take(_step: Transition) -> None:
        if outcome == Outcome.RESUME:
            suspension.resume(complaint, reason, actor)
        elif outcome == Outcome.PROCESS:
            suspension.open_processed(complaint, reason, actor)
        elif outcome == Outcome.REJECT:
            details["restored"] = suspension.restore_if_last(complaint, was, reason, actor)
        else:
            _withdraw(complaint, reason, actor)
        _record_outcome(complaint, outcome, reason, actor)
    # filing is not a decision: it is refused like any unknown one
    COMPLAINT.perform(complaint, outcome if outcome in DECISIONS else "", actor, reason, effect=take,
                      details=details)
    index_datasets([ds])
    return complaint


def _let_through(complaint: Complaint, reason: str, actor: User) -> Complaint:
    """A held complaint goes ahead: the entry is suspended now and the agency's verification clock starts."""
    ds = complaint.dataset
    COMPLAINT.perform(complaint, SUSPEND, actor, reason, effect=lambda _step: suspension.suspend(ds, actor, complaint),
                      details=lambda: {"dataset": ds.id,
                                       "held_at": complaint.held_at.isoformat() if complaint.held_at else None,
                                       "due": complaint.due_date.isoformat()})
    index_datasets([ds])
    return complaint


# ---- lists ----------------------------------------------------------------------
def complaints_for(user: User, state: str | None = None) -> list[Complaint]:
    """The complaints a staff member may see: their agency's, or all for the authority and auditors."""
    stmt = visible_to(select(Complaint).join(Dataset).order_by(Complaint.state.desc(), Complaint.due_date,
                                                              Complaint.id.desc()), Dataset.agency_id, user)
    if state:
        stmt = stmt.where(Complaint.state == state)
    return list(db.session.scalars(stmt))


def held_complaints(user: User) -> list[Complaint]:
    """The held complaints awaiting a quick decision that this staff member sees, the most urgent first."""
    return sorted(complaints_for(user, CaseState.HELD), key=lambda c: (c.due_date, c.filed_at))


def own_complaints(user: User) -> list[Complaint]:
    return list(db.session.scalars(select(Complaint).where(Complaint.complainant_id == user.id)
                                   .order_by(Complaint.filed_at.desc())))


@dataclass
class AccountHistory:
    user: User
    complaints: list[Complaint]
    by_outcome: dict[str, int]
    open: int
    held: int
    account_role: str  # the label of the account's role


def account_history(user_id: int, actor: User) -> AccountHistory:
    """Every complaint one account has filed, with counts by outcome (for the authority)."""
    if not may_see_history(actor):
        raise Forbidden(_("Only the data authority sees an account's complaint history."))
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(_("No account has this number."))
    rows = own_complaints(user)
    by_outcome = {o: sum(1 for c in rows if c.outcome == o) for o in Outcome}
    return AccountHistory(user, rows, by_outcome, sum(1 for c in rows if c.is_open), sum(1 for c in rows if c.is_held),
                          label(ROLE_LABELS, user.role))


def complainant_counts(limit: int = 20) -> list[tuple[User, int, int]]:
    """Accounts with the most complaints: (user, all, not yet decided)."""
    rows = db.session.execute(
        select(Complaint.complainant_id, func.count(Complaint.id),
               func.sum((Complaint.state != CaseState.DECIDED).cast(db.Integer)))
        .group_by(Complaint.complainant_id).order_by(func.count(Complaint.id).desc()).limit(limit)).all()
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_([r[0] for r in rows])))} if rows else {}
    return [(users[uid], n, int(open_ or 0)) for uid, n, open_ in rows if uid in users]


def _open_complaints() -> list[Complaint]:
    """Complaints not decided yet (open, or held for the authority), soonest due first."""
    return list(db.session.scalars(select(Complaint).where(Complaint.state.in_(sorted(COMPLAINT.running_states())))
                                   .order_by(Complaint.due_date)))


def supervision_cases() -> list[Case]:
    """Open and held complaints for the authority's supervision page (never naming the complainant)."""
    authority = [u.id for u in authority_users()]
    return [Case(kind=_("Rights complaint"), title=c.dataset.title,
                 url=url_for("feedback.complaint", complaint_id=c.id), due=c.due_date,
                 agency=c.dataset.agency.name, state=status_label(c),
                 assignees=(authority if c.is_held else []) + [u.id for u in agency_staff(c.dataset.agency_id)],
                 provisional=c.due_provisional)
            for c in _open_complaints()]


register_workflow(supervision_cases, Deadlines(
    "complaint", _open_complaints, start=lambda c: c.filed_at,
    label=lambda c: _("Rights complaint No. %(n)d on “%(title)s”", n=c.id, title=c.dataset.title),
    link=lambda c: staff_link("complaints", c.id),
    parties=lambda c: [c.complainant_id, *agency_staff(c.dataset.agency_id)]))
