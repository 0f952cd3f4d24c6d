"""Pages of disputes to the data authority (/disputes): the filing form a party reaches from its case page,
the list (the authority's queue; a party's own; an expert's referred ones), the case page with exactly the
steps `services.allowed_actions` offers. Thin: the rules are in services.py and referral.py."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.permissions import login_required
from ..errors import Conflict, Invalid
from ..extensions import db
from ..fields import form_values
from . import referral, services
from .schemas import DisputeActionIn, DisputeIn

bp = Blueprint("disputes", __name__, url_prefix="/disputes")
T = "disputes/"


def _failed(exc) -> dict:
    db.session.rollback()
    return dict(exc.details) if exc.details else {"action": exc.message}


@bp.get("")
@login_required
def index():
    return render_template(T + "list.html", rows=services.visible(current_user), kinds=services.KIND_LABELS)


def _form(form: dict, errors: dict, status: int = 200):
    return render_template(T + "form.html", form=form, errors=errors, kinds=services.KIND_LABELS), status


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    if request.method == "GET":
        return _form({"kind": request.args.get("kind", ""), "case": request.args.get("case", "")}, {})
    try:
        dispute = services.file_dispute(form_values(DisputeIn(), request.form), current_user)
    except (Invalid, Conflict) as exc:
        return _form(request.form.to_dict(), _failed(exc), exc.status)
    flash(_("The dispute was filed. The data authority coordinates it by %(date)s.",
            date=dispute.due_date.isoformat()), "success")
    return redirect(services.link(dispute))


@bp.get("/<int:dispute_id>")
@login_required
def show(dispute_id: int, errors: dict | None = None, status: int = 200):
    d = services.get_dispute(dispute_id, current_user)
    actions = services.allowed_actions(d, current_user)
    return render_template(T + "show.html", d=d, errors=errors or {}, actions=actions,
                           kind=services.KIND_LABELS[d.kind], case_link=services.subject_link(d),
                           outcome=services.OUTCOME_LABELS.get(d.outcome, ""), experts=services.experts(d),
                           committee=referral.active_experts() if "refer" in actions else []), status


@bp.post("/<int:dispute_id>/act")
@login_required
def act(dispute_id: int):
    d = services.get_dispute(dispute_id, current_user)
    try:
        services.act(d, form_values(DisputeActionIn(), request.form), current_user)
    except (Invalid, Conflict) as exc:
        return show(dispute_id, errors=_failed(exc), status=exc.status)
    flash(_("Recorded."), "success")
    return redirect(services.link(d))
