"""Display labels of demand and verification states, verdicts and timeline lines (one place, translatable)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

from .demand_models import AgreeMode, DemandState, Verdict, VerificationState

DEMAND_STATE_LABELS = {
    DemandState.DRAFT: lazy_pgettext("demand state", "Draft"),
    DemandState.AUTHORITY_REVIEW: lazy_pgettext("demand state", "Under review by the data authority"),
    DemandState.RETURNED: lazy_pgettext("demand state", "Returned"),
    DemandState.PROVIDER_REVIEW: lazy_pgettext("demand state", "Waiting for the source agency's answer"),
    DemandState.AGREED: lazy_pgettext("demand state", "Agreed"),
    DemandState.REFUSED: lazy_pgettext("demand state", "Refused"),
    DemandState.FULFILLED: lazy_pgettext("demand state", "Fulfilled"),
    DemandState.DISPUTED: lazy_pgettext("demand state", "Disputed"),
    DemandState.UPWARD: lazy_pgettext("demand state", "Asked of the higher level"),
    DemandState.UPWARD_AGREED: lazy_pgettext("demand state", "Agreed by the higher level"),
    DemandState.UPWARD_REFUSED: lazy_pgettext("demand state", "Refused by the higher level"),
    DemandState.WITHDRAWN: lazy_pgettext("demand state", "Withdrawn"),
}
AGREE_MODE_LABELS = {
    AgreeMode.DIRECT: _l("Agreed, shared directly"),
    AgreeMode.PROCESSING: _l("Agreed after processing"),
    AgreeMode.UPWARD: _l("Agreed by the higher level"),
}
VERIFICATION_STATE_LABELS = {
    VerificationState.DRAFT: lazy_pgettext("verification state", "Draft"),
    VerificationState.SUBMITTED: lazy_pgettext("verification state", "Waiting for the provider's answer"),
    VerificationState.ANSWERED: lazy_pgettext("verification state", "Answered"),
    VerificationState.DECLINED: lazy_pgettext("verification state", "Declined"),
    VerificationState.WITHDRAWN: lazy_pgettext("verification state", "Withdrawn"),
}
VERDICT_LABELS = {
    Verdict.MATCH: _l("Consistent"),
    Verdict.MISMATCH: _l("Inconsistent"),
    Verdict.NOT_FOUND: _l("No such record"),
}
EVENT_LABELS = {
    "submit": _l("Submitted"), "return": _l("Returned by the data authority"),
    "forward": _l("Forwarded to the source agency"), "agree": _l("Agreed"),
    "agree_later": _l("Agreed after processing"), "refuse": _l("Refused"),
    "not_ours": _l("Not the source agency; back to the data authority"), "fulfil": _l("Fulfilled"),
    "dispute": _l("Disputed"), "file": _l("Filed"), "answer": _l("Answered"), "decline": _l("Declined"),
    "withdraw": _l("Withdrawn"), "ask_upward": _l("Asked of the higher level"),
    "upward_agreed": _l("The higher level agreed"), "upward_refused": _l("The higher level refused"),
    "upward_received": _l("Data received from the higher level"),
}
