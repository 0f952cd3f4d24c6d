"""Working days on the official Chinese calendar: package data, the weekend rule, entered arrangements.

Expected dates are the State Council's published arrangements as carried by the chinese-calendar
package; each add_workdays expectation is counted by hand in its comment.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import chinese_calendar
import pytest
from chinese_calendar import constants as package
from flask_babel import force_locale
from sqlalchemy import event, select

from portal.errors import Invalid
from portal.extensions import db

# Imported at module level so CalendarDay is in db.metadata before the `app` fixture runs create_all().
from portal.workdays import (PACKAGE_FIRST_YEAR, PACKAGE_LAST_YEAR, CalendarDay, WorkdayCalendar, add_workdays,
                             china_date, due_soon, due_text, entered_arrangement, is_workday, provisional,
                             set_year_arrangement, unknown_years, workdays_between, year_source)

pytestmark = pytest.mark.usefixtures("app")

D = date.fromisoformat


def days(first: str, last: str) -> list[date]:
    start, end = D(first), D(last)
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


def package_arrangement(year: int) -> tuple[dict[date, str], dict[date, str]]:
    """The package's holidays and make-up workdays of a year, as an authority would enter them."""
    holidays = {d: package.Holiday(h).chinese for d, h in package.holidays.items() if d.year == year}
    workdays = {d: package.Holiday(h).chinese + "调休" for d, h in package.workdays.items() if d.year == year}
    return holidays, workdays


# ---- the package's range ------------------------------------------------------------------------

def test_package_range_is_read_from_the_package_data():
    assert PACKAGE_LAST_YEAR == max(d.year for d in package.holidays)
    assert PACKAGE_FIRST_YEAR == min(d.year for d in package.holidays)
    assert max(d.year for d in package.workdays) <= PACKAGE_LAST_YEAR
    assert PACKAGE_LAST_YEAR >= 2026  # chinese-calendar 1.11.0 carries the 2026 arrangement


def test_year_sources_without_entries():
    assert year_source(2025) == "package"
    assert year_source(2026) == "package"
    assert year_source(PACKAGE_LAST_YEAR) == "package"
    assert year_source(PACKAGE_LAST_YEAR + 1) == "weekend"
    assert year_source(PACKAGE_FIRST_YEAR - 1) == "weekend"


def test_agrees_with_the_package_on_every_day_it_knows_of_2025_and_2026():
    for d in days("2025-01-01", "2026-12-31"):
        assert is_workday(d) == chinese_calendar.is_workday(d), d


# ---- real holiday periods -------------------------------------------------------------------------

def test_2025_national_day_and_mid_autumn():
    assert all(not is_workday(d) for d in days("2025-10-01", "2025-10-08"))
    assert is_workday(D("2025-09-28"))  # Sunday, make-up workday
    assert is_workday(D("2025-10-11"))  # Saturday, make-up workday
    assert not is_workday(D("2025-09-27"))  # plain Saturday
    assert not is_workday(D("2025-10-12"))  # plain Sunday
    assert is_workday(D("2025-09-30")) and is_workday(D("2025-10-09"))


def test_2025_spring_festival():
    assert all(not is_workday(d) for d in days("2025-01-28", "2025-02-04"))
    assert is_workday(D("2025-01-26"))  # Sunday, make-up workday
    assert is_workday(D("2025-02-08"))  # Saturday, make-up workday
    assert is_workday(D("2025-01-27")) and is_workday(D("2025-02-05"))


def test_2026_spring_festival_as_the_package_has_it():
    # Package data: 2026-02-15 (Sun) .. 2026-02-23 (Mon) off, make-up Saturdays 2026-02-14 and 2026-02-28.
    assert {d for d in package.holidays if d.year == 2026 and d.month == 2} == set(days("2026-02-15", "2026-02-23"))
    assert {d for d in package.workdays if d.year == 2026 and d.month == 2} == {D("2026-02-14"), D("2026-02-28")}
    assert all(not is_workday(d) for d in days("2026-02-15", "2026-02-23"))
    assert is_workday(D("2026-02-14")) and is_workday(D("2026-02-28"))
    assert is_workday(D("2026-02-13")) and is_workday(D("2026-02-24"))
    assert not is_workday(D("2026-02-21"))  # a Saturday inside the holiday


def test_2026_labour_day():
    # Package data: 2026-05-01 (Fri) .. 2026-05-05 (Tue) off, make-up Saturday 2026-05-09.
    assert all(not is_workday(d) for d in days("2026-05-01", "2026-05-05"))
    assert is_workday(D("2026-05-09"))
    assert is_workday(D("2026-04-30")) and is_workday(D("2026-05-06"))
    assert not is_workday(D("2026-04-26"))  # a plain Sunday: no make-up day before the holiday in 2026


def test_2026_mid_autumn_and_national_day():
    # Package data: 中秋 2026-09-25..27, 国庆 2026-10-01..07, make-up days 2026-09-20 (Sun) and 2026-10-10 (Sat).
    assert all(not is_workday(d) for d in days("2026-09-25", "2026-09-27"))
    assert all(not is_workday(d) for d in days("2026-10-01", "2026-10-07"))
    assert is_workday(D("2026-09-20")) and is_workday(D("2026-10-10"))
    assert is_workday(D("2026-09-30")) and is_workday(D("2026-10-08"))


# ---- add_workdays -------------------------------------------------------------------------------

@pytest.mark.parametrize("start, n, due", [
    # Fri 09-26: Sat 27 off, Sun 28 make-up (1), Mon 29 (2), Tue 30 (3), 10-01..08 off, Thu 10-09 (4), Fri 10-10 (5).
    ("2025-09-26", 5, "2025-10-10"),
    # Tue 09-30: 10-01..08 off, Thu 10-09 (1), Fri 10-10 (2), Sat 10-11 make-up (3), Sun 12 off, Mon 13 (4), Tue 14 (5).
    ("2025-09-30", 5, "2025-10-14"),
    ("2025-09-30", 1, "2025-10-09"),
    # Fri 09-26 + 1: Sat 27 off, Sun 28 is a make-up workday.
    ("2025-09-26", 1, "2025-09-28"),
    # Starting on a holiday: the first workday after 10-03 is 10-09.
    ("2025-10-03", 1, "2025-10-09"),
    # Fri 01-24: Sat 25 off, Sun 26 make-up (1), Mon 27 (2), 01-28..02-04 off, Wed 02-05 (3).
    ("2025-01-24", 3, "2025-02-05"),
    # Mon 01-27: Wed 02-05 (1), Thu 06 (2), Fri 07 (3), Sat 08 make-up (4), Sun 09 off, Mon 10 (5).
    ("2025-01-27", 5, "2025-02-10"),
    # Fri 2026-02-13: Sat 14 make-up (1), 15..23 off, Tue 24 (2).
    ("2026-02-13", 2, "2026-02-24"),
    # Tue 2026-02-24: Wed 25 (1), Thu 26 (2), Fri 27 (3), Sat 28 make-up (4).
    ("2026-02-24", 4, "2026-02-28"),
    # Thu 2026-04-30: 05-01..05 off, Wed 06 (1), Thu 07 (2), Fri 08 (3), Sat 09 make-up (4), Sun 10 off, Mon 11 (5).
    ("2026-04-30", 5, "2026-05-11"),
    # Wed 2026-09-30: 10-01..07 off, Thu 08 (1), Fri 09 (2), Sat 10 make-up (3).
    ("2026-09-30", 3, "2026-10-10"),
    # Across the year: Wed 2025-12-31, 2026-01-01..03 off, Sun 01-04 make-up (1), Mon 01-05 (2).
    ("2025-12-31", 2, "2026-01-05"),
    ("2025-09-30", 0, "2025-09-30"),
    ("2025-10-04", 0, "2025-10-04"),  # n == 0 returns the start even on a holiday
])
def test_add_workdays_across_real_holidays(start, n, due):
    assert add_workdays(D(start), n) == D(due)


@pytest.mark.parametrize("start, n, earlier", [
    ("2025-10-09", -1, "2025-09-30"),
    ("2025-10-13", -1, "2025-10-11"),  # the Saturday make-up day
    ("2025-10-09", -3, "2025-09-28"),  # 09-30 (1), 09-29 (2), Sun 09-28 make-up (3)
    ("2026-01-05", -2, "2025-12-31"),  # Sun 2026-01-04 make-up (1), 2025-12-31 (2)
])
def test_add_workdays_backwards(start, n, earlier):
    assert add_workdays(D(start), n) == D(earlier)


def test_add_workdays_lands_on_a_workday_and_inverts_workdays_between():
    for start in days("2025-01-20", "2026-12-20")[::3]:
        for n in (1, 2, 5, 10, 15):
            due = add_workdays(start, n)
            assert is_workday(due)
            assert workdays_between(start, due) == n
            assert all(not is_workday(d) for d in days(add_workdays(start, n - 1).isoformat(), due.isoformat())[1:-1])


def test_add_workdays_takes_china_date_of_utc_datetimes():
    # Naive datetimes are UTC: 2025-09-30 17:00 UTC is 2025-10-01 01:00 in China, a holiday.
    assert china_date(datetime(2025, 9, 30, 17, 0)) == D("2025-10-01")
    assert china_date(datetime(2025, 9, 30, 15, 59)) == D("2025-09-30")
    assert not is_workday(datetime(2025, 9, 30, 17, 0))
    assert is_workday(datetime(2025, 9, 30, 15, 59))
    # 2025-09-28 16:30 UTC is Monday 09-29 00:30 in China; one workday later is Tuesday 09-30.
    assert add_workdays(datetime(2025, 9, 28, 16, 30), 1) == D("2025-09-30")
    assert add_workdays(datetime(2025, 9, 28, 15, 30), 1) == D("2025-09-29")
    # Aware datetimes are converted too.
    assert china_date(datetime(2025, 9, 30, 17, 0, tzinfo=timezone.utc)) == D("2025-10-01")
    assert china_date(datetime(2025, 10, 1, 0, 30, tzinfo=timezone(timedelta(hours=8)))) == D("2025-10-01")
    with pytest.raises(TypeError):
        china_date("2025-10-01")


# ---- workdays_between and due_soon -------------------------------------------------------------

@pytest.mark.parametrize("a, b, count", [
    ("2025-09-30", "2025-10-14", 5),
    ("2025-10-14", "2025-09-30", -5),
    ("2025-09-30", "2025-09-30", 0),
    ("2025-10-01", "2025-10-08", 0),  # only holidays
    ("2025-09-26", "2025-09-28", 1),  # Sat off, Sun make-up
    ("2025-09-26", "2025-09-27", 0),
    ("2025-12-31", "2026-01-05", 2),
    ("2026-02-13", "2026-02-28", 6),  # 14, 24, 25, 26, 27, 28
])
def test_workdays_between(a, b, count):
    assert workdays_between(D(a), D(b)) == count


def test_workdays_between_counts_a_whole_year():
    # Counted independently with the package's own is_workday over every day of 2025.
    expected = sum(chinese_calendar.is_workday(d) for d in days("2025-01-01", "2025-12-31"))
    assert workdays_between(D("2024-12-31"), D("2025-12-31")) == expected


@pytest.mark.parametrize("due, today, within, soon", [
    ("2025-09-30", "2025-09-30", 2, True),   # due today
    ("2025-09-29", "2025-09-30", 2, False),  # past
    ("2025-10-09", "2025-09-30", 2, True),   # one workday away across the holiday
    ("2025-10-10", "2025-09-30", 2, True),   # two workdays away
    ("2025-10-11", "2025-09-30", 2, False),  # three (the make-up Saturday counts)
    ("2025-10-05", "2025-09-30", 0, True),   # due on a holiday before the next workday: 0 workdays away
    ("2025-10-09", "2025-09-30", 0, False),
    ("2025-10-09", "2025-10-03", 1, True),
    ("2026-02-24", "2026-02-13", 2, True),   # 14 (make-up) and 24
    ("2026-02-25", "2026-02-13", 2, False),
])
def test_due_soon(due, today, within, soon):
    assert due_soon(D(due), D(today), within) is soon


def test_due_soon_takes_datetimes_in_china_time():
    # today 2025-09-30 16:30 UTC is already 10-01 in China; due 10-09 is then 1 workday away.
    assert due_soon(D("2025-10-09"), datetime(2025, 9, 30, 16, 30), within=1)
    assert not due_soon(D("2025-09-30"), datetime(2025, 9, 30, 16, 30))


# ---- beyond the package: the weekend rule -------------------------------------------------------

def test_year_past_the_package_uses_the_weekend_rule():
    year = PACKAGE_LAST_YEAR + 1
    for d in days(f"{year}-01-01", f"{year}-12-31"):
        assert is_workday(d) == (d.weekday() < 5)


def test_a_far_year_nobody_entered_uses_the_weekend_rule():
    year = 2099  # far beyond any release of the package; nobody entered it
    assert year_source(year) == "weekend"
    new_year = date(year, 1, 1)
    assert is_workday(new_year) == (new_year.weekday() < 5)  # no holiday is known for it
    friday = next(d for d in days(f"{year}-10-01", f"{year}-10-07") if d.weekday() == 4)
    assert add_workdays(friday, 1) == friday + timedelta(days=3)  # Fri -> Mon


def test_add_workdays_across_the_end_of_the_package():
    last = PACKAGE_LAST_YEAR
    due = add_workdays(date(last, 12, 20), 30)
    assert due.year == last + 1
    assert workdays_between(date(last, 12, 20), due) == 30


# ---- entered arrangements -----------------------------------------------------------------------

def test_entered_year_overrides_the_package():
    holidays, workdays = package_arrangement(2026)
    holidays[D("2026-03-02")] = "测试假日"  # fictitious extra holiday on a Monday
    set_year_arrangement(2026, holidays, workdays, "authority@example.org")
    db.session.commit()
    assert year_source(2026) == "entered"
    assert not is_workday(D("2026-03-02"))
    assert is_workday(D("2026-03-03"))
    # The rest of the official arrangement still holds because it was entered with it.
    assert all(not is_workday(d) for d in days("2026-02-15", "2026-02-23"))
    assert is_workday(D("2026-02-14")) and is_workday(D("2026-02-28"))
    # Fri 2026-02-27: Sat 28 make-up (1), Sun 03-01 off, Mon 03-02 fictitious holiday, Tue 03-03 (2).
    assert add_workdays(D("2026-02-27"), 2) == D("2026-03-03")
    # Other years are unaffected.
    assert year_source(2025) == "package" and not is_workday(D("2025-10-01"))


def test_an_entered_year_is_complete_for_that_year():
    set_year_arrangement(2026, {D("2026-03-02"): "测试假日"}, {}, "authority")
    assert year_source(2026) == "entered"
    assert not is_workday(D("2026-03-02"))
    # Not entered, so the weekend rule applies although the package has a holiday / make-up day here.
    assert is_workday(D("2026-10-01"))  # Thursday
    assert not is_workday(D("2026-02-14"))  # Saturday


def test_entered_future_year_is_honoured():
    set_year_arrangement(2031, {D("2031-01-01"): "元旦"}, {D("2031-01-04"): "元旦调休"}, "authority")
    assert year_source(2031) == "entered"
    assert not is_workday(D("2031-01-01"))  # Wednesday, entered holiday
    assert is_workday(D("2031-01-04"))  # Saturday, entered make-up day
    assert is_workday(D("2031-01-02")) and not is_workday(D("2031-01-05"))
    # Tue 2030-12-31 (weekend rule year): Wed 01-01 off, Thu 02 (1), Fri 03 (2), Sat 04 make-up (3).
    assert add_workdays(D("2030-12-31"), 3) == D("2031-01-04")
    assert year_source(2030) == ("package" if PACKAGE_LAST_YEAR >= 2030 else "weekend")


def test_set_year_arrangement_replaces_the_year_and_records_who():
    set_year_arrangement(2031, {D("2031-01-01"): "元旦", D("2031-05-01"): "劳动节"}, {}, "first")
    db.session.commit()
    set_year_arrangement(2031, {D("2031-01-01"): " 元旦 "}, {D("2031-01-04"): "元旦调休"}, "second")
    db.session.commit()
    rows = db.session.scalars(select(CalendarDay).order_by(CalendarDay.day)).all()
    assert [(r.day, r.is_workday, r.name, r.entered_by) for r in rows] == [
        (D("2031-01-01"), False, "元旦", "second"), (D("2031-01-04"), True, "元旦调休", "second")]
    assert all(isinstance(r.entered_at, datetime) for r in rows)
    assert is_workday(D("2031-05-01"))  # no longer entered
    assert entered_arrangement(2031) == ({D("2031-01-01"): "元旦"}, {D("2031-01-04"): "元旦调休"})
    assert entered_arrangement(2030) == ({}, {})


def test_set_year_arrangement_leaves_other_years_alone():
    set_year_arrangement(2030, {D("2030-01-01"): "元旦"}, {}, "a")
    set_year_arrangement(2031, {D("2031-01-01"): "元旦"}, {}, "a")
    assert entered_arrangement(2031) == ({D("2031-01-01"): "元旦"}, {})  # rows now in the session
    # Twice in one transaction, re-entering the same day under another name.
    set_year_arrangement(2031, {D("2031-01-01"): "新年", D("2031-01-02"): "元旦"}, {}, "b")
    db.session.commit()
    assert entered_arrangement(2030) == ({D("2030-01-01"): "元旦"}, {})
    assert entered_arrangement(2031) == ({D("2031-01-01"): "新年", D("2031-01-02"): "元旦"}, {})
    assert db.session.get(CalendarDay, D("2031-01-01")).entered_by == "b"


def test_empty_arrangement_clears_the_year():
    set_year_arrangement(2026, {D("2026-03-02"): "测试假日"}, {}, "a")
    db.session.commit()
    set_year_arrangement(2026, {}, {}, "a")
    db.session.commit()
    assert year_source(2026) == "package"
    assert not is_workday(D("2026-10-01"))


def test_set_year_arrangement_runs_in_the_callers_transaction():
    set_year_arrangement(2031, {D("2031-01-01"): "元旦"}, {}, "a")
    assert year_source(2031) == "entered"  # visible in the same transaction
    db.session.rollback()
    assert year_source(2031) == "weekend"
    assert db.session.scalars(select(CalendarDay)).all() == []


@pytest.mark.parametrize("holidays, workdays, words", [
    ({D("2025-12-31"): "元旦"}, {}, ["2025-12-31", "2026"]),
    ({}, {D("2027-01-02"): "调休"}, ["2027-01-02", "2026"]),
    ({D("2026-01-01"): "元旦"}, {D("2026-01-01"): "元旦"}, ["2026-01-01"]),
    ({datetime(2026, 1, 1): "元旦"}, {}, []),
    ({"2026-01-01": "元旦"}, {}, []),
    ({D("2026-01-01"): "  "}, {}, ["2026-01-01"]),
    ({D("2026-01-01"): "长" * 51}, {}, ["2026-01-01", "50"]),
])
def test_invalid_arrangements_raise_and_write_nothing(holidays, workdays, words):
    set_year_arrangement(2026, {D("2026-03-02"): "测试假日"}, {}, "before")
    db.session.commit()
    with force_locale("en"), pytest.raises(Invalid) as info:
        set_year_arrangement(2026, holidays, workdays, "after")
    assert info.value.status == 422
    assert all(w in info.value.message for w in words), info.value.message
    db.session.rollback()
    assert entered_arrangement(2026) == ({D("2026-03-02"): "测试假日"}, {})


def test_invalid_year_raises():
    for year in (0, 10000, "2026", True):
        with pytest.raises(Invalid):
            set_year_arrangement(year, {}, {}, "a")


def test_entered_days_are_read_once_per_call_and_per_year():
    set_year_arrangement(2026, {D("2026-03-02"): "测试假日"}, {}, "a")
    db.session.commit()
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        if "calendar_days" in statement:
            statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        # 2025-12-01 + 60 workdays runs well into 2026: two years, two reads.
        due = add_workdays(D("2025-12-01"), 60)
        assert due.year == 2026
        assert len(statements) == 2
        statements.clear()
        workdays_between(D("2025-01-01"), D("2026-12-31"))
        assert len(statements) == 2
        statements.clear()
        cal = WorkdayCalendar()  # shared by a caller asking about many deadlines
        for d in days("2026-01-01", "2026-03-31"):
            due_soon(d, D("2026-01-01"), cal=cal)
            is_workday(d, cal=cal)
        assert len(statements) == 1
    finally:
        event.remove(engine, "before_cursor_execute", count)


# ---- provisional due dates ----------------------------------------------------------------------------

def test_a_due_date_counted_through_an_unknown_year_is_provisional():
    last, after = PACKAGE_LAST_YEAR, PACKAGE_LAST_YEAR + 1
    assert not provisional(D(f"{last}-12-01"), D(f"{last}-12-15"))
    assert provisional(datetime(last, 12, 18, 2), D(f"{after}-01-01"))
    assert provisional(None, D(f"{after}-03-01")) and not provisional(None, D(f"{last}-03-01"))
    assert not provisional(D(f"{last}-12-01"), None)
    assert unknown_years(D(f"{last}-12-18"), D(f"{after + 1}-01-05")) == [after, after + 1]
    with force_locale("en"):
        assert due_text(D(f"{after}-01-01"), D(f"{last}-12-18")).startswith(f"{after}-01-01 (provisional")
        assert due_text(D(f"{last}-12-15"), D(f"{last}-12-01")) == f"{last}-12-15"
    set_year_arrangement(after, {D(f"{after}-01-01"): "元旦"}, {}, "a")
    assert not provisional(D(f"{last}-12-18"), D(f"{after}-01-04"))
    assert unknown_years(D(f"{last}-12-18"), D(f"{after + 1}-01-05")) == [after + 1]


def test_provisional_reads_nothing_for_the_years_the_package_knows():
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        cal = WorkdayCalendar()
        assert not provisional(D("2025-12-20"), D("2026-01-05"), cal=cal)
        assert provisional(D("2026-12-20"), D(f"{PACKAGE_LAST_YEAR + 1}-01-05"), cal=cal)
        assert provisional(D("2026-12-21"), D(f"{PACKAGE_LAST_YEAR + 1}-01-06"), cal=cal)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert len(statements) == 1  # the unknown year, once for the shared calendar
