"""Pages of planned withdrawals (/withdrawals): the agency's form, the case page the agency, the authority and
auditors read, with exactly the decisions `services.allowed_actions` offers. Thin: the rules are in services.py."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts import roles
from ..accounts.permissions import roles_required
from ..catalog.models import Dataset
from ..errors import Conflict, Invalid
from ..extensions import db
from ..fields import form_values
from . import services
from .schemas import WithdrawalActionIn

bp = Blueprint("withdrawals", __name__, url_prefix="/withdrawals")
T = "withdrawal/"


def _failed(exc) -> dict:
    db.session.rollback()
    return dict(exc.details) if exc.details else {"action": exc.message}


def _form(form: dict, errors: dict, status: int = 200):
    ds = db.session.get(Dataset, form.get("dataset") or "")
    return render_template(T + "form.html", form=form, errors=errors, ds=ds,
                           earliest=services.earliest_last_day(services.today())), status


@bp.route("/new", methods=["GET", "POST"])
@roles_required(roles.AGENCY_STAFF)
def new():
    if request.method == "GET":
        return _form({"dataset": request.args.get("dataset", "")}, {})
    form = request.form.to_dict()
    try:
        w = services.file(form, current_user)
    except Invalid as exc:
        return _form(form, _failed(exc), 422)
    flash(_("The withdrawal was announced; holders of grants and open applicants were told today."), "success")
    return redirect(url_for("withdrawals.show", withdrawal_id=w.id))


@bp.get("/<int:withdrawal_id>")
@roles_required(roles.CONSOLE_VIEWERS)
def show(withdrawal_id: int, errors: dict | None = None, status: int = 200):
    w = services.get(withdrawal_id, current_user)
    return render_template(T + "show.html", w=w, errors=errors or {},
                           actions=services.allowed_actions(w, current_user)), status


@bp.post("/<int:withdrawal_id>/act")
@roles_required(roles.STAFF)
def act(withdrawal_id: int):
    w = services.get(withdrawal_id, current_user)
    data, _errors = WithdrawalActionIn().read(form_values(WithdrawalActionIn(), request.form))
    try:
        services.act(w, data.get("action", ""), data.get("reason", ""), current_user, data.get("version"))
    except (Invalid, Conflict) as exc:
        return show(withdrawal_id, errors=_failed(exc), status=exc.status)
    flash(_("Recorded."), "success")
    return redirect(url_for("withdrawals.show", withdrawal_id=w.id))
