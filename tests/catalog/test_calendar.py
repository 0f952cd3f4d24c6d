"""The authority's working-day calendar page: paste the State Council's notice, check the month grids,
confirm; the arrangement in use shown the same way; the warning that next year's arrangement is missing."""
from __future__ import annotations

import html
import re
from datetime import date
from pathlib import Path

import pytest
from chinese_calendar import constants as package

from portal import workdays
from portal.audit.models import AuditEvent
from portal.catalog import workday_calendar
from portal.errors import Forbidden
from portal.extensions import db
from tests.conftest import login, post_form

NOTICES = Path(__file__).resolve().parent.parent / "fixtures" / "holiday-notices"
D = date.fromisoformat
# Not an official text: a 2027 notice of one item, to enter a year the package does not know.
NOTICE_2027 = "国务院办公厅关于2027年部分节假日安排的通知\n\n一、元旦：1月1日（周五）至3日（周日）放假，共3天。\n"


def notice(year: int) -> str:
    return (NOTICES / f"{year}.txt").read_text(encoding="utf-8")


def text(r) -> str:
    return r.get_data(as_text=True)


def cell(page: str, day: str) -> str:
    """The visible text of one day's square in the month grids, tags removed."""
    m = re.search(rf'<td class="([^"]*)" data-day="{day}"[^>]*>(.*?)</td>', page, re.S)
    assert m, day
    return m.group(1) + " | " + " ".join(re.sub(r"<[^>]+>", " ", m.group(2)).split())


def words(page: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


@pytest.fixture()
def authority(app, users, client):
    login(client, "authority@example.cn")
    return client


def test_the_notice_is_read_shown_as_month_grids_and_saved_on_confirmation(authority):
    r = post_form(authority, "/review/calendar?year=2026", {"year": "2026", "action": "parse", "notice": notice(2026)})
    page = text(r)
    assert r.status_code == 200
    assert "核对从通知读出的 2026 年安排" in page
    assert "共 7 项：放假 33 天，调休上班 6 天。" in page
    assert "通知与 2026 年当前使用的安排逐日一致。" in page  # the package holds the same 2026
    assert page.count('class="cal-month"') == 12 and "2026年2月" in page
    # Colour and text: 休 for a day off, 班 for a make-up workday, hidden words for screen readers.
    assert cell(page, "2026-02-15") == "cal-day cal-holiday | 15 休 春节，放假"
    assert cell(page, "2026-02-14") == "cal-day cal-workday | 14 班 春节，调休上班"
    assert cell(page, "2026-03-07") == "cal-day cal-weekend | 7"
    assert cell(page, "2026-03-09") == "cal-day | 9"
    assert "休：放假" in page and "班：调休上班（周末上班）" in page  # the legend
    row = words(re.search(r'<tr data-festival="国庆节">.*?</tr>', page, re.S).group(0))
    assert row == "国庆节 2026-10-01 – 2026-10-07 （共 7 天） 2026-09-20, 2026-10-10"
    assert 'value="确认保存"' not in page and ">确认保存</button>" in page
    assert workdays.year_source(2026) == "package"  # nothing is saved before the confirmation

    r = post_form(authority, "/review/calendar?year=2026", {"year": "2026", "action": "save", "notice": notice(2026)})
    assert r.status_code == 302 and r.headers["Location"].endswith("/review/calendar?year=2026")
    page = text(authority.get("/review/calendar?year=2026"))
    assert "2026 年安排已保存：根据国务院办公厅通知，放假 33 天，调休上班 6 天。" in page
    assert "2026 年：使用已录入的节假日安排。" in page
    assert cell(page, "2026-01-04") == "cal-day cal-workday | 4 班 元旦，调休上班"
    holidays, make_up = workdays.entered_arrangement(2026)
    assert set(holidays) == {d for d in package.holidays if d.year == 2026}
    assert set(make_up) == {d for d in package.workdays if d.year == 2026}
    assert holidays[D("2026-02-15")] == "春节" and make_up[D("2026-10-10")] == "国庆节"
    event = db.session.query(AuditEvent).filter_by(action="calendar.set_year", object_id="2026").one()
    assert event.details == {"holidays": 33, "workdays": 6, "source": "notice"}
    assert event.actor_label == "authority@example.cn"


def test_the_confirmation_carries_the_text_read_and_the_save_reads_it_again(authority):
    r = post_form(authority, "/review/calendar?year=2025", {"year": "2025", "action": "parse", "notice": notice(2025)})
    hidden = re.search(r'<input type="hidden" name="notice" value="([^"]*)">', text(r), re.S)
    assert html.unescape(hidden.group(1)) == notice(2025)
    assert "国庆节、中秋节" in text(r)  # one item, two festivals
    # A save re-reads what is posted: a text that cannot be read is refused, nothing saved.
    broken = notice(2025).replace("共8天。9月28日", "共9天。9月28日")
    r = post_form(authority, "/review/calendar?year=2025", {"year": "2025", "action": "save", "notice": broken})
    assert r.status_code == 422
    assert workdays.year_source(2025) == "package"
    assert "通知写明共 9 天，但 2025-10-01 至 2025-10-08 是 8 天。" in text(r)


def test_a_notice_that_cannot_be_read_is_refused_with_its_sentence(authority):
    wrong = notice(2026).replace("5月9日（周六）上班", "5月9日（周日）上班")
    r = post_form(authority, "/review/calendar?year=2026", {"year": "2026", "action": "parse", "notice": wrong})
    page = text(r)
    assert r.status_code == 422
    summary = words(re.search(r'<div class="error-summary".*?</div>', page, re.S).group(0))
    assert "通知无法解析，问题在“5月9日（周日）上班”：通知写的是“5月9日（周日）”，但 2026-05-09 是周六。" in summary
    assert "未保存任何内容。无法解析的条目： 四、劳动节：5月1日（周五）至5日（周二）放假调休，共5天。5月9日（周日）上班。" in summary
    assert 'aria-invalid="true"' in page and "5月9日（周日）上班" in page.split('id="f-notice"')[1]  # text kept
    assert "notice-preview" not in page and workdays.year_source(2026) == "package"

    r = post_form(authority, "/review/calendar?year=2026", {"year": "2026", "action": "parse", "notice": "  "})
    assert r.status_code == 422 and "请先粘贴国务院办公厅的通知。" in text(r)


def test_the_error_is_translated(authority):
    authority.get("/lang/en")
    wrong = notice(2024).replace("共8天", "共7天")
    r = post_form(authority, "/review/calendar?year=2024", {"year": "2024", "action": "parse", "notice": wrong})
    assert r.status_code == 422
    assert ("The notice cannot be read at “2月10日至17日放假调休，共7天”: The notice says 7 days, "
            "but 2024-02-10 to 2024-02-17 is 8 days.") in html.unescape(text(r))


def test_without_its_title_the_notice_takes_the_pages_year(authority):
    body = NOTICE_2027.split("\n\n", 1)[1]
    r = post_form(authority, "/review/calendar?year=2027", {"year": "2027", "action": "parse", "notice": body})
    assert r.status_code == 200 and "核对从通知读出的 2027 年安排" in text(r)
    r = post_form(authority, "/review/calendar?year=2027", {"year": "2027", "action": "parse",
                                                            "notice": body.replace("（周五）", "（周四）")})
    assert r.status_code == 422
    # The title wins over the page's year, and the page moves to the notice's year.
    r = post_form(authority, "/review/calendar?year=2030", {"year": "2030", "action": "parse", "notice": NOTICE_2027})
    assert "核对从通知读出的 2027 年安排" in text(r) and 'name="year" value="2027"' in text(r)


def test_the_page_shows_the_arrangement_in_use_as_month_grids(authority):
    page = text(authority.get("/review/calendar?year=2025"))
    assert "2025 年当前使用的安排" in page and page.count('class="cal-month"') == 12
    assert cell(page, "2025-10-06") == "cal-day cal-holiday | 6 休 中秋节，放假"  # the package's names, in Chinese
    assert cell(page, "2025-09-28") == "cal-day cal-workday | 28 班 国庆节，调休上班"
    page = text(authority.get("/review/calendar?year=2031"))
    assert "2031 年尚无节假日安排：周一至周五为工作日，周六、周日休息。" in page
    assert cell(page, "2031-01-04") == "cal-day cal-weekend | 4" and "cal-holiday" not in page.split("<table")[1]


def test_only_the_authority_may_save(users):
    with pytest.raises(Forbidden):
        workday_calendar.save_notice(notice(2026), None, users["auditor"])
    assert workdays.year_source(2026) == "package"


# ---- the warning that next year's arrangement is missing -----------------------------------------

def warned(client, url: str) -> bool:
    page = text(client.get(url))
    return 'id="calendar-warning"' in page


def test_from_1_november_the_authority_is_warned_that_next_year_is_missing(authority, monkeypatch, app):
    monkeypatch.setattr(workday_calendar, "china_today", lambda: date(2026, 10, 31))
    assert not any(warned(authority, url) for url in ("/review/", "/review/calendar", "/console/"))

    monkeypatch.setattr(workday_calendar, "china_today", lambda: date(2026, 11, 1))
    for url in ("/review/", "/review/calendar", "/console/"):
        page = text(authority.get(url))
        warning = words(re.search(r'<div class="notice notice-conditional" id="calendar-warning">.*?</div>',
                                  page, re.S).group(0))
        assert warning == ("尚未录入 2027 年的法定节假日安排。 录入之前，2027 年的期限把周一至周五一律算作工作日，"
                           "节假日也不例外。 根据国务院办公厅通知录入 2027 年安排")
        assert 'href="/review/calendar?year=2027"' in page

    # Those who cannot enter the calendar are not warned.
    for email, url in (("staff@example.cn", "/console/"), ("auditor@example.cn", "/review/")):
        other = app.test_client()
        login(other, email)
        assert not warned(other, url)

    # Once the year is entered, the warning is gone.
    assert post_form(authority, "/review/calendar?year=2027",
                     {"year": "2027", "action": "save", "notice": NOTICE_2027}).status_code == 302
    assert workdays.year_source(2027) == "entered"
    assert not any(warned(authority, url) for url in ("/review/", "/review/calendar", "/console/"))


def test_the_warning_rule(users):
    authority = users["authority"]
    assert workday_calendar.missing_year(authority, today=date(2026, 10, 31)) is None
    assert workday_calendar.missing_year(authority, today=date(2026, 11, 1)) == 2027
    assert workday_calendar.missing_year(authority, today=date(2026, 12, 31)) == 2027
    assert workday_calendar.missing_year(authority, today=date(2025, 11, 1)) is None  # the package knows 2026
    assert workday_calendar.missing_year(authority, today=date(2027, 3, 1)) == 2027  # the current year missing
    assert workday_calendar.missing_year(users["agency_staff"], today=date(2026, 11, 1)) is None
    assert workday_calendar.missing_year(users["admin"], today=date(2026, 11, 1)) == 2027


def test_the_page_title_is_plain_text(authority):
    page = authority.get("/review/calendar?year=2026").get_data(as_text=True)
    assert re.search(r"<title>工作日日历[^<]*</title>", page)
    assert page.count('id="manual"') == 1  # the day-by-day form once, in the page's body
