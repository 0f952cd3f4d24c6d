"""Periodic reassessment on /api/v1/reassessments (OVERSIGHT §3), documented in OpenAPI: the caller's due
reassessments (the agency its own; the authority, auditors and administrators all) and the agency's reasoned
"keep", by the same services as the console's pages (portal/reassessment/services.py). Writing needs a
read-write token; the input schema is portal/reassessment/schemas.py's KeepIn."""
from __future__ import annotations

from ..accounts import roles
from ..reassessment import services
from ..reassessment import schemas as s
from .cases import load_body, token_required
from .routes import route

TAG = "reassessments"


@route("/reassessments", summary="The reassessments the caller's entries owe", tag=TAG,
       response=s.ReassessmentListOut, errors=(401, 403), auth=True)
@token_required(*roles.CONSOLE_VIEWERS)
def reassessments(user):
    """Every conditional or closed open type and conditional or withheld share type of a published entry, with
    its due date (last assessed, else published, plus the configured months), overdue first. Agency staff see
    their agency's entries; the authority, auditors and administrators see all."""
    return s.ReassessmentListOut().dump({"months": services.months(), "results": services.queue_for(user)})


@route("/reassessments/<dataset_id>/keep", method="post", summary="Record a reasoned keep of an entry's type",
       tag=TAG, body=s.KeepIn, response=s.KeptOut, errors=(401, 403, 404, 409, 422), auth=True,
       path_params={"dataset_id": "The catalog entry's id."})
@token_required(*roles.AGENCY_STAFF, write=True)
def keep(user, dataset_id: str):
    """Staff of the entry's agency say why the open (kind `open`) or share (kind `share`) type stays and on
    what legal basis (both required, else 422): the assessed date is set, the entry's public history and the
    audit log record it. Another agency's entry is 404; a type that needs no reassessment 409."""
    ds = services.get_entry(dataset_id, user)
    change = services.keep(ds, load_body(s.KeepIn), user)
    kind = "open" if change.field == services.ATTRIBUTES["open"].type_field else "share"
    return s.KeptOut().dump({"dataset_id": ds.id, "kind": kind, "type": change.to_value, "reason": change.reason,
                             "legal_basis": change.details.get("legal_basis", ""), "recorded_at": change.at,
                             "next_due": services.due_date(ds, kind)}), 201
