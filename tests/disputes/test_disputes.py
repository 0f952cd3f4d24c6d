"""Disputes to the data authority about open-data decisions (OVERSIGHT §7, scenario O8), over HTTP: filing
from the refused application's page, the due date on the official calendar, the authority's queue, the
referral to named experts and the one reading rule for experts (open-data and sharing disputes alike),
"agency to redo" reopening the application with a new due date, and the refusals (404, 409, 422)."""
from __future__ import annotations

from datetime import date

import pytest

from portal.accounts.services import create_staff_user
from portal.accounts.tokens import create_token
from portal.audit.models import AuditEvent
from portal.catalog.models import OpenType
from portal.disputes.models import Dispute
from portal.extensions import db
from portal.inbox.models import Message
from portal.opening.models import Application
from tests import factories as f
from tests.clock import freeze
from tests.conftest import PASSWORD, login, post_form


@pytest.fixture()
def case(app, users):
    """Two applications of the data user for conditional entries of 呼和浩特市生态环境局, both refused."""
    agency = f.agency("呼和浩特市生态环境局")
    made = {}
    for key, title, slug in (("refused", "重点排污单位自动监测数据", "paiwu"), ("other", "企业环境信用评价明细", "xinyong")):
        ds = f.dataset(title, open_type=OpenType.CONDITIONAL, agency_obj=agency, slug=slug)
        a = Application(dataset_id=ds.id, agency_id=agency.id, applicant_id=users["data_user"].id, state="refused",
                        scenario="环保合规风险评估", refusal_reason="申请用途与开放条件不符",
                        refusal_legal_basis="《内蒙古自治区公共数据管理暂行办法》第二十八条")
        db.session.add(a)
        db.session.commit()
        made[key] = a
    made["x"] = create_staff_user("expert-x@example.cn", "专家甲", PASSWORD, "expert")
    made["y"] = create_staff_user("expert-y@example.cn", "专家乙", PASSWORD, "expert")
    made["stranger"] = f.data_user("stranger@example.cn", "旁人")
    db.session.commit()
    return made


def as_user(app, email):
    c = app.test_client()
    login(c, email)
    return c


def file(client, kind, case_id, reason="用途符合开放条件，拒绝理由不成立"):
    return post_form(client, "/disputes/new", {"kind": kind, "case": case_id, "reason": reason})


def act(client, dispute_id, **values):
    return post_form(client, f"/disputes/{dispute_id}/act", values)


def the_dispute(case_id) -> Dispute:
    db.session.expire_all()
    return db.session.scalars(db.select(Dispute).where(Dispute.case_id == case_id)).one()


def test_o8_dispute_about_a_refused_application_is_due_in_30_workdays_and_only_its_expert_reads_it(app, users, case,
                                                                                                 monkeypatch):
    """O8: a dispute about a refused application filed Thu 2026-09-24 is due Thu 2026-11-12; after referral to
    expert X, X sees that dispute and not another one (list and direct URL 404); expert Y sees neither."""
    freeze(monkeypatch, "2026-09-24")
    user = as_user(app, "user@example.cn")
    page = user.get(f"/applications/{case['refused'].id}").get_data(as_text=True)
    assert 'id="dispute-application"' in page                      # the button on the refused case's page
    r = file(user, "application", case["refused"].id)
    assert r.status_code == 302
    d = the_dispute(case["refused"].id)
    assert (d.state, d.due_date, d.user_id) == ("filed", date(2026, 11, 12), users["data_user"].id)
    page = user.get(r.headers["Location"]).get_data(as_text=True)
    assert "2026-11-12" in page and "用途符合开放条件" in page
    # the agency files the other one itself (a party too)
    assert file(as_user(app, "staff@example.cn"), "application", case["other"].id, "请求主管部门确认").status_code == 302
    other = the_dispute(case["other"].id)
    # the authority's queue holds both; the parties and the authority were told
    authority = as_user(app, "authority@example.cn")
    queue = authority.get("/disputes").get_data(as_text=True)
    assert f'data-dispute="{d.id}"' in queue and f'data-dispute="{other.id}"' in queue
    told = db.session.scalars(db.select(Message.user_id).where(Message.kind == "dispute.file",
                                                               Message.link == f"/disputes/{d.id}")).all()
    assert users["authority"].id in told and users["agency_staff"].id in told

    freeze(monkeypatch, "2026-09-28")
    authority = as_user(app, "authority@example.cn")
    assert act(authority, d.id, action="take_up").status_code == 302
    assert act(authority, other.id, action="take_up").status_code == 302
    r = act(authority, d.id, action="refer", question="", experts=[str(case["x"].id)])
    assert r.status_code == 422 and 'id="error-question"' in r.get_data(as_text=True)
    assert act(authority, d.id, action="refer", question="拒绝理由是否成立？",
               experts=[str(case["x"].id)]).status_code == 302
    assert the_dispute(case["refused"].id).due_date == date(2026, 11, 12)       # the clock runs on
    assert "专家甲" in authority.get(f"/disputes/{d.id}").get_data(as_text=True)

    x, y = as_user(app, "expert-x@example.cn"), as_user(app, "expert-y@example.cn")
    listed = x.get("/disputes").get_data(as_text=True)
    assert f'data-dispute="{d.id}"' in listed and f'data-dispute="{other.id}"' not in listed
    assert x.get(f"/disputes/{d.id}").status_code == 200
    assert x.get(f"/disputes/{other.id}").status_code == 404
    assert f'data-dispute="{d.id}"' not in y.get("/disputes").get_data(as_text=True)
    assert y.get(f"/disputes/{d.id}").status_code == 404 and y.get(f"/disputes/{other.id}").status_code == 404
    assert db.session.scalar(db.select(Message.id).where(Message.user_id == case["x"].id,
                                                         Message.kind == "dispute.refer")) is not None
    assert db.session.scalar(db.select(Message.id).where(Message.user_id == case["y"].id)) is None
    # the same through the API
    for expert, sees in ((case["x"], [d.id]), (case["y"], [])):
        headers = {"Authorization": f"Bearer {create_token(expert, 'api', 'read', 30)[1]}"}
        assert [row["id"] for row in app.test_client().get("/api/v1/disputes", headers=headers)
                .get_json()["results"]] == sees
        assert app.test_client().get(f"/api/v1/disputes/{other.id}", headers=headers).status_code == 404


def test_agency_to_redo_reopens_the_application_with_a_new_due_date(app, users, case, monkeypatch):
    """§7: resolved "agency to redo": the application is refused → submitted again through its table's `reopen`
    step, due 10 working days from the decision (Mon 2026-10-12 → Mon 2026-10-26); opinion recorded first; both
    the applicant and the agency are told; audited."""
    freeze(monkeypatch, "2026-09-24")
    assert file(as_user(app, "user@example.cn"), "application", case["refused"].id).status_code == 302
    d = the_dispute(case["refused"].id)
    freeze(monkeypatch, "2026-10-09")
    authority = as_user(app, "authority@example.cn")
    assert act(authority, d.id, action="redo", reason="x").status_code == 409     # take it up first
    assert act(authority, d.id, action="take_up").status_code == 302
    assert act(authority, d.id, action="refer", question="拒绝理由是否成立？").status_code == 302   # whole committee
    freeze(monkeypatch, "2026-10-12")
    authority = as_user(app, "authority@example.cn")
    r = act(authority, d.id, action="record_opinion", opinion="拒绝理由不充分", opinion_on="2026-10-13")
    assert r.status_code == 422 and 'id="error-opinion_on"' in r.get_data(as_text=True)
    assert act(authority, d.id, action="record_opinion", opinion="拒绝理由不充分", opinion_on="2026-10-12").status_code == 302
    r = act(authority, d.id, action="redo", reason="")
    assert r.status_code == 422 and 'id="error-reason"' in r.get_data(as_text=True)
    assert act(as_user(app, "staff@example.cn"), d.id, action="redo", reason="重新审查").status_code == 403
    assert act(authority, d.id, action="redo", reason="请依专家意见重新审查").status_code == 302
    d = the_dispute(case["refused"].id)
    assert (d.state, d.outcome, d.redo_due) == ("resolved", "redo", date(2026, 10, 26))
    a = db.session.get(Application, case["refused"].id)
    assert (a.state, a.due_date) == ("submitted", date(2026, 10, 26))
    page = as_user(app, "user@example.cn").get(f"/applications/{a.id}").get_data(as_text=True)
    assert "2026-10-26" in page and 'id="dispute-application"' not in page
    assert "2026-10-26" in as_user(app, "user@example.cn").get(f"/disputes/{d.id}").get_data(as_text=True)
    kinds = set(db.session.scalars(db.select(Message.kind).where(Message.user_id == users["agency_staff"].id)))
    assert {"application.reopened", "dispute.resolved"} <= kinds
    actions = db.session.scalars(db.select(AuditEvent.action).where(AuditEvent.object_type.in_(("dispute", "application")))
                                 .order_by(AuditEvent.id)).all()
    assert actions == ["dispute.file", "dispute.take_up", "dispute.refer", "dispute.expert_opinion",
                       "application.reopen", "dispute.redo"]


def test_who_reads_files_and_the_refusals(app, users, case, monkeypatch):
    """§7 sees: a stranger (data user, other agency's staff) gets 404 for the dispute and for filing on another's
    case; the auditor reads it; a second filing on the same case is 409; a missing reason is 422 naming it,
    nothing written; a case not refused is 409; the API answers the same."""
    freeze(monkeypatch, "2026-09-24")
    user = as_user(app, "user@example.cn")
    r = file(user, "application", case["refused"].id, reason="")
    assert r.status_code == 422 and 'id="error-reason"' in r.get_data(as_text=True)
    assert db.session.scalar(db.select(Dispute.id)) is None
    assert file(as_user(app, "stranger@example.cn"), "application", case["refused"].id).status_code == 404
    assert file(user, "application", case["refused"].id).status_code == 302
    d = the_dispute(case["refused"].id)
    r = file(user, "application", case["refused"].id)
    assert r.status_code == 409
    assert file(as_user(app, "staff@example.cn"), "application", case["refused"].id).status_code == 409
    for email in ("stranger@example.cn", "staff2@example.cn"):
        c = as_user(app, email)
        assert c.get(f"/disputes/{d.id}").status_code == 404, email
        assert f'data-dispute="{d.id}"' not in c.get("/disputes").get_data(as_text=True)
    for email in ("auditor@example.cn", "staff@example.cn", "authority@example.cn", "user@example.cn"):
        assert as_user(app, email).get(f"/disputes/{d.id}").status_code == 200, email
    page = as_user(app, "user@example.cn").get(f"/applications/{case['refused'].id}").get_data(as_text=True)
    assert 'id="dispute-application"' not in page                   # disputed already: no second button
    # the API
    headers = {"Authorization": f"Bearer {create_token(users['data_user'], 'api', 'read_write', 30)[1]}"}
    client = app.test_client()
    r = client.post("/api/v1/disputes", json={"kind": "application", "case": case["other"].id}, headers=headers)
    assert r.status_code == 422 and "reason" in r.get_json()["error"]["details"]
    r = client.post("/api/v1/disputes", json={"kind": "application", "case": case["refused"].id, "reason": "再次"},
                    headers=headers)
    assert r.status_code == 409
    r = client.post("/api/v1/disputes", json={"kind": "application", "case": case["other"].id, "reason": "不服"},
                    headers=headers)
    assert r.status_code == 201 and r.json["due_date"] == "2026-11-12" and r.json["state"] == "filed"
    stranger = {"Authorization": f"Bearer {create_token(case['stranger'], 'api', 'read_write', 30)[1]}"}
    assert client.get(f"/api/v1/disputes/{r.json['id']}", headers=stranger).status_code == 404
    text = str(client.get("/api/v1/openapi.json").get_json())
    assert "/disputes/{dispute_id}/act" in text and "redo_due" in text and "experts" in text


def test_an_open_dispute_past_its_due_date_is_overdue_in_supervision(app, users, case, monkeypatch):
    """§7: the authority's open dispute is a supervision case source; after 2026-11-12 it is overdue."""
    freeze(monkeypatch, "2026-09-24")
    assert file(as_user(app, "user@example.cn"), "application", case["refused"].id).status_code == 302
    from portal.supervision import services as supervision
    freeze(monkeypatch, "2026-11-13")
    rows = [c for c in supervision.open_cases() if c.url.startswith("/disputes/")]
    assert len(rows) == 1 and rows[0].due == date(2026, 11, 12) and rows[0].overdue
