"""Display labels of sharing states, modes and timeline lines (one place, translatable)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

from .models import RequestState, ShareGrantState, ShareMode

REQUEST_STATE_LABELS = {
    RequestState.DRAFT: lazy_pgettext("share request state", "Draft"),
    RequestState.SUBMITTED: lazy_pgettext("share request state", "Awaiting the provider's answer"),
    RequestState.AGREED: lazy_pgettext("share request state", "Agreed, awaiting delivery"),
    RequestState.DELIVERED: lazy_pgettext("share request state", "Delivered"),
    RequestState.GRANTED: lazy_pgettext("share request state", "Granted"),
    RequestState.REFUSED: lazy_pgettext("share request state", "Refused"),
    RequestState.WITHDRAWN: lazy_pgettext("share request state", "Withdrawn"),
    RequestState.DISPUTED: lazy_pgettext("share request state", "Disputed"),
}
GRANT_STATE_LABELS = {
    ShareGrantState.ACTIVE: lazy_pgettext("share grant state", "Active"),
    ShareGrantState.SUSPENDED: lazy_pgettext("share grant state", "Suspended"),
    ShareGrantState.REVOKED: lazy_pgettext("share grant state", "Revoked"),
    ShareGrantState.EXPIRED: lazy_pgettext("share grant state", "Expired"),
    ShareGrantState.ENDED: lazy_pgettext("share grant state", "Ended"),
}
MODE_LABELS = {
    ShareMode.API: _l("API (接口)"),
    ShareMode.DOWNLOAD: _l("Bulk download"),
    ShareMode.QUERY: _l("Online query"),
    ShareMode.OFFLINE: _l("Front-end processor or system link (offline)"),
}
EVENT_LABELS = {
    "created": _l("Draft saved"),
    "submitted": _l("Request submitted"),
    "granted": _l("Granted at once (unconditional sharing)"),
    "agreed": _l("Agreed by the provider"),
    "refused": _l("Refused by the provider"),
    "question": _l("The provider asked a question"),
    "delivered": _l("Data delivered"),
    "withdrawn": _l("Withdrawn by the requester"),
    "disputed": _l("The requester disputes the refusal"),
    "supervised": _l("Supervised by the data authority (督办)"),
    "settled": _l("The dispute is settled: shared on the terms agreed"),
    "grant_suspend": _l("Sharing suspended"),
    "grant_resume": _l("Sharing resumed"),
    "grant_revoke": _l("Sharing revoked"),
    "grant_expire": _l("The grant expired (its last day passed)"),
}
ACTION_LABELS = {
    "submit": _l("Submit"), "agree": _l("Agree"), "refuse": _l("Refuse"), "question": _l("Ask a question"),
    "deliver": _l("Deliver"), "withdraw": _l("Withdraw"), "dispute": _l("Dispute the refusal"),
    "supervise": _l("Record supervision (督办)"), "suspend": _l("Suspend"), "resume": _l("Resume"),
    "revoke": _l("Revoke"),
}
