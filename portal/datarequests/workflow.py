"""The table of public data requests (数据需求); portal/workflow.py drives it. Audit object type "data_request".

Filed by any account (the owner) → the data authority routes it to an agency within
DATA_REQUEST_ROUTING_WORKDAYS (confirming the requester's choice or naming another; it may route again while
the agency has not answered) → the agency answers within DATA_REQUEST_WORKDAYS: accept (linked to an item of
its open plan or to a catalog entry) or refuse with the reason and the legal basis. Each step tells the people
concerned in their inbox; the requester's answer also goes out by e-mail (services.answer).
"""
from __future__ import annotations

from flask_babel import gettext as _

from ..accounts import roles
from ..feedback.common import MAX_TEXT, agency_staff, decided_meanwhile
from ..inbox.services import notify, notify_all
from .. import workdays
from ..workflow import Transition, Workflow
from .models import STATE_LABELS, DataRequest, DataRequestState

S = DataRequestState
FILE, ROUTE, ACCEPT, REFUSE = "file", "route", "accept", "refuse"
ANSWERS = (ACCEPT, REFUSE)


def link(r: DataRequest) -> str:
    return f"/data-requests/{r.id}"


def state_label(r: DataRequest) -> str:
    return str(STATE_LABELS[S(r.state)])


def _due(r: DataRequest) -> str:
    return workdays.due_text(r.due_date, r.routed_at or r.filed_at) if r.due_date else ""


def _tell_authority(r: DataRequest, actor, reason: str) -> None:
    notify_all(roles.authority_account_ids(), _("Data request to route: “%(title)s”", title=r.title),
               _("Route it to the agency that holds the data by %(due)s.", due=_due(r)), link=link(r),
               kind="data_request.filed")


def _tell_routed(r: DataRequest, actor, reason: str) -> None:
    body = _("Answer by %(due)s: accept it, linked to your open plan or a catalog entry, or refuse it with the "
             "reason and the legal basis.", due=_due(r))
    notify_all(agency_staff(r.agency_id), _("Data request for your agency: “%(title)s”", title=r.title),
               " ".join(p for p in (body, reason) if p), link=link(r), kind="data_request.routed")
    notify(r.requester_id, _("Your data request “%(title)s” was sent to %(agency)s", title=r.title,
                             agency=r.agency.name),
           _("The agency answers by %(due)s.", due=_due(r)), link=link(r), kind="data_request.routed")


def _tell_answered(r: DataRequest, actor, reason: str) -> None:
    subject, body = answer_message(r)
    notify(r.requester_id, subject, body, link=link(r), kind="data_request.answered")
    notify_all([s.user_id for s in r.supports], subject, body, link=link(r), kind="data_request.answered")


def answer_message(r: DataRequest) -> tuple[str, str]:
    """The subject and body that tell the requester (and those who said "me too") the agency's answer."""
    subject = _("Your data request “%(title)s”: %(state)s", title=r.title, state=state_label(r))
    if r.state == S.REFUSED:
        body = _("Reason: %(reason)s Legal basis: %(basis)s", reason=r.answer, basis=r.refusal_legal_basis)
    else:
        body = r.answer
    return subject, body


def _relations(r: DataRequest, actor) -> set[str]:
    return roles.relations(actor, agency_id=r.agency_id, owner_id=r.requester_id)


DATA_REQUEST = Workflow("data_request", [
    Transition(FILE, (None,), S.SUBMITTED, (roles.OWNER,), "data_request.file",
               starts="DATA_REQUEST_ROUTING_WORKDAYS", notify=_tell_authority),
    Transition(ROUTE, (S.SUBMITTED, S.ROUTED), S.ROUTED, (roles.AUTHORITY_ACTOR,), "data_request.route",
               starts="DATA_REQUEST_WORKDAYS", notify=_tell_routed),
    Transition(ACCEPT, (S.ROUTED,), S.ACCEPTED, (roles.AGENCY,), "data_request.accept", stops=True,
               needs_reason=True, notify=_tell_answered, reason_field="answer",
               reason_missing=lambda r: _("Write the answer the requester and the public will read.")),
    Transition(REFUSE, (S.ROUTED,), S.REFUSED, (roles.AGENCY,), "data_request.refuse", stops=True,
               needs_reason=True, notify=_tell_answered, reason_field="answer",
               reason_missing=lambda r: _("State the reason for refusing.")),
], relations=_relations, object_type="data_request", reason_field="answer", reason_max=MAX_TEXT,
    stale=decided_meanwhile, conflict=lambda r: _("This action is not possible in the request's current state."),
    forbidden=lambda r: _("Only the data authority routes a data request, and only staff of the agency it is "
                          "routed to answer it."))

OPEN_STATES = tuple(s for s in S if s in DATA_REQUEST.running_states())
