"""Pages of conditional-open applications: the form, my applications, the case page, the agency's
console list, decisions, grants, usage reports, and the public page of decisions."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from .. import workdays
from ..accounts import roles
from ..accounts.models import Role
from ..accounts.permissions import login_required, roles_required
from ..disputes import services as dispute_services
from ..errors import BadRequest, Invalid, PortalError
from ..storage import storage
from ..storage.names import clean_filename
from . import applications, decisions, grants, pages, public, reports
from .forms import ApplicationForm
from .schemas import max_days
from .workflow import APPLICATION, today
from .vocab import EVENT_LABELS, METHOD_LABELS, REPORT_INTERVALS

bp = Blueprint("opening", __name__)


@bp.context_processor
def _labels():
    return {"method_labels": METHOD_LABELS, "event_labels": EVENT_LABELS, "report_intervals": REPORT_INTERVALS}


# ---- the applicant's form ---------------------------------------------------------------
def _form_page(form: ApplicationForm, ds, application=None, status: int = 200):
    form.items.choices = [SelectChoice(i.name, f"{i.name}（{i.description}）" if i.description else i.name)
                          for i in ds.items]
    return render_template("opening/form.html", form=form, ds=ds, application=application,
                           max_days=max_days()), status


def _show_errors(form: ApplicationForm, exc: PortalError) -> None:
    for name, message in exc.details.items():
        if name in form._fields and message:
            form[name].errors = [*(form[name].errors or []), message]
    form.form_errors.append(exc.message)


def _save(form: ApplicationForm, ds, application=None):
    """Save the draft or submit it, as the pressed button says; the form again with errors otherwise."""
    submit_now = request.form.get("action") == "submit"
    form.items.choices = [SelectChoice(i.name, i.name) for i in ds.items]
    if not form.validate():
        return _form_page(form, ds, application, 422)
    try:
        application = applications.save(ds, form.to_data(), form.uploads(), current_user,
                                        application=application, submit_now=submit_now)
    except (Invalid, applications.AttachmentTooLarge) as exc:
        _show_errors(form, exc)
        return _form_page(form, ds, application, exc.status)
    if submit_now:
        flash(_("Your application was submitted. The agency answers by %(date)s.",
                date=workdays.due_text(application.due_date, application.clock_start)), "success")
    else:
        flash(_("Draft saved. Submit it when it is complete."), "success")
    return redirect(url_for("opening.show", app_id=application.id))


@bp.route("/dataset/<slug>/apply", methods=["GET", "POST"])
@roles_required(Role.DATA_USER)
def apply(slug: str):
    """Apply for a conditional-open entry; the entry's published conditions are shown beside the form."""
    ds = applications.applicable_dataset(slug)
    existing = applications.open_application(ds, current_user)
    if existing is not None:
        flash(_("You already have an application for this entry in progress."), "info")
        return redirect(url_for("opening.show", app_id=existing.id))
    form = ApplicationForm()
    if request.method == "GET":
        form.provision_methods.data = ["download"]
        form.period_start.data = today()
        return _form_page(form, ds)
    return _save(form, ds)


@bp.route("/applications/<int:app_id>/edit", methods=["GET", "POST"])
@roles_required(Role.DATA_USER)
def edit(app_id: int):
    """Edit a draft, then save it again or submit it."""
    application = applications.editable(app_id, current_user)
    if request.method == "GET":
        form = ApplicationForm(obj=application)
        return _form_page(form, application.dataset, application)
    return _save(ApplicationForm(), application.dataset, application)


@bp.get("/applications")
@roles_required(Role.DATA_USER)
def mine():
    """My applications with their state, my grants with their reports, and any suspension of my access."""
    return render_template("opening/mine.html", applications=applications.my_applications(current_user),
                           grants=grants.my_grants(current_user), blocks=grants.active_blocks(current_user.id),
                           schedule=reports.report_schedule, answer_due=pages.answer_due,
                           grant_note=grants.state_note, today=today())


# ---- the case page ----------------------------------------------------------------------------
def _case_page(application, errors: dict | None = None, status: int = 200):
    page = pages.case_page(application, current_user)
    disputable = {kind: case.id for kind, case in (("application", application), ("grant", page.grant))
                  if dispute_services.may_file(kind, case, current_user)}  # the "dispute" buttons
    return render_template("opening/show.html", a=application, page=page, grant=page.grant, errors=errors or {},
                           today=today(), disputable=disputable), status


@bp.get("/applications/<int:app_id>")
@login_required
def show(app_id: int):
    """One application: its fields, attachments, timeline, due date, decision, grant and reports."""
    return _case_page(applications.get_application(app_id, current_user))


def _invalid_page(application, exc: Invalid):
    errors = {k: (v or exc.message) for k, v in exc.details.items()}
    errors["_form"] = exc.message
    return _case_page(application, errors, exc.status)


@bp.post("/applications/<int:app_id>/withdraw")
@login_required  # who may: the `actors` column of workflow.APPLICATION
def withdraw(app_id: int):
    application = applications.get_application(app_id, current_user)
    applications.withdraw(application, current_user)
    flash(_("The application was withdrawn."), "success")
    return redirect(url_for("opening.show", app_id=app_id))


@bp.post("/applications/<int:app_id>/answer")
@login_required  # who may: the `actors` column of workflow.APPLICATION
def answer(app_id: int):
    """The applicant answers the agency's request for more information."""
    application = applications.get_application(app_id, current_user)
    uploads = [applications.Upload(f.filename or "", f.stream) for f in request.files.getlist("attachments")
               if f.filename]
    try:
        applications.answer(application, current_user, request.form.get("answer", ""), uploads)
    except (Invalid, applications.AttachmentTooLarge) as exc:
        return _invalid_page(applications.get_application(app_id, current_user), exc)
    flash(_("Your answer was sent; the agency answers by %(date)s.",
            date=workdays.due_text(application.due_date, application.clock_start)), "success")
    return redirect(url_for("opening.show", app_id=app_id))


def _date(name: str) -> date | None:
    raw = (request.form.get(name) or "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise Invalid(_("Write the date as YYYY-MM-DD."), {name: _("Write the date as YYYY-MM-DD.")})


@bp.post("/applications/<int:app_id>/decide")
@login_required  # who may: the `actors` column of workflow.APPLICATION
def decide(app_id: int):
    """The agency approves, refuses, or asks for more information."""
    application = applications.get_application(app_id, current_user)
    action = request.form.get("action")
    if action not in ("approve", "refuse", "request_info"):
        raise BadRequest(_("Choose approve, refuse or ask for more information."))
    APPLICATION.check(application, action, current_user)  # 403 or 409 before the form is read
    try:
        if action == "approve":
            every = request.form.get("report_every_days", "")
            approval = decisions.Approval(
                purpose=request.form.get("purpose", ""), scope=request.form.get("scope", ""), end=_date("end"),
                resource_ids=request.form.getlist("resources") if request.form.get("resources_sent") else None,
                report_every_days=int(every) if every.isdigit() else None)
            decisions.approve(application, current_user, approval)
            flash(_("Approved. The applicant may now use the data."), "success")
        elif action == "refuse":
            decisions.refuse(application, current_user, request.form.get("reason", ""),
                            request.form.get("legal_basis", ""))
            flash(_("Refused. The applicant has been told the reason and legal basis."), "success")
        else:
            decisions.request_info(application, current_user, request.form.get("question", ""))
            flash(_("The applicant has been asked for more information."), "success")
    except Invalid as exc:
        return _invalid_page(applications.get_application(app_id, current_user), exc)
    return redirect(url_for("opening.show", app_id=app_id))


@bp.get("/applications/<int:app_id>/attachments/<int:attachment_id>")
@login_required
def attachment(app_id: int, attachment_id: int):
    """An attachment, for those who may see the application."""
    att = applications.attachment(applications.get_application(app_id, current_user), attachment_id)
    return send_file(storage().path(att.storage_key), mimetype=att.media_type, as_attachment=True,
                     download_name=clean_filename(att.filename, "attachment"), max_age=0)


# ---- grants, reports, suspensions ---------------------------------------------------------------
@bp.post("/grants/<int:grant_id>/reports")
@roles_required(Role.DATA_USER)
def report(grant_id: int):
    """The holder files a usage report."""
    grant = grants.get_grant(grant_id, current_user)
    try:
        reports.file_report(grant, current_user, request.form.get("report", ""))
    except Invalid as exc:
        return _invalid_page(grant.application, exc)
    flash(_("Usage report filed. Thank you."), "success")
    return redirect(url_for("opening.show", app_id=grant.application_id))


@bp.post("/grants/<int:grant_id>/status")
@login_required  # who may: the `actors` column of workflow.GRANT
def grant_status(grant_id: int):
    """Suspend, resume or revoke a grant, with a reason (R2024 §50)."""
    grant = grants.get_grant(grant_id, current_user)
    try:
        grants.change_grant(grant, current_user, request.form.get("action", ""), request.form.get("reason", ""))
    except Invalid as exc:
        return _invalid_page(grant.application, exc)
    flash(_("Access changed; the holder has been told why."), "success")
    return redirect(url_for("opening.show", app_id=grant.application_id))


@bp.post("/users/<int:user_id>/access-block")
@roles_required(*roles.STAFF)
def block(user_id: int):
    """Suspend a data user's access for misuse: the agency for its data, the authority for all."""
    back = request.form.get("application", "")
    application = applications.get_application(int(back), current_user) if back.isdigit() else None
    try:
        grants.block_user(user_id, current_user, request.form.get("reason", ""))
    except Invalid as exc:
        if application is None:
            raise
        return _invalid_page(application, exc)
    flash(_("The user's access to data is suspended; the user has been told why."), "success")
    return redirect(url_for("opening.show", app_id=application.id) if application else url_for("opening.console"))


@bp.post("/access-blocks/<int:block_id>/lift")
@roles_required(*roles.STAFF)
def lift(block_id: int):
    grants.lift_block(block_id, current_user, request.form.get("reason", ""))
    flash(_("The suspension was lifted."), "success")
    return redirect(url_for("opening.console"))


# ---- the agency's console ----------------------------------------------------------------------------
@bp.get("/console/applications")
@roles_required(*roles.CONSOLE_VIEWERS)
def console():
    """Applications by due date (overdue and due soon marked), missing usage reports, grants, suspensions."""
    return render_template("opening/console.html", rows=decisions.queue(current_user),
                           missing=reports.missing_reports(current_user), grants=grants.grants_for(current_user),
                           blocks=pages.console_blocks(current_user), decided=decisions.decided(current_user),
                           today=today())


# ---- public --------------------------------------------------------------------------------------------
@bp.get("/decisions")
def decision_index():
    """Every conditional entry with decided applications, and its counts."""
    return render_template("opening/decision_index.html", rows=public.decision_index())


@bp.get("/dataset/<slug>/decisions")
def public_decisions(slug: str):
    """The entry's application outcomes: counts and anonymised decisions with refusal reasons."""
    return render_template("opening/decisions.html", result=public.public_decisions(slug))
