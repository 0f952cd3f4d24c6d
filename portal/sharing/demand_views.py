"""Pages of demands for data not in the catalog (/sharing/demands, SHARING.md §3.4) and of verifications
(/sharing/verifications, §3.5): the forms, the lists, the case pages with the steps the actor may take."""
from __future__ import annotations

from flask import Blueprint, Response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from marshmallow import ValidationError

from ..accounts import roles
from ..accounts.permissions import roles_required
from ..agencies.models import Agency
from ..errors import Invalid, PortalError
from ..extensions import db
from ..fields import form_files, form_values
from . import demands, verification
from .demand_schemas import RECORDS, DemandActionIn, DemandIn, VerificationActionIn, VerificationIn
from .demand_vocab import AGREE_MODE_LABELS, EVENT_LABELS, VERDICT_LABELS
from .demand_workflow import DEMAND, VERIFICATION

bp = Blueprint("sharing_demands", __name__)


@bp.context_processor
def _labels():
    return {"event_labels": EVENT_LABELS, "verdict_labels": VERDICT_LABELS, "agree_mode_labels": AGREE_MODE_LABELS}


def _load(schema, form=None) -> dict:
    inst = schema()
    try:
        return inst.load(form_values(inst, form if form is not None else request.form))
    except ValidationError as exc:
        messages = {k: (" ".join(v) if isinstance(v, list) else str(v)) for k, v in exc.messages.items()}
        raise Invalid(_("Please correct the marked fields."), messages)


# ---- demands -----------------------------------------------------------------------------------------
@bp.get("/sharing/demands")
@roles_required(roles.SHARING_VIEWERS)
def demand_list():
    return render_template("sharing/demands/list.html", demands=demands.visible_demands(current_user),
                           may_file=demands.may_file(current_user))


@bp.route("/sharing/demands/new", methods=["GET", "POST"])
@roles_required(roles.AGENCY_STAFF)
def new_demand():
    errors, values = {}, {}
    if request.method == "POST":
        values = request.form
        try:
            data = _load(DemandIn)
            d = demands.file_demand(data, current_user, submit_now=request.form.get("submit", "true") != "false")
            return redirect(url_for(".demand", demand_id=d.id))
        except PortalError as exc:
            errors = dict(exc.details) or {"form": exc.message}
            return render_template("sharing/demands/form.html", errors=errors, values=values,
                                   message=exc.message), exc.status
    return render_template("sharing/demands/form.html", errors=errors, values=values, message="")


def _demand_page(d, errors=None, message: str = "", status: int = 200):
    agencies = db.session.scalars(db.select(Agency).order_by(Agency.name)).all()
    return render_template("sharing/demands/demand.html", d=d, actions=DEMAND.allowed_actions(d, current_user),
                           open=d.state in demands.DEMAND_OPEN, agencies=agencies, errors=errors or {},
                           message=message, entries=demands.fulfil_choices(d),
                           fulfilled=demands.fulfilled_entry(d)), status


@bp.get("/sharing/demands/<int:demand_id>")
@roles_required(roles.SHARING_VIEWERS)
def demand(demand_id: int):
    return _demand_page(demands.get_demand(demand_id, current_user))


@bp.post("/sharing/demands/<int:demand_id>/act")
@roles_required(roles.SHARING_VIEWERS)
def demand_act(demand_id: int):
    d = demands.get_demand(demand_id, current_user)
    try:
        data = _load(DemandActionIn)
        if data["action"] == "submit":
            demands.submit(d, current_user)
        else:
            demands.act(d, data["action"], current_user, data, version=data.get("version"))
    except PortalError as exc:
        db.session.rollback()
        return _demand_page(db.session.get(type(d), demand_id), dict(exc.details), exc.message, exc.status)
    return redirect(url_for(".demand", demand_id=demand_id))


# ---- verifications ------------------------------------------------------------------------------------
@bp.get("/sharing/verifications")
@roles_required(roles.SHARING_VIEWERS)
def verification_list():
    return render_template("sharing/demands/verifications.html",
                           verifications=verification.visible_verifications(current_user))


@bp.route("/sharing/verifications/new", methods=["GET", "POST"])
@roles_required(roles.AGENCY_STAFF)
def new_verification():
    ds = verification.entry_for_verification(request.values.get("dataset", ""))
    if request.method == "POST":
        try:
            data = _load(VerificationIn, request.form)
            v = verification.file_verification(data, form_files(request.files, RECORDS["name"]), current_user)
            return redirect(url_for(".verification_page", verification_id=v.id))
        except PortalError as exc:
            return render_template("sharing/demands/verification_form.html", ds=ds, errors=dict(exc.details),
                                   message=exc.message, values=request.form), exc.status
    return render_template("sharing/demands/verification_form.html", ds=ds, errors={}, message="", values={})


def _verification_page(v, errors=None, message: str = "", status: int = 200):
    files = verification.may_see_files(v, current_user)
    return render_template("sharing/demands/verification.html", v=v, errors=errors or {}, message=message,
                           actions=VERIFICATION.allowed_actions(v, current_user), files=files,
                           results=verification.results(v, current_user) if files else [],
                           counts=verification.counts(v)), status


@bp.get("/sharing/verifications/<int:verification_id>")
@roles_required(roles.SHARING_VIEWERS)
def verification_page(verification_id: int):
    return _verification_page(verification.get_verification(verification_id, current_user))


@bp.post("/sharing/verifications/<int:verification_id>/act")
@roles_required(roles.SHARING_VIEWERS)
def verification_act(verification_id: int):
    v = verification.get_verification(verification_id, current_user)
    try:
        data = _load(VerificationActionIn)
        verification.act(v, data["action"], current_user, data.get("legal_basis", ""), version=data.get("version"))
    except PortalError as exc:
        db.session.rollback()
        return _verification_page(db.session.get(type(v), verification_id), dict(exc.details), exc.message,
                                  exc.status)
    return redirect(url_for(".verification_page", verification_id=verification_id))


def _csv(name: str, text: str) -> Response:
    return Response(text.encode("utf-8-sig"), mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename={name}"})


@bp.get("/sharing/verifications/<int:verification_id>/records.csv")
@roles_required(roles.SHARING_VIEWERS)
def verification_records(verification_id: int):
    v = verification.get_verification(verification_id, current_user)
    return _csv(f"verification-{v.id}-records.csv", verification.records_csv(v, current_user))


@bp.get("/sharing/verifications/<int:verification_id>/result.csv")
@roles_required(roles.SHARING_VIEWERS)
def verification_result(verification_id: int):
    v = verification.get_verification(verification_id, current_user)
    return _csv(f"verification-{v.id}-result.csv", verification.result_csv(v, current_user))
