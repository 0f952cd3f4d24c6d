"""Immediate stops for a legal prohibition (法律法规禁止, OVERSIGHT.md §2): besides rights complaints (R2024 §28,
feedback.suspension), the only stop that needs no notice. The stop is the entry's `unpublish` (catalog.review) with
its legal basis (required); it shows as such in the entry's history and opens a supervision case, seen by the
authority and auditors, until the authority records its follow-up (due in PORTAL_LEGAL_STOP_WORKDAYS).
"""
from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from .. import workdays
from ..accounts import roles
from ..errors import NotFound
from ..extensions import db
from ..models_base import utcnow
from ..supervision.services import Case, Deadlines, register_workflow
from ..workflow import Transition, Workflow
from .models import Dataset, LegalStop

GROUND = "legal_prohibition"  # the `ground` of an unpublish that is such a stop


def _relations(_stop: LegalStop, actor: Any) -> set[str]:
    return roles.relations(actor)


FOLLOW_UP = Workflow("legal-stop", [
    Transition("close", ("open",), "closed", (roles.AUTHORITY_ACTOR,), "legal_stop.close", needs_reason=True,
               reason_field="note",
               reason_missing=lambda _s: _("Write down the follow-up of the stop (whom it was reported to, and what "
                                           "was done).")),
], relations=_relations, object_type="legal_stop",
   forbidden=lambda _s: _("Only the data authority follows up a stop."),
   conflict=lambda _s: _("This stop has already been followed up."))


def open_stop(ds: Dataset, actor: Any, legal_basis: str, reason: str) -> LegalStop:
    """The supervision case of a stop, in the stop's own transaction (review.unpublish)."""
    stop = LegalStop(dataset=ds, legal_basis=legal_basis, reason=reason, stopped_by_id=getattr(actor, "id", None),
                     stopped_at=utcnow())
    stop.due_date = workdays.add_workdays(stop.stopped_at, current_app.config["LEGAL_STOP_WORKDAYS"])
    db.session.add(stop)
    return stop


def of_entry(ds: Dataset) -> list[LegalStop]:
    return list(db.session.scalars(select(LegalStop).where(LegalStop.dataset_id == ds.id)
                                   .order_by(LegalStop.id.desc())))


def get(stop_id: int) -> LegalStop:
    stop = db.session.get(LegalStop, stop_id)
    if stop is None:
        raise NotFound(_("No stop has this number."))
    return stop


def close(stop: LegalStop, actor: Any, note: str) -> LegalStop:
    """The authority records its follow-up; the supervision case closes."""
    def record(_t: Transition) -> None:
        stop.closed_at, stop.close_note = utcnow(), note.strip()
    FOLLOW_UP.perform(stop, "close", actor, note, effect=record, details={"dataset": stop.dataset_id})
    return stop


def actions(stop: LegalStop, actor: Any) -> list[str]:
    return FOLLOW_UP.allowed_actions(stop, actor)


def _open() -> list[LegalStop]:
    return list(db.session.scalars(select(LegalStop).where(LegalStop.state == "open")))


def supervision_cases() -> list[Case]:
    return [Case(kind=_("Stop for a legal prohibition"), title=s.dataset.title,
                 url=f"/console/datasets/{s.dataset_id}#legal-stops", due=s.due_date,
                 agency=s.dataset.agency.name, state=_("To be followed up"),
                 provisional=workdays.provisional(s.stopped_at, s.due_date, cal=workdays.shared_calendar()))
            for s in _open() if s.due_date is not None]


register_workflow(supervision_cases, Deadlines(
    "legal_stop", _open, start=lambda s: s.stopped_at,
    label=lambda s: _("Stop of “%(title)s” for a legal prohibition", title=s.dataset.title),
    link=lambda s: f"/console/datasets/{s.dataset_id}"))
