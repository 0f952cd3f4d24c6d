"""The tables of error checks (§3.6), disputes (§3.7) and stop/change notices (§3.8), and their settings.

Who acts is the relation of accounts/roles.py: the share officer of the reporting / disputing agency
(REQUESTER) or of the providing one (PROVIDER), the authority, the portal itself (SYSTEM). The notices
each step sends are written by the service modules (errors_check.py, disputes.py, notices.py), which
know who holds a grant of the entry.
"""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _

from .. import workdays
from ..accounts import roles
from ..models_base import utcnow
from ..workflow import Transition, Workflow
from .dispute_models import DisputeState as D
from .dispute_models import ErrorState as E
from .dispute_models import NoticeState as N

REQUESTER, PROVIDER = roles.REQUESTER, roles.PROVIDER
AUTHORITY, SYSTEM = roles.AUTHORITY_ACTOR, roles.SYSTEM
OFFICERS = (REQUESTER, PROVIDER)


def today() -> date:
    return workdays.china_date(utcnow())


def _pair(case, actor) -> set[str]:
    return roles.share_relations(actor, requester_agency_id=case.requester_agency_id,
                                 provider_agency_id=case.provider_agency_id)


def _only_officers(_case) -> str:
    return _("Only the share officer of the agency concerned takes this step.")


def _acted_at_once(_case) -> str:
    return _("Someone else acted on this case at the same time; reload the page.")


# §3.6 error check (R2018 §21「10个工作日内予以处理和回复」)
ERROR_CHECK = Workflow("share_error", [
    Transition("report", (None,), E.SUBMITTED, (REQUESTER,), "share_error.report",
               starts="SHARE_ERROR_ANSWER_WORKDAYS"),
    Transition("answer", (E.SUBMITTED,), E.ANSWERED, (PROVIDER,), "share_error.answer", stops=True,
               needs_reason=True, reason_field="answer",
               reason_missing=lambda _c: _("Say what you checked and what you corrected.")),
], relations=_pair, object_type="share_error", forbidden=_only_officers, stale=_acted_at_once,
    conflict=lambda _c: _("This error report has already been answered."), reason_field="answer", reason_max=5000)

# §3.7 dispute (R2018 §19「10个工作日内协商解决」「在30个工作日内协调解决」)
DISPUTE = Workflow("share_dispute", [
    Transition("open", (None,), D.NEGOTIATING, (REQUESTER,), "share_dispute.open",
               starts="SHARE_NEGOTIATION_WORKDAYS", needs_reason=True, reason_field="statement",
               reason_missing=lambda _c: _("Say why your agency needs the data.")),
    Transition("propose", (D.NEGOTIATING,), D.NEGOTIATING, OFFICERS, "share_dispute.propose", needs_reason=True,
               reason_field="terms", reason_missing=lambda _c: _("Write the terms you propose.")),
    Transition("accept", (D.NEGOTIATING,), D.RESOLVED, OFFICERS, "share_dispute.accept", stops=True),
    Transition("fail", (D.NEGOTIATING,), D.COORDINATING, OFFICERS, "share_dispute.fail", needs_reason=True,
               reason_missing=lambda _c: _("Say why the negotiation failed.")),
    Transition("escalate", (D.NEGOTIATING,), D.COORDINATING, (SYSTEM,), "share_dispute.escalate"),
    # the clock runs while the expert committee studies the case (R2024 §47); its opinion advises, the
    # authority still decides. `refer` once, `record_opinion` once referred (disputes.allowed_actions)
    Transition("refer", (D.COORDINATING,), D.COORDINATING, (AUTHORITY,), "share_dispute.refer", needs_reason=True,
               reason_field="question", reason_missing=lambda _c: _("Write the question put to the experts.")),
    Transition("record_opinion", (D.COORDINATING,), D.COORDINATING, (AUTHORITY,), "share_dispute.expert_opinion",
               needs_reason=True, reason_field="opinion",
               reason_missing=lambda _c: _("Write the expert committee's opinion.")),
    Transition("decide_share", (D.COORDINATING,), D.RESOLVED, (AUTHORITY,), "share_dispute.decide_share",
               stops=True, needs_reason=True, reason_field="terms",
               reason_missing=lambda _c: _("Write the terms on which the data is shared.")),
    Transition("decide_refusal", (D.COORDINATING,), D.RESOLVED, (AUTHORITY,), "share_dispute.decide_refusal",
               stops=True, needs_reason=True, reason_missing=lambda _c: _("Give the reasons of the decision.")),
], relations=_pair, object_type="share_dispute", forbidden=_only_officers, stale=_acted_at_once,
    conflict=lambda _c: _("This action is not possible in the dispute's current state."), reason_max=5000)
DISPUTE_DECISIONS = ("propose", "accept", "fail", "refer", "record_opinion", "decide_share", "decide_refusal")


def _notice_relations(notice, actor) -> set[str]:
    return roles.share_relations(actor, requester_agency_id=None, provider_agency_id=notice.provider_agency_id)


# §3.8 stop or narrow sharing (SZ §12「至少提前一个月通知」, R2018 §18 备案). `approve` is offered only to a
# notice filed in mode `approve`; `take_effect` runs from `filed` only in mode `file` (notices.py says which).
CHANGE_NOTICE = Workflow("share_notice", [
    Transition("file", (None,), N.FILED, (PROVIDER,), "share_notice.file", needs_reason=True,
               reason_missing=lambda _c: _("State the legitimate reason (正当理由) for stopping or narrowing.")),
    Transition("approve", (N.FILED,), N.APPROVED, (AUTHORITY,), "share_notice.approve"),
    Transition("return", (N.FILED,), N.RETURNED, (AUTHORITY,), "share_notice.return", stops=True, needs_reason=True,
               reason_missing=lambda _c: _("Give the reason for returning the notice.")),
    Transition("withdraw", (N.FILED, N.APPROVED), N.WITHDRAWN, (PROVIDER,), "share_notice.withdraw", stops=True),
    Transition("take_effect", (N.FILED, N.APPROVED), N.EFFECTIVE, (SYSTEM,), "share_notice.take_effect", stops=True),
], relations=_notice_relations, object_type="share_notice", forbidden=_only_officers, stale=_acted_at_once,
    conflict=lambda _c: _("This action is not possible in the notice's current state."), reason_max=5000)
NOTICE_DECISIONS = ("approve", "return", "withdraw")

# The labels of the states (the `status` filter of portal/templating.py reads them).
from flask_babel import lazy_gettext as _l  # noqa: E402

ERROR_STATE_LABELS = {E.SUBMITTED: _l("Being checked (校核中)"), E.ANSWERED: _l("Answered")}
DISPUTE_STATE_LABELS = {D.NEGOTIATING: _l("Negotiating"), D.COORDINATING: _l("Coordinating by the data authority"),
                        D.RESOLVED: _l("Resolved")}
NOTICE_STATE_LABELS = {N.FILED: _l("Filed"), N.APPROVED: _l("Approved"), N.RETURNED: _l("Returned"),
                       N.WITHDRAWN: _l("Withdrawn"), N.EFFECTIVE: _l("In effect: sharing ended")}
