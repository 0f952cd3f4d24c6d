"""The applicant's side of a conditional-open application: drafts, submission (due in the configured
workdays, default 10, the figure of SZ §25), attachments, withdrawal and the answer to the agency's
question. Every state change is a step of workflow.APPLICATION; nothing is written when anything is wrong.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import BinaryIO, Iterable

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from .. import workdays
from ..accounts.models import Role, User
from ..catalog.models import Dataset, DatasetState, OpenType
from ..errors import Conflict, Forbidden, Invalid, NotFound, PortalError
from ..extensions import db
from ..models_base import utcnow
from ..storage import TooLarge
from ..storage import files as stored_files
from ..storage.names import clean_filename
from . import permissions
from .models import Application, ApplicationAttachment, ApplicationState, ProvisionMethod
from .schemas import MAX_ATTACHMENTS, MAX_TEXT, ApplicationData, check
from .workflow import APPLICATION, OPEN_STATES, event

S = ApplicationState
# Proof of capability: the first bytes decide the type, never the file name or the browser's claim.
MAGIC = ((b"%PDF-", "application/pdf"), (b"\x89PNG\r\n\x1a\n", "image/png"), (b"\xff\xd8\xff", "image/jpeg"))


class AttachmentTooLarge(PortalError):
    status, code = 413, "too_large"


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


def editable(app_id: int, actor: User) -> Application:
    """The actor's own draft, to edit and submit (only a draft can still be submitted)."""
    app_ = get_application(app_id, actor)
    if not APPLICATION.may(app_, "submit", actor):
        raise Conflict(_("Only your own drafts can be edited."))
    return app_


def open_application(ds: Dataset, user: User) -> Application | None:
    """The user's application for this entry that is still in progress, if any."""
    return db.session.scalar(select(Application).where(
        Application.dataset_id == ds.id, Application.applicant_id == user.id,
        Application.state.in_(OPEN_STATES)).order_by(Application.id.desc()).limit(1))


def my_applications(user: User) -> list[Application]:
    return list(db.session.scalars(select(Application).where(Application.applicant_id == user.id)
                                   .order_by(Application.created_at.desc(), Application.id.desc())))


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


# ---- the applicant's steps ------------------------------------------------------------------
def _apply_data(app_: Application, data: ApplicationData) -> None:
    app_.scenario, app_.records_scope = data.scenario.strip(), data.records_scope.strip()
    app_.security_measures = data.security_measures.strip()
    order = [i.name for i in app_.dataset.items]
    app_.items = [i for i in order if i in set(data.items)]
    app_.provision_methods = [m for m in ProvisionMethod if m in set(data.provision_methods)]
    app_.period_start, app_.period_end = data.period_start, data.period_end
    app_.commit_truth, app_.commit_compliance = data.commit_truth, data.commit_compliance
    app_.commit_security = data.commit_security


def save(ds: Dataset | None, data: ApplicationData, uploads: Iterable[Upload], actor: User, *,
         application: Application | None = None, submit_now: bool = False) -> Application:
    """Create or update a draft (and submit it when asked). Nothing is written when anything is wrong."""
    if actor.role != Role.DATA_USER:
        raise Forbidden(_("Only data users apply for conditional data; staff accounts cannot."))
    if application is not None:
        if application.applicant_id != actor.id:
            raise NotFound(_("No application of yours has this number."))
        APPLICATION.check(application, "submit", actor)  # only drafts are edited
        ds = application.dataset
    elif (existing := open_application(ds, actor)) is not None:
        raise Conflict(_("You already have an application for this entry in progress."),
                       {"application": existing.id})
    errors = check(ds, data, complete=submit_now)
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
            event(application, "created", actor)
        if submit_now:
            _submit(application, actor)
        db.session.commit()
    except BaseException:
        _give_up(keys)
        raise
    return application


def _submit(app_: Application, actor: User) -> None:
    def submitted(_t) -> None:
        app_.submitted_at = app_.clock_started_at = utcnow()
        event(app_, "submitted", actor,
              _("Answer due by %(date)s.", date=workdays.due_text(app_.due_date, app_.clock_start)))

    APPLICATION.perform(app_, "submit", actor, effect=submitted, commit=False,
                        details=lambda: {"dataset": app_.dataset_id, "due": app_.due_date.isoformat()})


def _clock_stops_no_more(app_: Application) -> None:
    app_.remaining_workdays = app_.clock_stopped_at = None


def withdraw(app_: Application, actor: User) -> Application:
    """The applicant withdraws a draft or an application in progress."""
    def withdrawn(_t) -> None:
        _clock_stops_no_more(app_)
        event(app_, "withdrawn", actor)

    APPLICATION.perform(app_, "withdraw", actor, effect=withdrawn)
    return app_


def answer(app_: Application, actor: User, text: str, uploads: Iterable[Upload] = ()) -> Application:
    """The applicant answers the agency's question; a stopped clock starts again (PORTAL_APPLICATION_CLOCK)."""
    keys: list[str] = []
    text = (text or "").strip()

    def answered(_t) -> None:
        if not text:
            raise Invalid(_("Write your answer."), {"answer": _("Write your answer.")})
        if len(text) > MAX_TEXT:
            message = _("At most %(n)d characters.", n=MAX_TEXT)
            raise Invalid(message, {"answer": message})
        _store_attachments(app_, uploads, actor, keys)
        if app_.clock_stopped_at is not None:
            if current_app.config["APPLICATION_CLOCK"] == "restart":
                remaining = current_app.config["APPLICATION_WORKDAYS"]
            else:  # None: the application was overdue when the clock stopped, and its due date stands
                remaining = app_.remaining_workdays
            if remaining:
                now = utcnow()
                app_.due_date, app_.clock_started_at = workdays.add_workdays(now, remaining), now
        _clock_stops_no_more(app_)
        event(app_, "info_provided", actor, text)

    try:
        APPLICATION.perform(app_, "answer", actor, effect=answered, details=lambda: {"due": app_.due_date.isoformat()})
    except BaseException:
        stored_files.discard(keys)  # perform rolled the rows back first (a concurrent decision included)
        raise
    return app_
