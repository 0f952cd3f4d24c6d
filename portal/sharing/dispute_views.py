"""Pages of error checks (/sharing/errors), disputes (/sharing/disputes) and stop/change notices
(/sharing/notices): the forms for the officers, the case pages both parties read, the decisions offered by
the tables' allowed actions. Thin: the rules are in errors_check.py, disputes.py and notices.py."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts import roles
from ..accounts.permissions import roles_required
from ..catalog.models import Dataset
from ..disputes import referral
from ..errors import Conflict, Forbidden, Invalid
from ..extensions import db
from ..fields import form_values
from . import disputes, errors_check, notices, sweep  # noqa: F401  (sweep: the deadline run moves cases)
from .dispute_common import grants_of
from .dispute_schemas import ShareDisputeActionIn, ShareDisputeIn, ErrorAnswerIn, ErrorReportIn, NoticeActionIn, NoticeIn
from .models import ShareGrant, ShareRequest

bp = Blueprint("sharing_disputes", __name__, url_prefix="/sharing")
READERS = (*roles.SHARING_VIEWERS, *roles.EXPERTS)
T = "sharing/disputes/"


def _failed(exc) -> dict:
    db.session.rollback()
    return dict(exc.details) if exc.details else {"action": exc.message}


# ---- stop / change notices -------------------------------------------------------------------------
@bp.get("/notices")
@roles_required(roles.SHARING_VIEWERS)
def notice_list():
    return render_template(T + "notices.html", rows=notices.visible(current_user))


def _notice_form(form: dict, errors: dict, status: int = 200):
    ds = db.session.get(Dataset, form.get("dataset") or "") if form.get("dataset") else None
    return render_template(T + "notice_form.html", form=form, errors=errors, ds=ds,
                           kinds=notices.KIND_LABELS,
                           holders=grants_of(ds.id) if ds is not None else [],
                           earliest=notices.earliest_last_day(notices.today())), status


@bp.route("/notices/new", methods=["GET", "POST"])
@roles_required(roles.AGENCY_STAFF)
def new_notice():
    if request.method == "GET":
        return _notice_form({"dataset": request.args.get("dataset", ""), "kind": "stop"}, {})
    form = form_values(NoticeIn(), request.form)
    try:
        notice = notices.file_notice(form, current_user)
    except Invalid as exc:
        return _notice_form(request.form.to_dict(), _failed(exc), 422)
    flash(_("The notice was filed; the agencies holding grants of the entry were told today."), "success")
    return redirect(notices.link(notice))


@bp.get("/notices/<int:notice_id>")
@roles_required(roles.SHARING_VIEWERS)
def notice(notice_id: int, errors: dict | None = None, status: int = 200):
    n = notices.get_notice(notice_id, current_user)
    return render_template(T + "notice.html", n=n, errors=errors or {}, kind=notices.KIND_LABELS.get(n.kind, n.kind),
                           actions=notices.allowed_actions(n, current_user)), status


@bp.post("/notices/<int:notice_id>/act")
@roles_required(roles.SHARING_VIEWERS)
def act_on_notice(notice_id: int):
    n = notices.get_notice(notice_id, current_user)
    data, _errors = NoticeActionIn().read(form_values(NoticeActionIn(), request.form))
    try:
        notices.act(n, data.get("action", ""), data.get("reason", ""), current_user, data.get("version"))
    except (Invalid, Conflict) as exc:
        return notice(notice_id, errors=_failed(exc), status=exc.status)
    flash(_("Recorded."), "success")
    return redirect(notices.link(n))


# ---- error checks ------------------------------------------------------------------------------------
@bp.get("/errors")
@roles_required(roles.SHARING_VIEWERS)
def error_list():
    return render_template(T + "errors.html", rows=errors_check.visible(current_user))


def _error_form(form: dict, errors: dict, status: int = 200):
    grant = errors_check.grant_for_report(_int(form.get("grant")), current_user)
    return render_template(T + "error_form.html", form=form, errors=errors, grant=grant,
                           checks=errors_check.open_checks_of(grant.dataset_id) if grant else []), status


def _int(value) -> int | None:
    return int(value) if str(value or "").isdigit() else None


@bp.route("/errors/new", methods=["GET", "POST"])
@roles_required(roles.AGENCY_STAFF)
def new_error():
    if request.method == "GET":
        return _error_form({"grant": request.args.get("grant", "")}, {})
    try:
        report = errors_check.report_error(form_values(ErrorReportIn(), request.form), current_user)
    except Invalid as exc:
        return _error_form(request.form.to_dict(), _failed(exc), 422)
    flash(_("Reported late: more than 5 working days after the error was found.") if report.late
          else _("Reported. The providing agency answers within 10 working days."), "warning" if report.late else "success")
    return redirect(errors_check.link(report))


@bp.get("/errors/<int:report_id>")
@roles_required(roles.SHARING_VIEWERS)
def error_report(report_id: int, errors: dict | None = None, status: int = 200):
    r = errors_check.get_report(report_id, current_user)
    return render_template(T + "error.html", r=r, errors=errors or {}, outcomes=errors_check.OUTCOME_LABELS,
                           grant=db.session.get(ShareGrant, r.grant_id) if r.grant_id else None,
                           checks=errors_check.open_checks_of(r.dataset_id),
                           actions=errors_check.allowed_actions(r, current_user)), status


@bp.post("/errors/<int:report_id>/answer")
@roles_required(roles.AGENCY_STAFF)
def answer_error(report_id: int):
    r = errors_check.get_report(report_id, current_user)
    values = form_values(ErrorAnswerIn(), request.form)
    try:
        errors_check.answer(r, values, current_user, _int(request.form.get("version")))
    except (Invalid, Conflict) as exc:
        return error_report(report_id, errors=_failed(exc), status=exc.status)
    flash(_("The answer was recorded and sent."), "success")
    return redirect(errors_check.link(r))


# ---- disputes ----------------------------------------------------------------------------------------
@bp.get("/disputes")
@roles_required(READERS)
def dispute_list():
    return render_template(T + "disputes.html", rows=disputes.visible(current_user))


def _dispute_form(form: dict, errors: dict, status: int = 200):
    req = db.session.get(ShareRequest, _int(form.get("request"))) if _int(form.get("request")) else None
    if req is not None and not roles.reads_share_case(current_user, requester_agency_id=req.requester_agency_id,
                                                      provider_agency_id=req.provider_agency_id):
        req = None
    ds = db.session.get(Dataset, form.get("dataset")) if form.get("dataset") else None
    return render_template(T + "dispute_form.html", form=form, errors=errors, req=req, ds=ds), status


@bp.route("/disputes/new", methods=["GET", "POST"])
@roles_required(roles.AGENCY_STAFF)
def new_dispute():
    if request.method == "GET":
        return _dispute_form({"request": request.args.get("request", ""), "dataset": request.args.get("dataset", "")}, {})
    try:
        dispute = disputes.open_dispute(form_values(ShareDisputeIn(), request.form), current_user)
    except (Invalid, Conflict) as exc:
        return _dispute_form(request.form.to_dict(), _failed(exc), exc.status)
    flash(_("The dispute is open. Negotiate by %(date)s.", date=dispute.due_date.isoformat()), "success")
    return redirect(disputes.link(dispute))


@bp.get("/disputes/<int:dispute_id>")
@roles_required(READERS)
def dispute(dispute_id: int, errors: dict | None = None, status: int = 200):
    d = disputes.get_dispute(dispute_id, current_user)
    actions = disputes.allowed_actions(d, current_user)
    return render_template(T + "dispute.html", d=d, errors=errors or {}, outcomes=disputes.OUTCOME_LABELS,
                           actions=actions, experts=referral.experts_of(disputes.CASE_TYPE, d.id),
                           committee=referral.active_experts() if "refer" in actions else []), status


@bp.post("/disputes/<int:dispute_id>/act")
@roles_required(roles.SHARING_VIEWERS)
def act_on_dispute(dispute_id: int):
    d = disputes.get_dispute(dispute_id, current_user)
    try:
        disputes.act(d, form_values(ShareDisputeActionIn(), request.form), current_user)
    except (Invalid, Conflict) as exc:
        return dispute(dispute_id, errors=_failed(exc), status=exc.status)
    except Forbidden:
        db.session.rollback()
        raise
    flash(_("Recorded."), "success")
    return redirect(disputes.link(d))
