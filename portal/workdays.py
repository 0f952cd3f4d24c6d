"""Working days (工作日) on the official Chinese calendar, for deadlines counted in working days.

Each calendar year comes from one of three sources (see year_source):

* "entered": the authority entered the year's official arrangement (CalendarDay rows). Entered days
  override everything; days of that year not entered follow the plain weekend rule, since an entered
  arrangement is complete for its year.
* "package": nobody entered the year and the chinese-calendar package knows it (holidays and 调休
  make-up workdays as announced by the State Council).
* "weekend": neither; Monday to Friday are workdays, Saturday and Sunday are not.

Dates may be given as date or datetime. Naive datetimes are UTC (as stored in this codebase) and,
like aware ones, are converted to the date in China (Asia/Shanghai) first.

Every public function reads the entered days of a year at most once per call. Code that asks about
many deadlines at once (a list page) can build one WorkdayCalendar and pass it as `cal=` to share
those reads, or use the request's own (shared_calendar); a WorkdayCalendar does not see arrangements
saved after it read a year.

A due date counted through a "weekend" year is *provisional* (see provisional): it may move once the
year's official arrangement is known. set_year_arrangement calls the functions registered with
on_arrangement_change, so that open cases' due dates are recounted in the same transaction.
"""
from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta, timezone
from typing import Any, Callable
from zoneinfo import ZoneInfo

from chinese_calendar import constants as _package
from flask import has_request_context, request
from flask_babel import gettext as _
from sqlalchemy import Boolean, Date, DateTime, String, delete, select
from sqlalchemy.orm import Mapped, mapped_column

from .errors import Invalid
from .extensions import db
from .models_base import stamped, utcnow

CHINA = ZoneInfo("Asia/Shanghai")

# The years the package has data for, the same range the package itself accepts.
PACKAGE_FIRST_YEAR = min(d.year for d in _package.holidays)
PACKAGE_LAST_YEAR = max(d.year for d in _package.holidays)

NAME_MAX = 50


class CalendarDay(db.Model):
    """One day of a year's official arrangement entered by the authority: a holiday or a make-up workday."""

    __tablename__ = "calendar_days"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    is_workday: Mapped[bool] = mapped_column(Boolean)
    name: Mapped[str] = mapped_column(String(NAME_MAX))  # e.g. 春节, 国庆节
    entered_by: Mapped[str] = mapped_column(String(200))
    entered_at: Mapped[datetime] = mapped_column(DateTime, default=stamped)


def china_date(value: date | datetime) -> date:
    """The calendar date in China: datetimes (naive ones are UTC) are converted to Asia/Shanghai."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value.astimezone(CHINA).date()
    if isinstance(value, date):
        return value
    raise TypeError(f"expected a date or datetime, not {type(value).__name__}")


def _weekend_rule(d: date) -> bool:
    return d.weekday() < 5


def _package_knows(year: int) -> bool:
    return PACKAGE_FIRST_YEAR <= year <= PACKAGE_LAST_YEAR


def _year_bounds(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


class WorkdayCalendar:
    """Answers workday questions, reading each year's entered days from the database once."""

    def __init__(self) -> None:
        self._entered: dict[int, dict[date, bool]] = {}

    def entered_days(self, year: int) -> dict[date, bool]:
        """The entered days of a year (day -> is_workday); empty when nobody entered the year."""
        if year not in self._entered:
            first, last = _year_bounds(year)
            rows = db.session.execute(
                select(CalendarDay.day, CalendarDay.is_workday).where(CalendarDay.day.between(first, last))
            ).all()
            self._entered[year] = {day: bool(is_workday) for day, is_workday in rows}
        return self._entered[year]

    def year_source(self, year: int) -> str:
        if self.entered_days(year):
            return "entered"
        return "package" if _package_knows(year) else "weekend"

    def is_workday(self, value: date | datetime) -> bool:
        d = china_date(value)
        entered = self.entered_days(d.year)
        if entered:
            return entered.get(d, _weekend_rule(d))
        if _package_knows(d.year):
            return d in _package.workdays or (_weekend_rule(d) and d not in _package.holidays)
        return _weekend_rule(d)


def _calendar(cal: WorkdayCalendar | None) -> WorkdayCalendar:
    return cal if cal is not None else WorkdayCalendar()


_REQUEST_KEY = "portal.workday_calendar"


def shared_calendar() -> WorkdayCalendar:
    """The current request's WorkdayCalendar, so a page reads each year at most once; outside a request,
    a fresh one."""
    if not has_request_context():
        return WorkdayCalendar()
    cal = request.environ.get(_REQUEST_KEY)
    if cal is None:
        cal = request.environ[_REQUEST_KEY] = WorkdayCalendar()
    return cal


def _forget_shared_calendar() -> None:
    if has_request_context():
        request.environ.pop(_REQUEST_KEY, None)


def year_source(year: int, *, cal: WorkdayCalendar | None = None) -> str:
    """Where the year's workdays come from: "entered", "package" or "weekend"."""
    return _calendar(cal).year_source(year)


def is_workday(d: date | datetime, *, cal: WorkdayCalendar | None = None) -> bool:
    """Whether the day (in China) is a working day."""
    return _calendar(cal).is_workday(d)


def add_workdays(start: date | datetime, n: int, *, cal: WorkdayCalendar | None = None) -> date:
    """The due date n workdays after start; the start day itself is never counted.

    n > 0: the n-th workday after start (always a workday, even when start is not one).
    n == 0: the start date itself.
    n < 0: the |n|-th workday before start, e.g. -1 from a Monday is the previous workday.
    """
    cal = _calendar(cal)
    day = china_date(start)
    if n == 0:
        return day
    step = timedelta(days=1 if n > 0 else -1)
    remaining = abs(n)
    while remaining:
        day += step
        if cal.is_workday(day):
            remaining -= 1
    return day


def workdays_between(a: date | datetime, b: date | datetime, *, cal: WorkdayCalendar | None = None) -> int:
    """The number of workdays after a up to and including b.

    0 when a == b. When b is before a the result is negative: minus the number of workdays after b up
    to and including a, so workdays_between(a, b) == -workdays_between(b, a). For n > 0,
    workdays_between(start, add_workdays(start, n)) == n.
    """
    cal = _calendar(cal)
    first, last = china_date(a), china_date(b)
    sign = 1
    if last < first:
        first, last, sign = last, first, -1
    count = 0
    day = first
    while day < last:
        day += timedelta(days=1)
        if cal.is_workday(day):
            count += 1
    return sign * count


def due_soon(due: date | datetime, today: date | datetime, within: int = 2, *,
             cal: WorkdayCalendar | None = None) -> bool:
    """Whether a deadline is not yet past (due on or after today) and at most `within` workdays away.

    A deadline due today counts as due soon; one due on a weekend or holiday right before the next
    workday counts as 0 workdays away.
    """
    due_day, today_day = china_date(due), china_date(today)
    if due_day < today_day:
        return False
    return workdays_between(today_day, due_day, cal=cal) <= within


def unknown_years(start: date | datetime | None, due: date | datetime | None, *,
                  cal: WorkdayCalendar | None = None) -> list[int]:
    """The years from start's to due's (due's alone without a start) whose arrangement is not known:
    nobody entered them and the package does not carry them, so they were counted Monday to Friday."""
    if due is None:
        return []
    last = china_date(due).year
    first = min(china_date(start).year, last) if start is not None else last
    years = [y for y in range(first, last + 1) if not _package_knows(y)]
    if not years:
        return []  # the package's years need no database read
    cal = _calendar(cal)
    return [y for y in years if not cal.entered_days(y)]


def provisional(start: date | datetime | None, due: date | datetime | None, *,
                cal: WorkdayCalendar | None = None) -> bool:
    """Whether a due date counted from start is provisional: the count passes through a year whose
    official arrangement is not known (year_source "weekend"), so the date may move when it is entered."""
    return bool(unknown_years(start, due, cal=cal))


def due_text(due: date | datetime, start: date | datetime | None = None, *, cal: WorkdayCalendar | None = None,
             is_provisional: bool | None = None) -> str:
    """A due date for a notice or a message (yyyy-mm-dd), saying so when it is provisional (as computed
    from start, unless the caller knows)."""
    text = china_date(due).isoformat()
    if is_provisional is None:
        is_provisional = provisional(start, due, cal=cal)
    if is_provisional:
        return _("%(date)s (provisional: the official holiday arrangement of that year is not known yet)", date=text)
    return text


# Called as hook(year, before, actor) by set_year_arrangement once the year's new days are flushed;
# `before` answers as the calendar did before the change.
ArrangementHook = Callable[[int, WorkdayCalendar, Any], None]
_ON_CHANGE: list[ArrangementHook] = []


def on_arrangement_change(hook: ArrangementHook) -> ArrangementHook:
    """Register a function to run, in the same transaction, whenever a year's arrangement is saved."""
    if hook not in _ON_CHANGE:
        _ON_CHANGE.append(hook)
    return hook


def entered_arrangement(year: int) -> tuple[dict[date, str], dict[date, str]]:
    """The entered (holidays, workdays) of a year, each day -> name; both empty if nobody entered it."""
    first, last = _year_bounds(year)
    rows = db.session.scalars(select(CalendarDay).where(CalendarDay.day.between(first, last))).all()
    holidays = {r.day: r.name for r in rows if not r.is_workday}
    workdays = {r.day: r.name for r in rows if r.is_workday}
    return dict(sorted(holidays.items())), dict(sorted(workdays.items()))


def _check_days(year: int, days: dict[date, str]) -> dict[date, str]:
    clean: dict[date, str] = {}
    for day, name in days.items():
        if isinstance(day, datetime) or not isinstance(day, date):
            raise Invalid(_("Calendar days must be dates."), {"day": str(day)})
        if day.year != year:
            raise Invalid(_("The day %(day)s is not in the year %(year)d.", day=day.isoformat(), year=year),
                          {"day": day.isoformat()})
        name = name.strip() if isinstance(name, str) else ""
        if not name:
            raise Invalid(_("The day %(day)s needs a name, such as the holiday it belongs to.",
                            day=day.isoformat()), {"day": day.isoformat()})
        if len(name) > NAME_MAX:
            raise Invalid(_("The name of the day %(day)s is longer than %(max)d characters.",
                            day=day.isoformat(), max=NAME_MAX), {"day": day.isoformat()})
        clean[day] = name
    return clean


def set_year_arrangement(year: int, holidays: dict[date, str], workdays: dict[date, str], actor_label: str,
                         *, actor: Any = None) -> None:
    """Replace the entered arrangement of a year: its holidays and its make-up workdays, each day -> name.

    Runs in the caller's transaction (the caller commits); nothing is written when a day is invalid.
    Once a year has rows, those rows are its complete arrangement: days not entered follow the weekend
    rule. Passing two empty dicts removes the year's entry, so the year falls back to the package (or
    the weekend rule). Then the registered hooks run (on_arrangement_change): the due dates of open cases
    counted through the year are recounted, each change audited in the name of `actor` (a User), or of
    `actor_label` when no actor is given.
    """
    if isinstance(year, bool) or not isinstance(year, int) or not 1 <= year <= 9999:
        raise Invalid(_("The year must be a number between 1 and 9999."), {"year": str(year)})
    holidays = _check_days(year, holidays)
    workdays = _check_days(year, workdays)
    both = sorted(set(holidays) & set(workdays))
    if both:
        raise Invalid(_("The day %(day)s cannot be both a holiday and a workday.", day=both[0].isoformat()),
                      {"day": both[0].isoformat()})
    before = WorkdayCalendar()
    before.entered_days(year)  # read now: the other years do not change here
    first, last = _year_bounds(year)
    db.session.execute(delete(CalendarDay).where(CalendarDay.day.between(first, last)))
    now, label = utcnow(), str(actor_label or "")[:200]
    for day, name, working in sorted([(d, n, False) for d, n in holidays.items()]
                                     + [(d, n, True) for d, n in workdays.items()]):
        db.session.add(CalendarDay(day=day, is_workday=working, name=name, entered_by=label, entered_at=now))
    db.session.flush()
    _forget_shared_calendar()
    for hook in list(_ON_CHANGE):
        hook(year, before, actor if actor is not None else label)


def add_months(start: date, months: int) -> date:
    """民法典 §202: the same day number of the month `months` later, else that month's last day (notice
    periods counted in months: stop notices of sharing, planned withdrawals of entries)."""
    month0 = start.month - 1 + months
    year, month = start.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))
