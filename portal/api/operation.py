"""Authorised operation on /api/v1/operation (OVERSIGHT §10), documented in OpenAPI.

The authority enters agreements, records the risk assessment, puts them in force, suspends, resumes and revokes;
auditors read; an operator reads its own and, while one is in force, fetches its entries' files here, by API
token only (each call an access event naming the agreement). The schemas are portal/operation/schemas.py."""
from __future__ import annotations

from ..accounts import roles
from ..file_responses import send_resource
from ..operation import reports, services
from ..operation import schemas as s
from .cases import load_body, token_required
from .routes import route

TAG = "operation"
ID = {"agreement_id": "The agreement's number."}
READ = (401, 403, 404)
WRITE = (401, 403, 404, 409, 422)


def _out(a, user) -> dict:
    out = s.AgreementOut().dump(a)
    out["actions"] = services.allowed_actions(a, user)
    out["files"] = services.file_links(a)
    out["reports"] = s.ReportSlotOut(many=True).dump(reports.slots_out(a))
    return out


@route("/operation/agreements", summary="The operation agreements the caller reads", tag=TAG,
       response=s.AgreementListOut, errors=(401, 403), auth=True)
@token_required(*roles.OPERATION_VIEWERS)
def agreements(user):
    """The authority and auditors: all; an operator: its own."""
    return {"results": [_out(a, user) for a in services.visible(user)]}


@route("/operation/agreements", method="post", summary="Enter an operation agreement", tag=TAG,
       body=s.AgreementIn, response=s.AgreementOut, errors=WRITE, auth=True)
@token_required(*roles.AUTHORITY, write=True)
def create_agreement(user):
    """Only entries of registered assets in the 授权运营 scope; the operator's USCC is checked."""
    return _out(services.create(load_body(s.AgreementIn), user), user), 201


@route("/operation/agreements/<int:agreement_id>", summary="One operation agreement", tag=TAG,
       response=s.AgreementOut, errors=READ, auth=True, path_params=ID)
@token_required(*roles.OPERATION_VIEWERS)
def agreement(user, agreement_id: int):
    return _out(services.get(agreement_id, user), user)


@route("/operation/agreements/<int:agreement_id>/act", method="post",
       summary="Record the risk assessment, put in force, suspend, resume or revoke", tag=TAG,
       body=s.AgreementActionIn, response=s.AgreementOut, errors=WRITE, auth=True, path_params=ID)
@token_required(*roles.AUTHORITY, write=True)
def act_on_agreement(user, agreement_id: int):
    """assess needs the assessment's conclusion; activate only after it; suspend, resume, revoke need a reason."""
    a = services.get(agreement_id, user)
    return _out(services.act(a, load_body(s.AgreementActionIn), user), user), 201


@route("/operation/agreements/<int:agreement_id>/reports", method="post", summary="File a usage report",
       tag=TAG, body=s.UsageReportIn, response=s.AgreementOut, errors=WRITE, auth=True, path_params=ID)
@token_required(*roles.OPERATORS, write=True)
def file_usage_report(user, agreement_id: int):
    """The operator reports how it used the data for the next due date of the agreement's schedule (as grant
    holders do); 409 when none is owed."""
    a = services.get(agreement_id, user)
    reports.file(a, load_body(s.UsageReportIn), user)
    return _out(a, user), 201


@route("/operation/agreements/<int:agreement_id>/files/<resource_id>", summary="A file under an agreement",
       tag=TAG, media_type="application/octet-stream", errors=(401, 403, 404, 451), auth=True,
       path_params={**ID, "resource_id": "The file's id."})
@token_required(*roles.OPERATORS)
def operated_file(user, agreement_id: int, resource_id: str):
    """The operator, while the agreement is in force; logged with the agreement's id (refusals too)."""
    return send_resource(services.operated_file(agreement_id, resource_id, user))


@route("/operation/operators", summary="Operators with agreements in force", tag=TAG,
       response=s.OperatorListOut, errors=(404,))
def operators():
    """Public only when the portal is configured so (PORTAL_OPERATION_PUBLIC=1); 404 otherwise."""
    return {"results": s.OperatorOut(many=True).dump(services.public_operators())}
