"""Error checks, disputes and stop/change notices on /api/v1/sharing (documented in the OpenAPI document).

Every route needs an API token of agency staff, the authority, an auditor or an administrator (disputes:
experts too, for those referred to them); a case the caller does not read is 404; writing needs a
read-write token. The inputs are the same schemas as the pages' forms (dispute_schemas.py)."""
from __future__ import annotations

from ..accounts import roles
from ..api.cases import load_body, token_required
from ..api.routes import route
from . import disputes, errors_check, notices
from . import dispute_schemas as s

TAG = "sharing"
ID = {"case_id": "The case's number."}
READ = (401, 403, 404)
WRITE = (401, 403, 404, 409, 422)
VIEWERS = roles.SHARING_VIEWERS
READERS = (*roles.SHARING_VIEWERS, *roles.EXPERTS)


# ---- error checks ------------------------------------------------------------------------------------
@route("/sharing/errors", summary="Error checks of shared data", tag=TAG, response=s.ErrorReportListOut,
       errors=READ, auth=True)
@token_required(*VIEWERS)
def share_errors(user):
    """The error reports the caller's agency made or received (all, for the authority and auditors)."""
    return s.ErrorReportListOut().dump({"results": errors_check.visible(user)})


@route("/sharing/errors", method="post", summary="Report a suspected error in shared data", tag=TAG,
       body=s.ErrorReportIn, response=s.ErrorReportOut, errors=WRITE, auth=True)
@token_required(*VIEWERS, write=True)
def report_share_error(user):
    """The share officer of an agency holding an active grant reports an error (R2018 §21); more than 5 working
    days after discovery it is flagged late and still accepted."""
    return s.ErrorReportOut().dump(errors_check.report_error(load_body(s.ErrorReportIn), user)), 201


@route("/sharing/errors/<int:case_id>", summary="One error report", tag=TAG, response=s.ErrorReportOut,
       errors=READ, auth=True, path_params=ID)
@token_required(*VIEWERS)
def share_error(user, case_id: int):
    """The report with its state (校核中 while open), due date and answer."""
    return s.ErrorReportOut().dump(errors_check.get_report(case_id, user))


@route("/sharing/errors/<int:case_id>/answer", method="post", summary="Answer an error report", tag=TAG,
       body=s.ErrorAnswerIn, response=s.ErrorReportOut, errors=WRITE, auth=True, path_params=ID)
@token_required(*VIEWERS, write=True)
def answer_share_error(user, case_id: int):
    """The provider's share officer answers: corrected, correct or partly, with a note."""
    report = errors_check.get_report(case_id, user)
    errors_check.answer(report, load_body(s.ErrorAnswerIn), user)
    return s.ErrorReportOut().dump(report), 201


# ---- disputes ----------------------------------------------------------------------------------------
@route("/sharing/disputes", summary="Sharing disputes", tag=TAG, response=s.ShareDisputeListOut, errors=READ, auth=True)
@token_required(*READERS)
def share_disputes(user):
    """The disputes of the caller's agency (all, for the authority and auditors; referred ones, for experts)."""
    return s.ShareDisputeListOut().dump({"results": disputes.visible(user)})


@route("/sharing/disputes", method="post", summary="Open a sharing dispute", tag=TAG, body=s.ShareDisputeIn,
       response=s.ShareDisputeOut, errors=WRITE, auth=True)
@token_required(*VIEWERS, write=True)
def open_share_dispute(user):
    """Of a refused share request, or for an entry not shared the agency needs (R2018 §19)."""
    return s.ShareDisputeOut().dump(disputes.open_dispute(load_body(s.ShareDisputeIn), user)), 201


@route("/sharing/disputes/<int:case_id>", summary="One sharing dispute", tag=TAG, response=s.ShareDisputeOut,
       errors=READ, auth=True, path_params=ID)
@token_required(*READERS)
def share_dispute(user, case_id: int):
    """The dispute with its state, due dates, proposed and decided terms."""
    return s.ShareDisputeOut().dump(disputes.get_dispute(case_id, user))


@route("/sharing/disputes/<int:case_id>/act", method="post", summary="Take a step in a sharing dispute", tag=TAG,
       body=s.ShareDisputeActionIn, response=s.ShareDisputeOut, errors=WRITE, auth=True, path_params=ID)
@token_required(*VIEWERS, write=True)
def act_on_share_dispute(user, case_id: int):
    """propose / accept / fail (the officers); refer (with the question put to the expert committee),
    record_opinion (the committee's opinion and its date), decide_share / decide_refusal (the authority)."""
    dispute = disputes.get_dispute(case_id, user)
    disputes.act(dispute, load_body(s.ShareDisputeActionIn), user)
    return s.ShareDisputeOut().dump(dispute), 201


# ---- stop / change notices ---------------------------------------------------------------------------
@route("/sharing/notices", summary="Stop or change notices", tag=TAG, response=s.NoticeListOut, errors=READ,
       auth=True)
@token_required(*VIEWERS)
def share_notices(user):
    """The notices the caller's agency filed or was told of (all, for the authority and auditors)."""
    return s.NoticeListOut().dump({"results": notices.visible(user)})


@route("/sharing/notices", method="post", summary="File a notice that sharing stops or narrows", tag=TAG,
       body=s.NoticeIn, response=s.NoticeOut, errors=WRITE, auth=True)
@token_required(*VIEWERS, write=True)
def file_share_notice(user):
    """The last day must be at least the configured months away (SZ §12), unless a legal ground is given."""
    return s.NoticeOut().dump(notices.file_notice(load_body(s.NoticeIn), user)), 201


@route("/sharing/notices/<int:case_id>", summary="One stop or change notice", tag=TAG, response=s.NoticeOut,
       errors=READ, auth=True, path_params=ID)
@token_required(*VIEWERS)
def share_notice(user, case_id: int):
    """The notice with its state, last day and the day it took effect."""
    return s.NoticeOut().dump(notices.get_notice(case_id, user))


@route("/sharing/notices/<int:case_id>/act", method="post", summary="Approve, return or withdraw a notice",
       tag=TAG, body=s.NoticeActionIn, response=s.NoticeOut, errors=WRITE, auth=True, path_params=ID)
@token_required(*VIEWERS, write=True)
def act_on_share_notice(user, case_id: int):
    """approve / return (the authority, before the last day), withdraw (the provider's share officer)."""
    notice = notices.get_notice(case_id, user)
    args = load_body(s.NoticeActionIn)
    notices.act(notice, args.get("action", ""), args.get("reason", ""), user, args.get("version"))
    return s.NoticeOut().dump(notice), 201
