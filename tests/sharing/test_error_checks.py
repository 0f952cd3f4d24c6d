"""Error checks of shared data (SHARING.md §3.6; R2018 §21): scenarios S10, S11."""
from __future__ import annotations

from sqlalchemy import select

from portal.extensions import db
from portal.sharing.dispute_models import ShareErrorReport
from tests.conftest import post_form
from tests.clock import freeze
from tests.sharing.dispute_helpers import audit_actions, grant_to, inbox, subjects

CHECKING = "校核中"
GOES_ON = "照常办理"


def report(client, grant, discovered_on, evidence="2026-05-31 新华广场 AQI 为负数"):
    return post_form(client, "/sharing/errors/new", {"grant": grant.id, "discovered_on": discovered_on,
                                                     "location": "AQI", "evidence": evidence})


def latest() -> ShareErrorReport:
    db.session.expire_all()
    return db.session.scalars(select(ShareErrorReport).order_by(ShareErrorReport.id.desc())).first()


def test_s10_five_workdays_to_report_ten_to_answer(app, parties, as_user, monkeypatch):
    """S10: error discovered Mon 2026-06-01: reported 2026-06-08 on time, 2026-06-09 flagged late (still
    accepted); a report of Thu 2026-06-18 is due Fri 2026-07-03 (端午 6-19)."""
    grant = grant_to(parties, "B")
    client = as_user(parties["b_officer"])
    freeze(monkeypatch, "2026-06-08")
    assert report(client, grant, "2026-06-01").status_code == 302
    on_time = latest()
    assert not on_time.late and str(on_time.report_due) == "2026-06-08"
    page = client.get(f"/sharing/errors/{on_time.id}").get_data(as_text=True)
    assert "按时" in page or "on time" in page

    freeze(monkeypatch, "2026-06-09")
    r = report(client, grant, "2026-06-01")
    assert r.status_code == 302
    late = latest()
    assert late.late and late.id != on_time.id
    assert 'id="late"' in client.get(f"/sharing/errors/{late.id}").get_data(as_text=True)

    freeze(monkeypatch, "2026-06-18")
    assert report(client, grant, "2026-06-17").status_code == 302
    third = latest()
    assert str(third.due_date) == "2026-07-03"
    page = client.get(f"/sharing/errors/{third.id}").get_data(as_text=True)
    assert 'id="answer-due">2026-07-03' in page
    assert CHECKING in page and GOES_ON in page                      # R2018 §21「受理单位应照常办理」
    assert any("2026-07-03" in m.body for m in inbox(parties["a_officer"]))
    assert audit_actions("share_error", third.id) == ["share_error.report"]

    freeze(monkeypatch, "2026-06-30")                                # due within 2 workdays
    cases = as_user(parties["authority"]).get("/console/supervision").get_data(as_text=True)
    assert f"/sharing/errors/{third.id}" in cases


def test_s11_corrected_tells_every_holder_and_the_authority(app, parties, as_user, monkeypatch):
    """S11: S10's report answered "corrected": the entry's other grant holders (C) and the authority are told;
    while it was open, holders saw 校核中 and that citizens' matters go on."""
    grant = grant_to(parties, "B")
    grant_to(parties, "C")
    freeze(monkeypatch, "2026-06-18")
    assert report(as_user(parties["b_officer"]), grant, "2026-06-17").status_code == 302
    case = latest()
    assert CHECKING in as_user(parties["b_staff"]).get(f"/sharing/errors/{case.id}").get_data(as_text=True)
    assert as_user(parties["c_staff"]).get(f"/sharing/errors/{case.id}").status_code == 404   # not a party

    freeze(monkeypatch, "2026-06-25")
    a = as_user(parties["a_officer"])
    r = post_form(a, f"/sharing/errors/{case.id}/answer", {"outcome": "", "answer": ""})
    assert r.status_code == 422
    page = r.get_data(as_text=True)
    assert 'id="error-outcome"' in page and 'id="error-answer"' in page
    r = post_form(a, f"/sharing/errors/{case.id}/answer", {"outcome": "corrected", "answer": "已更正6月数据，重新发布"})
    assert r.status_code == 302
    assert latest().state == "answered"
    for who in ("b_officer", "c_officer", "authority"):
        assert "重点排污单位监测数据" in subjects(parties[who]), who
    page = as_user(parties["b_staff"]).get(f"/sharing/errors/{case.id}").get_data(as_text=True)
    assert "已更正6月数据" in page and CHECKING not in page
    assert audit_actions("share_error", case.id) == ["share_error.report", "share_error.answer"]
    r = post_form(as_user(parties["a_officer"]), f"/sharing/errors/{case.id}/answer",
                  {"outcome": "correct", "answer": "again"})
    assert r.status_code == 409


def test_correct_as_is_tells_the_reporter_only(app, parties, as_user, monkeypatch):
    """§3.6: "correct as is" goes back to the reporting agency; the other holders are not told."""
    grant = grant_to(parties, "B")
    grant_to(parties, "C")
    freeze(monkeypatch, "2026-06-18")
    report(as_user(parties["b_officer"]), grant, "2026-06-17")
    case = latest()
    post_form(as_user(parties["a_officer"]), f"/sharing/errors/{case.id}/answer",
              {"outcome": "correct", "answer": "经核查数据无误"})
    assert latest().outcome == "correct"
    assert "重点排污单位监测数据" in subjects(parties["b_officer"])
    assert inbox(parties["c_officer"]) == []


def test_only_a_holders_officer_reports(app, parties, as_user, monkeypatch):
    """§3.6: the requester officer holding an active grant reports; other staff 403, other agencies 404,
    a future discovery date 422."""
    grant = grant_to(parties, "B")
    freeze(monkeypatch, "2026-06-18")
    assert report(as_user(parties["b_staff"]), grant, "2026-06-17").status_code == 403
    assert report(as_user(parties["c_officer"]), grant, "2026-06-17").status_code == 404
    r = report(as_user(parties["b_officer"]), grant, "2026-06-19")
    assert r.status_code == 422 and 'id="error-discovered_on"' in r.get_data(as_text=True)
    assert latest() is None
