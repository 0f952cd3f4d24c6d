"""The two workflows of conditional opening as tables (portal/workflow.py drives them).

An application (R2024 §28; the answer period of SZ §25 is the APPLICATION_WORKDAYS setting) and the grant
it leads to (suspended, resumed or revoked for misuse, R2024 §50). Who may take each step is the `actors`
column: the applicant (OWNER), staff of the providing agency (AGENCY), the data authority (AUTHORITY_ACTOR).
The services (applications.py, decisions.py, grants.py) do each step's own work as the `effect` of
`perform`; the notices are the `notify` column. Pages and the API offer `allowed_actions(case, actor)`.
"""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from .. import legal, sentences, workdays
from ..accounts import roles
from ..accounts.models import Role, User
from ..extensions import db
from ..inbox.services import notify, notify_all
from ..models_base import utcnow
from ..workflow import Transition, Workflow
from .models import Application, ApplicationEvent, ApplicationState, Grant, GrantState

S, G = ApplicationState, GrantState
OWNER, AGENCY, AUTHORITY = roles.OWNER, roles.AGENCY, roles.AUTHORITY_ACTOR
# Who suspends, resumes or revokes access, and suspends a user for misuse (R2024 §50): the providing agency
# for its own data, the data authority for all.
ACCESS_MANAGERS = (AGENCY, AUTHORITY)


def today() -> date:
    return workdays.china_date(utcnow())


def staff_ids(agency_id: int) -> list[int]:
    """The active staff of an agency: they are told of new applications and answers."""
    return list(db.session.scalars(select(User.id).where(
        User.role == Role.AGENCY_STAFF, User.agency_id == agency_id, User.active.is_(True))))


def link(app_: Application) -> str:
    return f"/applications/{app_.id}"


def event(app_: Application, kind: str, actor: User | None, note: str = "") -> None:
    """A line of the case's timeline, which the applicant and the agency both see."""
    app_.events.append(ApplicationEvent(kind=kind, actor_id=getattr(actor, "id", None), note=note, at=utcnow()))


def procedure(citation: legal.Citation | None) -> str:
    """"Procedure: <the article the decision follows>" for a notice, or "" where none governs it."""
    return _("Procedure: %(basis)s", basis=citation.text()) if citation else ""


# ---- the notices (the `notify` column) -----------------------------------------------------------
def _tell_agency_submitted(app_: Application, actor, reason: str) -> None:
    notify_all(staff_ids(app_.agency_id), _("New application for “%(title)s”", title=app_.dataset.title),
               _("Answer by %(date)s.", date=workdays.due_text(app_.due_date, app_.clock_start)),
               link=link(app_), kind="application.submitted")


def _tell_agency_answered(app_: Application, actor, reason: str) -> None:
    notify_all(staff_ids(app_.agency_id), _("The applicant answered: “%(title)s”", title=app_.dataset.title),
               _("Answer by %(date)s.", date=workdays.due_text(app_.due_date, app_.clock_start)),
               link=link(app_), kind="application.answered")


def _ask_applicant(app_: Application, actor, question: str) -> None:
    notify(app_.applicant_id, _("More information needed: “%(title)s”", title=app_.dataset.title), question,
           link=link(app_), kind="application.info_requested")


def _tell_approved(app_: Application, actor, purpose: str) -> None:
    g = app_.grant
    notify(app_.applicant_id, _("Application approved: “%(title)s”", title=app_.dataset.title),
           sentences.join(_("You may use the data from %(start)s to %(end)s for: %(purpose)s",
                            start=g.start.isoformat(), end=g.end.isoformat(), purpose=purpose),
                          procedure(legal.cite("application_approval"))),
           link=link(app_), kind="application.approved")


def _tell_refused(app_: Application, actor, reason: str) -> None:
    notify(app_.applicant_id, _("Application refused: “%(title)s”", title=app_.dataset.title),
           sentences.join(*refusal_sentences(app_), procedure(legal.cite("application_refusal"))),
           link=link(app_), kind="application.refused")


def _tell_reopened(app_: Application, actor, reason: str) -> None:
    """The data authority sent a refusal back to the agency after a dispute (OVERSIGHT §7): both are told."""
    due = workdays.due_text(app_.due_date, app_.clock_start)
    notify_all(staff_ids(app_.agency_id), _("Application reopened after a dispute: “%(title)s”", title=app_.dataset.title),
               sentences.join(reason, _("Answer by %(date)s.", date=due)), link=link(app_), kind="application.reopened")
    notify(app_.applicant_id, _("Your application is reopened: “%(title)s”", title=app_.dataset.title),
           sentences.join(reason, _("The agency decides again by %(date)s.", date=due)), link=link(app_),
           kind="application.reopened")


def refusal_sentences(app_: Application) -> tuple[str, str]:
    return (_("Reason: %(reason)s", reason=app_.refusal_reason),
            _("Legal basis: %(basis)s", basis=app_.refusal_legal_basis))


def _tell_holder(action: str):
    def tell(grant: Grant, actor, reason: str) -> None:
        subject = {"suspend": _("Your access to “%(title)s” is suspended", title=grant.dataset.title),
                   "resume": _("Your access to “%(title)s” is resumed", title=grant.dataset.title),
                   "revoke": _("Your access to “%(title)s” is revoked", title=grant.dataset.title)}[action]
        notify(grant.user_id, subject, reason, link=link(grant.application), kind=f"grant.{action}")
    return tell


# ---- the tables --------------------------------------------------------------------------------
def _decided_by_the_agency(_case) -> str:
    return _("Only staff of the providing agency decide this application.")


def _not_in_this_state(_case) -> str:
    return _("This action is not possible in the application's current state.")


def _acted_at_once(_case) -> str:
    return _("Someone else acted on this application at the same time; reload the page.")


APPLICATION = Workflow("application", [
    Transition("submit", (S.DRAFT,), S.SUBMITTED, (OWNER,), "application.submit",
               starts="APPLICATION_WORKDAYS", notify=_tell_agency_submitted),
    Transition("request_info", (S.SUBMITTED,), S.INFO_REQUESTED, (AGENCY,), "application.request_info",
               notify=_ask_applicant),
    Transition("answer", (S.INFO_REQUESTED,), S.SUBMITTED, (OWNER,), "application.answer",
               notify=_tell_agency_answered, forbidden=lambda _c: _("Only the applicant can answer.")),
    Transition("approve", (S.SUBMITTED, S.INFO_REQUESTED), S.APPROVED, (AGENCY,), "application.approve",
               stops=True, notify=_tell_approved),
    Transition("refuse", (S.SUBMITTED, S.INFO_REQUESTED), S.REFUSED, (AGENCY,), "application.refuse",
               stops=True, notify=_tell_refused),
    Transition("withdraw", (S.DRAFT, S.SUBMITTED, S.INFO_REQUESTED), S.WITHDRAWN, (OWNER,), "application.withdraw",
               stops=True, forbidden=lambda _c: _("Only the applicant can withdraw an application.")),
    # the data authority resolves a dispute on the refusal with "agency to redo" (disputes/services.py): the
    # agency decides again within a new period counted from today
    Transition("reopen", (S.REFUSED,), S.SUBMITTED, (AUTHORITY,), "application.reopen",
               starts="APPLICATION_WORKDAYS", needs_reason=True, notify=_tell_reopened),
], relations=lambda a, actor: roles.relations(actor, agency_id=a.agency_id, owner_id=a.applicant_id),
    forbidden=_decided_by_the_agency, conflict=_not_in_this_state, stale=_acted_at_once)

GRANT = Workflow("grant", [
    Transition("suspend", (G.ACTIVE,), G.SUSPENDED, ACCESS_MANAGERS, "grant.suspend", needs_reason=True,
               notify=_tell_holder("suspend")),
    Transition("resume", (G.SUSPENDED,), G.ACTIVE, ACCESS_MANAGERS, "grant.resume", needs_reason=True,
               notify=_tell_holder("resume")),
    Transition("revoke", (G.ACTIVE, G.SUSPENDED), G.REVOKED, ACCESS_MANAGERS, "grant.revoke", needs_reason=True,
               notify=_tell_holder("revoke")),
], relations=lambda g, actor: roles.relations(actor, agency_id=g.dataset.agency_id, owner_id=g.user_id),
    forbidden=lambda _g: _("Only the providing agency or the data authority can change access."),
    conflict=_not_in_this_state, stale=_acted_at_once, reason_missing=lambda _g: _("State the reason."))

# States read off the table: the agency owes an answer (the period runs, or stands still while the applicant
# is asked), and the states an application can still leave (one in progress).
WAITING_STATES = tuple(s for s in S if s in APPLICATION.running_states())
OPEN_STATES = tuple(s for s in S if any(s in t.sources for t in APPLICATION.transitions if t.action != "reopen"))
DECIDED_STATES = (S.APPROVED, S.REFUSED)
