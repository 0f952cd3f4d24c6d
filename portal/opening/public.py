"""What the public and the supervisors see of applications: the published decisions (申请结果公开), anonymised,
and the open applications under supervision of their answer period (with the recount of due dates when the
holiday arrangement of a year becomes known)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from .. import workdays
from ..catalog.models import Dataset, DatasetState, OpenType
from ..errors import NotFound
from ..extensions import db
from ..supervision.services import Case, Deadlines, register_workflow
from .decisions import queue
from .models import Application, ApplicationState
from .vocab import STATE_LABELS
from .workflow import DECIDED_STATES, WAITING_STATES, link, staff_ids

S = ApplicationState


@dataclass
class PublicDecision:
    application: Application
    summary: str        # the purpose approved, or the reason of the refusal
    legal_basis: str    # of a refusal ("" for an approval)


@dataclass
class PublicDecisions:
    dataset: Dataset
    counts: dict[str, int]
    decisions: list[PublicDecision]


def _public(a: Application) -> PublicDecision:
    if a.state == S.APPROVED:
        return PublicDecision(a, a.permitted_purpose, "")
    return PublicDecision(a, a.refusal_reason, a.refusal_legal_basis)


def public_decisions(slug: str) -> PublicDecisions:
    """Counts by outcome and the anonymised decisions of one entry, newest first."""
    ds = db.session.scalar(select(Dataset).where(Dataset.slug == slug, Dataset.state == DatasetState.PUBLISHED))
    if ds is None or ds.open_type != OpenType.CONDITIONAL:
        raise NotFound(_("No public conditionally open entry is named %(slug)s.", slug=slug))
    counts = dict(db.session.execute(select(Application.state, func.count()).where(
        Application.dataset_id == ds.id, Application.state != S.DRAFT).group_by(Application.state)).all())
    decisions = list(db.session.scalars(select(Application).where(
        Application.dataset_id == ds.id, Application.state.in_(DECIDED_STATES))
        .order_by(Application.decided_at.desc())))
    return PublicDecisions(ds, {s: counts.get(s, 0) for s in (S.SUBMITTED, S.INFO_REQUESTED, S.APPROVED,
                                                              S.REFUSED, S.WITHDRAWN)},
                           [_public(a) for a in decisions])


def decision_index() -> list[tuple[Dataset, int, int]]:
    """Conditional entries with decided applications: (entry, approved, refused)."""
    rows = db.session.execute(select(Application.dataset_id, Application.state, func.count()).where(
        Application.state.in_(DECIDED_STATES)).group_by(Application.dataset_id, Application.state)).all()
    tally: dict[str, list[int]] = {}
    for ds_id, state, n in rows:
        tally.setdefault(ds_id, [0, 0])[0 if state == S.APPROVED else 1] += n
    datasets = db.session.scalars(select(Dataset).where(Dataset.id.in_(list(tally)),
                                                        Dataset.state == DatasetState.PUBLISHED)).all() if tally else []
    return sorted(((d, *tally[d.id]) for d in datasets), key=lambda t: (-(t[1] + t[2]), t[0].title))


# ---- supervision and reminders --------------------------------------------------------------------
def supervision_cases() -> list[Case]:
    """Applications the agencies must answer, for supervision and the deadline reminders; those waiting
    for the applicant's answer too, with that state (overdue when the clock stopped stays overdue)."""
    waiting = _("Waiting for the applicant's additional information")
    return [Case(kind=_("Conditional-open application"), title=a.dataset.title,
                 url=url_for("opening.show", app_id=a.id), due=a.due_date, agency=a.dataset.agency.name,
                 state=waiting if a.state == S.INFO_REQUESTED else str(STATE_LABELS[a.state]),
                 assignees=staff_ids(a.agency_id), provisional=a.due_provisional, stopped_on=a.clock_stopped_on)
            for a in (row.application for row in queue()) if a.due_date]


def _running_applications() -> list[Application]:
    return list(db.session.scalars(select(Application).where(Application.state.in_(WAITING_STATES),
                                                              Application.due_date.is_not(None))))


def _recounted(app_: Application, due: date, cal: workdays.WorkdayCalendar) -> None:
    """A recounted due date; under the "pause" rule the workdays left when the clock stopped follow it."""
    app_.due_date = due
    if app_.clock_stopped_at is not None and app_.remaining_workdays is not None:
        stopped = workdays.china_date(app_.clock_stopped_at)
        app_.remaining_workdays = None if due < stopped else max(1, workdays.workdays_between(stopped, due, cal=cal))


register_workflow(supervision_cases, Deadlines(
    "application", _running_applications, start=lambda a: a.clock_start,
    label=lambda a: _("Application No. %(n)d for “%(title)s”", n=a.id, title=a.dataset.title),
    link=link, parties=lambda a: [a.applicant_id, *staff_ids(a.agency_id)], set_due=_recounted))
