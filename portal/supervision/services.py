"""Open cases from every registered workflow, sorted by due date, with due-soon and overdue marks; and
the recount of their due dates when the authority enters or changes a year's holiday arrangement."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Callable, Iterable

from flask_babel import gettext as _
from sqlalchemy import func, select

from .. import workdays
from ..audit import services as audit
from ..extensions import db
from ..inbox.services import notify_all
from ..models_base import utcnow
from ..workdays import WorkdayCalendar, china_date, due_soon

DUE_SOON_WORKDAYS = 2  # the supervision view's "due soon" window (issue: within 2 workdays)


@dataclass
class Case:
    """One open case as supervision sees it."""

    kind: str            # a short translated label, e.g. 数据上架审核, 有条件开放申请
    title: str           # what the case is about (entry title), never a complainant's name
    url: str             # the case's page for staff
    due: date
    agency: str = ""     # the agency that must act
    state: str = ""      # a translated state label
    assignees: list[int] = field(default_factory=list)  # user ids who must act (for reminders)
    provisional: bool = False        # counted through a year whose holiday arrangement is not known yet
    stopped_on: date | None = None   # the clock stands still since this day (waiting for the applicant)
    overdue: bool = False
    due_soon: bool = False


def deadline_marks(due: date | None, today: date, stopped_on: date | None = None, *,
                   cal: WorkdayCalendar | None = None) -> tuple[bool, bool]:
    """(overdue, due soon) of a due date today. While a clock stands still the case is judged on the day
    it stopped: overdue then stays overdue, and nothing comes closer (never due soon)."""
    if due is None:
        return False, False
    if stopped_on is not None:
        return due < stopped_on, False
    return due < today, due_soon(due, today, DUE_SOON_WORKDAYS, cal=cal)


CaseSource = Callable[[], Iterable[Case]]


@dataclass(frozen=True)
class Deadlines:
    """How a workflow's due dates, counted in workdays, are recounted when a year's arrangement changes.

    The number of workdays is the one the due date stands for: counted from `start` to the due date on
    the calendar as it was before the change (so a setting changed since filing changes nothing, and a
    clock that resumed counts what was left). `start` is when the count began, or resumed after a stop."""

    object_type: str                                   # audit object type, e.g. application, complaint
    running: Callable[[], Iterable[Any]]               # the open records whose due date still counts
    start: Callable[[Any], date | datetime | None]
    label: Callable[[Any], str]                        # e.g. 有条件开放申请 No. 4: title, for notices
    link: Callable[[Any], str]                         # the record's page, a path
    parties: Callable[[Any], Iterable[Any]] = lambda row: ()  # users (or ids) told of the new date
    due: Callable[[Any], date | None] = lambda row: row.due_date
    set_due: Callable[[Any, date, WorkdayCalendar], None] = lambda row, due, cal: setattr(row, "due_date", due)


@dataclass(frozen=True)
class Workflow:
    """One registered workflow: its open cases for supervision and reminders, and (when its deadlines
    count in workdays) how to recount them."""

    cases: CaseSource
    deadlines: Deadlines | None = None


_WORKFLOWS: list[Workflow] = []


def register_workflow(cases: CaseSource, deadlines: Deadlines | None = None) -> CaseSource:
    """Register a workflow's open cases and its workday deadlines; registering again replaces it."""
    _WORKFLOWS[:] = [w for w in _WORKFLOWS if w.cases is not cases]
    _WORKFLOWS.append(Workflow(cases, deadlines))
    return cases


def register_case_source(source: CaseSource) -> CaseSource:
    """Register a workflow's open cases only (usable as a decorator); a workflow whose due dates count in
    workdays uses register_workflow, so that they are recounted when a year's arrangement changes."""
    if not any(w.cases is source for w in _WORKFLOWS):
        _WORKFLOWS.append(Workflow(source))
    return source


def open_cases(today: date | None = None) -> list[Case]:
    """Every open case, overdue first, then by due date."""
    today = today or china_date(utcnow())
    cal = workdays.shared_calendar()
    cases = [case for w in _WORKFLOWS for case in w.cases()]
    for case in cases:
        case.overdue, case.due_soon = deadline_marks(case.due, today, case.stopped_on, cal=cal)
    return sorted(cases, key=lambda c: (not c.overdue, c.due, c.kind, c.title))


# ---- recounting due dates when a year's arrangement changes -------------------------------------------
@dataclass
class Recounted:
    object_type: str
    object_id: str
    before: date
    after: date
    provisional: bool


def _acting(actor: Any) -> Any:
    """The user behind an actor given by e-mail (set_year_arrangement's label), so the audit names them."""
    if isinstance(actor, str) and "@" in actor:
        from ..accounts.models import User

        user = db.session.scalar(select(User).where(func.lower(User.email) == actor.strip().lower()))
        return user or actor
    return actor


def recount_due_dates(year: int, before: WorkdayCalendar, actor: Any) -> list[Recounted]:
    """Recount the due date of every open case whose count runs through `year`: the same number of
    workdays from the same start, on the calendar as it is now. Each due date that moves gets an audit
    event (who, when, why) and a notice to the people concerned, in the caller's transaction."""
    after = WorkdayCalendar()
    entered = bool(after.entered_days(year))
    why = (_("Holiday arrangement of %(year)d entered", year=year) if entered
           else _("Holiday arrangement of %(year)d removed", year=year))
    actor = _acting(actor)
    done: list[Recounted] = []
    for workflow in list(_WORKFLOWS):
        d = workflow.deadlines
        if d is None:
            continue
        for row in list(d.running()):
            old, start = d.due(row), d.start(row)
            if old is None or start is None:
                continue
            first = china_date(start)
            if not first.year <= year <= old.year:
                continue  # the count does not pass through the year
            n = workdays.workdays_between(first, old, cal=before)
            if n <= 0:
                continue
            new = workdays.add_workdays(first, n, cal=after)
            if new == old:
                continue
            d.set_due(row, new, after)
            still = workdays.provisional(first, new, cal=after)
            audit.record(actor, f"{d.object_type}.due_recounted", d.object_type, str(row.id), why,
                         {"from": old.isoformat(), "to": new.isoformat(), "year": year, "workdays": n,
                          "provisional": still})
            notify_all(d.parties(row), _("New due date: %(case)s", case=d.label(row)),
                       _("%(why)s: %(case)s is now due %(new)s instead of %(old)s.", why=why, case=d.label(row),
                         new=workdays.due_text(new, first, cal=after), old=old.isoformat()),
                       link=d.link(row), kind="deadline.recounted")
            done.append(Recounted(d.object_type, str(row.id), old, new, still))
    db.session.flush()
    return done


workdays.on_arrangement_change(recount_due_dates)


@dataclass
class Notice:
    """A notice the deadline command sends to some users at most once a day (e.g. a missing usage report)."""

    key: str             # identifies the thing reminded about, e.g. "grant:4:2026-12-01"
    kind: str            # e.g. usage_report.missing
    user_ids: list[int]
    subject: str
    body: str = ""
    link: str = ""


NoticeSource = Callable[[date], Iterable[Notice]]
_NOTICE_SOURCES: list[NoticeSource] = []


def register_notice_source(source: NoticeSource) -> NoticeSource:
    """Register a workflow's own reminders for the deadline command (usable as a decorator)."""
    if source not in _NOTICE_SOURCES:
        _NOTICE_SOURCES.append(source)
    return source


def extra_notices(today: date) -> list[Notice]:
    return [n for source in _NOTICE_SOURCES for n in source(today)]
