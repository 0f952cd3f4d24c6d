"""The sharing workflows as tables (portal/workflow.py drives them): SHARING.md §3.1–3.3.

A request for an unconditional entry is granted on submission (DIRECT, §3.1: R2024 §23「直接通过本级公共数据
平台申请并获取」); one for a conditional entry is answered within SHARE_ANSWER_WORKDAYS and delivered within
SHARE_DELIVERY_WORKDAYS of the answer (REQUEST, §3.2: R2024 §23「5个工作日内予以答复」「答复之日起5个工作日内完
成数据共享」); the grant is suspended, resumed or revoked by the provider's officer or the authority, and
expires or ends by itself (SHARE_GRANT, §3.3). Who acts is the relation of accounts/roles.py: the share
officer (共享专员, R2018 §27) of the requesting agency (REQUESTER) or of the providing one (PROVIDER), the
authority, the portal itself (SYSTEM). Both tables of a request write the audit object type "share_request".
"""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from .. import workdays
from ..accounts import roles
from ..accounts.models import Role, User
from ..catalog.models import ShareType
from ..extensions import db
from ..inbox.services import notify_all
from ..models_base import utcnow
from ..workflow import Transition, Workflow
from .models import RequestState, ShareGrant, ShareGrantState, ShareRequest, ShareRequestEvent

S, G = RequestState, ShareGrantState
REQUESTER, PROVIDER = roles.REQUESTER, roles.PROVIDER
AUTHORITY, SYSTEM = roles.AUTHORITY_ACTOR, roles.SYSTEM
GRANT_MANAGERS = (PROVIDER, AUTHORITY)  # §3.3: the provider's officer and the authority


def today() -> date:
    return workdays.china_date(utcnow())


def officer_ids(agency_id: int) -> list[int]:
    """Who is told of an agency's sharing cases: its share officers, or all its staff while it has none."""
    staff = select(User.id).where(User.role == Role.AGENCY_STAFF, User.agency_id == agency_id,
                                  User.active.is_(True))
    return list(db.session.scalars(staff.where(User.share_officer.is_(True)))) or list(db.session.scalars(staff))


def link(req: ShareRequest) -> str:
    return f"/sharing/requests/{req.id}"


def event(req: ShareRequest, kind: str, actor, note: str = "") -> None:
    """A line of the case's timeline, which both agencies see."""
    req.events.append(ShareRequestEvent(kind=kind, actor_id=getattr(actor, "id", None), note=note, at=utcnow()))


def _relations(req: ShareRequest, actor) -> set[str]:
    return roles.share_relations(actor, requester_agency_id=req.requester_agency_id,
                                 provider_agency_id=req.provider_agency_id)


# ---- the notices (the `notify` column) -----------------------------------------------------------------
def _tell(to: str, subject, body=None):
    """A notice to the officers of one party ("requester" or "provider")."""
    def tell(req: ShareRequest, actor, reason: str) -> None:
        agency_id = req.requester_agency_id if to == "requester" else req.provider_agency_id
        notify_all(officer_ids(agency_id), subject(req), body(req, reason) if body else reason,
                   link=link(req), kind=f"share_request.{req.state}")
    return tell


def _title(text):
    return lambda req: text(req.dataset.title, req.requester.name)


_tell_provider_submitted = _tell("provider", _title(
    lambda t, who: _("Share request from %(agency)s: “%(title)s”", agency=who, title=t)),
    lambda req, _r: _("Answer by %(date)s.", date=req.due_date.isoformat()))
_tell_requester_granted = _tell("requester", _title(
    lambda t, who: _("Share request granted: “%(title)s”", title=t)),
    lambda req, _r: _("Your named users may use the data from %(start)s to %(end)s.",
                      start=req.grant.start.isoformat(), end=req.grant.end.isoformat()))
_tell_requester_agreed = _tell("requester", _title(lambda t, who: _("Share request agreed: “%(title)s”", title=t)),
                               lambda req, _r: _("Delivery due by %(date)s.", date=req.delivery_due.isoformat()))
_tell_requester_refused = _tell("requester", _title(lambda t, who: _("Share request refused: “%(title)s”", title=t)),
                                lambda req, _r: _("Reason: %(reason)s Legal basis: %(basis)s",
                                                  reason=req.refusal_reason, basis=req.refusal_legal_basis))
_tell_requester_question = _tell("requester", _title(
    lambda t, who: _("Question on your share request: “%(title)s”", title=t)))
_tell_requester_delivered = _tell("requester", _title(
    lambda t, who: _("Shared data delivered: “%(title)s”", title=t)),
    lambda req, _r: _("Your named users may use the data from %(start)s to %(end)s.",
                      start=req.grant.start.isoformat(), end=req.grant.end.isoformat()))
_tell_provider_withdrawn = _tell("provider", _title(
    lambda t, who: _("Share request withdrawn by %(agency)s: “%(title)s”", agency=who, title=t)))
_tell_provider_disputed = _tell("provider", _title(
    lambda t, who: _("%(agency)s disputes your refusal: “%(title)s”", agency=who, title=t)))
_tell_provider_settled = _tell("provider", _title(
    lambda t, who: _("Deliver “%(title)s” to %(agency)s: the dispute is settled", agency=who, title=t)),
    lambda req, _r: _("Delivery due by %(date)s.", date=req.delivery_due.isoformat()))
_tell_provider_supervised = _tell("provider", _title(
    lambda t, who: _("The data authority supervises the share request “%(title)s”", title=t)))


def _tell_grant_holder(action: str):
    def tell(grant: ShareGrant, actor, reason: str) -> None:
        subject = {"suspend": _("Sharing of “%(title)s” is suspended", title=grant.dataset.title),
                   "resume": _("Sharing of “%(title)s” is resumed", title=grant.dataset.title),
                   "revoke": _("Sharing of “%(title)s” is revoked", title=grant.dataset.title),
                   "expire": _("The grant for “%(title)s” has expired", title=grant.dataset.title)}[action]
        notify_all(officer_ids(grant.requester_agency_id), subject, reason, link=link(grant.request),
                   kind=f"share_grant.{action}")
    return tell


# ---- the tables ---------------------------------------------------------------------------------------
def _only_officers(_case) -> str:
    return _("Only the share officer of the agency concerned takes this step.")


def _not_in_this_state(_case) -> str:
    return _("This action is not possible in the share request's current state.")


def _acted_at_once(_case) -> str:
    return _("Someone else acted on this share request at the same time; reload the page.")


_COMMON = dict(relations=_relations, object_type="share_request", forbidden=_only_officers,
               conflict=_not_in_this_state, stale=_acted_at_once)

# §3.1: unconditional entries (the draft is withdrawn like any other).
DIRECT = Workflow("share_request_direct", [
    Transition("submit", (S.DRAFT,), S.GRANTED, (REQUESTER,), "share_request.grant",
               notify=_tell_requester_granted),
    Transition("withdraw", (S.DRAFT,), S.WITHDRAWN, (REQUESTER,), "share_request.withdraw"),
], **_COMMON)

# §3.2: conditional entries.
REQUEST = Workflow("share_request", [
    Transition("submit", (S.DRAFT,), S.SUBMITTED, (REQUESTER,), "share_request.submit",
               starts="SHARE_ANSWER_WORKDAYS", notify=_tell_provider_submitted),
    Transition("agree", (S.SUBMITTED,), S.AGREED, (PROVIDER,), "share_request.agree",
               starts="SHARE_DELIVERY_WORKDAYS", notify=_tell_requester_agreed),
    Transition("refuse", (S.SUBMITTED,), S.REFUSED, (PROVIDER,), "share_request.refuse", stops=True,
               needs_reason=True, notify=_tell_requester_refused,
               reason_missing=lambda _c: _("State the reason for refusing."), reason_field="refusal_reason"),
    Transition("question", (S.SUBMITTED,), S.SUBMITTED, (PROVIDER,), "share_request.question", needs_reason=True,
               notify=_tell_requester_question, reason_missing=lambda _c: _("Write your question."),
               reason_field="question"),
    Transition("deliver", (S.AGREED,), S.DELIVERED, (PROVIDER,), "share_request.deliver", stops=True,
               notify=_tell_requester_delivered),
    Transition("withdraw", (S.DRAFT, S.SUBMITTED), S.WITHDRAWN, (REQUESTER,), "share_request.withdraw", stops=True,
               notify=lambda req, actor, reason: req.submitted_at and _tell_provider_withdrawn(req, actor, reason)),
    Transition("dispute", (S.REFUSED,), S.DISPUTED, (REQUESTER,), "share_request.dispute", needs_reason=True,
               notify=_tell_provider_disputed),
    # §3.7: a dispute resolved with sharing on terms (accepted by either officer, or decided by the authority)
    # is agreed as §3.2, delivery due + SHARE_DELIVERY_WORKDAYS; taken from the dispute's page only.
    Transition("settle", (S.DISPUTED,), S.AGREED, (REQUESTER, PROVIDER, AUTHORITY), "share_request.settle",
               starts="SHARE_DELIVERY_WORKDAYS", needs_reason=True, notify=_tell_provider_settled),
    # overdue: the state is kept and supervision escalates; the authority may record 督办 (R2024 §49(二)).
    Transition("supervise", (S.SUBMITTED,), S.SUBMITTED, (AUTHORITY,), "share_request.supervise",
               needs_reason=True, notify=_tell_provider_supervised),
    Transition("supervise", (S.AGREED,), S.AGREED, (AUTHORITY,), "share_request.supervise",
               needs_reason=True, notify=_tell_provider_supervised),
], **_COMMON)


def table_for(req: ShareRequest) -> Workflow:
    """The table a request follows: §3.1 for an entry shared unconditionally, §3.2 otherwise."""
    return DIRECT if req.share_type == ShareType.UNCONDITIONAL else REQUEST


SHARE_GRANT = Workflow("share_grant", [
    Transition("suspend", (G.ACTIVE,), G.SUSPENDED, GRANT_MANAGERS, "share_grant.suspend", needs_reason=True,
               notify=_tell_grant_holder("suspend")),
    Transition("resume", (G.SUSPENDED,), G.ACTIVE, GRANT_MANAGERS, "share_grant.resume", needs_reason=True,
               notify=_tell_grant_holder("resume")),
    Transition("revoke", (G.ACTIVE, G.SUSPENDED), G.REVOKED, GRANT_MANAGERS, "share_grant.revoke", needs_reason=True,
               notify=_tell_grant_holder("revoke")),
    Transition("expire", (G.ACTIVE, G.SUSPENDED), G.EXPIRED, (SYSTEM,), "share_grant.expire",
               notify=_tell_grant_holder("expire")),
    Transition("end", (G.ACTIVE, G.SUSPENDED), G.ENDED, (SYSTEM,), "share_grant.end", needs_reason=True),
], relations=lambda g, actor: roles.share_relations(actor, requester_agency_id=g.requester_agency_id,
                                                    provider_agency_id=g.provider_agency_id),
    object_type="share_grant",
    forbidden=lambda _g: _("Only the providing agency's share officer or the data authority can change sharing."),
    conflict=lambda _g: _("This action is not possible in the grant's current state."), stale=_acted_at_once)

# Read off the tables: the states in which the provider owes something (answer or delivery), and the
# states a request can still leave.
WAITING_STATES = tuple(s for s in S if s in REQUEST.running_states())
OPEN_STATES = tuple(s for s in S if any(s in t.sources and t.target != s
                                        for t in (*REQUEST.transitions, *DIRECT.transitions)))
