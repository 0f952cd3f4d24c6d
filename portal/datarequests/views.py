"""Pages of public data requests (数据需求): the public list and page, the form, "me too", routing, answering."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts import roles
from ..accounts.permissions import login_required, roles_required
from ..api.routes import load_args
from ..errors import Conflict, Invalid
from ..extensions import db
from ..fields import form_values
from . import services
from .schemas import (DataRequestAnswerIn, DataRequestIn, DataRequestListIn, DataRequestRouteIn,
                      DataRequestSupportIn)

bp = Blueprint("datarequests", __name__)


@bp.get("/data-requests")
def index():
    """Every request and its answer, searchable and filtered by state, agency and theme."""
    args = load_args(DataRequestListIn)
    page = services.search(args)

    def page_url(n: int) -> str:
        return url_for("datarequests.index", **{**{k: v for k, v in args.items() if v and k != "per_page"}, "page": n})
    return render_template("datarequests/index.html", page=page, args=args, rows=[services.public(r) for r in page.results],
                           agencies=services.agencies(), themes=services.themes(), page_url=page_url,
                           status_options=services.status_options(args["state"]))


def _form(form: dict, errors: dict, status: int = 200):
    return render_template("datarequests/form.html", form=form, errors=errors, agencies=services.agencies(),
                           themes=services.themes()), status


@bp.route("/data-requests/new", methods=["GET", "POST"])
@login_required
def new():
    if request.method == "GET":
        return _form({"agency": request.args.get("agency", ""), "theme": request.args.get("theme", "")}, {})
    form = form_values(DataRequestIn(), request.form)
    try:
        r = services.file_request(form, current_user)
    except Invalid as exc:
        return _form(form, exc.details, 422)
    flash(_("Your request is published without your name; the data authority routes it to the agency."), "success")
    return redirect(url_for("datarequests.show", request_id=r.id))


@bp.get("/data-requests/<int:request_id>")
def show(request_id: int, errors: dict | None = None, form: dict | None = None, status: int = 200):
    r = services.get_request(request_id)
    actions = services.allowed_actions(r, current_user)
    return render_template("datarequests/show.html", r=r, p=services.public(r), errors=errors or {},
                           form=form or {}, actions=actions, may_support=services.may_support(r, current_user),
                           agencies=services.agencies() if "route" in actions else [],
                           plan_items=services.agency_plan_items(r) if "accept" in actions else [],
                           entries=services.agency_entries(r) if "accept" in actions else []), status


def _step(request_id: int, schema, run, done: str):
    r = services.get_request(request_id)
    form = form_values(schema(), request.form)
    try:
        run(r, form, current_user)
    except (Invalid, Conflict) as exc:
        db.session.rollback()
        return show(request_id, errors=exc.details or {"action": exc.message}, form=form, status=exc.status)
    flash(done, "success")
    return redirect(url_for("datarequests.show", request_id=r.id))


@bp.post("/data-requests/<int:request_id>/me-too")
@login_required
def me_too(request_id: int):
    return _step(request_id, DataRequestSupportIn, services.add_support, _("Thank you: your need is counted."))


@bp.post("/data-requests/<int:request_id>/route")
@roles_required(*roles.AUTHORITY)
def route(request_id: int):
    return _step(request_id, DataRequestRouteIn, services.route, _("The request was sent to the agency."))


@bp.post("/data-requests/<int:request_id>/answer")
@roles_required(*roles.AGENCY_STAFF)
def answer(request_id: int):
    return _step(request_id, DataRequestAnswerIn, services.answer,
                 _("The answer is published and sent to the requester."))
