"""Pages of complaints, corrections and reports: forms for users, case pages, decisions for staff."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..accounts import access, roles
from ..accounts.models import Role
from ..accounts.permissions import login_required, roles_required
from ..accounts.verification import identity_problem
from ..agencies.models import Agency
from ..audit import services as audit
from ..catalog.queries import get_published_dataset
from ..disputes import services as dispute_services
from ..errors import Conflict, Invalid, NotFound
from ..extensions import db
from ..fields import form_files, form_values
from ..storage import storage
from ..storage.names import clean_filename
from . import complaints, correction_notices, corrections, evidence, rate_limits, reports
from .common import works_in_console
from .models import Attachment, Right
from .schemas import ComplaintIn, CorrectionIn, ReportIn

bp = Blueprint("feedback", __name__)


@bp.app_context_processor
def _helpers():
    return {"can_complain": complaints.can_complain,
            "open_complaints": complaints.open_complaints, "right_labels": complaints.RIGHT_LABELS,
            "outcome_labels": complaints.OUTCOME_LABELS, "complaint_status": complaints.status_label,
            "action_labels": complaints.ACTION_LABELS, "correction_status": corrections.status_label,
            "correction_badge": corrections.status_badge, "report_status": reports.status_label}


def _send(att: Attachment):
    audit.record_access("attachment", 200, detail=f"{att.owner_type}:{att.owner_id}:{att.id}")
    db.session.commit()
    return send_file(storage().path(att.storage_key), mimetype=att.media_type, as_attachment=True,
                     download_name=clean_filename(att.filename, "file"), max_age=0)


def _attachment(owner_type: str, owner_id: int, attachment_id: int) -> Attachment:
    att = db.session.get(Attachment, attachment_id)
    if att is None or att.owner_type != owner_type or att.owner_id != owner_id:
        raise NotFound(_("No file has this address."))
    return att


# ---- rights complaints ------------------------------------------------------------
def _complaint_form(ds, form: dict, errors: dict, status: int = 200):
    return render_template("feedback/complaint_form.html", ds=ds, form=form, errors=errors, rights=list(Right),
                           max_files=evidence.MAX_FILES, limit=evidence.size_limit(),
                           types=evidence.accepted_types()), status


@bp.route("/dataset/<slug>/complaint", methods=["GET", "POST"])
@login_required
@rate_limits.complaint_limits(methods=["POST"])
def new_complaint(slug: str):
    """File a rights complaint with evidence from a verified identity; the entry is suspended at once
    (R2024 §28), or, in a burst of complaints from a new account, held for a quick decision."""
    ds = get_published_dataset(slug)
    if not complaints.can_complain(ds):
        raise NotFound(_("Rights complaints can be filed only on opened catalog entries."))
    if problem := identity_problem(current_user):
        return render_template("feedback/complaint_form.html", ds=ds, blocked=problem), 403
    if request.method == "GET":
        return _complaint_form(ds, {}, {})
    form = {**form_values(ComplaintIn(), request.form), "dataset": ds.slug}
    try:
        complaint = complaints.file_complaint(ds, form, form_files(request.files, "evidence"), current_user)
    except Invalid as exc:
        return _complaint_form(ds, form, exc.details, 422)
    if complaint.is_held:
        flash(_("Your complaint was received. Because of an unusual number of complaints, it is checked before the "
                "entry is suspended."), "success")
    else:
        flash(_("Your complaint was received. Opening of the entry is suspended while the agency verifies it."),
              "success")
    return redirect(url_for("feedback.complaint", complaint_id=complaint.id))


@bp.get("/complaints/<int:complaint_id>")
@login_required
def complaint(complaint_id: int, errors: dict | None = None, status: int = 200):
    c = complaints.get_complaint(complaint_id, current_user)
    return render_template("feedback/complaint.html", c=c, errors=errors or {},
                           may_dispute=dispute_services.may_file("complaint", c, current_user),
                           files=evidence.attachments("complaint", c.id),
                           actions=complaints.allowed_actions(c, current_user),
                           changed=complaints.changed_files(c) if c.is_open else [],
                           console=works_in_console(current_user), entry_listed=c.dataset.is_published,
                           history=complaints.may_see_history(current_user)), status


@bp.post("/complaints/<int:complaint_id>/decide")
@roles_required(*roles.STAFF)
def decide_complaint(complaint_id: int):
    """A decision of the complaint workflow: the agency withdraws, resumes or opens after processing; the
    agency or the authority rejects an abusive complaint or lets a held one through."""
    c = complaints.get_complaint(complaint_id, current_user)
    try:
        complaints.decide(c, request.form.get("outcome", ""), request.form.get("reason", ""), current_user)
    except (Invalid, Conflict) as exc:
        db.session.rollback()
        details = exc.details if set(exc.details) & {"outcome", "reason"} else {"outcome": exc.message}
        return complaint(complaint_id, errors=details, status=exc.status)
    flash(_("The decision was recorded and sent to the complainant."), "success")
    return redirect(url_for("feedback.complaint", complaint_id=c.id))


@bp.get("/complaints/<int:complaint_id>/evidence/<int:attachment_id>")
@login_required
def complaint_evidence(complaint_id: int, attachment_id: int):
    c = complaints.get_complaint(complaint_id, current_user)
    return _send(_attachment("complaint", c.id, attachment_id))


@bp.get("/console/complaints/accounts/<int:user_id>")
@roles_required(*roles.OVERSEERS)
def account_history(user_id: int):
    """Every complaint one account has filed, with outcomes, so abuse of the channel shows."""
    history = complaints.account_history(user_id, current_user)
    return render_template("feedback/account_history.html", h=history,
                           suspension=access.active_suspension(history.user))


# ---- corrections --------------------------------------------------------------------
@bp.get("/dataset/<slug>/corrections")
def dataset_corrections(slug: str):
    """The public list of an entry's corrections with their state and answer (no reporter names)."""
    ds = get_published_dataset(slug)
    return render_template("feedback/corrections_public.html", ds=ds, rows=corrections.public_list(ds))


def _correction_form(ds, form: dict, errors: dict, status: int = 200):
    return render_template("feedback/correction_form.html", ds=ds, form=form, errors=errors,
                           limit=evidence.size_limit(), types=evidence.accepted_types()), status


@bp.route("/dataset/<slug>/corrections/new", methods=["GET", "POST"])
@login_required
def new_correction(slug: str):
    ds = get_published_dataset(slug)
    if request.method == "GET":
        return _correction_form(ds, {"resource": request.args.get("resource", "")}, {})
    form = {**form_values(CorrectionIn(), request.form), "dataset": ds.slug}
    try:
        c = corrections.file_correction(ds, form, form_files(request.files, "attachment"), current_user)
    except Invalid as exc:
        return _correction_form(ds, form, exc.details, 422)
    flash(_("Thank you. The entry is marked “correction in progress” until the agency answers."), "success")
    return redirect(url_for("feedback.correction", correction_id=c.id))


@bp.get("/corrections/<int:correction_id>")
@login_required
def correction(correction_id: int, errors: dict | None = None, status: int = 200):
    c = corrections.get_correction(correction_id, current_user)
    return render_template("feedback/correction.html", c=c, errors=errors or {},
                           may_dispute=dispute_services.may_file("correction", c, current_user),
                           files=evidence.attachments("correction", c.id),
                           actions=corrections.allowed_actions(c, current_user),
                           told=correction_notices.told_for(c, current_user),
                           console=works_in_console(current_user)), status


@bp.post("/corrections/<int:correction_id>/decide")
@roles_required(Role.AGENCY_STAFF)
def decide_correction(correction_id: int):
    c = corrections.get_correction(correction_id, current_user)
    try:
        corrections.decide(c, request.form.get("action", ""), request.form.get("answer", ""), current_user)
    except (Invalid, Conflict) as exc:
        db.session.rollback()
        details = exc.details if set(exc.details) & {"action", "answer"} else {"action": exc.message}
        return correction(correction_id, errors=details, status=exc.status)
    flash(_("The answer was recorded and sent to the reporter."), "success")
    return redirect(url_for("feedback.correction", correction_id=c.id))


@bp.get("/corrections/<int:correction_id>/attachment/<int:attachment_id>")
@login_required
def correction_attachment(correction_id: int, attachment_id: int):
    c = corrections.get_correction(correction_id, current_user)
    return _send(_attachment("correction", c.id, attachment_id))


# ---- reports of illegal use -------------------------------------------------------------
def _report_form(form: dict, errors: dict, status: int = 200):
    agencies = db.session.scalars(select(Agency).order_by(Agency.level.desc(), Agency.name)).all()
    ds = get_published_dataset(form["dataset"]) if form.get("dataset") and "dataset" not in errors else None
    return render_template("feedback/report_form.html", form=form, errors=errors, agencies=agencies, ds=ds,
                           max_files=evidence.MAX_FILES, limit=evidence.size_limit(),
                           types=evidence.accepted_types()), status


@bp.route("/reports/new", methods=["GET", "POST"])
@login_required
def new_report():
    """Report illegal use of public data (R2024 §46)."""
    if request.method == "GET":
        return _report_form({"dataset": request.args.get("dataset", "")}, {})
    form = form_values(ReportIn(), request.form)
    try:
        r = reports.file_report(form, form_files(request.files, "evidence"), current_user)
    except Invalid as exc:
        return _report_form(form, exc.details, 422)
    flash(_("Your report was received; you will get the answer in your inbox."), "success")
    return redirect(url_for("feedback.report", report_id=r.id))


@bp.get("/reports/<int:report_id>")
@login_required
def report(report_id: int, errors: dict | None = None, status: int = 200):
    r = reports.get_report(report_id, current_user)
    suspended = access.active_suspension(r.reported_user) if r.reported_user else None
    return render_template("feedback/report.html", r=r, errors=errors or {}, files=evidence.attachments("report", r.id),
                           actions=reports.allowed_actions(r, current_user), suspension=suspended,
                           console=works_in_console(current_user)), status


@bp.post("/reports/<int:report_id>/answer")
@roles_required(*roles.STAFF)
def answer_report(report_id: int):
    r = reports.get_report(report_id, current_user)
    try:
        reports.answer(r, request.form.get("answer", ""), current_user)
    except (Invalid, Conflict) as exc:
        db.session.rollback()
        return report(report_id, errors=exc.details or {"answer": exc.message}, status=exc.status)
    flash(_("The answer was sent to the reporter."), "success")
    return redirect(url_for("feedback.report", report_id=r.id))


@bp.post("/reports/<int:report_id>/access")
@roles_required(*roles.AUTHORITY)
def report_access(report_id: int):
    """Suspend (or restore) the reported account's data access, from the report."""
    r = reports.get_report(report_id, current_user)
    try:
        if request.form.get("action") == "restore":
            reports.restore_access(r, request.form.get("reason", ""), current_user)
            flash(_("The account's data access was restored."), "success")
        else:
            reports.suspend_access(r, request.form.get("email", ""), request.form.get("reason", ""), current_user)
            flash(_("The account's data access is suspended."), "success")
    except (Invalid, Conflict) as exc:
        db.session.rollback()
        return report(report_id, errors={"access": exc.message, **exc.details}, status=exc.status)
    return redirect(url_for("feedback.report", report_id=r.id))


@bp.get("/reports/<int:report_id>/evidence/<int:attachment_id>")
@login_required
def report_evidence(report_id: int, attachment_id: int):
    r = reports.get_report(report_id, current_user)
    return _send(_attachment("report", r.id, attachment_id))


# ---- lists ------------------------------------------------------------------------
@bp.get("/my/cases")
@login_required
def my_cases():
    """The user's own complaints, corrections and reports with their state."""
    return render_template("feedback/my_cases.html", complaints=complaints.own_complaints(current_user),
                           corrections=corrections.own_corrections(current_user),
                           reports=reports.own_reports(current_user))


@bp.get("/console/cases")
@roles_required(*roles.CONSOLE_VIEWERS)
def console_cases():
    """Complaints, corrections and reports: the agency's own for staff, all for the authority and auditors."""
    overseer = complaints.may_see_history(current_user)
    return render_template("feedback/console_cases.html", complaints=complaints.complaints_for(current_user),
                           held=complaints.held_complaints(current_user),
                           corrections=corrections.corrections_for(current_user),
                           reports=reports.reports_for(current_user),
                           complainants=complaints.complainant_counts() if overseer else [])
