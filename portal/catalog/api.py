"""Catalog JSON API (/api/v1): agencies upload files with a read-write token."""
from __future__ import annotations

from flask import Blueprint, request
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts import roles
from ..accounts.permissions import roles_required
from ..accounts.permissions import require_write_scope
from ..api.limits import api_limit
from ..errors import Invalid, PortalError
from ..storage import TooLarge
from . import checks, editing
from .schemas import CheckListOut, CheckOut, EntryOut, ResourceOut, UploadOut

bp = Blueprint("catalog_api", __name__, url_prefix="/api/v1")
api_limit(bp)  # the API's shared budget per token or client address


class TooLargeError(PortalError):
    status, code = 413, "too_large"


def _upload(dataset_id: str, resource_id: str | None):
    require_write_scope()
    ds = editing.console_dataset(dataset_id, current_user)
    res = editing.agency_resource(ds, resource_id) if resource_id else None
    try:
        result = editing.upload(ds, request.stream, request.args, resource=res, actor=current_user)
    except TooLarge:
        raise TooLargeError(_("The file is larger than the limit of %(mb)d MB; nothing was stored.",
                              mb=editing.upload_limit_mb()))
    return UploadOut().dump({"resource": result.resource, "warnings": result.warnings}), 201


@bp.put("/datasets/<dataset_id>/resources")
@roles_required(roles.AGENCY_STAFF)
def upload_resource(dataset_id: str):
    """Upload a new file to an entry: the request body is the file (streamed, hashed, checked)."""
    return _upload(dataset_id, None)


@bp.put("/datasets/<dataset_id>/resources/<resource_id>")
@roles_required(roles.AGENCY_STAFF)
def upload_version(dataset_id: str, resource_id: str):
    """Upload a new version of a file; earlier versions stay stored."""
    return _upload(dataset_id, resource_id)


@bp.get("/datasets/<dataset_id>/resources/<resource_id>")
@roles_required(roles.CONSOLE_VIEWERS)
def resource_versions(dataset_id: str, resource_id: str):
    """A file's metadata with all its versions, for the agency, the authority and auditors."""
    ds = editing.console_dataset(dataset_id, current_user)
    return ResourceOut().dump(editing.agency_resource(ds, resource_id))


def _entry_body() -> dict:
    """The entry's fields as a JSON object (the console's form fields, data items as a list of objects)."""
    data = request.get_json(silent=True) if request.is_json else None
    if data is None and not request.is_json:
        data = {**request.form.to_dict(), "share_modes": request.form.getlist("share_modes")}
    if not isinstance(data, dict):
        message = _("The request body must be a JSON object.")
        raise Invalid(message, {"body": message})
    return data


@bp.post("/datasets")
@roles_required(roles.AGENCY_STAFF)
def create_entry():
    """Create a draft entry of the caller's agency, by the same rules as the console's form (EntryIn)."""
    require_write_scope()
    ds = editing.create_entry(_entry_body(), current_user)
    return EntryOut().dump(ds), 201


@bp.post("/datasets/<dataset_id>")
@roles_required(roles.AGENCY_STAFF)
def update_entry(dataset_id: str):
    """Save an edit of an entry: a draft changes in place, a published entry's edit waits for review."""
    require_write_scope()
    ds = editing.console_dataset(dataset_id, current_user)
    editing.update_entry(ds, _entry_body(), current_user)
    return EntryOut().dump(ds), 201


@bp.post("/datasets/<dataset_id>/checks")
@roles_required(roles.AGENCY_STAFF)
def record_check(dataset_id: str):
    """The agency records its confidentiality or disclosure review of the content it is about to submit
    (CheckIn: check, reviewed_on, note); the caller is the reviewer."""
    require_write_scope()
    ds = editing.console_dataset(dataset_id, current_user)
    body = _entry_body()
    row = checks.record(ds, str(body.get("check") or ""), body, current_user)
    return CheckOut().dump(row), 201


@bp.get("/datasets/<dataset_id>/checks")
@roles_required(roles.CONSOLE_VIEWERS)
def list_checks(dataset_id: str):
    """The agency's checks of an entry: those of the content not yet submitted, then those of each submission."""
    ds = editing.console_dataset(dataset_id, current_user)
    return CheckListOut().dump({"checks": checks.all_of(ds)})
