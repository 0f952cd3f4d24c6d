"""Pages of authorised operation (/operation): the agreements the authority, auditors and each operator read,
with the steps `services.allowed_actions` offers, and the public list of operators when it is public. Thin."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts import roles
from ..accounts.permissions import roles_required
from ..errors import Conflict, Forbidden, Invalid
from ..extensions import db
from ..opening.vocab import REPORT_INTERVALS
from . import reports, services

bp = Blueprint("operation", __name__, url_prefix="/operation")
T = "operation/"


@bp.get("/")
@roles_required(roles.OPERATION_VIEWERS)
def index():
    return render_template(T + "list.html", agreements=services.visible(current_user),
                           may_create=roles.is_authority(current_user))


def _form(form: dict, errors: dict, status: int = 200):
    return render_template(T + "form.html", form=form, errors=errors, intervals=REPORT_INTERVALS,
                           default_every=current_app.config["USAGE_REPORT_DAYS"]), status


@bp.route("/new", methods=["GET", "POST"])
@roles_required(roles.AUTHORITY)
def new():
    """The authority enters an agreement on a form read by the API's schema (AgreementIn, in services.create)."""
    if request.method == "GET":
        return _form({}, {})
    form = request.form.to_dict()
    form["entries"] = request.form.getlist("entries")
    try:
        a = services.create(form, current_user)
    except (Invalid, Conflict) as exc:
        db.session.rollback()
        errors = dict(exc.details) if exc.details else {"operator": exc.message}
        return _form({**form, "entries": "\n".join(form["entries"])}, errors, status=exc.status)
    flash(_("The agreement was entered; record the risk assessment before putting it in force."), "success")
    return redirect(url_for("operation.show", agreement_id=a.id))


@bp.get("/<int:agreement_id>")
@roles_required(roles.OPERATION_VIEWERS)
def show(agreement_id: int, errors: dict | None = None, status: int = 200, report_text: str = ""):
    a = services.get(agreement_id, current_user)
    return render_template(T + "show.html", a=a, errors=errors or {}, files=services.file_links(a),
                           actions=services.allowed_actions(a, current_user), schedule=reports.schedule(a),
                           may_report=reports.may_report(a, current_user), report_text=report_text), status


@bp.post("/<int:agreement_id>/act")
@roles_required(roles.AUTHORITY)
def act(agreement_id: int):
    a = services.get(agreement_id, current_user)
    try:
        services.act(a, request.form.to_dict(), current_user)
    except (Invalid, Conflict) as exc:
        db.session.rollback()
        return show(agreement_id, errors=dict(exc.details) if exc.details else {"action": exc.message},
                    status=exc.status)
    flash(_("Recorded."), "success")
    return redirect(url_for("operation.show", agreement_id=a.id))


@bp.post("/<int:agreement_id>/report")
@roles_required(roles.OPERATORS)
def report(agreement_id: int):
    """The operator files its next usage report (the form reads UsageReportIn, as the API)."""
    a = services.get(agreement_id, current_user)
    try:
        reports.file(a, request.form.to_dict(), current_user)
    except (Invalid, Conflict, Forbidden) as exc:
        db.session.rollback()
        return show(agreement_id, errors=dict(exc.details) if exc.details else {"report": exc.message},
                    status=exc.status, report_text=request.form.get("report", ""))
    flash(_("Usage report filed."), "success")
    return redirect(url_for("operation.show", agreement_id=a.id))


@bp.get("/operators")
def operators():
    return render_template(T + "operators.html", agreements=services.public_operators())
