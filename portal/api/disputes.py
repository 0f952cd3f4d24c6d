"""Disputes to the data authority on /api/v1/disputes (OVERSIGHT §7), documented in the OpenAPI document.

A data user or agency staff party to a case files; the authority takes up, refers to experts, records their
opinion and decides; auditors read every dispute, an expert the ones referred to them; any other caller gets
404. Writing needs a read-write token. The input schemas are portal/disputes/schemas.py."""
from __future__ import annotations

from ..disputes import services
from ..disputes import schemas as s
from .cases import load_body, token_required
from .routes import route

TAG = "disputes"
ID = {"dispute_id": "The dispute's number."}
READ = (401, 404)
WRITE = (401, 403, 404, 409, 422)


def _out(d, user) -> dict:
    out = s.DisputeOut().dump(d)
    out["actions"] = services.allowed_actions(d, user)
    return out


@route("/disputes", summary="Disputes to the data authority", tag=TAG, response=s.DisputeListOut, errors=READ,
       auth=True)
@token_required()
def disputes(user):
    """The caller's own disputes (a party's), all of them (the authority, auditors), the referred ones (an expert)."""
    return s.DisputeListOut().dump({"results": services.visible(user)})


@route("/disputes", method="post", summary="Dispute a decision with the data authority", tag=TAG,
       body=s.DisputeIn, response=s.DisputeOut, errors=WRITE, auth=True)
@token_required(write=True)
def file_dispute(user):
    """A refused application, a complaint's outcome, a rejected correction or a suspended grant, by a party
    to it; a second dispute on the same decision is 409."""
    return _out(services.file_dispute(load_body(s.DisputeIn), user), user), 201


@route("/disputes/<int:dispute_id>", summary="One dispute", tag=TAG, response=s.DisputeOut, errors=READ,
       auth=True, path_params=ID)
@token_required()
def dispute(user, dispute_id: int):
    """The dispute with its due date, referral, opinion and outcome, and the steps the caller may take."""
    return _out(services.get_dispute(dispute_id, user), user)


@route("/disputes/<int:dispute_id>/act", method="post", summary="Take a step in a dispute", tag=TAG,
       body=s.DisputeActionIn, response=s.DisputeOut, errors=WRITE, auth=True, path_params=ID)
@token_required(write=True)
def act_on_dispute(user, dispute_id: int):
    """take_up, refer (question, experts), record_opinion (opinion, opinion_on), uphold or redo (reason):
    the data authority."""
    d = services.get_dispute(dispute_id, user)
    services.act(d, load_body(s.DisputeActionIn), user)
    return _out(d, user), 201
