"""Pages of sharing between agencies (blueprint "sharing"): the request form, each side's lists, the case
page with its timeline and the steps the actor may take, the grant's delivery page and its files.
Thin: the rules are the services' (requests.py, grants.py)."""
from __future__ import annotations

from typing import Any
from urllib.parse import quote

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from marshmallow import fields as mfields

from ..accounts import roles
from ..accounts.permissions import roles_required
from ..errors import Conflict, Invalid
from ..extensions import db
from ..fields import form_values
from . import errors_check, grants, navigation, query, requests
from .schemas import FIELDS, QUERY_OPS, AgreeIn, DeliverIn, QueryIn, ReasonIn, RefuseIn, ShareRequestFields
from .vocab import ACTION_LABELS, EVENT_LABELS, MODE_LABELS

bp = Blueprint("sharing", __name__)
STEP_SCHEMAS = {"agree": AgreeIn, "refuse": RefuseIn, "deliver": DeliverIn}


@bp.context_processor
def _labels():
    return {"mode_labels": MODE_LABELS, "event_labels": EVENT_LABELS, "action_labels": ACTION_LABELS}


def _choices(ds, agency_id: int) -> dict[str, list[tuple[Any, str]]]:
    return {"items": [(i.name, i.name) for i in ds.items],
            "resource_ids": [(r.id, r.name) for r in ds.resources],
            "modes": [(k.value, str(v)) for k, v in MODE_LABELS.items()],
            "user_ids": [(u.id, f"{u.name} <{u.email}>") for u in requests.agency_staff(agency_id)]}


def _described(schema_fields: dict[str, mfields.Field], values: dict, errors: dict, choices: dict) -> list[dict]:
    """The form's fields, as the schema describes them, with the values sent and the errors."""
    out = []
    for name, fld in schema_fields.items():
        kind = ("list" if isinstance(fld, mfields.List) else "date" if isinstance(fld, mfields.Date)
                else "bool" if isinstance(fld, mfields.Boolean) else "text")
        value = values.get(name, [] if kind == "list" else "")
        out.append({"name": name, "label": fld.metadata.get("label", name), "kind": kind,
                    "choices": choices.get(name, []), "value": [str(v) for v in value] if kind == "list" else value,
                    "error": errors.get(name, "")})
    return out


# ---- lists and the form ----------------------------------------------------------------------------
@bp.get("/sharing/requests")
@roles_required(roles.SHARING_VIEWERS)
def index():
    """My agency's requests and the requests to it (the authority and auditors: all)."""
    return render_template("sharing/requests.html", lists=requests.lists_for(current_user),
                           may_request=requests.may_request(current_user))


def _form(ds, values: dict, errors: dict, status: int = 200, req=None):
    return render_template("sharing/form.html", ds=ds, req=req, errors=errors,
                           fields=_described(FIELDS, values, errors, _choices(ds, current_user.agency_id))), status


@bp.route("/sharing/requests/new", methods=["GET", "POST"])
@roles_required(roles.AGENCY_STAFF)
def new():
    """A share request for another agency's entry (?dataset=<slug or id>); only the share officer files it."""
    ds = requests.requestable_dataset(request.args.get("dataset", ""))
    if request.method == "GET":
        return _form(ds, {"user_ids": [current_user.id], "modes": ["download"]}, {})
    values = form_values(ShareRequestFields(), request.form)
    try:
        req = requests.save(ds, values, current_user, submit_now=request.form.get("action") == "submit")
    except Invalid as exc:
        return _form(ds, request.form.to_dict(flat=False) | values, exc.details, 422)
    flash(_("Share request saved."), "success")
    return redirect(url_for("sharing.show", req_id=req.id))


@bp.route("/sharing/requests/<int:req_id>/edit", methods=["GET", "POST"])
@roles_required(roles.AGENCY_STAFF)
def edit(req_id: int):
    """The requester's officer completes a draft and submits it."""
    req = requests.get_request(req_id, current_user)
    if "submit" not in requests.allowed_actions(req, current_user):
        raise Conflict(_("Only your agency's drafts can be edited."))
    if request.method == "GET":
        return _form(req.dataset, {name: getattr(req, name) for name in FIELDS}, {}, req=req)
    values = form_values(ShareRequestFields(), request.form)
    try:
        requests.save(None, values, current_user, req=req, submit_now=request.form.get("action") == "submit")
    except Invalid as exc:
        db.session.rollback()
        return _form(req.dataset, values, exc.details, 422, req=req)
    flash(_("Share request saved."), "success")
    return redirect(url_for("sharing.show", req_id=req.id))


# ---- the case ----------------------------------------------------------------------------------------
def _show(req, errors: dict | None = None, status: int = 200):
    actions = requests.allowed_actions(req, current_user)
    choices = _choices(req.dataset, req.requester_agency_id)
    asked = {"items": req.items, "resource_ids": req.resource_ids, "modes": req.modes, "user_ids": req.user_ids,
             "start": req.start, "end": req.end}
    steps = {a: _described(dict((STEP_SCHEMAS.get(a) or ReasonIn)().fields), asked if a == "agree" else {},
                           errors or {}, {k: [c for c in v if c[0] in asked.get(k, [])] for k, v in choices.items()})
             for a in actions if a not in ("submit",)}
    for a in steps:  # the version travels hidden; the supervision date only with 督办
        steps[a] = [f for f in steps[a] if f["name"] != "version" and (a == "supervise" or f["name"] != "supervised_on")]
    names = {k: dict(v) for k, v in choices.items()}
    return render_template("sharing/request.html", req=req, actions=actions, steps=steps, errors=errors or {},
                           names=names, grant=req.grant, notice=grants.notice(req.grant),
                           uses=grants.uses(req.grant, current_user),
                           checks=errors_check.open_checks_of(req.dataset_id)), status


@bp.get("/sharing/requests/<int:req_id>")
@roles_required(roles.SHARING_VIEWERS)
def show(req_id: int):
    """The case: what was asked, the answer and the agreed terms, the timeline, the grant, the steps."""
    return _show(requests.get_request(req_id, current_user))


@bp.post("/sharing/requests/<int:req_id>/<action>")
@roles_required(roles.STAFF)
def act(req_id: int, action: str):
    """One step of the case's table (submit, agree, refuse, question, deliver, withdraw, dispute, supervise)."""
    req = requests.get_request(req_id, current_user)
    schema = STEP_SCHEMAS.get(action) or ReasonIn
    values = form_values(schema(), request.form)
    try:
        requests.act(req, action, values, current_user)
    except (Invalid, Conflict) as exc:
        db.session.rollback()
        req = requests.get_request(req_id, current_user)
        return _show(req, {**exc.details, "_form": exc.message}, exc.status)
    flash(_("Done: %(step)s.", step=ACTION_LABELS.get(action, action)), "success")
    return redirect(url_for("sharing.show", req_id=req.id))


# ---- grants --------------------------------------------------------------------------------------------
@bp.get("/sharing/grants/<int:grant_id>")
@roles_required(roles.SHARING_VIEWERS)
def grant(grant_id: int):
    """The delivery page: the agreed terms, the purpose and the ban on onward transfer, the files the
    caller may take; for the provider, who took what and when."""
    return _grant_page(grants.get_grant(grant_id, current_user))


def _grant_page(g, status: int = 200):
    return render_template("sharing/grant.html", grant=g, req=g.request, notice=grants.notice(g),
                           files=grants.files_for(g, current_user), uses=grants.uses(g, current_user),
                           actions=grants.allowed_actions(g, current_user),
                           links=navigation.grant_links(g, current_user),
                           checks=errors_check.open_checks_of(g.dataset_id)), status


@bp.post("/sharing/grants/<int:grant_id>/<action>")
@roles_required(roles.STAFF)
def grant_act(grant_id: int, action: str):
    """Suspend, resume or revoke a grant, with a reason (the provider's officer, the authority)."""
    g = grants.get_grant(grant_id, current_user)
    values = form_values(ReasonIn(), request.form)
    try:
        grants.change(g, action, values, current_user)
    except (Invalid, Conflict) as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return _grant_page(grants.get_grant(grant_id, current_user), exc.status)
    flash(_("Done: %(step)s.", step=ACTION_LABELS.get(action, action)), "success")
    return redirect(url_for("sharing.grant", grant_id=grant_id))


def _send(out):
    resp = Response(out.data, mimetype=None, content_type=out.media_type)
    resp.headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(out.filename)}"
    resp.headers["Cache-Control"] = "no-store"
    return resp


@bp.get("/sharing/grants/<int:grant_id>/files/<resource_id>/download")
@roles_required(roles.AGENCY_STAFF)
def download(grant_id: int, resource_id: str):
    """A file under the grant, downloaded on the site (mode `download`): only the named users."""
    g = grants.get_grant(grant_id, current_user)
    return _send(grants.take(g, resource_id, current_user, "download"))


@bp.get("/sharing/grants/<int:grant_id>/download")
@roles_required(roles.AGENCY_STAFF)
def archive(grant_id: int):
    """Every file the user may take under the grant, as a ZIP with the notice file (使用须知.txt)."""
    g = grants.get_grant(grant_id, current_user)
    return _send(grants.archive(g, current_user))


@bp.get("/sharing/grants/<int:grant_id>/resources/<resource_id>/query")
@roles_required(roles.AGENCY_STAFF)
def query_table(grant_id: int, resource_id: str):
    """Online query (mode `query`): the agreed columns of a granted table, filtered and paged, for a user
    named in the grant, with the purpose and the ban on onward transfer."""
    g = grants.get_grant(grant_id, current_user)
    table = query.table(g, resource_id, current_user)
    values = form_values(QueryIn(), request.args)
    answer, errors, status = None, {}, 200
    try:
        answer = query.answer(table, values)
    except Invalid as exc:
        errors, status = {**exc.details, "_form": exc.message}, exc.status
    sent = request.args.to_dict(flat=False)
    filters = [(c, o, v) for c, o, v in zip(sent.get("filter_column", []) + [""] * 3,
                                             sent.get("filter_op", []) + ["eq"] * 3,
                                             sent.get("filter_value", []) + [""] * 3)][:3]
    links = []
    if answer is not None:
        near = sorted({1, answer.pages, *range(max(1, answer.page - 3), min(answer.pages, answer.page + 3) + 1)})
        links = [(n, url_for("sharing.query_table", grant_id=g.id, resource_id=resource_id,
                             **{**sent, "page": [str(n)]})) for n in near]
    return render_template("sharing/query.html", grant=g, table=table, answer=answer, errors=errors,
                           notice=grants.notice(g), chosen=sent.get("columns", []), filters=filters,
                           ops=QUERY_OPS, links=links), status
