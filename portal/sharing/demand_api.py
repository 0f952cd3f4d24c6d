"""Demands (§3.4) and verifications (§3.5) on /api/v1/sharing: file, list, show, act. Every route needs an
API token of an agency's staff, the authority, an auditor or an administrator (401 without one); steps need a
read-write token. A case of other agencies is 404 (S14); verification results go to the parties' officers
and auditors only (403 otherwise)."""
from __future__ import annotations

from ..accounts import roles
from ..api.cases import load_body, token_required, uploaded
from ..api.routes import route
from . import demands, verification
from .demand_schemas import (RECORDS, DemandActionIn, DemandIn, DemandListOut, DemandOut, VerificationActionIn,
                             VerificationIn, VerificationListOut, VerificationOut, VerificationResultOut)

TAG = "sharing"
DEMAND_ID = {"demand_id": "The demand's number."}
VERIFICATION_ID = {"verification_id": "The verification's number."}


@route("/sharing/demands", method="post", summary="File a demand for data not in the catalog", tag=TAG,
       body=DemandIn, response=DemandOut, errors=(401, 403, 422), auth=True)
@token_required(*roles.AGENCY_STAFF, write=True)
def file_demand(user):
    """The requesting agency's share officer files a demand (SHARING.md §3.4); the data authority reviews it."""
    args = load_body(DemandIn)
    d = demands.file_demand(args, user, submit_now=args.get("submit", True))
    return DemandOut().dump(d), 201


@route("/sharing/demands", summary="Demands the caller may read", tag=TAG, response=DemandListOut,
       errors=(401, 403), auth=True)
@token_required(*roles.SHARING_VIEWERS)
def list_demands(user):
    """Demands of the caller's agency (as requester or provider); every one to the authority and auditors."""
    return DemandListOut().dump({"results": demands.visible_demands(user)})


@route("/sharing/demands/<int:demand_id>", summary="One demand", tag=TAG, response=DemandOut,
       errors=(401, 403, 404), auth=True, path_params=DEMAND_ID)
@token_required(*roles.SHARING_VIEWERS)
def show_demand(user, demand_id: int):
    """The demand with its state, due dates and timeline; 404 to staff of other agencies."""
    return DemandOut().dump(demands.get_demand(demand_id, user))


@route("/sharing/demands/<int:demand_id>/actions", method="post", summary="Take a step on a demand", tag=TAG,
       body=DemandActionIn, response=DemandOut, errors=(401, 403, 404, 409, 422), auth=True,
       path_params=DEMAND_ID)
@token_required(*roles.SHARING_VIEWERS, write=True)
def act_on_demand(user, demand_id: int):
    """submit, return, forward, agree, agree_later, refuse, not_ours, fulfil or dispute, as the table allows."""
    d = demands.get_demand(demand_id, user)
    args = load_body(DemandActionIn)
    if args["action"] == "submit":
        demands.submit(d, user)
    else:
        demands.act(d, args["action"], user, args, version=args.get("version"))
    return DemandOut().dump(d), 201


@route("/sharing/verifications", method="post", summary="File a verification against a not-shared entry", tag=TAG,
       body=VerificationIn, files={RECORDS["name"]: RECORDS["description"]}, response=VerificationOut,
       errors=(401, 403, 404, 422), auth=True)
@token_required(*roles.AGENCY_STAFF, write=True)
def file_verification(user):
    """The requesting agency's share officer uploads records to be verified (SHARING.md §3.5), multipart."""
    args = load_body(VerificationIn)
    v = verification.file_verification(args, uploaded(RECORDS["name"]), user)
    return VerificationOut().dump(v), 201


@route("/sharing/verifications", summary="Verifications the caller may read", tag=TAG,
       response=VerificationListOut, errors=(401, 403), auth=True)
@token_required(*roles.SHARING_VIEWERS)
def list_verifications(user):
    """Verifications of the caller's agency; every one to the authority and auditors (without files)."""
    return VerificationListOut().dump({"results": verification.visible_verifications(user)})


@route("/sharing/verifications/<int:verification_id>", summary="One verification", tag=TAG,
       response=VerificationOut, errors=(401, 403, 404), auth=True, path_params=VERIFICATION_ID)
@token_required(*roles.SHARING_VIEWERS)
def show_verification(user, verification_id: int):
    """The verification's state, due date and verdict counts; 404 to staff of other agencies."""
    return VerificationOut().dump(verification.get_verification(verification_id, user))


@route("/sharing/verifications/<int:verification_id>/result", summary="A verification's per-record verdicts",
       tag=TAG, response=VerificationResultOut, errors=(401, 403, 404), auth=True, path_params=VERIFICATION_ID)
@token_required(*roles.SHARING_VIEWERS)
def verification_result(user, verification_id: int):
    """One verdict per submitted record (match, mismatch, not_found), never the provider's values; the parties'
    share officers and auditors only."""
    v = verification.get_verification(verification_id, user)
    verification.result_csv(v, user)  # the access check and its access event
    return VerificationResultOut().dump({"results": verification.results(v, user)})


@route("/sharing/verifications/<int:verification_id>/actions", method="post", summary="Take a step on a verification",
       tag=TAG, body=VerificationActionIn, response=VerificationOut, errors=(401, 403, 404, 409, 422), auth=True,
       path_params=VERIFICATION_ID)
@token_required(*roles.SHARING_VIEWERS, write=True)
def act_on_verification(user, verification_id: int):
    """answer (the portal compares the records with the entry's file), decline with a legal basis, withdraw."""
    v = verification.get_verification(verification_id, user)
    args = load_body(VerificationActionIn)
    verification.act(v, args["action"], user, args.get("legal_basis", ""), version=args.get("version"))
    return VerificationOut().dump(v), 201
