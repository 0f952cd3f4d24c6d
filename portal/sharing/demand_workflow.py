"""The tables of demands (需求申请, SHARING.md §3.4) and verifications (核实比对, §3.5); portal/workflow.py
drives them. Demands write the audit object type "share_demand", verifications "share_verification".

Demand: the requesting agency's share officer submits; the authority reviews within DEMAND_REVIEW_WORKDAYS
(R2024 §24「经公共数据主管部门审核」), returns it or forwards it to the source agency (数源部门), which
answers within SHARE_ANSWER_WORKDAYS: agree (completion due = answer + DEMAND_COMPLETION_WORKDAYS,
「答复之日起7个工作日内完成数据汇聚、共享」), agree after processing (the date it gives,「告知能够共享的具体
时间」), refuse with reason and legal basis, or "not ours" (back to the authority, which reassigns). The
provider fulfils; the requester disputes a return or a refusal (§3.7 takes it from there).

Another level's or region's data not held by any agency on this portal: the authority asks upward (R2024 §25
「向上级公共数据主管部门申请获取」, SZ §20) and records whom, the reference and the date sent; no rule sets
the higher level a deadline, so the portal's own follow-up (DEMAND_UPWARD_FOLLOWUP_WORKDAYS) reminds the
authority. It records the answer: agreed (how, and the date the data will be available; then received →
fulfilled) or refused (the higher level's reason and basis); the requester may withdraw meanwhile. A
provider agency on this portal, of any level, is reached by `forward` directly.

Verification: for `none` entries only; the requester's officer files records, the provider's officer
answers (the portal compares) within VERIFY_WORKDAYS or declines with a legal basis; the requester withdraws.
"""
from __future__ import annotations

from flask_babel import gettext as _

from ..accounts import roles
from ..inbox.services import notify_all
from ..models_base import utcnow
from ..workflow import Transition, Workflow
from .demand_models import (DemandEvent, DemandRequest, DemandState, VerificationEvent, VerificationRequest,
                            VerificationState)
from .workflow import officer_ids

D, V = DemandState, VerificationState
REQUESTER, PROVIDER, AUTHORITY = roles.REQUESTER, roles.PROVIDER, roles.AUTHORITY_ACTOR


def demand_link(d: DemandRequest) -> str:
    return f"/sharing/demands/{d.id}"


def verification_link(v: VerificationRequest) -> str:
    return f"/sharing/verifications/{v.id}"


def demand_event(d: DemandRequest, kind: str, actor, note: str = "") -> None:
    d.events.append(DemandEvent(kind=kind, actor_id=getattr(actor, "id", None), note=note, at=utcnow()))


def verification_event(v: VerificationRequest, kind: str, actor, note: str = "") -> None:
    v.events.append(VerificationEvent(kind=kind, actor_id=getattr(actor, "id", None), note=note, at=utcnow()))


def _relations(case, actor) -> set[str]:
    return roles.share_relations(actor, requester_agency_id=case.requester_agency_id,
                                 provider_agency_id=case.provider_agency_id)


# ---- notices ----------------------------------------------------------------------------------------
def _demand_notice(to: str, subject, body=None):
    def tell(d: DemandRequest, actor, reason: str) -> None:
        if to == "authority":
            ids = roles.authority_account_ids()
        else:
            agency_id = d.requester_agency_id if to == "requester" else d.provider_agency_id
            ids = officer_ids(agency_id) if agency_id else []
        notify_all(ids, subject(d), body(d, reason) if body else reason, link=demand_link(d),
                   kind=f"share_demand.{d.state}")
    return tell


def _due(d) -> str:
    return d.due_date.isoformat() if d.due_date else ""


_tell_authority_submitted = _demand_notice(
    "authority", lambda d: _("Demand for data from %(agency)s: “%(title)s”", agency=d.requester.name, title=d.title),
    lambda d, _r: _("Review by %(date)s.", date=_due(d)))
_tell_requester_returned = _demand_notice(
    "requester", lambda d: _("Demand returned: “%(title)s”", title=d.title))
_tell_provider_forwarded = _demand_notice(
    "provider", lambda d: _("Demand for data forwarded to you: “%(title)s”", title=d.title),
    lambda d, _r: _("Answer by %(date)s.", date=_due(d)))
_tell_requester_agreed = _demand_notice(
    "requester", lambda d: _("Demand agreed: “%(title)s”", title=d.title),
    lambda d, _r: _("Completion due by %(date)s.", date=_due(d)))
_tell_requester_refused = _demand_notice(
    "requester", lambda d: _("Demand refused: “%(title)s”", title=d.title),
    lambda d, _r: _("Reason: %(reason)s Legal basis: %(basis)s", reason=d.refusal_reason,
                    basis=d.refusal_legal_basis))
_tell_authority_not_ours = _demand_notice(
    "authority", lambda d: _("Demand to be reassigned: “%(title)s”", title=d.title))
_tell_requester_fulfilled = _demand_notice(
    "requester", lambda d: _("Demand fulfilled: “%(title)s”", title=d.title),
    lambda d, reason: " ".join(p for p in (_("The data is in the catalog entry “%(entry)s” of %(agency)s.",
                                             entry=d.fulfilled_dataset.title, agency=d.provider.name), reason) if p))
_tell_requester_upward = _demand_notice(
    "requester", lambda d: _("Demand asked of the higher level: “%(title)s”", title=d.title),
    lambda d, reason: " ".join(p for p in (
        _("Asked of %(to)s on %(date)s, reference %(ref)s.", to=d.upward_to,
          date=d.upward_sent_on.isoformat() if d.upward_sent_on else "", ref=d.upward_reference), reason) if p))
_tell_requester_upward_agreed = _demand_notice(
    "requester", lambda d: _("The higher level agreed to your demand: “%(title)s”", title=d.title),
    lambda d, _r: " ".join((d.upward_answer, _("Available by %(date)s.", date=_due(d)))))
_tell_requester_upward_refused = _demand_notice(
    "requester", lambda d: _("The higher level refused your demand: “%(title)s”", title=d.title),
    lambda d, _r: _("Reason: %(reason)s Legal basis: %(basis)s", reason=d.refusal_reason,
                    basis=d.refusal_legal_basis))
_tell_requester_upward_received = _demand_notice(
    "requester", lambda d: _("Demand fulfilled: “%(title)s”", title=d.title),
    lambda d, reason: " ".join(p for p in (_("The data was received from %(to)s.", to=d.upward_to), reason) if p))
_tell_authority_withdrawn = _demand_notice(
    "authority", lambda d: _("Demand withdrawn by %(agency)s: “%(title)s”", agency=d.requester.name, title=d.title))
_tell_authority_disputed = _demand_notice(
    "authority", lambda d: _("%(agency)s disputes the answer to its demand “%(title)s”", agency=d.requester.name,
                             title=d.title))


def _verification_notice(to: str, subject):
    def tell(v: VerificationRequest, actor, reason: str) -> None:
        agency_id = v.requester_agency_id if to == "requester" else v.provider_agency_id
        notify_all(officer_ids(agency_id), subject(v), reason, link=verification_link(v),
                   kind=f"share_verification.{v.state}")
    return tell


_tell_provider_filed = _verification_notice(
    "provider", lambda v: _("Verification request from %(agency)s on “%(title)s”, answer by %(date)s",
                            agency=v.requester.name, title=v.dataset.title, date=_due(v)))
_tell_requester_answered = _verification_notice(
    "requester", lambda v: _("Verification answered: “%(title)s”", title=v.dataset.title))
_tell_requester_declined = _verification_notice(
    "requester", lambda v: _("Verification declined: “%(title)s”", title=v.dataset.title))
_tell_provider_withdrawn = _verification_notice(
    "provider", lambda v: _("Verification withdrawn: “%(title)s”", title=v.dataset.title))


# ---- the tables -------------------------------------------------------------------------------------
def _only_officers(_case) -> str:
    return _("Only the share officer of the agency concerned, or the data authority, takes this step.")


def _stale(_case) -> str:
    return _("Someone else acted on this case at the same time; reload the page.")


DEMAND = Workflow("share_demand", [
    Transition("submit", (D.DRAFT,), D.AUTHORITY_REVIEW, (REQUESTER,), "share_demand.submit",
               starts="DEMAND_REVIEW_WORKDAYS", notify=_tell_authority_submitted),
    Transition("return", (D.AUTHORITY_REVIEW,), D.RETURNED, (AUTHORITY,), "share_demand.return", stops=True,
               needs_reason=True, notify=_tell_requester_returned,
               reason_missing=lambda _c: _("State why the demand is returned."), reason_field="reason"),
    Transition("forward", (D.AUTHORITY_REVIEW,), D.PROVIDER_REVIEW, (AUTHORITY,), "share_demand.forward",
               starts="SHARE_ANSWER_WORKDAYS", notify=_tell_provider_forwarded),
    Transition("agree", (D.PROVIDER_REVIEW,), D.AGREED, (PROVIDER,), "share_demand.agree",
               starts="DEMAND_COMPLETION_WORKDAYS", notify=_tell_requester_agreed),
    # the date the provider gives is set by the step's effect (demands.answer)
    Transition("agree_later", (D.PROVIDER_REVIEW,), D.AGREED, (PROVIDER,), "share_demand.agree_later",
               notify=_tell_requester_agreed),
    Transition("refuse", (D.PROVIDER_REVIEW,), D.REFUSED, (PROVIDER,), "share_demand.refuse", stops=True,
               needs_reason=True, notify=_tell_requester_refused,
               reason_missing=lambda _c: _("State the reason for refusing."), reason_field="refusal_reason"),
    Transition("not_ours", (D.PROVIDER_REVIEW,), D.AUTHORITY_REVIEW, (PROVIDER,), "share_demand.not_ours",
               starts="DEMAND_REVIEW_WORKDAYS", needs_reason=True, notify=_tell_authority_not_ours,
               reason_missing=lambda _c: _("Say why this data is not your agency's."), reason_field="reason"),
    Transition("fulfil", (D.AGREED,), D.FULFILLED, (PROVIDER,), "share_demand.fulfil", stops=True,
               notify=_tell_requester_fulfilled),
    Transition("dispute", (D.RETURNED, D.REFUSED), D.DISPUTED, (REQUESTER,), "share_demand.dispute",
               needs_reason=True, notify=_tell_authority_disputed,
               reason_missing=lambda _c: _("State why you dispute the answer."), reason_field="reason"),
    # R2024 §25「向上级公共数据主管部门申请获取」: the data is another level's or region's, no agency of this
    # portal holds it; the follow-up period is the portal's (no rule sets the higher level one)
    Transition("ask_upward", (D.AUTHORITY_REVIEW,), D.UPWARD, (AUTHORITY,), "share_demand.ask_upward",
               starts="DEMAND_UPWARD_FOLLOWUP_WORKDAYS", needs_reason=True, notify=_tell_requester_upward,
               reason_missing=lambda _c: _("Say why the data is asked of the higher level."), reason_field="reason"),
    # the date the higher level gives is set by the step's effect (demands.act)
    Transition("upward_agreed", (D.UPWARD,), D.UPWARD_AGREED, (AUTHORITY,), "share_demand.upward_agreed",
               notify=_tell_requester_upward_agreed),
    Transition("upward_refused", (D.UPWARD,), D.UPWARD_REFUSED, (AUTHORITY,), "share_demand.upward_refused",
               stops=True, needs_reason=True, notify=_tell_requester_upward_refused,
               reason_missing=lambda _c: _("Give the reason the higher level refused."),
               reason_field="refusal_reason"),
    Transition("upward_received", (D.UPWARD_AGREED,), D.FULFILLED, (AUTHORITY,), "share_demand.upward_received",
               stops=True, notify=_tell_requester_upward_received),
    Transition("withdraw", (D.UPWARD, D.UPWARD_AGREED), D.WITHDRAWN, (REQUESTER,), "share_demand.withdraw",
               stops=True, notify=_tell_authority_withdrawn),
], relations=_relations, object_type="share_demand", forbidden=_only_officers,
    conflict=lambda _c: _("This action is not possible in the demand's current state."), stale=_stale)

VERIFICATION = Workflow("share_verification", [
    Transition("file", (V.DRAFT,), V.SUBMITTED, (REQUESTER,), "share_verification.file",
               starts="VERIFY_WORKDAYS", notify=_tell_provider_filed),
    Transition("answer", (V.SUBMITTED,), V.ANSWERED, (PROVIDER,), "share_verification.answer", stops=True,
               notify=_tell_requester_answered),
    Transition("decline", (V.SUBMITTED,), V.DECLINED, (PROVIDER,), "share_verification.decline", stops=True,
               needs_reason=True, notify=_tell_requester_declined,
               reason_missing=lambda _c: _("State the legal basis for declining."), reason_field="legal_basis"),
    Transition("withdraw", (V.SUBMITTED,), V.WITHDRAWN, (REQUESTER,), "share_verification.withdraw", stops=True,
               notify=_tell_provider_withdrawn),
], relations=_relations, object_type="share_verification", forbidden=_only_officers,
    conflict=lambda _c: _("This action is not possible in the verification's current state."), stale=_stale)

DEMAND_OPEN = tuple(s for s in D if s in DEMAND.running_states())
VERIFICATION_OPEN = tuple(s for s in V if s in VERIFICATION.running_states())
