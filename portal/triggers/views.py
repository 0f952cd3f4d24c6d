"""Pages of catalog update triggers (/console/catalog-updates): the list with due and overdue marks, the filing
form (agency staff, the authority), a trigger's page with the per-entry "no change" answer; auditors read.
Thin: the rules are in services.py."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts import roles
from ..accounts.permissions import roles_required
from ..errors import Conflict, Forbidden, Invalid
from ..extensions import db
from ..fields import form_values
from ..withdrawal import services as withdrawals
from . import services
from .models import ANSWER_LABELS, KIND_LABELS
from .schemas import NoChangeIn, TriggerIn

bp = Blueprint("triggers", __name__, url_prefix="/console/catalog-updates")
T = "triggers/"


def _failed(exc) -> dict:
    db.session.rollback()
    return dict(exc.details) if exc.details else {"action": exc.message}


@bp.get("/")
@roles_required(roles.CONSOLE_VIEWERS)
def index():
    rows = services.listing(current_user)
    return render_template(T + "list.html", rows=rows, may_file=services.may_file(current_user),
                           overdue=sum(r.overdue for r in rows), workdays=services.workdays_allowed())


def _form(form: dict, errors: dict, status: int = 200):
    return render_template(T + "form.html", form=form, errors=errors, kinds=list(KIND_LABELS.items()),
                           entries=services.choosable_entries(current_user),
                           chosen=set(form.get("entries") or []), workdays=services.workdays_allowed()), status


@bp.route("/new", methods=["GET", "POST"])
@roles_required(roles.STAFF)
def new():
    if not services.may_file(current_user):
        raise Forbidden(_("Only agency staff and the data authority file catalog update triggers."))
    if request.method == "GET":
        return _form({"entries": request.args.getlist("entries")}, {})
    form = form_values(TriggerIn(), request.form)
    try:
        t = services.file(form, current_user)
    except Invalid as exc:
        return _form(form, _failed(exc), 422)
    flash(_("The trigger was filed: the catalog is due for update by %(date)s.", date=t.due_date.isoformat()),
          "success")
    return redirect(url_for("triggers.show", trigger_id=t.id))


@bp.get("/<int:trigger_id>")
@roles_required(roles.CONSOLE_VIEWERS)
def show(trigger_id: int, form: dict | None = None, errors: dict | None = None, status: int = 200):
    t = services.get(trigger_id, current_user)
    actions = services.allowed_actions(t, current_user)
    rows = [{"entry": e, "answer": ANSWER_LABELS.get(e.answer, "") if e.answer else "",
             "may_answer": "no_change" in actions and e.answer is None,
             "withdrawal": withdrawals.announced(e.dataset_id),
             "may_announce": e.answer is None and withdrawals.may_file(e.dataset, current_user)}
            for e in t.entries]
    overdue, due_soon = services.marks(t)
    return render_template(T + "show.html", t=t, rows=rows, kind=services.kind_label(t), overdue=overdue,
                           due_soon=due_soon, form=form or {}, errors=errors or {}), status


@bp.post("/<int:trigger_id>/no-change")
@roles_required(roles.AGENCY_STAFF)
def no_change(trigger_id: int):
    t = services.get(trigger_id, current_user)
    form = form_values(NoChangeIn(), request.form)
    try:
        services.no_change(t, form, current_user)
    except (Invalid, Conflict) as exc:
        return show(trigger_id, form=form, errors=_failed(exc), status=exc.status)
    flash(_("Recorded: the entry needs no change."), "success")
    return redirect(url_for("triggers.show", trigger_id=t.id))
