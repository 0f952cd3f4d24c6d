"""Pages of asset registration (/assets): the holder's list and form, the case page with exactly the steps
`services.allowed_actions` offers, the authority's register and its export. Thin: the rules are in services.py."""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, stream_with_context, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts import roles
from ..accounts.permissions import roles_required
from ..catalog.vocab import field_labels
from ..errors import Conflict, Invalid
from ..extensions import db
from ..models_base import utcnow
from . import register, services
from .schemas import RegisterQuery

bp = Blueprint("assets", __name__, url_prefix="/assets")
T = "assets/"


def _failed(exc) -> dict:
    db.session.rollback()
    return dict(exc.details) if exc.details else {"action": exc.message}


def _form(form: dict, errors: dict, asset=None, status: int = 200):
    return render_template(T + "form.html", form=form, errors=errors, asset=asset), status


def _values() -> dict:
    form = request.form.to_dict()
    form["entries"] = request.form.getlist("entries")
    form["in_operation_scope"] = "true" if request.form.get("in_operation_scope") else "false"
    return form


@bp.get("/")
@roles_required(roles.CONSOLE_VIEWERS)
def index():
    return render_template(T + "list.html", assets=services.visible(current_user),
                           may_create=services.may_create(current_user),
                           register_link=roles.is_overseer(current_user))


@bp.route("/new", methods=["GET", "POST"])
@roles_required(roles.AGENCY_STAFF)
def new():
    if request.method == "GET":
        return _form({"entries": request.args.get("entries", "")}, {})
    form = _values()
    try:
        asset = services.create(form, current_user)
    except Invalid as exc:
        return _form({**form, "entries": "\n".join(form["entries"])}, _failed(exc), status=422)
    flash(_("The asset was saved as a draft."), "success")
    return redirect(url_for("assets.show", asset_id=asset.id))


@bp.route("/<int:asset_id>/edit", methods=["GET", "POST"])
@roles_required(roles.AGENCY_STAFF)
def edit(asset_id: int):
    asset = services.get(asset_id, current_user)
    if not services.may_edit(asset, current_user):
        abort(409)
    if request.method == "GET":
        return _form({"name": asset.name, "summary": asset.summary, "entries": "\n".join(asset.codes),
                      "in_operation_scope": asset.in_operation_scope, "version": asset.row_version}, {}, asset)
    form = _values()
    try:
        services.update(asset, form, current_user)
    except (Invalid, Conflict) as exc:
        return _form({**form, "entries": "\n".join(form["entries"])}, _failed(exc), asset, exc.status)
    flash(_("Saved."), "success")
    return redirect(url_for("assets.show", asset_id=asset.id))


@bp.get("/<int:asset_id>")
@roles_required(roles.CONSOLE_VIEWERS)
def show(asset_id: int, errors: dict | None = None, status: int = 200):
    asset = services.get(asset_id, current_user)
    return render_template(T + "show.html", asset=asset, errors=errors or {},
                           facts=list(zip(register.COLUMNS, register.row(asset))),
                           actions=services.allowed_actions(asset, current_user),
                           may_edit=services.may_edit(asset, current_user),
                           changed=list(zip(asset.changed_fields or [], field_labels(asset.changed_fields or [])))), status


@bp.post("/<int:asset_id>/act")
@roles_required(roles.STAFF)
def act(asset_id: int):
    asset = services.get(asset_id, current_user)
    try:
        services.act(asset, request.form.to_dict(), current_user)
    except (Invalid, Conflict) as exc:
        return show(asset_id, errors=_failed(exc), status=exc.status)
    flash(_("Recorded."), "success")
    return redirect(url_for("assets.show", asset_id=asset.id))


def _level() -> str:
    errors = RegisterQuery().validate(request.args)
    if errors:
        abort(422)
    return request.args.get("level", "")


@bp.get("/register")
@roles_required(roles.OVERSEERS)
def register_page():
    level = _level()
    return render_template(T + "register.html", rows=[register.row(a) for a in register.entries(level)],
                           columns=register.COLUMNS, level=level)


@bp.get("/register.csv")
@roles_required(roles.OVERSEERS)
def register_csv():
    name = f"asset-register-{utcnow():%Y%m%d}.csv"
    return Response(stream_with_context(register.csv_lines(_level())), content_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.get("/register.xlsx")
@roles_required(roles.OVERSEERS)
def register_xlsx():
    name = f"asset-register-{utcnow():%Y%m%d}.xlsx"
    return Response(register.xlsx(_level()),
                    content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
