"""The caller's own applications, rights complaints, corrections and reports on /api/v1 (submit, list, show).

Every route needs an API token (401 without one; a browser session does not count); submitting needs a
read-write token (403 otherwise). Submissions are multipart/form-data, the evidence or attachments as file
parts (repeated for several files), or a JSON object when no file is sent. Another account's case is 404.
"""
from __future__ import annotations

from functools import wraps
from typing import Any, Callable

from flask import request
from flask_babel import gettext as _
from marshmallow import Schema, ValidationError

from ..accounts.models import Role
from ..accounts.permissions import require_write_scope, token_user
from ..errors import Forbidden, Invalid
from ..feedback import rate_limits
from ..fields import form_files, form_values
from ..opening.schemas import ATTACHMENTS, ApplicationIn
from . import case_services as cases
from . import schemas as s
from .routes import load_args, paged, route

READ_ERRORS = (401, 422)
SUBMIT_ERRORS = (401, 403, 404, 413, 422)
ID = {"case_id": "The case's number."}


def token_required(*roles: str, write: bool = False) -> Callable:
    """The caller by API token (401), of one of `roles` (403), with a read-write token for `write` (403)."""
    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args, **kwargs):
            user = token_user()
            if roles and user.role not in roles:
                raise Forbidden(_("Your account's role may not use this request."))
            if write:
                require_write_scope()
            return view(user, *args, **kwargs)
        wrapper.required_roles = tuple(roles) or tuple(Role)  # read by the route-walking test
        return wrapper
    return decorate


def load_body(schema: type[Schema]) -> dict[str, Any]:
    """The submitted fields through their schema: a JSON object, or form fields (repeated for lists); 422."""
    inst = schema()
    if request.is_json:
        data = request.get_json(silent=True)
        if not isinstance(data, dict):
            raise Invalid(_("The request body must be a JSON object."), {"body": _("The request body must be a JSON object.")})
    else:
        data = form_values(inst, request.form)
    try:
        return inst.load(data)
    except ValidationError as exc:
        raise Invalid(_("Please correct the marked fields."), exc.messages)


def uploaded(part: str) -> cases.Files:
    return form_files(request.files, part)


def _page(schema: type[Schema], lister: Callable, user) -> Any:
    args = load_args(s.PageIn)
    return schema().dump(paged(lister(user, args["page"], args["per_page"])))


# ---- applications ---------------------------------------------------------------------------
@route("/applications", method="post", summary="Apply for a conditionally open entry", tag="my cases",
       body=ApplicationIn, files={ATTACHMENTS["name"]: ATTACHMENTS["description"]},
       response=s.ApplicationOut, errors=(*SUBMIT_ERRORS, 409), auth=True)
@token_required(Role.DATA_USER, write=True)
def submit_application(user):
    """Submit an application (or, with submit=false, save a draft) for a conditionally open entry, with the
    same checks as the site's form; the agency answers within the configured working days. Data users only;
    409 while an application for the same entry is in progress."""
    args = load_body(ApplicationIn)
    a = cases.submit_application(args, uploaded(ATTACHMENTS["name"]), user)
    return s.ApplicationOut().dump(cases.application_out(a)), 201


@route("/applications", summary="My applications", tag="my cases", query=s.PageIn, response=s.ApplicationPageOut,
       errors=READ_ERRORS, auth=True)
@token_required()
def my_applications(user):
    """The caller's own applications, newest first."""
    return _page(s.ApplicationPageOut, cases.own_applications, user)


@route("/applications/<int:case_id>", summary="One of my applications", tag="my cases", response=s.ApplicationOut,
       errors=(401, 404), auth=True, path_params=ID)
@token_required()
def my_application(user, case_id: int):
    """The application with its state, due date and decision; another account's application is 404."""
    return s.ApplicationOut().dump(cases.application_out(cases.own_application(case_id, user)))


# ---- rights complaints ------------------------------------------------------------------------
@route("/complaints", method="post", summary="File a rights complaint (the entry is suspended at once)",
       tag="my cases", body=s.ComplaintIn, files={"evidence": "Evidence, at least one: PDF, PNG or JPEG."},
       response=s.ComplaintOut, errors=SUBMIT_ERRORS, auth=True)
@token_required(write=True)
@rate_limits.complaint_limits(override_defaults=False)
def file_complaint(user):
    """A rights complaint on an opened entry (R2024 §28): the right infringed, the resources, a description
    and evidence files. The account needs a confirmed e-mail address and a valid identity number (403
    otherwise). When it is accepted the entry is suspended on every channel in the same transaction (state
    open), unless it comes from a new account during an unusual burst of complaints (state held, for a quick
    decision). Counts against the same per-account, per-address and portal-wide limits as the site's form."""
    args = load_body(s.ComplaintIn)
    c = cases.file_complaint(args, uploaded("evidence"), user)
    return s.ComplaintOut().dump(cases.complaint_out(c)), 201


@route("/complaints", summary="My rights complaints", tag="my cases", query=s.PageIn, response=s.ComplaintPageOut,
       errors=READ_ERRORS, auth=True)
@token_required()
def my_complaints(user):
    """The caller's own complaints, newest first, with the decision once there is one."""
    return _page(s.ComplaintPageOut, cases.own_complaints, user)


@route("/complaints/<int:case_id>", summary="One of my rights complaints", tag="my cases", response=s.ComplaintOut,
       errors=(401, 404), auth=True, path_params=ID)
@token_required()
def my_complaint(user, case_id: int):
    """The complaint with its state, due date, outcome and reason; another account's complaint is 404."""
    return s.ComplaintOut().dump(cases.complaint_out(cases.own_complaint(case_id, user)))


# ---- corrections --------------------------------------------------------------------------------
@route("/corrections", method="post", summary="Report an error or omission in an entry", tag="my cases",
       body=s.CorrectionIn, files={"attachment": "Optional: PDF, PNG or JPEG."}, response=s.CorrectionOut,
       errors=SUBMIT_ERRORS, auth=True)
@token_required(write=True)
def file_correction(user):
    """A correction on a published entry or one of its resources; the entry shows “correction in progress”
    until the agency answers."""
    args = load_body(s.CorrectionIn)
    c = cases.file_correction(args, uploaded("attachment"), user)
    return s.CorrectionOut().dump(cases.correction_out(c)), 201


@route("/corrections", summary="My corrections", tag="my cases", query=s.PageIn, response=s.CorrectionPageOut,
       errors=READ_ERRORS, auth=True)
@token_required()
def my_corrections(user):
    """The caller's own corrections, newest first, with the agency's answer."""
    return _page(s.CorrectionPageOut, cases.own_corrections, user)


@route("/corrections/<int:case_id>", summary="One of my corrections", tag="my cases", response=s.CorrectionOut,
       errors=(401, 404), auth=True, path_params=ID)
@token_required()
def my_correction(user, case_id: int):
    """The correction with its state and answer; another account's correction is 404."""
    return s.CorrectionOut().dump(cases.correction_out(cases.own_correction(case_id, user)))


# ---- reports of illegal use ------------------------------------------------------------------------
@route("/reports", method="post", summary="Report illegal use of public data", tag="my cases", body=s.ReportIn,
       files={"evidence": "Optional: PDF, PNG or JPEG."}, response=s.ReportOut, errors=SUBMIT_ERRORS, auth=True)
@token_required(write=True)
def file_report(user):
    """A report of illegal use (R2024 §46): who, what, optional evidence; the authority and the agency
    concerned handle it and answer."""
    args = load_body(s.ReportIn)
    r = cases.file_report(args, uploaded("evidence"), user)
    return s.ReportOut().dump(cases.report_out(r)), 201


@route("/reports", summary="My reports", tag="my cases", query=s.PageIn, response=s.ReportPageOut,
       errors=READ_ERRORS, auth=True)
@token_required()
def my_reports(user):
    """The caller's own reports, newest first, with the answer."""
    return _page(s.ReportPageOut, cases.own_reports, user)


@route("/reports/<int:case_id>", summary="One of my reports", tag="my cases", response=s.ReportOut,
       errors=(401, 404), auth=True, path_params=ID)
@token_required()
def my_report(user, case_id: int):
    """The report with its state and answer; another account's report is 404."""
    return s.ReportOut().dump(cases.report_out(cases.own_report(case_id, user)))
