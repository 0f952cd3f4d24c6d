"""Reading the State Council's annual holiday notice (portal/holiday_notice.py), without the app.

The official texts of 2024, 2025 and 2026 are fixtures (tests/fixtures/holiday-notices/); what they are read
into must equal the chinese-calendar package's data for the year, day for day. The package lists every day
of a holiday range, weekend days included, and only the days the notice names ("与周末连休" adds none),
so the parser does the same and the sets are compared exactly.
"""
from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from chinese_calendar import constants as package

from portal.holiday_notice import NoticeError, parse

NOTICES = Path(__file__).resolve().parent / "fixtures" / "holiday-notices"
TITLE = "国务院办公厅关于2026年部分节假日安排的通知\n\n"
# The package's English festival names as the notices write them.
CHINESE = {"New Year's Day": "元旦", "Spring Festival": "春节", "Tomb-sweeping Day": "清明节", "Labour Day": "劳动节",
           "Dragon Boat Festival": "端午节", "Mid-autumn Festival": "中秋节", "National Day": "国庆节"}
D = date.fromisoformat


def notice(year: int) -> str:
    return (NOTICES / f"{year}.txt").read_text(encoding="utf-8")


def span(first: str, last: str) -> list[date]:
    start, end = D(first), D(last)
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


def refused(text: str, year: int | None = None) -> NoticeError:
    with pytest.raises(NoticeError) as caught:
        parse(text, year)
    return caught.value


@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_official_notice_equals_the_package(year):
    read = parse(notice(year))
    assert read.year == year
    expected_holidays = {d: n for d, n in package.holidays.items() if d.year == year}
    expected_workdays = {d: n for d, n in package.workdays.items() if d.year == year}
    assert set(read.holidays) == set(expected_holidays)
    assert set(read.workdays) == set(expected_workdays)
    # Each day carries its item's festival; an item naming two festivals (2025: 国庆节、中秋节) names its
    # days with both, and the package's festival for the day is one of them.
    for parsed, expected in ((read.holidays, expected_holidays), (read.workdays, expected_workdays)):
        for day, name in parsed.items():
            assert CHINESE[expected[day]] in name.split("、"), (day, name, expected[day])


def test_items_keep_the_notices_order_and_names():
    read = parse(notice(2025))
    assert [(i.number, i.name) for i in read.items] == [
        ("一", "元旦"), ("二", "春节"), ("三", "清明节"), ("四", "劳动节"), ("五", "端午节"), ("六", "国庆节、中秋节")]
    national = read.items[-1]
    assert national.holidays == tuple(span("2025-10-01", "2025-10-08"))  # 共8天, the weekend 4–5 Oct included
    assert national.workdays == (D("2025-09-28"), D("2025-10-11"))
    assert read.items[0].holidays == (D("2025-01-01"),)  # （周三）放假1天，不调休


def test_wordings_of_each_year():
    # 2024: "与周末连休" adds no day; the weekday as 星期日; a sentence about 除夕（2月9日） is commentary.
    y2024 = parse(notice(2024))
    assert [d for d in y2024.holidays if d.month == 1] == [D("2024-01-01")]
    assert D("2024-02-09") not in y2024.holidays and D("2024-02-09") not in y2024.workdays
    # 2026: a lunar date and the weekday in one pair of parentheses; the end's month left out.
    y2026 = parse(notice(2026))
    assert y2026.items[1].holidays == tuple(span("2026-02-15", "2026-02-23"))
    assert y2026.items[0].holidays == tuple(span("2026-01-01", "2026-01-03"))
    assert y2026.items[0].workdays == (D("2026-01-04"),)


def test_range_across_months_and_a_list_of_dates_sharing_a_month():
    read = parse(TITLE + "一、国庆节：9月29日至10月6日放假调休，共8天。9月26日（周六）、27日（周日）上班。")
    assert list(read.holidays) == span("2026-09-29", "2026-10-06")
    assert list(read.workdays) == [D("2026-09-26"), D("2026-09-27")]
    assert set(read.holidays.values()) == {"国庆节"}


def test_half_width_punctuation_spaces_and_wrapped_lines_are_read():
    text = (TITLE + "一、 元旦: 1月1日 (周四) 至3日 (周六) 放假调休, 共3天。\n"
            "1月4日 (周日) 上班。\n二、春节：2月15日（农历腊月二十八、周日）至23日\n（农历正月初七、周一）放假调休，共9天。")
    read = parse(text)
    assert list(read.holidays) == span("2026-01-01", "2026-01-03") + span("2026-02-15", "2026-02-23")
    assert list(read.workdays) == [D("2026-01-04")]


def test_the_title_gives_the_year_and_the_caller_only_when_it_is_missing():
    body = "一、元旦：1月1日（周四）放假。"
    assert parse(TITLE + body, 2031).year == 2026  # the title wins over the page's year
    assert list(parse(body, 2026).holidays) == [D("2026-01-01")]
    assert "title" in refused(body).message
    exc = refused(TITLE + "国务院办公厅关于2027年部分节假日安排的通知\n" + body)
    assert exc.params == {"years": "2026, 2027"}


def test_weekday_that_disagrees_with_the_date_is_refused_with_its_sentence():
    text = notice(2026).replace("5月9日（周六）上班", "5月9日（周日）上班")
    exc = refused(text)
    assert exc.sentence == "5月9日（周日）上班"
    assert exc.line.startswith("四、劳动节：5月1日（周五）至5日（周二）放假调休")
    assert exc.params == {"text": "5月9日（周日）", "day": "2026-05-09", "actual": "六"}
    assert "2026-05-09" in str(exc)


def test_an_error_in_the_last_item_names_the_item_without_the_closing_text():
    exc = refused(notice(2026).replace("10月10日（周六）", "10月10日（周日）"))
    assert exc.line == ("七、国庆节：10月1日（周四）至7日（周三）放假调休，共7天。"
                        "9月20日（周日）、10月10日（周日）上班。")
    assert parse(notice(2026)).items[-1].line.endswith("10月10日（周六）上班。")


def test_day_count_that_disagrees_with_the_range_is_refused():
    exc = refused(notice(2024).replace("共8天", "共7天"))
    assert exc.sentence == "2月10日至17日放假调休，共7天"
    assert exc.params == {"stated": 7, "first": "2024-02-10", "last": "2024-02-17", "actual": 8}
    assert refused(notice(2025).replace("放假1天", "放假2天")).params["actual"] == 1


@pytest.mark.parametrize("sentence, word", [
    ("一、元旦：1月1日（周四）放假，另行通知。", "另行通知"),              # a clause nobody knows
    ("一、元旦：1月1日（周四）至1月3日（周六）放假调休，共3天。1月4日（周日）上斑。", ""),  # 上班 misspelt
    ("一、元旦：1月1日（周四、初一）放假。", "初一"),                     # neither weekday nor lunar date
    ("一、元旦：1月32日放假。", "1月32日"),                               # no such date
    ("一、元旦：3日（周六）放假。", "3日"),                                # no month
    ("一、元旦：1月3日至1月1日放假。", "2026-01-03"),                     # ends before it starts
    ("一、元旦：1月1日放假。1月1日（周四）上班。", "2026-01-01"),          # a weekday as a make-up workday
    ("一、元旦：1月1日放假。\n二、春节：1月1日放假。", "2026-01-01"),      # a day twice
    ("一、元旦：2025年12月31日至2026年1月1日放假。", "2025-12-31"),        # a day of another year
    ("一、元旦：1月4日（周日）上班。", ""),                              # an item without days off
    ("一、元旦：1月1日放假。共3天。", "共3天"),                            # a count of no range
])
def test_a_sentence_that_cannot_be_read_refuses_the_notice(sentence, word):
    exc = refused(TITLE + sentence)
    assert exc.line and exc.sentence
    assert word in str(exc) or word in exc.sentence


def test_text_without_items_is_refused():
    assert "No numbered item" in refused(TITLE + "经国务院批准，现将2026年元旦……通知如下。").message
