"""Conditional-open applications: drafts, submission due in the configured workdays (default 10, the figure
of SZ §25), the agency's decision (R2024 §28), grants with period, scope and usage reports (R2024 §36),
suspension for misuse (R2024 §50). Pages and notices cite these through portal.legal, never by name.

Every state change follows TRANSITIONS (applications) or GRANT_TRANSITIONS; an action not in the table
raises Conflict (409). Two staff deciding at once: the application's row version lets one win.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import BinaryIO, Iterable

from flask import current_app, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from .. import legal, sentences, workdays
from ..accounts import access
from ..accounts.models import AccessBlock, Role, User
from ..audit import services as audit
from ..catalog.models import Dataset, DatasetState, OpenType, Resource, ResourceKind
from ..errors import Conflict, Forbidden, Invalid, NotFound, PortalError
from ..extensions import db
from ..concurrency import one_decision as one_decision_with
from ..inbox.services import notify, notify_all
from ..models_base import utcnow
from ..storage import TooLarge
from ..storage import files as stored_files
from ..storage.names import clean_filename
from ..supervision.services import Case, Deadlines, Notice, deadline_marks, register_notice_source, register_workflow
from . import permissions
from .models import (Application, ApplicationAttachment, ApplicationEvent, ApplicationState, Grant,
                     GrantState, ProvisionMethod, UsageReport)

S = ApplicationState
TRANSITIONS: dict[str, dict[str, str]] = {
    "submit": {S.DRAFT: S.SUBMITTED},
    "request_info": {S.SUBMITTED: S.INFO_REQUESTED},
    "answer": {S.INFO_REQUESTED: S.SUBMITTED},
    "approve": {S.SUBMITTED: S.APPROVED, S.INFO_REQUESTED: S.APPROVED},
    "refuse": {S.SUBMITTED: S.REFUSED, S.INFO_REQUESTED: S.REFUSED},
    "withdraw": {S.DRAFT: S.WITHDRAWN, S.SUBMITTED: S.WITHDRAWN, S.INFO_REQUESTED: S.WITHDRAWN},
}
OPEN_STATES = (S.DRAFT, S.SUBMITTED, S.INFO_REQUESTED)
WAITING_STATES = (S.SUBMITTED, S.INFO_REQUESTED)  # the agency owes an answer (in the second, once it has one)
GRANT_TRANSITIONS: dict[str, dict[str, str]] = {
    "suspend": {GrantState.ACTIVE: GrantState.SUSPENDED},
    "resume": {GrantState.SUSPENDED: GrantState.ACTIVE},
    "revoke": {GrantState.ACTIVE: GrantState.REVOKED, GrantState.SUSPENDED: GrantState.REVOKED},
}
MAX_TEXT = 5000
MAX_ATTACHMENTS = 5
# Proof of capability: the first bytes decide the type, never the file name or the browser's claim.
MAGIC = ((b"%PDF-", "application/pdf"), (b"\x89PNG\r\n\x1a\n", "image/png"), (b"\xff\xd8\xff", "image/jpeg"))


class AttachmentTooLarge(PortalError):
    status, code = 413, "too_large"


def next_state(table: dict[str, dict[str, str]], state: str, action: str) -> str:
    """The state an action leads to, or Conflict when the table does not allow it."""
    target = table.get(action, {}).get(state)
    if target is None:
        raise Conflict(_("This action is not possible in the application's current state."),
                       {"state": state, "action": action})
    return target


one_decision = one_decision_with(lambda: _("Someone else acted on this application at the same time; reload the page."))


def today() -> date:
    return workdays.china_date(utcnow())


# ---- reading ----------------------------------------------------------------------
def applicable_dataset(slug: str) -> Dataset:
    """A published conditional-open entry one may apply for; NotFound or Conflict otherwise."""
    ds = db.session.scalar(select(Dataset).where(Dataset.slug == slug, Dataset.state == DatasetState.PUBLISHED))
    if ds is None:
        raise NotFound(_("No public catalog entry is named %(slug)s.", slug=slug))
    if ds.open_type != OpenType.CONDITIONAL:
        raise Conflict(_("Only conditionally open entries need an application."))
    return ds


def get_application(app_id: int, actor: User) -> Application:
    """An application the actor may see; another's application is simply not found."""
    app_ = db.session.get(Application, app_id)
    if app_ is None or not permissions.can_view(actor, app_):
        raise NotFound(_("No application of yours has this number."))
    return app_


def open_application(ds: Dataset, user: User) -> Application | None:
    """The user's application for this entry that is still in progress, if any."""
    return db.session.scalar(select(Application).where(
        Application.dataset_id == ds.id, Application.applicant_id == user.id,
        Application.state.in_(OPEN_STATES)).order_by(Application.id.desc()).limit(1))


def my_applications(user: User) -> list[Application]:
    return list(db.session.scalars(select(Application).where(Application.applicant_id == user.id)
                                   .order_by(Application.created_at.desc(), Application.id.desc())))


def my_grants(user: User) -> list[Grant]:
    return list(db.session.scalars(select(Grant).where(Grant.user_id == user.id).order_by(Grant.end.desc())))


def active_blocks(user_id: int) -> list[AccessBlock]:
    return access.active_blocks(user_id)


@dataclass
class QueueRow:
    application: Application
    overdue: bool
    due_soon: bool


def _scoped(stmt, actor: User, column):
    if actor.role == Role.AGENCY_STAFF:
        return stmt.where(column == actor.agency_id)
    if actor.role in (*permissions.AUTHORITY_ROLES, Role.AUDITOR):
        return stmt
    raise Forbidden(_("Your account's role may not use this page."))


def queue(actor: User | None = None, on: date | None = None) -> list[QueueRow]:
    """Applications waiting for an agency (submitted) or an applicant (more information), by due date.
    One overdue when its clock stopped for the applicant stays overdue."""
    on = on or today()
    cal = workdays.shared_calendar()
    stmt = select(Application).where(Application.state.in_(WAITING_STATES))
    if actor is not None:
        stmt = _scoped(stmt, actor, Application.agency_id)
    rows = db.session.scalars(stmt.order_by(Application.due_date.is_(None), Application.due_date,
                                            Application.submitted_at)).all()
    return [QueueRow(a, *deadline_marks(a.due_date, on, a.clock_stopped_on, cal=cal)) for a in rows]


def decided(actor: User, limit: int = 50) -> list[Application]:
    stmt = _scoped(select(Application).where(Application.state.in_([S.APPROVED, S.REFUSED])), actor,
                   Application.agency_id)
    return list(db.session.scalars(stmt.order_by(Application.decided_at.desc()).limit(limit)))


def grants_for(actor: User) -> list[Grant]:
    stmt = _scoped(select(Grant).join(Dataset, Grant.dataset_id == Dataset.id), actor, Dataset.agency_id)
    return list(db.session.scalars(stmt.order_by(Grant.end.desc())))


def blocks_for(actor: User) -> list[AccessBlock]:
    stmt = select(AccessBlock).where(AccessBlock.lifted_at.is_(None))
    if actor.role == Role.AGENCY_STAFF:
        stmt = stmt.where(AccessBlock.agency_id == actor.agency_id)
    else:
        _scoped(stmt, actor, AccessBlock.agency_id)
    return list(db.session.scalars(stmt.order_by(AccessBlock.created_at.desc())))


# ---- the form's data ------------------------------------------------------------------
@dataclass
class ApplicationData:
    scenario: str = ""
    items: list[str] = field(default_factory=list)
    records_scope: str = ""
    provision_methods: list[str] = field(default_factory=list)
    period_start: date | None = None
    period_end: date | None = None
    security_measures: str = ""
    commit_truth: bool = False
    commit_compliance: bool = False
    commit_security: bool = False


def max_days() -> int:
    return current_app.config["APPLICATION_MAX_DAYS"]


def check_data(ds: Dataset, data: ApplicationData, complete: bool) -> dict[str, str]:
    """Field errors; `complete` (submission) also requires every field and the three commitments."""
    errors: dict[str, str] = {}
    for name in ("scenario", "records_scope", "security_measures"):
        if len(getattr(data, name)) > MAX_TEXT:
            errors[name] = _("At most %(n)d characters.", n=MAX_TEXT)
    known = {i.name for i in ds.items}
    if any(i not in known for i in data.items):
        errors["items"] = _("Choose data items of this entry.")
    if any(m not in set(ProvisionMethod) for m in data.provision_methods):
        errors["provision_methods"] = _("Choose file download, API, or both.")
    start, end = data.period_start, data.period_end
    if start and end:
        if end < start:
            errors["period_end"] = _("The end of the use period is before its start.")
        elif (end - start).days + 1 > max_days():
            errors["period_end"] = _("The use period may be at most %(n)d days.", n=max_days())
    if start and complete and start < today():
        errors["period_start"] = _("The use period cannot start in the past.")
    if complete:
        required = {
            "scenario": _("Describe the application scenario: what the data is used for, by whom, how."),
            "records_scope": _("Say which records or which period of the data you need."),
            "security_measures": _("Describe how you will keep the data secure."),
        }
        for name, message in required.items():
            if not getattr(data, name).strip():
                errors.setdefault(name, message)
        if not data.items:
            errors.setdefault("items", _("Choose at least one data item."))
        if not data.provision_methods:
            errors.setdefault("provision_methods", _("Choose how the data is to be provided."))
        if start is None:
            errors.setdefault("period_start", _("Give the first day of the use period."))
        if end is None:
            errors.setdefault("period_end", _("Give the last day of the use period."))
        for name, message in (("commit_truth", _("You must commit that the application is true.")),
                              ("commit_compliance", _("You must commit to use the data lawfully and only as approved.")),
                              ("commit_security", _("You must commit to keep the data secure."))):
            if not getattr(data, name):
                errors[name] = message
    return errors


def _apply_data(app_: Application, data: ApplicationData) -> None:
    app_.scenario, app_.records_scope = data.scenario.strip(), data.records_scope.strip()
    app_.security_measures = data.security_measures.strip()
    order = [i.name for i in app_.dataset.items]
    app_.items = [i for i in order if i in set(data.items)]
    app_.provision_methods = [m for m in ProvisionMethod if m in set(data.provision_methods)]
    app_.period_start, app_.period_end = data.period_start, data.period_end
    app_.commit_truth, app_.commit_compliance = data.commit_truth, data.commit_compliance
    app_.commit_security = data.commit_security


# ---- attachments ----------------------------------------------------------------------
@dataclass
class Upload:
    filename: str
    stream: BinaryIO


def _sniff(stream: BinaryIO) -> str | None:
    head = stream.read(16)
    stream.seek(0)
    return next((media for magic, media in MAGIC if head.startswith(magic)), None)


def _store_attachments(app_: Application, uploads: Iterable[Upload], actor: User, keys: list[str]) -> None:
    """Check and store uploads (type by magic bytes, size by the setting), adding their rows; each stored
    key is appended to `keys` at once, so that the caller, when anything fails (here: Invalid or 413 on
    the first bad file), rolls back and hands them to `stored_files.discard`."""
    uploads = [u for u in uploads if u.filename]
    if not uploads:
        return
    if len(app_.attachments) + len(uploads) > MAX_ATTACHMENTS:
        raise Invalid(_("At most %(n)d attachments per application.", n=MAX_ATTACHMENTS), {"attachments": ""})
    limit_mb = current_app.config["APPLICATION_ATTACHMENT_MB"]
    for upload in uploads:
        media = _sniff(upload.stream)
        name = clean_filename(upload.filename, "attachment")
        if media is None:
            raise Invalid(_("“%(name)s” is not a PDF, PNG or JPEG file.", name=name),
                          {"attachments": _("“%(name)s” is not a PDF, PNG or JPEG file.", name=name)})
        try:
            stored = stored_files.save(upload.stream, max_size=limit_mb * 1024 * 1024)
        except TooLarge:
            message = _("“%(name)s” is larger than %(mb)d MB.", name=name, mb=limit_mb)
            raise AttachmentTooLarge(message, {"attachments": message})
        keys.append(stored.key)
        app_.attachments.append(ApplicationAttachment(
            filename=name, media_type=media, size=stored.size, storage_key=stored.key,
            uploaded_by_id=actor.id))


def _give_up(keys: Iterable[str]) -> None:
    """A request that stored attachments failed: roll back its rows first, then let the owner discard the bytes."""
    db.session.rollback()
    stored_files.discard(keys)


def attachment(app_: Application, attachment_id: int) -> ApplicationAttachment:
    found = next((a for a in app_.attachments if a.id == attachment_id), None)
    if found is None:
        raise NotFound(_("This application has no such attachment."))
    return found


# ---- the applicant ------------------------------------------------------------------------
def _event(app_: Application, kind: str, actor: User | None, note: str = "") -> None:
    app_.events.append(ApplicationEvent(kind=kind, actor_id=getattr(actor, "id", None), note=note, at=utcnow()))


def _staff_ids(agency_id: int) -> list[int]:
    return list(db.session.scalars(select(User.id).where(
        User.role == Role.AGENCY_STAFF, User.agency_id == agency_id, User.active.is_(True))))


def _link(app_: Application) -> str:
    return f"/applications/{app_.id}"


def save(ds: Dataset | None, data: ApplicationData, uploads: Iterable[Upload], actor: User, *,
         application: Application | None = None, submit_now: bool = False) -> Application:
    """Create or update a draft (and submit it when asked). Nothing is written when anything is wrong."""
    if actor.role != Role.DATA_USER:
        raise Forbidden(_("Only data users apply for conditional data; staff accounts cannot."))
    if application is not None:
        if application.applicant_id != actor.id:
            raise NotFound(_("No application of yours has this number."))
        next_state(TRANSITIONS, application.state, "submit")  # only drafts are edited
        ds = application.dataset
    elif (existing := open_application(ds, actor)) is not None:
        raise Conflict(_("You already have an application for this entry in progress."),
                       {"application": existing.id})
    errors = check_data(ds, data, complete=submit_now)
    if errors:
        raise Invalid(_("Please correct the marked fields."), errors)
    is_new = application is None
    if is_new:
        application = Application(dataset=ds, agency_id=ds.agency_id, applicant_id=actor.id,
                                  state=S.DRAFT, created_at=utcnow())
        db.session.add(application)
    _apply_data(application, data)
    keys: list[str] = []
    try:
        _store_attachments(application, uploads, actor, keys)
        if is_new:
            _event(application, "created", actor)
        if submit_now:
            _submit(application, actor)
        db.session.commit()
    except BaseException:
        _give_up(keys)
        raise
    return application


def _submit(app_: Application, actor: User) -> None:
    app_.state = next_state(TRANSITIONS, app_.state, "submit")
    now = utcnow()
    app_.submitted_at = app_.clock_started_at = now
    app_.due_date = workdays.add_workdays(now, current_app.config["APPLICATION_WORKDAYS"])
    due = workdays.due_text(app_.due_date, now)
    _event(app_, "submitted", actor, _("Answer due by %(date)s.", date=due))
    db.session.flush()
    audit.record(actor, "application.submit", "application", str(app_.id),
                 details={"dataset": app_.dataset_id, "due": app_.due_date.isoformat()})
    notify_all(_staff_ids(app_.agency_id), _("New application for “%(title)s”", title=app_.dataset.title),
               _("Answer by %(date)s.", date=due), link=_link(app_), kind="application.submitted")


@one_decision
def withdraw(app_: Application, actor: User) -> Application:
    """The applicant withdraws a draft or an application in progress."""
    if app_.applicant_id != actor.id:
        raise Forbidden(_("Only the applicant can withdraw an application."))
    app_.state = next_state(TRANSITIONS, app_.state, "withdraw")
    app_.remaining_workdays = app_.clock_stopped_at = None
    _event(app_, "withdrawn", actor)
    audit.record(actor, "application.withdraw", "application", str(app_.id))
    db.session.commit()
    return app_


@one_decision
def answer(app_: Application, actor: User, text: str, uploads: Iterable[Upload] = ()) -> Application:
    """The applicant answers the agency's question; a stopped clock starts again (PORTAL_APPLICATION_CLOCK)."""
    if app_.applicant_id != actor.id:
        raise Forbidden(_("Only the applicant can answer."))
    state = next_state(TRANSITIONS, app_.state, "answer")
    text = (text or "").strip()
    if not text:
        raise Invalid(_("Write your answer."), {"answer": _("Write your answer.")})
    if len(text) > MAX_TEXT:
        raise Invalid(_("At most %(n)d characters.", n=MAX_TEXT), {"answer": _("At most %(n)d characters.", n=MAX_TEXT)})
    keys: list[str] = []
    try:
        _store_attachments(app_, uploads, actor, keys)
        app_.state = state
        if app_.clock_stopped_at is not None:
            if current_app.config["APPLICATION_CLOCK"] == "restart":
                remaining = current_app.config["APPLICATION_WORKDAYS"]
            else:  # None: the application was overdue when the clock stopped, and its due date stands
                remaining = app_.remaining_workdays
            if remaining:
                now = utcnow()
                app_.due_date, app_.clock_started_at = workdays.add_workdays(now, remaining), now
        app_.remaining_workdays = app_.clock_stopped_at = None
        _event(app_, "info_provided", actor, text)
        audit.record(actor, "application.answer", "application", str(app_.id),
                     details={"due": app_.due_date.isoformat()})
        notify_all(_staff_ids(app_.agency_id), _("The applicant answered: “%(title)s”", title=app_.dataset.title),
                   _("Answer by %(date)s.", date=workdays.due_text(app_.due_date, app_.clock_start)),
                   link=_link(app_), kind="application.answered")
        db.session.commit()
    except BaseException:
        _give_up(keys)  # a concurrent decision (StaleDataError) included: one_decision answers 409
        raise
    return app_


# ---- the agency's decision -------------------------------------------------------------------
def _require_decider(actor: User, app_: Application) -> None:
    if not permissions.can_decide(actor, app_):
        raise Forbidden(_("Only staff of the providing agency decide this application."))


def workdays_left(on: date, due: date | None) -> int | None:
    """The workdays left on a day before a due date (at least one); None once it is past."""
    if due is None or due < on:
        return None
    return max(1, workdays.workdays_between(on, due))


@one_decision
def request_info(app_: Application, actor: User, question: str) -> Application:
    """Ask the applicant for more information. PORTAL_APPLICATION_CLOCK: under "run" (the default,
    docs/decisions.md) the clock runs on; under "pause" (the workdays left are kept for after the answer)
    or "restart" (the full period again from the answer) it stops. The case stays under supervision."""
    _require_decider(actor, app_)
    question = (question or "").strip()
    if not question:
        raise Invalid(_("Say what information is missing."), {"question": _("Say what information is missing.")})
    app_.state = next_state(TRANSITIONS, app_.state, "request_info")
    rule = current_app.config["APPLICATION_CLOCK"]
    app_.remaining_workdays = workdays_left(today(), app_.due_date) if rule == "pause" else None
    app_.clock_stopped_at = utcnow() if rule in ("pause", "restart") else None
    _event(app_, "info_requested", actor, question)
    audit.record(actor, "application.request_info", "application", str(app_.id), question,
                 {"remaining_workdays": app_.remaining_workdays, "clock": rule})
    notify(app_.applicant_id, _("More information needed: “%(title)s”", title=app_.dataset.title), question,
           link=_link(app_), kind="application.info_requested")
    db.session.commit()
    return app_


@dataclass
class Approval:
    purpose: str
    scope: str
    end: date | None = None            # a shorter period than asked for
    resource_ids: list[str] | None = None  # files covered; None = every file of the entry
    report_every_days: int | None = None


@one_decision
def approve(app_: Application, actor: User, approval: Approval) -> Grant:
    """Approve with the permitted purpose and scope: a grant for this applicant only, for the period."""
    _require_decider(actor, app_)
    state = next_state(TRANSITIONS, app_.state, "approve")
    errors = {}
    purpose, scope = (approval.purpose or "").strip(), (approval.scope or "").strip()
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
    now = utcnow()
    app_.state, app_.decided_at, app_.decided_by_id = state, now, actor.id
    app_.permitted_purpose, app_.permitted_scope = purpose, scope
    app_.remaining_workdays = app_.clock_stopped_at = None
    grant = Grant(application=app_, dataset_id=app_.dataset_id, user_id=app_.applicant_id, purpose=purpose,
                  scope=scope, items=list(app_.items), resource_ids=sorted(chosen),
                  provision_methods=list(app_.provision_methods), start=start, end=end,
                  report_every_days=every, state=GrantState.ACTIVE, created_at=now)
    db.session.add(grant)
    _event(app_, "approved", actor, sentences.join(
        _("Purpose: %(purpose)s", purpose=purpose), _("Scope: %(scope)s", scope=scope),
        _("Access %(start)s to %(end)s", start=start.isoformat(), end=end.isoformat())))
    db.session.flush()
    procedure = legal.cite("application_approval")
    audit.record(actor, "application.approve", "application", str(app_.id), purpose,
                 {"grant": grant.id, "scope": scope, "start": start.isoformat(), "end": end.isoformat(),
                  "resources": grant.resource_ids, "procedure": procedure.key if procedure else None})
    notify(app_.applicant_id, _("Application approved: “%(title)s”", title=app_.dataset.title),
           sentences.join(_("You may use the data from %(start)s to %(end)s for: %(purpose)s",
                            start=start.isoformat(), end=end.isoformat(), purpose=purpose),
                          _procedure(procedure)),
           link=_link(app_), kind="application.approved")
    db.session.commit()
    return grant


def _procedure(citation: legal.Citation | None) -> str:
    """"Procedure: <the article the decision follows>" for a notice, or "" where none governs it."""
    return _("Procedure: %(basis)s", basis=citation.text()) if citation else ""


@one_decision
def refuse(app_: Application, actor: User, reason: str, legal_basis: str) -> Application:
    """Refuse with the reason and its legal basis, both required (R2024 §28)."""
    _require_decider(actor, app_)
    state = next_state(TRANSITIONS, app_.state, "refuse")
    reason, legal_basis = (reason or "").strip(), (legal_basis or "").strip()
    errors = {}
    if not reason:
        errors["reason"] = _("State the reason for refusing.")
    if not legal_basis:
        errors["legal_basis"] = _("State the law or regulation the refusal rests on.")
    if errors:
        raise Invalid(_("A refusal needs both its reason and its legal basis."), errors)
    app_.state, app_.decided_at, app_.decided_by_id = state, utcnow(), actor.id
    app_.refusal_reason, app_.refusal_legal_basis = reason, legal_basis
    app_.remaining_workdays = app_.clock_stopped_at = None
    stated = (_("Reason: %(reason)s", reason=reason), _("Legal basis: %(basis)s", basis=legal_basis))
    _event(app_, "refused", actor, sentences.join(*stated))
    procedure = legal.cite("application_refusal")
    audit.record(actor, "application.refuse", "application", str(app_.id), reason,
                 {"legal_basis": legal_basis, "procedure": procedure.key if procedure else None})
    notify(app_.applicant_id, _("Application refused: “%(title)s”", title=app_.dataset.title),
           sentences.join(*stated, _procedure(procedure)), link=_link(app_), kind="application.refused")
    db.session.commit()
    return app_


# ---- grants: suspension and revocation (R2024 §50) -------------------------------------------
def get_grant(grant_id: int, actor: User) -> Grant:
    grant = db.session.get(Grant, grant_id)
    if grant is None or not permissions.can_view(actor, grant.application):
        raise NotFound(_("No grant has this number."))
    return grant


@one_decision
def change_grant(grant: Grant, actor: User, action: str, reason: str) -> Grant:
    """Suspend, resume or revoke a grant, with a reason the holder sees."""
    if not permissions.can_manage_access(actor, grant.dataset.agency_id):
        raise Forbidden(_("Only the providing agency or the data authority can change access."))
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(_("State the reason."), {"reason": _("State the reason.")})
    grant.state = next_state(GRANT_TRANSITIONS, grant.state, action)
    grant.state_reason, grant.state_changed_at, grant.state_changed_by_id = reason, utcnow(), actor.id
    kind = {"suspend": "grant_suspended", "resume": "grant_resumed", "revoke": "grant_revoked"}[action]
    _event(grant.application, kind, actor, reason)
    audit.record(actor, f"grant.{action}", "grant", str(grant.id), reason,
                 {"application": grant.application_id, "user": grant.user_id})
    subjects = {"suspend": _("Your access to “%(title)s” is suspended", title=grant.dataset.title),
                "resume": _("Your access to “%(title)s” is resumed", title=grant.dataset.title),
                "revoke": _("Your access to “%(title)s” is revoked", title=grant.dataset.title)}
    notify(grant.user_id, subjects[action], reason, link=_link(grant.application), kind=f"grant.{action}")
    db.session.commit()
    return grant


def block_user(user_id: int, actor: User, reason: str) -> AccessBlock:
    """Suspend a data user's access for misuse: staff for their agency's data, the authority for all."""
    user = db.session.get(User, user_id)
    if user is None or user.role != Role.DATA_USER:
        raise NotFound(_("No data user has this number."))
    if actor.role == Role.AGENCY_STAFF:
        agency_id = actor.agency_id
    elif actor.role in permissions.AUTHORITY_ROLES:
        agency_id = None
    else:
        raise Forbidden(_("Only the providing agency or the data authority can change access."))
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(_("State the reason."), {"reason": _("State the reason.")})
    block = access.suspend(user.id, actor, reason, agency_id=agency_id)
    audit.record(actor, "access.suspend", "user", str(user.id), reason, {"block": block.id, "agency": agency_id})
    notify(user.id, _("Your access to data has been suspended"), reason, link="/applications",
           kind="access.suspended")
    db.session.commit()
    return block


def lift_block(block_id: int, actor: User, reason: str) -> AccessBlock:
    """End a suspension of a user's access, with a reason."""
    block = db.session.get(AccessBlock, block_id)
    if block is None or block.lifted_at is not None:
        raise NotFound(_("No active suspension has this number."))
    if not (actor.role in permissions.AUTHORITY_ROLES or
            (block.agency_id is not None and permissions.is_staff_of(actor, block.agency_id))):
        raise Forbidden(_("Only the providing agency or the data authority can change access."))
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(_("State the reason."), {"reason": _("State the reason.")})
    access.lift(block, actor, reason)
    audit.record(actor, "access.lift", "user", str(block.user_id), reason, {"block": block.id})
    notify(block.user_id, _("Your access to data is restored"), reason, link="/applications", kind="access.lifted")
    db.session.commit()
    return block


# ---- downloads by grant holders ------------------------------------------------------------
def _refuse(message: str, ds: Dataset, res: Resource, grant: Grant | None) -> Forbidden:
    """Log the refused attempt (against the grant when there is one) and build the 403."""
    audit.record_access("download", 403, dataset_id=ds.id, resource_id=res.id, detail=message[:500],
                        grant_id=grant.id if grant else None)
    db.session.commit()
    return Forbidden(message)


def require_grant(ds: Dataset, res: Resource, user, channel: str) -> Grant:
    """The grant under which `user` may fetch this file of a conditional entry now, through `channel`
    (download on the site, or api); Forbidden saying why otherwise. Refusals are logged."""
    if not getattr(user, "is_authenticated", False):
        raise Forbidden(_("“%(title)s” is conditionally open: log in and apply; its data is provided only to "
                          "applicants whose application has been approved.", title=ds.title))
    grants = list(db.session.scalars(select(Grant).where(Grant.dataset_id == ds.id, Grant.user_id == user.id)
                                     .order_by(Grant.end.desc(), Grant.id.desc())))
    closing = access.blocks_closing(user, ds.agency_id)
    if any(b.source for b in closing):  # the whole account, from a report or directly: the inbox says why
        raise _refuse(_("Your account's access to conditionally open data is suspended; see the notice in your "
                        "inbox."), ds, res, grants[0] if grants else None)
    if closing:
        raise _refuse(_("Your access to this data was suspended on %(date)s for misuse: %(reason)s",
                        date=workdays.china_date(closing[0].created_at).isoformat(), reason=closing[0].reason),
                      ds, res, grants[0] if grants else None)
    if not grants:
        raise _refuse(_("“%(title)s” is conditionally open, and you hold no approved application for it.",
                        title=ds.title), ds, res, None)
    on = today()
    usable = [g for g in grants if g.state == GrantState.ACTIVE and g.start <= on <= g.end]
    if not usable:
        g = grants[0]
        if g.state == GrantState.REVOKED:
            message = _("Your access was revoked on %(date)s: %(reason)s",
                        date=workdays.china_date(g.state_changed_at).isoformat(), reason=g.state_reason)
        elif g.state == GrantState.SUSPENDED:
            message = _("Your access is suspended since %(date)s: %(reason)s",
                        date=workdays.china_date(g.state_changed_at).isoformat(), reason=g.state_reason)
        elif on < g.start:
            message = _("Your approved use period starts on %(date)s.", date=g.start.isoformat())
        else:
            message = _("Your approved use period ended on %(date)s; apply again for further use.",
                        date=g.end.isoformat())
        raise _refuse(message, ds, res, g)
    in_scope = [g for g in usable if not g.resource_ids or res.id in g.resource_ids]
    if not in_scope:
        raise _refuse(_("This file is not within the scope approved for you."), ds, res, usable[0])
    by_channel = [g for g in in_scope if channel in g.provision_methods]
    if not by_channel:
        raise _refuse(_("Your approval covers %(methods)s only, not this way of access.",
                        methods="、".join(str(_method_label(m)) for m in in_scope[0].provision_methods)),
                      ds, res, in_scope[0])
    return by_channel[0]


def _method_label(method: str) -> str:
    from .vocab import METHOD_LABELS

    return str(METHOD_LABELS.get(method, method))


def usable_grant(ds: Dataset, user) -> Grant | None:
    """The user's grant for this entry that is usable today (for showing download buttons)."""
    if not getattr(user, "is_authenticated", False) or ds.open_type != OpenType.CONDITIONAL:
        return None
    if access.blocks_closing(user, ds.agency_id):
        return None
    on = today()
    return db.session.scalar(select(Grant).where(
        Grant.dataset_id == ds.id, Grant.user_id == user.id, Grant.state == GrantState.ACTIVE,
        Grant.start <= on, Grant.end >= on).limit(1))


# ---- usage reports (R2024 §36) ---------------------------------------------------------------
def report_due_dates(grant: Grant) -> list[date]:
    """Every `report_every_days` from the start while access lasts, and a final report at the end."""
    dates, step = [], timedelta(days=grant.report_every_days)
    d = grant.start + step
    while d < grant.end:
        dates.append(d)
        d += step
    dates.append(grant.end)
    return dates


@dataclass
class ReportSlot:
    due: date
    report: UsageReport | None
    missing: bool


def report_schedule(grant: Grant, on: date | None = None) -> list[ReportSlot]:
    on = on or today()
    filed = {r.due_date: r for r in grant.reports}
    live = grant.state != GrantState.REVOKED
    cut = grant.state_changed_at and workdays.china_date(grant.state_changed_at)
    slots = []
    for due in report_due_dates(grant):
        if not live and cut and due > cut:
            break  # nothing is owed after a revocation
        slots.append(ReportSlot(due, filed.get(due), due < on and due not in filed))
    return slots


def file_report(grant: Grant, actor: User, text: str) -> UsageReport:
    """The holder files the next outstanding usage report."""
    if grant.user_id != actor.id:
        raise Forbidden(_("Only the holder files usage reports."))
    text = (text or "").strip()
    if not text:
        raise Invalid(_("Describe how the data was used."), {"report": _("Describe how the data was used.")})
    if len(text) > MAX_TEXT:
        raise Invalid(_("At most %(n)d characters.", n=MAX_TEXT), {"report": _("At most %(n)d characters.", n=MAX_TEXT)})
    slot = next((s for s in report_schedule(grant) if s.report is None), None)
    if slot is None:
        raise Conflict(_("Every usage report of this grant has been filed."))
    report = UsageReport(grant=grant, due_date=slot.due, filed_at=utcnow(), filed_by_id=actor.id, text=text)
    db.session.add(report)
    _event(grant.application, "report_filed", actor, _("For %(date)s.", date=slot.due.isoformat()))
    db.session.flush()
    audit.record(actor, "grant.report", "grant", str(grant.id), details={"due": slot.due.isoformat(), "report": report.id})
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
        stmt = _scoped(stmt, actor, Dataset.agency_id)
    out = [MissingReport(g, s.due) for g in db.session.scalars(stmt) for s in report_schedule(g, on) if s.missing]
    return sorted(out, key=lambda m: (m.due, m.grant.id))


# ---- public decisions (申请结果公开) --------------------------------------------------------------
@dataclass
class PublicDecisions:
    dataset: Dataset
    counts: dict[str, int]
    decisions: list[Application]


def public_decisions(slug: str) -> PublicDecisions:
    """Counts by outcome and the anonymised decisions of one entry, newest first."""
    ds = db.session.scalar(select(Dataset).where(Dataset.slug == slug, Dataset.state == DatasetState.PUBLISHED))
    if ds is None or ds.open_type != OpenType.CONDITIONAL:
        raise NotFound(_("No public conditionally open entry is named %(slug)s.", slug=slug))
    counts = dict(db.session.execute(select(Application.state, func.count()).where(
        Application.dataset_id == ds.id, Application.state != S.DRAFT).group_by(Application.state)).all())
    decisions = list(db.session.scalars(select(Application).where(
        Application.dataset_id == ds.id, Application.state.in_([S.APPROVED, S.REFUSED]))
        .order_by(Application.decided_at.desc())))
    return PublicDecisions(ds, {s: counts.get(s, 0) for s in (S.SUBMITTED, S.INFO_REQUESTED, S.APPROVED,
                                                              S.REFUSED, S.WITHDRAWN)}, decisions)


def decision_index() -> list[tuple[Dataset, int, int]]:
    """Conditional entries with decided applications: (entry, approved, refused)."""
    rows = db.session.execute(select(Application.dataset_id, Application.state, func.count()).where(
        Application.state.in_([S.APPROVED, S.REFUSED])).group_by(Application.dataset_id, Application.state)).all()
    tally: dict[str, list[int]] = {}
    for ds_id, state, n in rows:
        tally.setdefault(ds_id, [0, 0])[0 if state == S.APPROVED else 1] += n
    datasets = db.session.scalars(select(Dataset).where(Dataset.id.in_(list(tally)),
                                                        Dataset.state == DatasetState.PUBLISHED)).all() if tally else []
    return sorted(((d, *tally[d.id]) for d in datasets), key=lambda t: (-(t[1] + t[2]), t[0].title))


# ---- supervision and reminders --------------------------------------------------------------------
def supervision_cases() -> list[Case]:
    """Applications the agencies must answer, for supervision and the deadline reminders; those waiting
    for the applicant's answer too, with that state (overdue when the clock stopped stays overdue)."""
    from .vocab import STATE_LABELS

    waiting = _("Waiting for the applicant's additional information")
    return [Case(kind=_("Conditional-open application"), title=a.dataset.title,
                 url=url_for("opening.show", app_id=a.id), due=a.due_date, agency=a.dataset.agency.name,
                 state=waiting if a.state == S.INFO_REQUESTED else str(STATE_LABELS[a.state]),
                 assignees=_staff_ids(a.agency_id), provisional=a.due_provisional, stopped_on=a.clock_stopped_on)
            for a in (row.application for row in queue()) if a.due_date]


def _running_applications() -> list[Application]:
    return list(db.session.scalars(select(Application).where(Application.state.in_(WAITING_STATES),
                                                              Application.due_date.is_not(None))))


def _recounted(app_: Application, due: date, cal: workdays.WorkdayCalendar) -> None:
    """A recounted due date; under the "pause" rule the workdays left when the clock stopped follow it."""
    app_.due_date = due
    if app_.clock_stopped_at is not None and app_.remaining_workdays is not None:
        stopped = workdays.china_date(app_.clock_stopped_at)
        app_.remaining_workdays = None if due < stopped else max(1, workdays.workdays_between(stopped, due, cal=cal))


register_workflow(supervision_cases, Deadlines(
    "application", _running_applications, start=lambda a: a.clock_start,
    label=lambda a: _("Application No. %(n)d for “%(title)s”", n=a.id, title=a.dataset.title),
    link=_link, parties=lambda a: [a.applicant_id, *_staff_ids(a.agency_id)], set_due=_recounted))


REPORT_REMINDER_DAYS = 7  # the holder is reminded this many days before a usage report is due


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
        notices.append(Notice(key, "usage_report.missing", _staff_ids(g.dataset.agency_id),
                              _("Usage report missing: “%(title)s”", title=g.dataset.title),
                              _("%(user)s has not filed the usage report due %(date)s.", user=g.user.name,
                                date=missing.due.isoformat()), _link(g.application)))
    soon = on + timedelta(days=REPORT_REMINDER_DAYS)
    for g in db.session.scalars(select(Grant).where(Grant.state == GrantState.ACTIVE)):
        for slot in report_schedule(g, on):
            if slot.report is None and on <= slot.due <= soon:
                notices.append(Notice(f"grant:{g.id}:{slot.due.isoformat()}", "usage_report.reminder", [g.user_id],
                                      _("Usage report due %(date)s: “%(title)s”", date=slot.due.isoformat(),
                                        title=g.dataset.title),
                                      _("Report how you used the data%(basis)s.", basis=legal.note("usage_report")),
                                      _link(g.application)))
    return notices
