"""Usage reports on operation agreements (OVERSIGHT §10 "usage reports and suspension as for grants"; R2024
§36「反馈公共数据的使用情况」): the grant's schedule and report model, filed by the operator by API or on the
agreement's page, seen by the authority there, a missing one flagged to the authority once."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from portal.extensions import db
from portal.inbox.models import Message
from portal.opening.models import UsageReport
from tests.assets.test_assets import auth, registered_asset
from tests.assets.test_operation import agreement_body, operator
from tests.clock import freeze
from tests.conftest import login, post_form


def agreement_in_force(api, users, ds, monkeypatch, op):
    registered_asset(api, users, ds, monkeypatch)
    r = api.post("/api/v1/operation/agreements", json=agreement_body(op, ds, report_every_days=30),
                 headers=auth(users["authority"]))
    assert r.status_code == 201, r.get_data(as_text=True)
    a = r.get_json()
    assert a["report_every_days"] == 30 and a["reports"] == []  # nothing owed before it is in force
    url = f"/api/v1/operation/agreements/{a['id']}/act"
    # filing before it is in force: 409
    r = api.post(f"/api/v1/operation/agreements/{a['id']}/reports", json={"report": "尚未开始"}, headers=auth(op))
    assert r.status_code == 409
    api.post(url, json={"action": "assess", "reason": "风险可控"}, headers=auth(users["authority"]))
    r = api.post(url, json={"action": "activate"}, headers=auth(users["authority"]))
    assert r.get_json()["state"] == "active"
    return a["id"]


def reports_count() -> int:
    return db.session.scalar(select(func.count(UsageReport.id)))


def test_the_operator_files_usage_reports_and_the_authority_sees_them(published, users, client, monkeypatch):
    ds, staff, authority = published
    api = client.application.test_client()
    op = operator()
    aid = agreement_in_force(api, users, ds, monkeypatch, op)
    freeze(monkeypatch, "2026-11-05")
    r = api.get(f"/api/v1/operation/agreements/{aid}", headers=auth(op))
    slots = r.get_json()["reports"]
    # every 30 days from the start, and a final report on the last day (as for a grant)
    assert [(s["due"], s["missing"]) for s in slots] == [("2026-10-31", True), ("2026-11-30", False),
                                                         ("2026-12-30", False), ("2026-12-31", False)]
    # the authority sees the missing report on the agreement's page
    page = client.application.test_client()
    login(page, users["authority"].email)
    html = page.get(f"/operation/{aid}").get_data(as_text=True)
    assert 'id="report-schedule"' in html and "2026-10-31" in html and "badge-overdue" in html
    assert 'id="report-form"' not in html  # the authority does not file them
    # an empty report: 422 naming the field, nothing written
    r = api.post(f"/api/v1/operation/agreements/{aid}/reports", json={"report": "  "}, headers=auth(op))
    assert r.status_code == 422 and set(r.get_json()["error"]["details"]) == {"report"}
    assert reports_count() == 0
    # the authority and another operator do not file on it
    assert api.post(f"/api/v1/operation/agreements/{aid}/reports", json={"report": "x"},
                    headers=auth(users["authority"])).status_code == 403
    other = operator("other-operator@example.cn")
    assert api.post(f"/api/v1/operation/agreements/{aid}/reports", json={"report": "x"},
                    headers=auth(other)).status_code == 404
    # by API: the overdue report of 2026-10-31
    r = api.post(f"/api/v1/operation/agreements/{aid}/reports", json={"report": "充电热力图服务上线，服务用户1.2万人，无安全事件"},
                 headers=auth(op))
    assert r.status_code == 201, r.get_data(as_text=True)
    first = r.get_json()["reports"][0]
    assert first["due"] == "2026-10-31" and not first["missing"] and first["text"].startswith("充电热力图")
    # on the page: an empty form shows the error at the field, then the next report
    site = client.application.test_client()
    login(site, op.email)
    r = post_form(site, f"/operation/{aid}/report", {"report": ""})
    assert r.status_code == 422 and 'id="error-report"' in r.get_data(as_text=True)
    assert post_form(site, f"/operation/{aid}/report", {"report": "十一月：新增两个盟市"}).status_code == 302
    report = db.session.scalars(select(UsageReport).order_by(UsageReport.id)).all()
    assert [(x.agreement_id, x.grant_id, x.due_date.isoformat()) for x in report] == [
        (aid, None, "2026-10-31"), (aid, None, "2026-11-30")]
    html = page.get(f"/operation/{aid}").get_data(as_text=True)
    assert "十一月：新增两个盟市" in html and "badge-overdue" not in html


def test_a_missing_agreement_report_is_flagged_to_the_authority_once(published, users, client, monkeypatch):
    ds, staff, authority = published
    api = client.application.test_client()
    op = operator()
    aid = agreement_in_force(api, users, ds, monkeypatch, op)
    app = client.application

    def run(day):
        freeze(monkeypatch, day)
        result = app.test_cli_runner().invoke(args=["portal", "deadlines", "--today", day])
        assert result.exit_code == 0, result.output

    run("2026-10-26")  # a week before 2026-10-31: the operator is reminded
    reminded = db.session.scalars(select(Message).where(Message.kind == "usage_report.reminder")).all()
    assert [m.user_id for m in reminded] == [op.id] and "2026-10-31" in reminded[0].subject
    run("2026-11-02")
    flagged = db.session.scalars(select(Message).where(Message.kind == "usage_report.missing")).all()
    assert [m.user_id for m in flagged] == [users["authority"].id]
    assert f"#{aid}" in flagged[0].subject and flagged[0].link == f"/operation/{aid}"
    run("2026-11-03")  # once
    assert db.session.scalar(select(func.count(Message.id)).where(Message.kind == "usage_report.missing")) == 1
    # a revoked agreement owes nothing more
    r = api.post(f"/api/v1/operation/agreements/{aid}/act", json={"action": "revoke", "reason": "违约使用"},
                 headers=auth(users["authority"]))
    assert r.status_code == 201 and [s["due"] for s in r.get_json()["reports"]] == ["2026-10-31"]


def test_a_usage_report_belongs_to_exactly_one_grant_or_agreement(app):
    db.session.add(UsageReport(due_date=__import__("datetime").date(2026, 10, 31), text="无所属"))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
