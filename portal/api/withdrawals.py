"""Planned withdrawals of published entries on /api/v1/withdrawals (OVERSIGHT §2), documented in OpenAPI.

Staff of the entry's agency file and withdraw; the authority approves (mode `approve`) or returns; auditors
read. Writing needs a read-write token. The input schemas are portal/withdrawal/schemas.py."""
from __future__ import annotations

from ..accounts import roles
from ..withdrawal import services
from ..withdrawal import schemas as s
from .cases import load_body, token_required
from .routes import route

TAG = "withdrawals"
ID = {"withdrawal_id": "The planned withdrawal's number."}
READ = (401, 403, 404)
WRITE = (401, 403, 404, 409, 422)


def _out(w, user) -> dict:
    out = s.WithdrawalOut().dump(w)
    out["actions"] = services.allowed_actions(w, user)
    return out


@route("/withdrawals", method="post", summary="Announce that a published entry stops being provided", tag=TAG,
       body=s.WithdrawalIn, response=s.WithdrawalOut, errors=WRITE, auth=True)
@token_required(*roles.STAFF, write=True)
def file_withdrawal(user):
    """Staff of the entry's agency give the reason and the last day, at least the configured months away."""
    return _out(services.file(load_body(s.WithdrawalIn), user), user), 201


@route("/withdrawals/<int:withdrawal_id>", summary="One planned withdrawal", tag=TAG, response=s.WithdrawalOut,
       errors=READ, auth=True, path_params=ID)
@token_required(*roles.CONSOLE_VIEWERS)
def withdrawal(user, withdrawal_id: int):
    """The entry's agency, the authority and auditors read it, with the actions the caller may take."""
    return _out(services.get(withdrawal_id, user), user)


@route("/withdrawals/<int:withdrawal_id>/act", method="post", summary="Approve, return or withdraw it",
       tag=TAG, body=s.WithdrawalActionIn, response=s.WithdrawalOut, errors=WRITE, auth=True, path_params=ID)
@token_required(*roles.STAFF, write=True)
def act_on_withdrawal(user, withdrawal_id: int):
    """approve (mode `approve`) or return (the authority, before the last day); withdraw (the agency)."""
    w = services.get(withdrawal_id, user)
    args = load_body(s.WithdrawalActionIn)
    services.act(w, args.get("action", ""), args.get("reason", ""), user, args.get("version"))
    return _out(w, user), 201
