"""The authority's working-day calendar: a year's official arrangement read from the State Council's
notice (or typed day by day), shown as twelve month grids, saved with an audit event; and the warning
that a year's arrangement is missing."""
from __future__ import annotations

import calendar as _stdlib_calendar
from dataclasses import dataclass, field
from datetime import date, timedelta

from chinese_calendar import constants as _package
from flask_babel import gettext as _

from .. import holiday_notice, workdays
from ..accounts import roles
from ..audit import services as audit
from ..errors import Forbidden, Invalid
from ..extensions import db
from ..holiday_notice import Notice
from ..models_base import utcnow

YEAR_MIN, YEAR_MAX = 2000, 2100
WARN_FROM_MONTH = 11  # from 1 November, next year's arrangement is due (the notice comes out in Oct/Nov)

# The package names festivals in English; the notice's own names, for showing a built-in year.
_PACKAGE_NAMES = {"New Year's Day": "元旦", "Spring Festival": "春节", "Tomb-sweeping Day": "清明节",
                  "Labour Day": "劳动节", "Dragon Boat Festival": "端午节", "Mid-autumn Festival": "中秋节",
                  "National Day": "国庆节"}


# The parser's messages are extracted where they are written (marked N_); translated here by a name the
# extractor does not read as a message.
_translate = _


def china_today() -> date:
    """Today's date in China; tests replace it to move 'today'."""
    return workdays.china_date(utcnow())


# ---- reading and saving ---------------------------------------------------------------------------

def _check_editor(actor) -> None:
    if not roles.is_authority(actor):
        raise Forbidden(_("Only the authority may enter the working-day calendar."))


def read_notice(text: str, year: int | None = None) -> Notice:
    """The pasted notice read whole; Invalid naming the sentence that could not be read.

    `year` is used only when the notice's title (which gives its year) was not pasted.
    """
    if not text.strip():
        raise Invalid(_("Paste the State Council's notice first."), {"notice": ""})
    try:
        notice = holiday_notice.parse(text, year)
    except holiday_notice.NoticeError as exc:
        reason = _translate(exc.message, **exc.params)
        message = (_("The notice cannot be read at “%(sentence)s”: %(reason)s", sentence=exc.sentence, reason=reason)
                   if exc.sentence else reason)
        raise Invalid(message, {"notice": exc.line or exc.sentence}) from None
    if not YEAR_MIN <= notice.year <= YEAR_MAX:
        raise Invalid(_("Choose a year between %(min)d and %(max)d.", min=YEAR_MIN, max=YEAR_MAX),
                      {"year": str(notice.year)})
    return notice


def save_notice(text: str, year: int | None, actor) -> Notice:
    """Read the notice again and save its year's arrangement (replacing any entered one), audited."""
    _check_editor(actor)
    notice = read_notice(text, year)
    _save(notice.year, notice.holidays, notice.workdays, actor, source="notice")
    return notice


def save_days(year: int, holidays_text: str, workdays_text: str, actor) -> None:
    """Save a year's arrangement typed day by day ("YYYY-MM-DD name" per line), audited."""
    _check_editor(actor)
    _save(year, parse_days(holidays_text, "holidays"), parse_days(workdays_text, "workdays"), actor)


def _save(year: int, holidays: dict[date, str], make_up: dict[date, str], actor, source: str = "") -> None:
    details: dict[str, object] = {"holidays": len(holidays), "workdays": len(make_up)}
    if source:
        details["source"] = source
    try:
        workdays.set_year_arrangement(year, holidays, make_up, actor.email)
        audit.record(actor, "calendar.set_year", "calendar", str(year), details=details)
        db.session.commit()
    except Invalid:
        db.session.rollback()  # nothing of the year is half-saved
        raise


def parse_days(text: str, field_name: str) -> dict[date, str]:
    """Lines of "YYYY-MM-DD name" into a dict; Invalid naming the first bad line."""
    days: dict[date, str] = {}
    for n, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        day, _sep, name = line.partition(" ")
        try:
            days[date.fromisoformat(day)] = name.strip()
        except ValueError:
            raise Invalid(_("Line %(n)d: write a date as YYYY-MM-DD followed by the holiday's name.", n=n),
                          {field_name: line[:40]}) from None
    return days


def days_text(days: dict[date, str]) -> str:
    """Days as the manual form writes them, one "YYYY-MM-DD name" per line."""
    return "\n".join(f"{d.isoformat()} {n}" for d, n in sorted(days.items()))


# ---- what a year looks like -----------------------------------------------------------------------

def arrangement(year: int) -> tuple[dict[date, str], dict[date, str]]:
    """The (holidays, make-up workdays) in use for a year: entered, else the package's, else none."""
    source = workdays.year_source(year)
    if source == "entered":
        return workdays.entered_arrangement(year)
    if source == "package":
        return ({d: _PACKAGE_NAMES.get(n, n) for d, n in sorted(_package.holidays.items()) if d.year == year},
                {d: _PACKAGE_NAMES.get(n, n) for d, n in sorted(_package.workdays.items()) if d.year == year})
    return {}, {}


@dataclass(frozen=True)
class Cell:
    """One square of a month grid; `day` is None for the squares before the 1st and after the last day."""

    day: date | None
    kind: str = ""   # "holiday", "workday" (a make-up workday), "weekend", or "" (an ordinary workday)
    name: str = ""   # the festival of a holiday or make-up workday


@dataclass(frozen=True)
class Festival:
    """One festival's line of the summary: its runs of days off and its make-up workdays."""

    name: str
    days_off: list[tuple[date, date]] = field(default_factory=list)
    workdays: list[date] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum((last - first).days + 1 for first, last in self.days_off)


@dataclass(frozen=True)
class YearView:
    """A year's arrangement as the page shows it: twelve month grids and a summary by festival."""

    year: int
    holidays: dict[date, str]
    workdays: dict[date, str]
    months: list[tuple[int, list[list[Cell]]]]
    festivals: list[Festival]


def year_view(year: int, holidays: dict[date, str], make_up: dict[date, str]) -> YearView:
    """The month grids (weeks from Monday) and the festival summary of a year's arrangement."""
    grid = _stdlib_calendar.Calendar(firstweekday=0)
    months = []
    for month in range(1, 13):
        weeks = [[_cell(d, holidays, make_up) if d.month == month else Cell(None) for d in week]
                 for week in grid.monthdatescalendar(year, month)]
        months.append((month, weeks))
    return YearView(year, holidays, make_up, months, festivals(holidays, make_up))


def _cell(d: date, holidays: dict[date, str], make_up: dict[date, str]) -> Cell:
    if d in holidays:
        return Cell(d, "holiday", holidays[d])
    if d in make_up:
        return Cell(d, "workday", make_up[d])
    return Cell(d, "weekend" if d.weekday() >= 5 else "")


def festivals(holidays: dict[date, str], make_up: dict[date, str]) -> list[Festival]:
    """Per festival name, in the order of its first day: consecutive days off as runs, and make-up days."""
    by_name: dict[str, Festival] = {}
    for d, name in sorted(holidays.items()):
        fest = by_name.setdefault(name, Festival(name))
        if fest.days_off and fest.days_off[-1][1] + timedelta(days=1) == d:
            fest.days_off[-1] = (fest.days_off[-1][0], d)
        else:
            fest.days_off.append((d, d))
    for d, name in sorted(make_up.items()):
        by_name.setdefault(name, Festival(name)).workdays.append(d)
    first = {name: min([f.days_off[0][0]] if f.days_off else f.workdays) for name, f in by_name.items()}
    return sorted(by_name.values(), key=lambda f: first[f.name])


def differences(year: int, holidays: dict[date, str], make_up: dict[date, str]) -> list[date]:
    """The days where a read notice differs from the arrangement now in use for its year."""
    used_holidays, used_workdays = arrangement(year)
    changed = (set(holidays) ^ set(used_holidays)) | (set(make_up) ^ set(used_workdays))
    return sorted(changed)


# ---- the warning ----------------------------------------------------------------------------------

def missing_year(actor, today: date | None = None) -> int | None:
    """The year whose arrangement the authority should enter now, for the authority's pages; None if none.

    From 1 November that is next year when nobody entered it and the package does not know it; on any
    day, the current year when it is missing (deadlines would count Monday to Friday). Only those who
    may enter the calendar are warned.
    """
    if not roles.is_authority(actor):
        return None
    today = today or china_today()
    cal = workdays.WorkdayCalendar()
    if workdays.year_source(today.year, cal=cal) == "weekend":
        return today.year
    if today.month >= WARN_FROM_MONTH and workdays.year_source(today.year + 1, cal=cal) == "weekend":
        return today.year + 1
    return None
