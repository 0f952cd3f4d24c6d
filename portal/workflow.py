"""Workflows as data: a workflow is a table of transitions, and one engine drives every table.

A row of the table says: from which states an action is taken, the state it leads to, which actors may
take it (their relation to the case: the owner who filed it, the case's agency, the authority — see
accounts/roles.py), which working-day period it starts (the due date) or whether it stops the clock,
whether a reason is required, the name of its audit event, and the notification it sends.

    APPLICATION = Workflow("application", [
        Transition("approve", (S.SUBMITTED, S.INFO_REQUESTED), S.APPROVED, (AGENCY,), "application.approve",
                   stops=True, notify=_tell_approved),
        ...
    ], relations=lambda app, actor: roles.relations(actor, agency_id=app.agency_id, owner_id=app.applicant_id))

    APPLICATION.perform(app, "approve", actor, reason, effect=make_grant, details=...)

`perform` checks the table (an action not allowed from the case's state is a Conflict), the actor
(Forbidden), the reason (Invalid) and, when the caller passes it, the row version the user saw (Conflict);
then it changes the state, starts the period, runs the workflow's own effect, writes the audit event and
the notification, and commits — all in one transaction, or nothing at all. Two decisions at the same time
on a versioned row (SQLAlchemy's version_id_col): one commits, the other is answered with Conflict.

Pages and the API offer exactly `allowed_actions(case, actor)`; templates render that answer.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterable, Mapping

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.orm.exc import StaleDataError

from . import workdays
from .audit import services as audit
from .errors import Conflict, Forbidden, Invalid
from .extensions import db
from .models_base import utcnow

Notify = Callable[[Any, Any, str], None]          # (case, actor, reason)
Message = Callable[[Any], str]                     # the case -> a translated text, made when it is needed


@dataclass(frozen=True)
class Transition:
    action: str
    sources: tuple[str, ...]        # the states the action is taken from
    target: str                     # the state it leads to
    actors: tuple[str, ...]         # relations to the case that may take it (accounts/roles.py)
    audit: str                      # the audit event's action name, e.g. "application.approve"
    starts: str | None = None       # the setting of the working-day period this step starts (sets due_date)
    stops: bool = False             # the step ends the case's clock: nothing is owed any more
    needs_reason: bool = False      # a reason is required (it goes to the audit event)
    notify: Notify | None = None    # tells the people concerned (inbox, mail), in the same transaction
    forbidden: Message | None = None  # the refusal shown to an actor not in `actors` (else the workflow's)
    # Where one workflow's steps need their own words (else the workflow's): the refusal from a state the
    # step is not taken from, the message when its reason is missing, and the form field the reason is in.
    conflict: Message | None = None
    reason_missing: Message | None = None
    reason_field: str | None = None


WORKFLOWS: dict[str, "Workflow"] = {}


class Workflow:
    """One workflow's table, and the engine that drives it."""

    def __init__(self, name: str, transitions: Iterable[Transition], *,
                 relations: Callable[[Any, Any], set[str]], state_attr: str = "state",
                 object_type: str | None = None, conflict: Message | None = None,
                 forbidden: Message | None = None, stale: Message | None = None,
                 reason_field: str = "reason", action_field: str = "action",
                 reason_missing: Message | None = None, reason_max: int | None = None) -> None:
        self.name = name
        self.object_type = object_type or name
        self.transitions: tuple[Transition, ...] = tuple(transitions)
        self.relations = relations
        self.state_attr = state_attr
        self.reason_field, self.action_field = reason_field, action_field
        self.reason_max = reason_max  # the longest reason accepted on any step (None: no limit)
        self._reason_missing = reason_missing or (lambda case: _("State the reason."))
        self._conflict = conflict or (lambda case: _("This action is not possible in the current state."))
        self._forbidden = forbidden or (lambda case: _("Your account may not take this action."))
        self._stale = stale or (lambda case: _("Someone else decided this at the same time. Please reload the page."))
        WORKFLOWS[name] = self

    # ---- reading the table -------------------------------------------------------------------
    def state_of(self, case: Any) -> str | None:
        return getattr(case, self.state_attr)

    def find(self, state: str | None, action: str) -> Transition | None:
        """The row that takes `action` from `state`, or None."""
        for t in self.transitions:
            if t.action == action and state in t.sources:
                return t
        return None

    def actions(self) -> list[str]:
        return list(dict.fromkeys(t.action for t in self.transitions))

    def running_states(self) -> set[str]:
        """The states in which a period started by the table runs: reached by a step that starts one,
        and kept by every following step that does not stop it."""
        running = {t.target for t in self.transitions if t.starts}
        grew = True
        while grew:
            more = {t.target for t in self.transitions if not t.stops and set(t.sources) & running}
            grew = not more <= running
            running |= more
        return running

    def allowed_actions(self, case: Any, actor: Any) -> list[str]:
        """What `actor` may do with `case` now, in the order of the table (pages offer exactly these)."""
        if actor is None or not getattr(actor, "is_authenticated", True):
            return []
        have = self.relations(case, actor)
        state = self.state_of(case)
        return list(dict.fromkeys(t.action for t in self.transitions
                                  if state in t.sources and have & set(t.actors)))

    def may(self, case: Any, action: str, actor: Any) -> bool:
        return action in self.allowed_actions(case, actor)

    # ---- driving it --------------------------------------------------------------------------
    def check(self, case: Any, action: str, actor: Any, reason: str = "",
              version: int | None = None) -> Transition:
        """The row this action takes, or the reason it cannot be taken, asked in this order: Forbidden (the
        actor takes no part in this workflow's case), Invalid (no such action), Forbidden (not this actor's
        action), Conflict (not from the case's state, or the case changed since the user saw `version`),
        Invalid (no reason where one is required, or a longer one than `reason_max`)."""
        have = self.relations(case, actor) if actor is not None else set()
        if not have & {a for t in self.transitions for a in t.actors}:
            raise Forbidden(self._forbidden(case))
        rows = [t for t in self.transitions if t.action == action]
        if not rows:
            message = _("Choose a decision.")
            raise Invalid(message, {self.action_field: message})
        mine = [t for t in rows if have & set(t.actors)]
        if not mine:
            raise Forbidden((rows[0].forbidden or self._forbidden)(case))
        state = self.state_of(case)
        t = next((t for t in mine if state in t.sources), None)
        if t is None:
            message = (mine[0].conflict or self._conflict)(case)
            raise Conflict(message, {self.action_field: message})
        if version is not None and getattr(case, "row_version", version) != version:
            raise Conflict(self._stale(case))
        if t.needs_reason and not (reason or "").strip():
            message = (t.reason_missing or self._reason_missing)(case)
            raise Invalid(message, {t.reason_field or self.reason_field: message})
        if self.reason_max is not None and len((reason or "").strip()) > self.reason_max:
            message = _("At most %(n)d characters.", n=self.reason_max)
            raise Invalid(message, {t.reason_field or self.reason_field: message})
        return t

    def perform(self, case: Any, action: str, actor: Any, reason: str = "", *,
                effect: Callable[[Transition], None] | None = None,
                details: Mapping[str, Any] | Callable[[], Mapping[str, Any]] | None = None,
                version: int | None = None, commit: bool = True) -> Transition:
        """Take one step of the table on `case`, in one transaction (see the module's docstring).

        `effect(transition)` makes the workflow's own changes (a grant, stored files, the entry's state);
        it may raise to refuse, and then nothing of the step is kept. `details` (or a function giving them,
        called after the effect) go to the audit event. With commit=False the caller commits."""
        t = self.check(case, action, actor, reason, version)
        reason = (reason or "").strip()
        try:
            setattr(case, self.state_attr, t.target)
            if t.starts:
                case.due_date = workdays.add_workdays(utcnow(), current_app.config[t.starts])
            if effect is not None:
                effect(t)
            db.session.flush()
            audit.record(actor, t.audit, self.object_type, str(case.id), reason,
                         dict(details() if callable(details) else details or {}))
            if t.notify is not None:
                t.notify(case, actor, reason)
            if commit:
                db.session.commit()
        except StaleDataError:
            db.session.rollback()
            raise Conflict(self._stale(case))
        except BaseException:
            db.session.rollback()
            raise
        return t
