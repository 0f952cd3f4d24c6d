"""Rights complaints (权益申诉, R2024 §28): filing suspends the entry on every channel in the same
transaction; the agency verifies and withdraws, resumes or opens a processed version, with a reason.

Only a verified identity files a complaint, within per-account, per-address and portal-wide limits; in an
unusual burst, complaints from new accounts are held for a quick decision instead of suspending at once
(safeguards.py, docs/security.md). An unfounded or abusive complaint is rejected, which restores the entry.
Every decision follows STEPS.

Suspension lives on the entry (`Dataset.suspended_at`), which every public channel already filters
through `catalog.queries.public_datasets` / `Dataset.is_public`; downloads answer 451.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..accounts.models import Role, User
from ..accounts.verification import identity_problem
from ..audit import services as audit
from ..catalog import review as catalog_review
from ..catalog.models import Dataset, DatasetChange, DatasetState, OpenType, QuarantinedFile, ResourceKind
from ..catalog.indexing import index_datasets
from ..errors import Conflict, Forbidden, Invalid, NotFound
from ..extensions import db
from ..inbox import mail
from ..inbox.services import notify, notify_all
from ..models_base import utcnow
from .. import workdays
from ..storage import files as stored_files
from ..supervision.services import Case, Deadlines, register_workflow
from . import evidence, safeguards
from .common import (MAX_TEXT, OVERSEERS, agency_staff, authority_users, due_in, is_staff_of, one_decision,
                     staff_link)
from .models import CaseState, Complaint, Outcome, Right

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


# ---- the workflow: every decision on a complaint, in one table ---------------------------------------
AGENCY, AUTHORITY = "agency", "authority"  # the entry's agency's staff; the data authority (and admins)


@dataclass(frozen=True)
class Step:
    sources: tuple[str, ...]    # the states the action is taken from
    target: str
    deciders: tuple[str, ...]
    needs_reason: bool = True


STEPS: dict[str, Step] = {
    SUSPEND:          Step((CaseState.HELD,), CaseState.OPEN, (AGENCY, AUTHORITY), needs_reason=False),
    Outcome.RESUME:   Step((CaseState.OPEN,), CaseState.DECIDED, (AGENCY,)),
    Outcome.PROCESS:  Step((CaseState.OPEN,), CaseState.DECIDED, (AGENCY,)),
    Outcome.WITHDRAW: Step((CaseState.OPEN,), CaseState.DECIDED, (AGENCY,)),
    Outcome.REJECT:   Step((CaseState.HELD, CaseState.OPEN), CaseState.DECIDED, (AGENCY, AUTHORITY)),
}


@dataclass
class ComplaintData:
    right: str = ""
    right_other: str = ""
    description: str = ""
    resource_ids: list[str] = field(default_factory=list)
    files: list[evidence.Upload] = field(default_factory=list)


# ---- who may do what ------------------------------------------------------------
def can_complain(ds: Dataset) -> bool:
    """Every opened entry (unconditional or conditional) that is published, suspended or not."""
    return ds.is_published and ds.open_type in (OpenType.UNCONDITIONAL, OpenType.CONDITIONAL)


def can_view(user: User, complaint: Complaint) -> bool:
    """The complainant sees their own; staff their agency's; the authority, auditors and admins all."""
    return (complaint.complainant_id == user.id or user.role in OVERSEERS
            or is_staff_of(user, complaint.dataset.agency_id))


def _roles(user: User, complaint: Complaint) -> set[str]:
    roles = {AGENCY} if is_staff_of(user, complaint.dataset.agency_id) else set()
    return roles | ({AUTHORITY} if user.role in (Role.AUTHORITY, Role.ADMIN) else set())


def allowed_actions(user: User, complaint: Complaint) -> list[str]:
    """What this user may decide on this complaint now (the page offers exactly these)."""
    roles = _roles(user, complaint)
    return [action for action, step in STEPS.items() if complaint.state in step.sources and roles & set(step.deciders)]


def get_complaint(complaint_id: int, user: User) -> Complaint:
    complaint = db.session.get(Complaint, complaint_id)
    if complaint is None or not can_view(user, complaint):
        raise NotFound(_("No complaint of yours has this number."))
    return complaint


def open_complaints(ds: Dataset, *states: str) -> list[Complaint]:
    """The entry's complaints in the given states (default: open, i.e. those that keep it suspended)."""
    return list(db.session.scalars(select(Complaint).where(
        Complaint.dataset_id == ds.id, Complaint.state.in_(states or (CaseState.OPEN,))).order_by(Complaint.filed_at)))


# ---- filing: the entry is suspended in the same transaction -----------------------------------
def _clean(ds: Dataset, data: ComplaintData) -> dict[str, str]:
    errors: dict[str, str] = {}
    if data.right not in set(Right):
        errors["right"] = _("Choose the right that is infringed.")
    elif data.right == Right.OTHER and not data.right_other.strip():
        errors["right_other"] = _("Name the lawful right that is infringed.")
    if len(data.right_other) > 200:
        errors["right_other"] = _("At most %(n)d characters.", n=200)
    if not data.description.strip():
        errors["description"] = _("Describe how the data infringes the right.")
    elif len(data.description) > MAX_TEXT:
        errors["description"] = _("At most %(n)d characters.", n=MAX_TEXT)
    known = {r.id for r in ds.resources}
    if any(rid not in known for rid in data.resource_ids):
        errors["resources"] = _("Choose among the entry's resources.")
    elif ds.resources and not data.resource_ids:
        errors["resources"] = _("Choose at least one resource the complaint is about.")
    return errors


def suspend(ds: Dataset, actor: User, complaint: Complaint) -> None:
    """Suspend the entry at once (if not already); a history line without the complainant. Caller commits."""
    if ds.suspended_at is not None:
        return
    ds.suspended_at = utcnow()
    ds.changes.append(DatasetChange(kind="suspended", at=ds.suspended_at,
                                    summary=_("Opening suspended pending verification of a rights complaint.")))
    audit.record(actor, "dataset.suspend", "dataset", ds.id, _("Rights complaint received"),
                 {"complaint": complaint.id})


def file_complaint(ds: Dataset, data: ComplaintData, actor: User) -> Complaint:
    """Accept a complaint with its evidence from a verified identity and suspend the entry, all in one
    transaction; the index drops the entry right after the commit (search and facets). In a burst of
    complaints, one from a new account is held for a quick decision instead, and the authority is alerted."""
    if not can_complain(ds):
        raise NotFound(_("Rights complaints can be filed only on opened catalog entries."))
    if problem := identity_problem(actor):
        raise Forbidden(problem, {"identity": problem})
    errors = _clean(ds, data)
    try:
        stored = evidence.store_files(data.files, required=True)
    except Invalid as exc:
        errors.update(exc.details)
        stored = []
    if errors:
        stored_files.discard(s.key for s in stored)
        raise Invalid(_("Please correct the marked fields."), errors)
    try:
        burst = safeguards.in_burst()
        held = burst and not safeguards.is_established(actor)
        now = utcnow()
        snapshot = {r.id: {"version": r.version, "sha256": r.sha256, "name": r.name}
                    for r in ds.resources if r.kind == ResourceKind.FILE}
        complaint = Complaint(dataset=ds, complainant_id=actor.id, right=data.right,
                              right_other=data.right_other.strip() if data.right == Right.OTHER else "",
                              description=data.description.strip(), resource_ids=list(dict.fromkeys(data.resource_ids)),
                              snapshot=snapshot, filed_at=now,
                              state=CaseState.HELD if held else CaseState.OPEN, held_at=now if held else None,
                              due_date=due_in("COMPLAINT_BURST_HOLD_WORKDAYS" if held else "COMPLAINT_WORKDAYS", now))
        db.session.add(complaint)
        db.session.flush()
        evidence.attach(stored, "complaint", complaint.id, actor.id)
        if not held:
            suspend(ds, actor, complaint)
        audit.record(actor, "complaint.file", "complaint", str(complaint.id),
                     details={"dataset": ds.id, "right": complaint.right, "resources": complaint.resource_ids,
                              "evidence": [s.sha256 for s in stored], "due": complaint.due_date.isoformat(),
                              "held": held})
        link = url_for("feedback.complaint", complaint_id=complaint.id)
        due = workdays.due_text(complaint.due_date, now)
        if held:
            notify(actor, _("Your rights complaint on “%(title)s” was received", title=ds.title),
                   _("Because of an unusual number of complaints, complaints from new accounts are checked before the "
                     "entry is suspended. The data authority or %(agency)s decides by %(due)s.",
                     agency=ds.agency.name, due=due), link=link, kind="complaint.received")
        else:
            _tell_agency_suspended(complaint, link)
            notify(actor, _("Your rights complaint on “%(title)s” was received", title=ds.title),
                   _("Opening of the entry is suspended while %(agency)s verifies it; the decision is due by %(due)s.",
                     agency=ds.agency.name, due=due), link=link, kind="complaint.received")
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


def _tell_agency_suspended(complaint: Complaint, link: str) -> None:
    ds = complaint.dataset
    notify_all(agency_staff(ds.agency_id), _("Rights complaint: “%(title)s” is suspended", title=ds.title),
               _("The entry has been suspended on every channel. Verify the complaint and decide by %(due)s.",
                 due=workdays.due_text(complaint.due_date, complaint.filed_at)), link=link, kind="complaint.filed")


# ---- the agency's decision ---------------------------------------------------------
def changed_files(complaint: Complaint) -> list[str]:
    """Names of the entry's files that differ from when the complaint was filed (or were added since)."""
    ds = complaint.dataset
    now = {r.id: r for r in ds.resources if r.kind == ResourceKind.FILE}
    changed = [r.name for rid, r in now.items()
               if rid not in complaint.snapshot or complaint.snapshot[rid]["sha256"] != r.sha256]
    changed += [s["name"] for rid, s in complaint.snapshot.items() if rid not in now]
    return changed


def _lift_if_last(ds: Dataset, complaint: Complaint, summary: str) -> bool:
    """End the suspension when no other complaint on the entry is still open."""
    others = [c for c in open_complaints(ds) if c.id != complaint.id]
    if others or ds.suspended_at is None:
        return False
    ds.suspended_at = None
    if ds.state == DatasetState.PUBLISHED:
        ds.changes.append(DatasetChange(kind="resumed", summary=summary))
    return True


def _check(complaint: Complaint, action: str, reason: str, actor: User) -> Step:
    """The step this decision takes, or the reason it cannot be taken (Forbidden, Conflict, Invalid)."""
    ds = complaint.dataset
    roles = _roles(actor, complaint)
    if not roles:
        raise Forbidden(_("Only staff of %(agency)s decide complaints on its entries.", agency=ds.agency.name))
    if complaint.state == CaseState.DECIDED:
        raise Conflict(_("This complaint has already been decided."))
    step = STEPS.get(action)
    if step is None:
        raise Invalid(_("Choose a decision."), {"outcome": _("Choose a decision.")})
    if not roles & set(step.deciders):
        raise Forbidden(_("Only staff of %(agency)s take this decision.", agency=ds.agency.name))
    if complaint.state not in step.sources:
        message = _("This decision is not possible in the complaint's present state (%(state)s).",
                    state=status_label(complaint))
        raise Conflict(message, {"outcome": message})
    if step.needs_reason and not reason:
        raise Invalid(_("Write down the reason for the decision; the complainant receives it."),
                      {"reason": _("Write down the reason for the decision; the complainant receives it.")})
    if len(reason) > MAX_TEXT:
        raise Invalid(_("At most %(n)d characters.", n=MAX_TEXT), {"reason": _("At most %(n)d characters.", n=MAX_TEXT)})
    return step


@one_decision
def decide(complaint: Complaint, outcome: str, reason: str, actor: User) -> Complaint:
    """Take one decision of STEPS, with its reason: the agency withdraws, resumes (the files must be exactly
    those of the day of the complaint) or opens after processing (every complained-about file replaced; the
    old bytes are quarantined); the agency or the authority rejects an unfounded or abusive complaint (the
    entry is restored unless another open complaint keeps it suspended), or lets a held one through."""
    reason = reason.strip()
    step = _check(complaint, outcome, reason, actor)
    if outcome == SUSPEND:
        return _let_through(complaint, reason, actor)
    ds = complaint.dataset
    was = complaint.state
    closed = [complaint]
    if outcome == Outcome.RESUME:
        changed = changed_files(complaint)
        if changed:
            message = _("Files changed since the complaint (%(names)s): opening can resume only with exactly the "
                        "files of that day. Choose “open after processing” instead.", names="、".join(changed))
            raise Conflict(message, {"outcome": message})
        _lift_if_last(ds, complaint, _("Opening resumed after verification."))
        audit.record(actor, "dataset.resume", "dataset", ds.id, reason, {"complaint": complaint.id})
    elif outcome == Outcome.PROCESS:
        targets = [rid for rid in complaint.resource_ids if rid in complaint.snapshot]
        current = {r.id: r for r in ds.resources}
        unchanged = [complaint.snapshot[rid]["name"] for rid in targets
                     if rid in current and current[rid].sha256 == complaint.snapshot[rid]["sha256"]]
        if unchanged:
            message = _("Upload the processed version of %(names)s first; the complained-about version is then "
                        "withdrawn for good.", names="、".join(unchanged))
            raise Invalid(message, {"outcome": message})
        for rid in targets:
            old = complaint.snapshot[rid]
            if db.session.get(QuarantinedFile, old["sha256"]) is None:
                db.session.add(QuarantinedFile(sha256=old["sha256"], reason=reason, source=f"complaint:{complaint.id}",
                                               dataset_id=ds.id, resource_id=rid, version=old["version"]))
            audit.record(actor, "resource.quarantine", "resource", rid, reason,
                         {"complaint": complaint.id, "version": old["version"], "sha256": old["sha256"]})
        _lift_if_last(ds, complaint, _("Opened again after processing; the complained-about version is withdrawn."))
        audit.record(actor, "dataset.open_after_processing", "dataset", ds.id, reason, {"complaint": complaint.id})
    elif outcome == Outcome.REJECT:
        # Only an open complaint suspended the entry; it stays suspended while another open one remains.
        restored = was == CaseState.OPEN and _lift_if_last(ds, complaint,
                                                           _("Opening restored: a rights complaint was rejected."))
        if restored:
            audit.record(actor, "dataset.resume", "dataset", ds.id, reason,
                         {"complaint": complaint.id, "rejected": True})
    else:  # withdraw: off the portal; files kept for audit. Other pending complaints end with it.
        if ds.state == DatasetState.PUBLISHED:
            ds.state = catalog_review.next_state(ds.state, "unpublish")
            ds.changes.append(DatasetChange(kind="withdrawn",
                                            summary=_("Withdrawn from the portal after verification of a rights complaint.")))
        ds.suspended_at = None
        closed += [c for c in open_complaints(ds, CaseState.OPEN, CaseState.HELD) if c.id != complaint.id]
        audit.record(actor, "dataset.withdraw", "dataset", ds.id, reason, {"complaint": complaint.id})
    now = utcnow()
    for c in closed:
        details = {"outcome": outcome, "dataset": ds.id, "was": c.state}
        if outcome == Outcome.REJECT:
            details["restored"] = restored
        c.state, c.outcome, c.decision_reason = step.target, outcome, reason
        c.decided_by_id, c.decided_at = actor.id, now
        audit.record(actor, "complaint.reject" if outcome == Outcome.REJECT else "complaint.decide", "complaint",
                     str(c.id), reason, details)
        notify(c.complainant_id, _("Decision on your rights complaint: %(outcome)s", outcome=str(OUTCOME_LABELS[outcome])),
               _("“%(title)s”: %(reason)s", title=ds.title, reason=reason),
               link=url_for("feedback.complaint", complaint_id=c.id), kind="complaint.decided")
    if outcome == Outcome.REJECT and AGENCY not in _roles(actor, complaint):
        notify_all(agency_staff(ds.agency_id), _("The data authority rejected a rights complaint on “%(title)s”",
                                                  title=ds.title), reason,
                   link=url_for("feedback.complaint", complaint_id=complaint.id), kind="complaint.decided")
    db.session.commit()
    index_datasets([ds])
    return complaint


def _let_through(complaint: Complaint, reason: str, actor: User) -> Complaint:
    """A held complaint goes ahead: the entry is suspended now and the agency's verification clock starts."""
    ds = complaint.dataset
    complaint.state = STEPS[SUSPEND].target
    complaint.due_date = due_in("COMPLAINT_WORKDAYS")
    suspend(ds, actor, complaint)
    audit.record(actor, "complaint.suspend", "complaint", str(complaint.id), reason,
                 {"dataset": ds.id, "held_at": complaint.held_at.isoformat() if complaint.held_at else None,
                  "due": complaint.due_date.isoformat()})
    link = url_for("feedback.complaint", complaint_id=complaint.id)
    _tell_agency_suspended(complaint, link)
    notify(complaint.complainant_id, _("Your rights complaint on “%(title)s”: the entry is suspended", title=ds.title),
           _("Opening of the entry is suspended while %(agency)s verifies it; the decision is due by %(due)s.",
             agency=ds.agency.name, due=complaint.due_date.isoformat()), link=link, kind="complaint.received")
    db.session.commit()
    index_datasets([ds])
    return complaint


# ---- lists ----------------------------------------------------------------------
def complaints_for(user: User, state: str | None = None) -> list[Complaint]:
    """The complaints a staff member may see: their agency's, or all for the authority and auditors."""
    stmt = select(Complaint).join(Dataset).order_by(Complaint.state.desc(), Complaint.due_date, Complaint.id.desc())
    if user.role not in OVERSEERS:
        stmt = stmt.where(Dataset.agency_id == (user.agency_id or -1))
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


def account_history(user_id: int, actor: User) -> AccountHistory:
    """Every complaint one account has filed, with counts by outcome (for the authority)."""
    if actor.role not in OVERSEERS:
        raise Forbidden(_("Only the data authority sees an account's complaint history."))
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(_("No account has this number."))
    rows = own_complaints(user)
    by_outcome = {o: sum(1 for c in rows if c.outcome == o) for o in Outcome}
    return AccountHistory(user, rows, by_outcome, sum(1 for c in rows if c.is_open), sum(1 for c in rows if c.is_held))


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
    return list(db.session.scalars(select(Complaint).where(Complaint.state.in_((CaseState.OPEN, CaseState.HELD)))
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
