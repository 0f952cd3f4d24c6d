"""The authority's immediate stop for a legal prohibition (OVERSIGHT.md §2, last sentence): legal basis required,
shown as such in the entry's history, flagged to supervision until followed up."""
from __future__ import annotations

from portal.audit.models import AuditEvent
from portal.catalog.models import Dataset, LegalStop
from portal.extensions import db
from tests import factories as f
from tests.clock import freeze
from tests.conftest import login, post_form

BASIS = "《中华人民共和国保守国家秘密法》第二十八条"


def test_a_stop_for_a_legal_prohibition_needs_its_basis_and_is_flagged_to_supervision(app, users, monkeypatch):
    freeze(monkeypatch, "2026-09-24")
    ds = f.dataset("呼和浩特市重点排污单位名录", agency_obj=users["agency_staff"].agency)
    ds_id = ds.id
    authority, auditor, staff = app.test_client(), app.test_client(), app.test_client()
    login(authority, "authority@example.cn")
    login(auditor, "auditor@example.cn")
    login(staff, "staff@example.cn")
    url = f"/review/datasets/{ds_id}/unpublish"
    r = post_form(authority, url, {"ground": "legal_prohibition", "reason": "经核实含涉密信息", "legal_basis": " "})
    assert r.status_code == 422 and 'id="f-legal-basis-error"' in r.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Dataset, ds_id).state == "published" and db.session.query(LegalStop).count() == 0

    r = post_form(authority, url, {"ground": "legal_prohibition", "reason": "经核实含涉密信息", "legal_basis": BASIS})
    assert r.status_code == 302
    db.session.expire_all()
    assert db.session.get(Dataset, ds_id).state == "withdrawn"
    assert app.test_client().get(f"/dataset/{ds.slug}").status_code == 404
    # the history says why, and on what basis, for the agency as for the authority
    history = staff.get(f"/console/datasets/{ds_id}").get_data(as_text=True).split('id="history-heading"')[1]
    assert "法律法规禁止" in history and BASIS in history and "经核实含涉密信息" in history
    event = db.session.query(AuditEvent).filter_by(object_id=ds_id, action="dataset.unpublish").one()
    assert event.details["legal_basis"] == BASIS and event.details["ground"] == "legal_prohibition"
    # a supervision case for the authority and auditors, due in five workdays (Thu 24 Sep + 5 WD = Fri 9 Oct,
    # across the National Day holiday)
    for who in (authority, auditor):
        page = who.get("/console/supervision").get_data(as_text=True)
        assert "呼和浩特市重点排污单位名录" in page and "2026-10-09" in page
    assert staff.get("/console/supervision").status_code == 403
    stop = db.session.query(LegalStop).one()
    # the authority records its follow-up (a note is required); the case closes
    close = f"/review/legal-stops/{stop.id}/close"
    assert post_form(auditor, close, {"note": "已报告"}).status_code == 403
    assert post_form(authority, close, {"note": ""}).status_code == 422
    assert post_form(authority, close, {"note": "已通报保密行政管理部门，部门已删除涉密字段。"}).status_code == 302
    assert post_form(authority, close, {"note": "again"}).status_code == 409
    assert "呼和浩特市重点排污单位名录" not in authority.get("/console/supervision").get_data(as_text=True)
    assert "已通报保密行政管理部门" in auditor.get(f"/console/datasets/{ds_id}").get_data(as_text=True)


def test_another_immediate_stop_keeps_its_plain_history_and_opens_no_case(app, users):
    ds = f.dataset("呼和浩特市公交线路", agency_obj=users["agency_staff"].agency)
    authority = app.test_client()
    login(authority, "authority@example.cn")
    assert post_form(authority, f"/review/datasets/{ds.id}/unpublish",
                     {"ground": "", "reason": "重复发布"}).status_code == 302
    assert db.session.query(LegalStop).count() == 0
    assert post_form(authority, f"/review/datasets/{ds.id}/unpublish",
                     {"ground": "whim", "reason": "x"}).status_code == 422
