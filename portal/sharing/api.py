"""Sharing between agencies on /api/v1/sharing/... (SHARING.md §3.1–3.3): file a request, list and read
cases, take each step of the tables, read a grant with its notice and fetch its files in mode `api`.

Every route needs an agency staff member's (or the authority's, an auditor's) API token; steps need a
read-write token. A case between two other agencies is 404 (S14). Inputs and outputs are the schemas of
schemas.py, which the OpenAPI document shows.
"""
from __future__ import annotations

from typing import Any
from urllib.parse import quote

from flask import Response, request
from marshmallow import Schema, fields

from ..accounts import roles
from ..api.cases import load_body, token_required
from ..api.routes import route
from ..fields import form_values
from . import grants, query, requests
from .schemas import (AgreeIn, DeliverIn, GrantOut, QueryIn, QueryOut, ReasonIn, RefuseIn, ShareRequestIn,
                      ShareRequestOut)
from .workflow import DIRECT, REQUEST

TAG = "sharing"
READ = (401, 403, 404)
WRITE = (401, 403, 404, 409, 422)
REQ_ID = {"req_id": "The share request's number."}
GRANT_ID = {"grant_id": "The share grant's number."}
STEP_BODIES = {"agree": AgreeIn, "refuse": RefuseIn, "deliver": DeliverIn}


class ShareRequestListOut(Schema):
    requested = fields.List(fields.Nested(ShareRequestOut), metadata={"description": "The caller agency's requests."})
    received = fields.List(fields.Nested(ShareRequestOut), metadata={"description": "Requests to the caller agency."})
    all = fields.List(fields.Nested(ShareRequestOut), metadata={"description": "Every case (authority, auditors)."})


def _out(req, user) -> dict[str, Any]:
    out = ShareRequestOut().dump(req)
    out["actions"] = requests.allowed_actions(req, user)
    return out


@route("/sharing/requests", method="post", summary="File a share request", tag=TAG, body=ShareRequestIn,
       response=ShareRequestOut, errors=WRITE, auth=True)
@token_required(*roles.AGENCY_STAFF, write=True)
def file_share_request(user):
    """A share officer asks another agency's entry (slug or id): unconditional entries are granted at once
    (state granted), conditional ones are answered within the configured working days; a `none` entry is
    409 pointing to verification. With submit=false, a draft."""
    args = load_body(ShareRequestIn)
    ds = requests.requestable_dataset(args.pop("dataset"))
    req = requests.save(ds, args, user, submit_now=args.pop("submit"))
    return _out(req, user), 201


@route("/sharing/requests", summary="Share requests of my agency", tag=TAG, response=ShareRequestListOut,
       errors=READ, auth=True)
@token_required(*roles.SHARING_VIEWERS)
def share_requests(user):
    """The caller agency's requests and the requests to it (the authority and auditors: every case)."""
    return {side: [_out(r, user) for r in rows] for side, rows in requests.lists_for(user).items()}


@route("/sharing/requests/<int:req_id>", summary="One share request", tag=TAG, response=ShareRequestOut,
       errors=READ, auth=True, path_params=REQ_ID)
@token_required(*roles.SHARING_VIEWERS)
def share_request(user, req_id: int):
    """The case with its timeline, agreed terms, grant and the steps the caller may take."""
    return _out(requests.get_request(req_id, user), user)


def _step_route(action: str) -> None:
    body = STEP_BODIES.get(action, ReasonIn)

    def step(user, req_id: int):
        req = requests.get_request(req_id, user)
        return _out(requests.act(req, action, load_body(body), user), user), 201
    step.__name__ = f"share_request_{action}"
    step.__doc__ = {
        "submit": "Submit a draft (the requester's share officer).",
        "agree": "Agree as asked or narrower, never wider (the provider's share officer); delivered at once when "
                 "the data is on the portal.",
        "refuse": "Refuse with a reason and the legal basis (R2024 §23); 422 naming the missing field.",
        "question": "Ask the requester a question (the answer period runs on).",
        "deliver": "Deliver the agreed data: the grant becomes active (offline: a note is required).",
        "withdraw": "Withdraw a draft or a submitted request (the requester's share officer).",
        "dispute": "Dispute a refusal (the requester's share officer).",
        "supervise": "Record 督办 on a slow case, with a date (the authority).",
    }[action]
    route(f"/sharing/requests/<int:req_id>/{action}", method="post", summary=f"Share request: {action}", tag=TAG,
          body=body, response=ShareRequestOut, errors=WRITE, auth=True, path_params=REQ_ID)(
        token_required(*roles.STAFF, write=True)(step))


for _action in dict.fromkeys(a for table in (DIRECT, REQUEST) for a in table.actions() if a in requests.ACTIONS):
    _step_route(_action)  # `settle` is the dispute's step (sharing/disputes/<id>/actions)


# ---- grants ----------------------------------------------------------------------------------------------
def _grant_out(g, user) -> dict[str, Any]:
    out = GrantOut().dump(g)
    out["actions"] = grants.allowed_actions(g, user)
    return out


@route("/sharing/grants/<int:grant_id>", summary="One share grant", tag=TAG, response=GrantOut, errors=READ,
       auth=True, path_params=GRANT_ID)
@token_required(*roles.SHARING_VIEWERS)
def share_grant(user, grant_id: int):
    """The grant's terms and its notice: the purpose and the ban on onward transfer (R2024 §20)."""
    return _grant_out(grants.get_grant(grant_id, user), user)


def _grant_step(action: str) -> None:
    def step(user, grant_id: int):
        g = grants.get_grant(grant_id, user)
        return _grant_out(grants.change(g, action, load_body(ReasonIn), user), user), 201
    step.__name__ = f"share_grant_{action}"
    step.__doc__ = f"{action.capitalize()} the grant, with a reason (the provider's share officer, the authority)."
    route(f"/sharing/grants/<int:grant_id>/{action}", method="post", summary=f"Share grant: {action}", tag=TAG,
          body=ReasonIn, response=GrantOut, errors=WRITE, auth=True, path_params=GRANT_ID)(
        token_required(*roles.STAFF, write=True)(step))


for _action in grants.EVENTS:
    _grant_step(_action)


@route("/sharing/grants/<int:grant_id>/files/<resource_id>/download", summary="A file under a share grant",
       tag=TAG, errors=(401, 403, 404, 451), media_type="application/octet-stream", auth=True,
       path_params={**GRANT_ID, "resource_id": "The file's id."})
@token_required(*roles.AGENCY_STAFF)
def share_grant_file(user, grant_id: int, resource_id: str):
    """The file in mode `api`, for a user named in the grant, within its period; a CSV or XLSX holds only the
    agreed data items. The header X-Share-Notice (percent-encoded) carries the purpose and the ban on onward
    transfer. Every call, refused ones too, is logged as a `share` access event with the grant's number."""
    g = grants.get_grant(grant_id, user)
    out = grants.take(g, resource_id, user, "api")
    resp = Response(out.data, content_type=out.media_type)
    resp.headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(out.filename)}"
    resp.headers["X-Share-Notice"] = quote(grants.notice(g))
    resp.headers["Cache-Control"] = "no-store"
    return resp


@route("/sharing/grants/<int:grant_id>/resources/<resource_id>/query", summary="Query a table under a share grant",
       tag=TAG, query=QueryIn, response=QueryOut, errors=(401, 403, 404, 409, 422), auth=True,
       path_params={**GRANT_ID, "resource_id": "The file's id (a CSV or XLSX file)."})
@token_required(*roles.AGENCY_STAFF)
def share_grant_query(user, grant_id: int, resource_id: str):
    """Online query (mode `query`) for a user named in the grant, within its period: only the agreed data items
    are shown or filtered on (422 naming the field otherwise), 50 rows a page, with the total, the grant's
    purpose and the ban on onward transfer. Every query, refused ones too, is logged as a `share` access event
    with the grant's number."""
    g = grants.get_grant(grant_id, user)
    table = query.table(g, resource_id, user)
    return QueryOut().dump(query.dump(query.answer(table, form_values(QueryIn(), request.args))))
