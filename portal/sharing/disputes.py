"""Disputes between agencies (协商与协调, SHARING.md §3.7): R2018 §19, R2024 §47.

The requester's share officer opens one after a refusal (the share request moves to `disputed` through
the REQUEST table's `dispute` step) or for an entry not shared (不予共享) that the agency「确需使用」. Both
officers negotiate for SHARE_NEGOTIATION_WORKDAYS (10): terms proposed by one and accepted by the other
resolve it; failure declared by either, or the negotiation due passing (the deadline run moves it as the
portal), sends it to the authority, which coordinates within SHARE_COORDINATION_WORKDAYS (30) of the end of
the negotiation, may refer it to the expert committee (experts then read it; the clock runs) and decides:
share on terms, or the refusal stands. Sharing on terms moves the disputed request on to `agreed` (REQUEST's
`settle` step, requests.settle): the provider's officer delivers within SHARE_DELIVERY_WORKDAYS and the grant
results (docs/decisions.md).
"""
from __future__ import annotations

from datetime import date
from typing import Any, Mapping

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from .. import workdays
from ..accounts import roles
from ..catalog.models import Dataset, ShareType
from ..errors import Conflict, Forbidden, Invalid, NotFound
from ..extensions import db
from ..inbox.services import notify_all
from ..models_base import utcnow
from ..supervision.services import Case, Deadlines, register_workflow
from ..disputes import referral
from .dispute_common import not_found, reads_pair
from .dispute_models import DisputeOutcome, DisputeState, ShareDispute
from .dispute_schemas import ShareDisputeActionIn, ShareDisputeIn
from .dispute_workflow import DISPUTE, DISPUTE_DECISIONS, SYSTEM, today
from . import requests
from .models import RequestState, ShareRequest
from .workflow import REQUEST, officer_ids

D = DisputeState
CASE_TYPE = "share_dispute"  # the referral's case type (disputes/referral.py)
OUTCOME_LABELS = {DisputeOutcome.AGREED: _l("Terms agreed in negotiation"),
                  DisputeOutcome.SHARE: _l("The authority decided the data is shared"),
                  DisputeOutcome.REFUSAL_STANDS: _l("The authority decided the refusal stands")}


def link(dispute: ShareDispute) -> str:
    return f"/sharing/disputes/{dispute.id}"


def may_read(actor: Any, dispute: ShareDispute) -> bool:
    """Both parties' staff, the authority, auditors; an expert, the disputes referred to them by name (the one
    reading rule of disputes/referral.py)."""
    return reads_pair(actor, dispute) or referral.expert_reads(actor, CASE_TYPE, dispute.id)


def get_dispute(dispute_id: int, actor: Any) -> ShareDispute:
    dispute = db.session.get(ShareDispute, dispute_id)
    if dispute is None or not may_read(actor, dispute):
        raise not_found(_("dispute"))
    return dispute


def _side(dispute: ShareDispute, actor: Any) -> int | None:
    """The agency the acting officer speaks for."""
    have = DISPUTE.relations(dispute, actor)
    if roles.REQUESTER in have:
        return dispute.requester_agency_id
    if roles.PROVIDER in have:
        return dispute.provider_agency_id
    return None


def allowed_actions(dispute: ShareDispute, actor: Any) -> list[str]:
    actions = [a for a in DISPUTE.allowed_actions(dispute, actor) if a in DISPUTE_DECISIONS]
    if "accept" in actions and (not dispute.proposed_terms or dispute.proposed_by_agency_id == _side(dispute, actor)):
        actions.remove("accept")  # only the other party accepts what one proposed
    return referral.offered(dispute, actions)  # refer once; the opinion once referred, once


def visible(actor: Any) -> list[ShareDispute]:
    stmt = select(ShareDispute).order_by(ShareDispute.id.desc())
    if roles.is_expert(actor):
        stmt = stmt.where(ShareDispute.id.in_(referral.cases_of_expert(actor, CASE_TYPE) or {-1}))
    return [d for d in db.session.scalars(stmt) if may_read(actor, d)]


def _tell(agency_ids, subject: str, body: str, dispute: ShareDispute, kind: str, authority: bool = False) -> None:
    to = [uid for a in agency_ids for uid in officer_ids(a)]
    if authority:
        to += roles.authority_account_ids()
    notify_all(to, subject, body, link=link(dispute), kind=f"share_dispute.{kind}")


# ---- opening -----------------------------------------------------------------------------------------
def open_dispute(values: Mapping[str, Any], actor: Any) -> ShareDispute:
    data, errors = ShareDisputeIn().read(values)
    req = db.session.get(ShareRequest, data["request"]) if data.get("request") else None
    if req is not None and not roles.reads_share_case(actor, requester_agency_id=req.requester_agency_id,
                                                      provider_agency_id=req.provider_agency_id):
        req = None
    if data.get("request") and req is None:
        raise NotFound(_("There is no share request of yours with this number."))
    if req is not None:
        ds, provider_id, requester_id, ground = req.dataset, req.provider_agency_id, req.requester_agency_id, "refusal"
    else:
        ds = db.session.get(Dataset, data.get("dataset")) if data.get("dataset") else None
        if ds is None:
            raise Invalid(_("Please correct the marked fields."),
                          {"dataset": _("Name the refused share request, or the entry not shared that you need.")})
        if ds.share_type != ShareType.NONE:
            message = _("A dispute follows a refusal: request this entry first.")
            raise Conflict(message, {"dataset": message})
        provider_id, requester_id, ground = ds.agency_id, getattr(actor, "agency_id", None), "needed"
        if requester_id == provider_id:
            raise Forbidden(_("An agency does not dispute with itself."))
    dispute = ShareDispute(request_id=getattr(req, "id", None), dataset_id=ds.id, requester_agency_id=requester_id,
                           provider_agency_id=provider_id, opened_by_id=getattr(actor, "id", None), ground=ground,
                           statement=data.get("statement", ""), opened_at=utcnow())
    DISPUTE.check(dispute, "open", actor, data.get("statement") or "x")
    if req is not None and req.state != RequestState.REFUSED:
        message = _("Only a refused share request can be disputed.")
        raise Conflict(message, {"request": message})
    if errors:
        raise Invalid(_("Please correct the marked fields."), errors)
    running = select(ShareDispute.id).where(ShareDispute.dataset_id == ds.id,
                                            ShareDispute.requester_agency_id == requester_id,
                                            ShareDispute.state != D.RESOLVED)
    if db.session.scalar(running) is not None:
        raise Conflict(_("A dispute of your agency on this entry is already in progress."))

    def record(_step) -> None:
        dispute.negotiation_due = dispute.due_date
        db.session.add(dispute)
        if req is not None:  # §3.2: refused → disputed, on the request's own table
            REQUEST.perform(req, "dispute", actor, dispute.statement, commit=False)
        db.session.flush()
        if req is None:
            _tell([provider_id], _("%(agency)s needs your entry not shared: “%(title)s”", agency=dispute.requester.name,
                                   title=ds.title),
                  _("Negotiate by %(date)s.", date=dispute.due_date.isoformat()), dispute, "open")
    DISPUTE.perform(dispute, "open", actor, dispute.statement, effect=record, details=lambda: {
        "request": dispute.request_id, "dataset": ds.id, "ground": ground, "due": dispute.due_date.isoformat()})
    return dispute


# ---- the steps ---------------------------------------------------------------------------------------
def _to_coordination(dispute: ShareDispute, ended: date) -> None:
    dispute.negotiation_ended_on = ended
    dispute.coordination_due = workdays.add_workdays(ended, current_app.config["SHARE_COORDINATION_WORKDAYS"])
    dispute.due_date = dispute.coordination_due
    _tell([dispute.requester_agency_id, dispute.provider_agency_id],
          _("Dispute on “%(title)s” goes to the data authority", title=dispute.dataset.title),
          _("Coordination due by %(date)s.", date=dispute.coordination_due.isoformat()), dispute, "coordinating",
          authority=True)


def act(dispute: ShareDispute, values: Mapping[str, Any], actor: Any) -> None:
    # the API hands the values already loaded (a date object); the page, as the form sent them
    data, _errors = ShareDisputeActionIn().read({k: v.isoformat() if isinstance(v, date) else v for k, v in values.items()})
    action, version = data.get("action", ""), data.get("version")
    action = action if action in DISPUTE_DECISIONS else ""
    text = data.get({"propose": "terms", "decide_share": "terms", "refer": "question",
                     "record_opinion": "opinion"}.get(action, "reason"), "")
    DISPUTE.check(dispute, action, actor, text or ("x" if action == "accept" else ""), version)
    referral.check_step(dispute, action, data)
    if action not in allowed_actions(dispute, actor):
        message = _("The other party accepts the terms you proposed.")
        raise Conflict(message, {"action": message})
    chosen = referral.chosen_experts(data.get("experts")) if action == "refer" else []
    parties = [dispute.requester_agency_id, dispute.provider_agency_id]
    title = dispute.dataset.title

    def record(_step) -> None:
        if action == "propose":
            dispute.proposed_terms, dispute.proposed_by_agency_id = text, _side(dispute, actor)
            other = [a for a in parties if a != dispute.proposed_by_agency_id]
            _tell(other, _("Terms proposed in the dispute on “%(title)s”", title=title), text, dispute, "propose")
        elif action == "accept":
            _resolve(dispute, DisputeOutcome.AGREED, dispute.proposed_terms, actor)
            _tell(parties, _("Dispute on “%(title)s” resolved: terms agreed", title=title), dispute.terms,
                  dispute, "resolved")
        elif action == "fail":
            _to_coordination(dispute, today())
        elif action == "refer":
            referral.refer(dispute, CASE_TYPE, text, chosen)
            notify_all([e.id for e in chosen], _("Dispute referred to the expert committee: “%(title)s”", title=title),
                       text, link=link(dispute), kind="share_dispute.refer")
            _tell(parties, _("The dispute on “%(title)s” is referred to the expert committee", title=title), text,
                  dispute, "refer")
        elif action == "record_opinion":
            referral.record_opinion(dispute, text, data["opinion_on"])
            _tell(parties, _("The expert committee's opinion on the dispute on “%(title)s”", title=title), text,
                  dispute, "expert_opinion")
        else:
            outcome = DisputeOutcome.SHARE if action == "decide_share" else DisputeOutcome.REFUSAL_STANDS
            _resolve(dispute, outcome, text, actor)
            _tell(parties, _("The data authority decided the dispute on “%(title)s”: %(outcome)s", title=title,
                             outcome=str(OUTCOME_LABELS[outcome])), text, dispute, "resolved")
    DISPUTE.perform(dispute, action, actor, text, effect=record, version=version,
                    details=lambda: {"terms": dispute.terms or dispute.proposed_terms, "outcome": dispute.outcome,
                                     "due": dispute.due_date.isoformat() if dispute.due_date else None,
                                     **({"experts": [e.id for e in chosen]} if action == "refer" else {}),
                                     **({"opinion_on": dispute.expert_opinion_on.isoformat()}
                                        if action == "record_opinion" else {})})
    if dispute.request_id and dispute.outcome in (DisputeOutcome.AGREED, DisputeOutcome.SHARE):
        requests.deliver_if_on_portal(db.session.get(ShareRequest, dispute.request_id), actor)


def _resolve(dispute: ShareDispute, outcome: str, terms: str, actor: Any) -> None:
    """Record the outcome; sharing on terms moves the disputed request on to `agreed` (REQUEST `settle`)."""
    dispute.outcome, dispute.terms, dispute.resolved_at = outcome, terms, utcnow()
    req = db.session.get(ShareRequest, dispute.request_id) if dispute.request_id else None
    if req is not None and outcome != DisputeOutcome.REFUSAL_STANDS and req.state == RequestState.DISPUTED:
        requests.settle(req, terms, actor)


def advance(on: date) -> int:
    """Negotiations whose due date has passed go to coordination, as the portal (the deadline run)."""
    due = list(db.session.scalars(select(ShareDispute).where(ShareDispute.state == D.NEGOTIATING,
                                                             ShareDispute.due_date < on).order_by(ShareDispute.id)))
    for dispute in due:
        DISPUTE.perform(dispute, "escalate", SYSTEM, effect=lambda _s, d=dispute: _to_coordination(d, d.negotiation_due),
                        details=lambda d=dispute: {"negotiation_due": d.negotiation_due.isoformat(),
                                                   "due": d.coordination_due.isoformat()})
    return len(due)


# ---- supervision ---------------------------------------------------------------------------------------
def _running() -> list[ShareDispute]:
    return list(db.session.scalars(select(ShareDispute).where(ShareDispute.state.in_((D.NEGOTIATING, D.COORDINATING)))))


def supervision_cases() -> list[Case]:
    cases = []
    for d in _running():
        negotiating = d.state == D.NEGOTIATING
        who = ([*officer_ids(d.requester_agency_id), *officer_ids(d.provider_agency_id)] if negotiating
               else roles.authority_account_ids())
        cases.append(Case(kind=_("Sharing dispute"), title=d.dataset.title, url=link(d), due=d.due_date,
                          agency=d.provider.name if negotiating else _("Data authority"),
                          state=_("Negotiating") if negotiating else _("Coordinating"), assignees=who))
    return cases


def _start(d: ShareDispute):
    return d.opened_at if d.state == D.NEGOTIATING else d.negotiation_ended_on


def _set_due(d: ShareDispute, due: date, _cal) -> None:
    d.due_date = due
    if d.state == D.NEGOTIATING:
        d.negotiation_due = due
    else:
        d.coordination_due = due


register_workflow(supervision_cases, Deadlines(
    "share_dispute", _running, start=_start, set_due=_set_due,
    label=lambda d: _("Sharing dispute No. %(n)d on “%(title)s”", n=d.id, title=d.dataset.title), link=link,
    parties=lambda d: [*officer_ids(d.requester_agency_id), *officer_ids(d.provider_agency_id)]))
