"""The agency console: dashboard, entry form, uploads with progress, versions, submission."""
from __future__ import annotations

import re

from flask import Blueprint, jsonify, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.exceptions import RequestEntityTooLarge

from ..accounts import roles
from ..accounts.permissions import roles_required
from ..api.routes import load_args
from ..audit import services as audit
from ..errors import InsufficientStorage, Invalid
from ..extensions import db
from ..storage import TooLarge, storage
from ..storage.names import clean_filename
from ..withdrawal import services as withdrawals
from . import checks, dashboard, editing, grading, quality, review, stops, workday_calendar
from .models import Dataset, Theme
from .preview import can_preview, preview
from .schemas import DashboardIn
from .downloads import quarantined_hashes
from .vocab import (CLASSIFICATION_LABELS, DATA_FORM_LABELS, FREQUENCY_LABELS, LICENCES, OPEN_TYPE_LABELS,
                    REGION_LEVEL_LABELS, SHARE_BASIS_KIND_LABELS, SHARE_MODE_LABELS, SHARE_TYPE_LABELS)

bp = Blueprint("console", __name__, url_prefix="/console")
_ITEM_FIELD = re.compile(r"^items-(\d+)-(name|type|description)$")


def form_data(form) -> dict:
    """The entry form's fields, with the data-items table rows collected in order."""
    data = {f: form.get(f, "") for f in editing.TEXT_FIELDS + editing.DATE_FIELDS}
    data["theme"] = form.get("theme", "")
    data["level_reason"] = form.get("level_reason", "")
    data["tags"] = form.get("tags", "")
    data["share_modes"] = form.getlist("share_modes")
    data["related_ids"] = form.get("related_ids", "")
    rows: dict[int, dict] = {}
    for key, value in form.items():
        if m := _ITEM_FIELD.match(key):
            rows.setdefault(int(m.group(1)), {})[m.group(2)] = value
    data["items"] = [rows[i] for i in sorted(rows)]
    return data


def _form_page(data: dict, errors: dict, ds: Dataset | None, status: int = 200):
    themes = db.session.scalars(select(Theme).order_by(Theme.position)).all()
    choices = {name: list(labels.items()) for name, labels in (
        ("classification", CLASSIFICATION_LABELS), ("data_form", DATA_FORM_LABELS), ("share_type", SHARE_TYPE_LABELS),
        ("open_type", OPEN_TYPE_LABELS), ("update_frequency", FREQUENCY_LABELS), ("region_level", REGION_LEVEL_LABELS),
        ("share_basis_kind", SHARE_BASIS_KIND_LABELS), ("share_modes", SHARE_MODE_LABELS))}
    choices["theme"] = [(t.slug, t.name) for t in themes]
    choices["licence_id"] = [(lic.id, lic.title) for lic in LICENCES.values()]
    _rules, categories, grades = grading.settings()
    choices["data_level"] = list(grading.LEVEL_LABELS.items())
    choices["data_category"] = [(c, c) for c in categories]
    choices["data_grade"] = [(g, g) for g in grades]
    return render_template("console/entry_form.html", data=data, errors=errors, ds=ds, choices=choices,
                           item_types=editing.ITEM_TYPES, staged=ds is not None and editing.edit_is_staged(ds)), status


@bp.get("/")
@roles_required(roles.CONSOLE_VIEWERS)
def home():
    """Dashboard: own entries by state (a page at a time), entries overdue for update, review decisions."""
    args = load_args(DashboardIn)
    board = dashboard.board(current_user, state=args["state"], page=args["page"])

    def page_url(n: int) -> str:
        return url_for("console.home", **({"state": args["state"]} if args["state"] else {}), page=n)
    return render_template("console/dashboard.html", board=board, page_url=page_url,
                           calendar_missing=workday_calendar.missing_year(current_user))


@bp.route("/datasets/new", methods=["GET", "POST"])
@roles_required(roles.AGENCY_STAFF)
def new_entry():
    """Create a draft entry with every catalog field."""
    if request.method == "GET":
        agency = current_user.agency
        blank = {"region": agency.region, "region_level": agency.level, "open_type": "unconditional",
                 "share_type": "unconditional", "update_frequency": "monthly", "classification": "departmental",
                 "data_form": "structured", "licence_id": "nmg-open-data-1.0", "items": []}
        return _form_page(blank, {}, None)
    data = form_data(request.form)
    try:
        ds = editing.create_entry(data, current_user)
    except Invalid as exc:
        return _form_page(data, exc.details, None, 422)
    return redirect(url_for("console.entry", dataset_id=ds.id))


@bp.get("/datasets/<dataset_id>")
@roles_required(roles.CONSOLE_VIEWERS)
def entry(dataset_id: str):
    """An entry as its agency sees it: state, staged edit, its checks, files with versions, review history."""
    return entry_page(editing.console_dataset(dataset_id, current_user))


def entry_page(ds: Dataset, errors: dict | None = None, status: int = 200, form: dict | None = None):
    quarantined = quarantined_hashes(v.sha256 for r in ds.resources for v in r.versions)
    withdrawal = withdrawals.announced(ds.id)
    return render_template("console/entry.html", ds=ds, can_edit=editing.can_edit(current_user, ds),
                           withdrawal=withdrawal, withdrawal_text=withdrawal and withdrawals.banner(withdrawal),
                           may_announce=withdrawals.may_file(ds, current_user),
                           level_labels=grading.LEVEL_LABELS,
                           quarantined=quarantined, see_quarantined=editing.may_fetch_quarantined(current_user),
                           checks=checks.standing(ds), may_check=checks.may_record(ds, current_user),
                           four_eyes=checks.four_eyes(), today=checks.today(), errors=errors or {},
                           form=form or {}, actions=review.entry_actions(ds, current_user),
                           legal_stops=[(s, stops.actions(s, current_user)) for s in stops.of_entry(ds)],
                           stop_ground=stops.GROUND,
                           standing=review.standing(ds), quality=quality.entry_quality(ds)), status


@bp.post("/datasets/<dataset_id>/checks/<check>")
@roles_required(roles.AGENCY_STAFF)
def record_check(dataset_id: str, check: str):
    """The agency records its confidentiality or disclosure review of what it is about to submit."""
    ds = editing.console_dataset(dataset_id, current_user)
    form = {k: request.form.get(k, "") for k in ("reviewed_on", "note")}
    try:
        checks.record(ds, check, form, current_user)
    except Invalid as exc:
        return entry_page(ds, {f"{check}-{k}": exc.message for k in exc.details} | {"checks": exc.message}, 422,
                           {check: form})
    return redirect(url_for("console.entry", dataset_id=ds.id, _anchor="checks-heading"))


@bp.get("/quality")
@roles_required(roles.AGENCY_STAFF)
def quality_todo():
    """The agency's published entries, lowest quality score first, each with the fixes that would raise it."""
    return render_template("console/quality.html", result=quality.agency_quality(current_user.agency_id),
                           agency=current_user.agency)


@bp.route("/datasets/<dataset_id>/edit", methods=["GET", "POST"])
@roles_required(roles.AGENCY_STAFF)
def edit_entry(dataset_id: str):
    """Edit an entry; a published one stays online unchanged until the edit is approved."""
    ds = editing.console_dataset(dataset_id, current_user)
    editing.require_staff_of(current_user, ds)
    if request.method == "GET":
        return _form_page(editing.current_data(ds), {}, ds)
    data = form_data(request.form)
    try:
        editing.update_entry(ds, data, current_user)
    except Invalid as exc:
        return _form_page(data, exc.details, ds, 422)
    return redirect(url_for("console.entry", dataset_id=ds.id))


@bp.post("/datasets/<dataset_id>/submit")
@roles_required(roles.AGENCY_STAFF)
def submit(dataset_id: str):
    """Send the entry (or its staged edit) to the authority for review."""
    ds = editing.console_dataset(dataset_id, current_user)
    try:
        review.submit(ds, current_user)
    except Invalid as exc:
        return entry_page(ds, {"submit": exc.message, **{f"{k}-check": v for k, v in exc.details.items()}}, 422)
    return redirect(url_for("console.entry", dataset_id=ds.id))


@bp.get("/datasets/<dataset_id>/upload")
@roles_required(roles.AGENCY_STAFF)
def upload_page(dataset_id: str):
    """The upload form (a new file, or a new version of one) with a progress bar."""
    ds = editing.console_dataset(dataset_id, current_user)
    editing.require_staff_of(current_user, ds)
    res = editing.agency_resource(ds, request.args["resource"]) if request.args.get("resource") else None
    return render_template("console/upload.html", ds=ds, res=res, errors={})


@bp.route("/datasets/<dataset_id>/upload", methods=["POST", "PUT"])
@roles_required(roles.AGENCY_STAFF)
def upload(dataset_id: str):
    """Receive a file: PUT streams the raw body (the page's progress bar, or the API); POST is a plain form."""
    ds = editing.console_dataset(dataset_id, current_user)
    res = editing.agency_resource(ds, request.values["resource"]) if request.values.get("resource") else None
    raw = request.method == "PUT"
    try:
        if raw:
            result = editing.upload(ds, request.stream, request.args, resource=res, actor=current_user)
        else:
            file = request.files.get("file")
            meta = {**request.form.to_dict(), "filename": file.filename if file else ""}
            result = editing.upload(ds, file.stream if file else _empty(), meta, resource=res, actor=current_user)
    except (TooLarge, RequestEntityTooLarge):
        message = _("The file is larger than the limit of %(mb)d MB; nothing was stored.",
                    mb=editing.upload_limit_mb())
        if raw:
            return jsonify({"error": {"code": "too_large", "message": message, "details": {}}}), 413
        return render_template("console/upload.html", ds=ds, res=res, errors={"file": message}), 413
    except (Invalid, InsufficientStorage) as exc:
        if raw:
            return jsonify({"error": {"code": exc.code, "message": exc.message, "details": exc.details}}), exc.status
        return render_template("console/upload.html", ds=ds, res=res,
                               errors={**{k: exc.message for k in exc.details}, "_": exc.message}), exc.status
    target = url_for("console.entry", dataset_id=ds.id, uploaded=result.resource.id)
    if raw:
        return jsonify({"resource": result.resource.id, "version": result.resource.version,
                        "sha256": result.resource.sha256, "size": result.resource.size,
                        "row_count": result.resource.row_count, "warnings": result.warnings,
                        "redirect": target}), 201
    return redirect(target)


@bp.get("/datasets/<dataset_id>/resources/<resource_id>")
@roles_required(roles.CONSOLE_VIEWERS)
def resource(dataset_id: str, resource_id: str):
    """A file of an entry in any state, with its facts and a preview of its first rows: what the authority
    reviews before publishing, and what the agency uploaded (quarantined bytes for auditors only)."""
    ds = editing.console_dataset(dataset_id, current_user)
    res = editing.agency_resource(ds, resource_id)
    table = None
    if res.kind == "file":
        current = editing.archived_version(ds, res.id, res.version, current_user)
        if can_preview(res) and storage().exists(current.storage_key):
            table = preview(res, storage().path(current.storage_key))
    return render_template("console/resource.html", ds=ds, res=res, table=table,
                           review_id=request.args.get("review", type=int))


@bp.get("/datasets/<dataset_id>/resources/<resource_id>/versions/<int:version>/download")
@roles_required(roles.CONSOLE_VIEWERS)
def version_download(dataset_id: str, resource_id: str, version: int):
    """One stored version of a file, also of a withdrawn entry (kept for audit); every retrieval is logged."""
    ds = editing.console_dataset(dataset_id, current_user)
    found = editing.archived_version(ds, resource_id, version, current_user)
    audit.record_access("archive_download", 200, dataset_id=ds.id, resource_id=resource_id,
                        bytes_sent=found.size, detail=f"version {found.version}")
    db.session.commit()
    return send_file(storage().path(found.storage_key), mimetype=found.media_type, as_attachment=True,
                     download_name=clean_filename(found.filename, "file"), etag=found.sha256, max_age=0)


def _empty():
    import io

    return io.BytesIO(b"")
