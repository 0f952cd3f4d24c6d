"""Deadlines past the last year the calendar knows: provisional due dates wherever they are shown (pages,
inboxes, API), and their recount, audited, the moment the authority enters that year's arrangement.

chinese-calendar 1.11.0 carries the official arrangement up to 2026; the tests pin that (PACKAGE_LAST_YEAR)
so that they keep meaning the same with a later package. "Now" is pinned by replacing utcnow in every
portal module (the services take the time from it).
"""
from __future__ import annotations

import re
from datetime import date, datetime

import pytest

from portal import workdays
from portal.accounts.tokens import create_token
from portal.audit.models import AuditEvent
from portal.audit.services import verify_chain
from portal.catalog import review as catalog_review
from portal.catalog.models import DatasetState, Review
from portal.extensions import db
from portal.feedback.models import Complaint, Correction, Report
from portal.inbox.models import Message
from portal.opening.models import Application
from tests import factories as f
from tests.clock import freeze_at
from tests.conftest import post_form
from tests.feedback.helpers import complain, complaint_id, post_from
from tests.opening.test_applications import client_for, decide, entry, post_on, submitted_app  # noqa: F401

D = date.fromisoformat
FRIDAY = datetime(2026, 12, 18, 2, 0)       # 10:00 in China; 10 workdays on reach 2027-01-01 Monday to Friday
LAST_FRIDAY = datetime(2026, 12, 25, 2, 0)  # 5 workdays on reach 2027-01-01 too
NEW_YEAR = {D("2027-01-01"): "元旦"}


@pytest.fixture(autouse=True)
def calendar_up_to_2026(monkeypatch):
    """The package knows the arrangement up to 2026, as chinese-calendar 1.11.0 does."""
    monkeypatch.setattr(workdays, "PACKAGE_LAST_YEAR", 2026)


def marked(html: str, day: str) -> bool:
    """The date shown with the provisional mark right after it."""
    return re.search(re.escape(day) + r'\s*<span class="badge badge-provisional" data-provisional', html) is not None


def authority_id() -> int:
    from portal.accounts.models import User

    return db.session.scalar(db.select(User.id).where(User.email == "authority@example.cn"))


def recount_events() -> list[AuditEvent]:
    return list(db.session.scalars(db.select(AuditEvent).where(AuditEvent.action.like("%.due_recounted"))
                                   .order_by(AuditEvent.id)))


def enter_2027(holidays=None, workdays_=None) -> None:
    """The authority enters 2027, through the entry point the calendar pages call."""
    workdays.set_year_arrangement(2027, NEW_YEAR if holidays is None else holidays, workdays_ or {},
                                  "authority@example.cn")
    db.session.commit()
    db.session.expire_all()


def test_application_due_in_2027_is_provisional_everywhere_until_2027_is_entered(app, entry, users,  # noqa: F811
                                                                                 monkeypatch):
    freeze_at(monkeypatch, FRIDAY)
    a, applicant = submitted_app(app, entry)
    assert a.due_date == D("2027-01-01")  # Monday to Friday: New Year's Day counted as a workday
    staff = client_for(app, "staff@example.cn")
    authority = client_for(app, "authority@example.cn")
    token = create_token(users["data_user"], "程序", "read", 30)[1]
    api = app.test_client()

    def api_application():
        r = api.get(f"/api/v1/applications/{a.id}", headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 200, r.get_data(as_text=True)
        return r.get_json()

    pages = {"the applicant's page": (applicant, f"/applications/{a.id}"),
             "the applicant's list": (applicant, "/applications"),
             "the agency's queue": (staff, "/console/applications"),
             "supervision": (authority, "/console/supervision")}
    for what, (client, url) in pages.items():
        html = client.get(url).get_data(as_text=True)
        assert marked(html, "2027-01-01"), what
        assert "暂定" in html, what
    assert api_application()["due_provisional"] is True
    assert api_application()["due_date"] == "2027-01-01"
    inbox = db.session.scalars(db.select(Message).where(Message.kind == "application.submitted")).all()
    assert inbox and all("2027-01-01（暂定" in m.body for m in inbox)  # the agency's inboxes say it too
    assert "2027-01-01（暂定" in staff.get("/inbox").get_data(as_text=True)

    enter_2027()

    a = db.session.get(Application, a.id)
    assert a.due_date == D("2027-01-04")  # 1 January is a holiday: the tenth workday is Monday 4 January
    (event,) = recount_events()
    assert (event.action, event.object_type, event.object_id) == ("application.due_recounted", "application", str(a.id))
    assert event.actor_id == authority_id() and event.reason == "已录入2027年节假日安排"
    assert event.details["from"] == "2027-01-01" and event.details["to"] == "2027-01-04"
    assert event.details["provisional"] is False
    for what, (client, url) in pages.items():
        html = client.get(url).get_data(as_text=True)
        assert "2027-01-04" in html and not marked(html, "2027-01-04") and "data-provisional" not in html, what
    assert api_application()["due_provisional"] is False
    assert api_application()["due_date"] == "2027-01-04"
    told = db.session.scalars(db.select(Message).where(Message.kind == "deadline.recounted")).all()
    assert a.applicant_id in {m.user_id for m in told} and users["agency_staff"].id in {m.user_id for m in told}
    assert all("2027-01-04" in m.body and "2027-01-01" in m.body and "暂定" not in m.body for m in told)
    assert verify_chain() == []


def test_every_open_case_counted_through_the_year_is_recounted_once(app, users, monkeypatch):
    ds = f.dataset("呼和浩特市公交线路", slug="hhht-bus", agency_obj=users["agency_staff"].agency)
    f.csv_resource(ds, "线路,首班车\n1路,06:00\n", filename="公交线路.csv")
    user = client_for(app, "user@example.cn")

    freeze_at(monkeypatch, datetime(2026, 12, 7, 2, 0))  # due 2026-12-21: not counted through 2027
    early = post_form(user, f"/dataset/{ds.slug}/corrections/new",
                      {"resource": ds.resources[0].id, "location": "第2行", "description": "首班车应为05:30。"},
                      content_type="multipart/form-data")
    assert early.status_code == 302

    freeze_at(monkeypatch, FRIDAY)
    cid = complaint_id(complain(user, ds))
    assert post_form(user, f"/dataset/{ds.slug}/corrections/new",
                     {"resource": ds.resources[0].id, "location": "第3行", "description": "末班车应为22:00。"},
                     content_type="multipart/form-data").status_code == 302
    for accused in ("某网站 example.cn", "某公众号"):
        assert post_form(user, f"/reports/new?dataset={ds.slug}", {"accused": accused, "description": "转售数据。"},
                         content_type="multipart/form-data").status_code == 302
    answered = db.session.scalars(db.select(Report).order_by(Report.id)).all()[-1]
    authority = client_for(app, "authority@example.cn")
    assert post_from(authority, f"/reports/{answered.id}", f"/reports/{answered.id}/answer",
                     {"answer": "已处理。"}).status_code == 302  # a closed case keeps its date

    freeze_at(monkeypatch, LAST_FRIDAY)
    draft = f.dataset("呼和浩特市公交站点", state=DatasetState.DRAFT, agency_obj=users["agency_staff"].agency,
                      index=False)
    f.agency_checks(draft, users["agency_staff"])
    review = catalog_review.submit(draft, users["agency_staff"])
    assert review.due_date == D("2027-01-01")  # five workdays, Monday to Friday

    db.session.expire_all()
    complaint = db.session.get(Complaint, cid)
    early_c, late_c = db.session.scalars(db.select(Correction).order_by(Correction.id)).all()
    open_report = db.session.scalars(db.select(Report).order_by(Report.id)).first()
    assert early_c.due_date == D("2026-12-21") and not early_c.due_provisional
    for case in (complaint, late_c, open_report, review):
        assert case.due_date == D("2027-01-01") and case.due_provisional
    assert answered.due_date == D("2027-01-01")
    staff = client_for(app, "staff@example.cn")
    assert marked(staff.get("/console/cases").get_data(as_text=True), "2027-01-01")
    assert marked(user.get(f"/complaints/{cid}").get_data(as_text=True), "2027-01-01")  # the complainant's page
    assert marked(user.get(f"/corrections/{late_c.id}").get_data(as_text=True), "2027-01-01")
    assert marked(authority.get("/review/").get_data(as_text=True), "2027-01-01")  # the catalog review queue
    supervision = authority.get("/console/supervision").get_data(as_text=True)
    assert supervision.count('data-provisional') == 4  # complaint, correction, report, review

    enter_2027()

    events = recount_events()
    assert sorted((e.object_type, e.object_id) for e in events) == sorted([
        ("complaint", str(cid)), ("correction", str(late_c.id)), ("report", str(open_report.id)),
        ("review", str(review.id))])
    assert all(e.actor_id == authority_id() and e.reason == "已录入2027年节假日安排" for e in events)
    assert {(e.details["from"], e.details["to"]) for e in events} == {("2027-01-01", "2027-01-04")}
    assert db.session.get(Complaint, cid).due_date == D("2027-01-04")
    assert db.session.get(Correction, late_c.id).due_date == D("2027-01-04")
    assert db.session.get(Correction, early_c.id).due_date == D("2026-12-21")
    assert db.session.get(Report, open_report.id).due_date == D("2027-01-04")
    assert db.session.get(Report, answered.id).due_date == D("2027-01-01")
    assert db.session.get(Review, review.id).due_date == D("2027-01-04")
    assert "data-provisional" not in authority.get("/console/supervision").get_data(as_text=True)
    told = {m.user_id for m in db.session.scalars(db.select(Message).where(Message.kind == "deadline.recounted"))}
    assert users["data_user"].id in told  # the complainant, reporter and corrector hear of the new dates

    enter_2027()  # saved again unchanged: nothing moves, nothing more is recorded
    assert len(recount_events()) == 4


def test_an_arrangement_that_moves_nothing_records_nothing_but_ends_the_provisional_mark(app, entry,  # noqa: F811
                                                                                         users, monkeypatch):
    freeze_at(monkeypatch, FRIDAY)
    a, applicant = submitted_app(app, entry)
    assert a.due_provisional
    enter_2027({D("2027-02-11"): "春节"})
    a = db.session.get(Application, a.id)
    assert a.due_date == D("2027-01-01") and not a.due_provisional
    assert recount_events() == []
    assert not marked(applicant.get(f"/applications/{a.id}").get_data(as_text=True), "2027-01-01")


def test_a_paused_clock_is_recounted_and_keeps_its_workdays_left(app, entry, users, monkeypatch):  # noqa: F811
    app.config["APPLICATION_CLOCK"] = "pause"
    freeze_at(monkeypatch, FRIDAY)
    a, applicant = submitted_app(app, entry)
    freeze_at(monkeypatch, datetime(2026, 12, 21, 2, 0))  # Monday
    assert decide(client_for(app, "staff@example.cn"), a.id, action="request_info",
                  question="请补充测评证明").status_code == 302
    db.session.expire_all()
    a = db.session.get(Application, a.id)
    assert (a.state, a.due_date, a.remaining_workdays) == ("info_requested", D("2027-01-01"), 9)

    enter_2027()

    a = db.session.get(Application, a.id)
    assert (a.due_date, a.remaining_workdays) == (D("2027-01-04"), 9)
    assert [e.object_id for e in recount_events()] == [str(a.id)]
    freeze_at(monkeypatch, datetime(2026, 12, 28, 2, 0))  # the answer, a week later: nine workdays from then
    assert post_on(applicant, f"/applications/{a.id}", f"/applications/{a.id}/answer",
                   {"answer": "已补充"}).status_code == 302
    db.session.expire_all()
    # 29, 30, 31 December, then 1 January is a holiday, then 4–8 and 11 January: the ninth is 11 January
    assert db.session.get(Application, a.id).due_date == D("2027-01-11")


def test_the_api_documents_and_gives_the_provisional_mark_beside_each_due_date(app, users, client, monkeypatch):
    spec = client.get("/api/v1/openapi.json").get_json()
    for schema in ("ApplicationOut", "ComplaintOut", "CorrectionOut", "ReportOut"):
        properties = spec["components"]["schemas"][schema]["properties"]
        assert properties["due_provisional"]["type"] == "boolean", schema
        assert "holiday arrangement" in properties["due_provisional"]["description"]

    freeze_at(monkeypatch, FRIDAY)
    ds = f.dataset("呼和浩特市公交线路", slug="hhht-bus", agency_obj=users["agency_staff"].agency)
    f.csv_resource(ds, "线路,首班车\n1路,06:00\n", filename="公交线路.csv")
    complain(client_for(app, "user@example.cn"), ds)
    token = create_token(users["data_user"], "程序", "read", 30)[1]
    headers = {"Authorization": f"Bearer {token}"}
    (listed,) = client.get("/api/v1/complaints", headers=headers).get_json()["results"]
    assert (listed["due_date"], listed["due_provisional"]) == ("2027-01-01", True)
    enter_2027()
    shown = client.get(f"/api/v1/complaints/{listed['id']}", headers=headers).get_json()
    assert (shown["due_date"], shown["due_provisional"]) == ("2027-01-04", False)


def test_the_actor_passed_to_the_entry_point_is_the_one_audited(app, entry, users, monkeypatch):  # noqa: F811
    freeze_at(monkeypatch, FRIDAY)
    a, _applicant = submitted_app(app, entry)
    workdays.set_year_arrangement(2027, NEW_YEAR, {}, "国务院办公厅通知（2026）", actor=users["admin"])
    (event,) = recount_events()
    assert event.actor_id == users["admin"].id and event.object_id == str(a.id)
    db.session.rollback()  # nothing stands without the caller's commit: the date, the event, the notices
    assert db.session.get(Application, a.id).due_date == D("2027-01-01") and recount_events() == []
