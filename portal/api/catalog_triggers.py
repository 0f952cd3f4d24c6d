"""Catalog update triggers on /api/v1/catalog-updates (目录更新事由, OVERSIGHT §1), documented in OpenAPI.

Staff of the entries' agency and the authority file; the agency's staff record a reasoned "no change" per
entry (a revision submitted for review answers an entry by itself); auditors read. Writing needs a
read-write token. The input schemas are portal/triggers/schemas.py."""
from __future__ import annotations

from ..accounts import roles
from ..triggers import schemas as s
from ..triggers import services
from .cases import load_body, token_required
from .routes import route

TAG = "catalog updates"
ID = {"trigger_id": "The trigger's number."}
READ = (401, 403, 404)
WRITE = (401, 403, 404, 409, 422)


def _out(t, user) -> dict:
    out = s.TriggerOut().dump(t)
    out["overdue"] = services.marks(t)[0]
    out["actions"] = services.allowed_actions(t, user)
    return out


@route("/catalog-updates", summary="Catalog update triggers", tag=TAG, response=s.TriggerListOut, errors=READ,
       auth=True)
@token_required(*roles.CONSOLE_VIEWERS)
def catalog_updates(user):
    """The agency's own triggers; the authority, auditors and administrators see all. Open ones first,
    overdue first."""
    return {"results": [_out(r.trigger, user) for r in services.listing(user)]}


@route("/catalog-updates", method="post", summary="File a catalog update trigger", tag=TAG, body=s.TriggerIn,
       response=s.TriggerOut, errors=WRITE, auth=True)
@token_required(*roles.STAFF, write=True)
def file_catalog_update(user):
    """A change of legal basis or statutory function (due the configured working days after it takes effect)
    or an IT project's acceptance (due that day), naming the affected entries of one agency."""
    return _out(services.file(load_body(s.TriggerIn), user), user), 201


@route("/catalog-updates/<int:trigger_id>", summary="One catalog update trigger", tag=TAG, response=s.TriggerOut,
       errors=READ, auth=True, path_params=ID)
@token_required(*roles.CONSOLE_VIEWERS)
def catalog_update(user, trigger_id: int):
    """The agency, the authority and auditors read it, each entry's answer, and the caller's actions."""
    return _out(services.get(trigger_id, user), user)


@route("/catalog-updates/<int:trigger_id>/no-change", method="post", summary="Record that an entry needs no change",
       tag=TAG, body=s.NoChangeIn, response=s.TriggerOut, errors=WRITE, auth=True, path_params=ID)
@token_required(*roles.STAFF, write=True)
def catalog_update_no_change(user, trigger_id: int):
    """Staff of the trigger's agency, with the reason (required); the trigger closes when every entry is answered."""
    t = services.get(trigger_id, user)
    services.no_change(t, load_body(s.NoChangeIn), user)
    return _out(t, user), 201
