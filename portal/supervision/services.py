"""Open cases from every registered workflow, sorted by due date, with due-soon and overdue marks."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Callable, Iterable

from ..workdays import china_date, due_soon
from ..models_base import utcnow

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
    overdue: bool = False
    due_soon: bool = False


CaseSource = Callable[[], Iterable[Case]]
_SOURCES: list[CaseSource] = []


def register_case_source(source: CaseSource) -> CaseSource:
    """Register a workflow's open cases (usable as a decorator); registering twice is harmless."""
    if source not in _SOURCES:
        _SOURCES.append(source)
    return source


def open_cases(today: date | None = None) -> list[Case]:
    """Every open case, overdue first, then by due date."""
    today = today or china_date(utcnow())
    cases = [case for source in _SOURCES for case in source()]
    for case in cases:
        case.overdue = case.due < today
        case.due_soon = due_soon(case.due, today, DUE_SOON_WORKDAYS)
    return sorted(cases, key=lambda c: (not c.overdue, c.due, c.kind, c.title))


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
