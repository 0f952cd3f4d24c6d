"""Stopping or narrowing sharing (SHARING.md §3.8; SZ §12「至少提前一个月通知」, R2018 §18): scenario S12."""
from __future__ import annotations

from sqlalchemy import select

from portal.extensions import db
from portal.sharing.dispute_models import ShareChangeNotice
from portal.sharing.models import ShareGrant
from tests.conftest import post_form
from tests.clock import freeze
from tests.sharing.dispute_helpers import audit_actions, grant_to, inbox, run_deadlines, subjects


def file(client, parties, last_day, **extra):
    return post_form(client, "/sharing/notices/new", {
        "dataset": parties["conditional"].id, "kind": "stop", "reason": "监测系统升级改造，数据口径调整",
        "last_day": last_day, **extra})


def state_of(grant_id) -> str:
    db.session.expire_all()
    return db.session.get(ShareGrant, grant_id).state


def test_s12_one_month_of_notice_then_grants_end_the_day_after_the_last_day(app, parties, as_user, monkeypatch):
    """S12: filed 2026-01-31 with last day 2026-02-27: 422 naming the field; with 2026-02-28 accepted and the
    holders told that day; in mode `file` the grants end on 2026-03-01 (民法典 §202: month end)."""
    grant = grant_to(parties, "B")
    freeze(monkeypatch, "2026-01-31")
    client = as_user(parties["a_officer"])
    r = file(client, parties, "2026-02-27")
    assert r.status_code == 422
    page = r.get_data(as_text=True)
    assert 'id="error-last_day"' in page and "2026-02-28" in page
    assert db.session.scalar(select(ShareChangeNotice.id)) is None
    assert inbox(parties["b_officer"]) == []

    r = file(client, parties, "2026-02-28")
    assert r.status_code == 302
    notice = db.session.scalars(select(ShareChangeNotice)).one()
    assert r.headers["Location"].endswith(f"/sharing/notices/{notice.id}")
    assert notice.mode == "file" and notice.holder_agency_ids == [parties["B"].id]
    assert "2026-02-28" in subjects(parties["b_officer"])            # told the day it is filed
    assert inbox(parties["c_officer"]) == []                         # C holds no grant
    assert audit_actions("share_notice", notice.id) == ["share_notice.file"]

    page = as_user(parties["b_staff"]).get(f"/sharing/notices/{notice.id}").get_data(as_text=True)
    assert "2026-02-28" in page and "监测系统升级改造" in page      # B's staff read it
    assert as_user(parties["c_staff"]).get(f"/sharing/notices/{notice.id}").status_code == 404

    freeze(monkeypatch, "2026-02-28")
    run_deadlines(app)
    assert state_of(grant.id) == "active"                            # the last day itself still shares
    freeze(monkeypatch, "2026-03-01")
    run_deadlines(app)
    assert state_of(grant.id) == "ended"
    db.session.expire_all()
    notice = db.session.get(ShareChangeNotice, notice.id)
    assert notice.state == "effective" and str(notice.effective_on) == "2026-03-01"
    assert audit_actions("share_notice", notice.id) == ["share_notice.file", "share_notice.take_effect"]
    assert audit_actions("share_grant", grant.id) == ["share_grant.end"]
    assert "has ended" in subjects(parties["b_officer"]) or "已终止" in subjects(parties["b_officer"])
    run_deadlines(app)                                                # a second run changes nothing
    assert audit_actions("share_notice", notice.id) == ["share_notice.file", "share_notice.take_effect"]


def test_shorter_notice_needs_a_legal_ground_and_alerts_the_authority(app, parties, as_user, monkeypatch):
    """§3.8: a shorter notice is accepted with a recorded legal ground, and the authority is alerted."""
    grant_to(parties, "B")
    freeze(monkeypatch, "2026-01-31")
    client = as_user(parties["a_officer"])
    assert file(client, parties, "2026-02-10").status_code == 422
    assert file(client, parties, "2026-01-31").status_code == 422     # not after today
    r = file(client, parties, "2026-02-10", short_notice_ground="《网络安全法》第二十五条：发生网络安全事件")
    assert r.status_code == 302
    assert "2026-02-10" in subjects(parties["authority"])
    assert "2026-02-10" in subjects(parties["b_officer"])


def test_only_the_providers_officer_files(app, parties, as_user, monkeypatch):
    """§1: the share officer alone acts for the agency; another agency's officer cannot stop A's sharing."""
    freeze(monkeypatch, "2026-01-31")
    assert file(as_user(parties["a_staff"]), parties, "2026-03-31").status_code == 403
    assert file(as_user(parties["b_officer"]), parties, "2026-03-31").status_code == 403
    r = file(as_user(parties["a_officer"]), parties, "")
    assert r.status_code == 422 and 'id="error-last_day"' in r.get_data(as_text=True)
    assert db.session.scalar(select(ShareChangeNotice.id)) is None


def test_mode_approve_needs_the_authority_and_withdrawal_keeps_sharing(app, parties, as_user, monkeypatch):
    """§3.8, mode `approve` (SZ §12「审核通过后」): a filed notice takes effect only once approved; a withdrawn
    one never does."""
    app.config["SHARE_CHANGE_MODE"] = "approve"
    grant = grant_to(parties, "B")
    freeze(monkeypatch, "2026-01-31")
    client = as_user(parties["a_officer"])
    assert file(client, parties, "2026-02-28").status_code == 302
    first = db.session.scalars(select(ShareChangeNotice)).one()
    assert "2026-02-28" in subjects(parties["authority"])            # asked to approve
    page = as_user(parties["authority"]).get(f"/sharing/notices/{first.id}").get_data(as_text=True)
    assert 'value="approve"' in page and 'value="return"' in page
    late = db.session.scalars(select(ShareChangeNotice)).one()
    freeze(monkeypatch, "2026-03-01")
    run_deadlines(app)
    assert state_of(grant.id) == "active"                            # not approved: nothing ends
    r = post_form(as_user(parties["authority"]), f"/sharing/notices/{late.id}/act", {"action": "approve"})
    assert r.status_code == 409                                      # too late: the last day has passed
    assert audit_actions("share_notice", late.id) == ["share_notice.file"]

    freeze(monkeypatch, "2026-03-02")
    assert file(as_user(parties["a_officer"]), parties, "2026-04-02").status_code == 302
    first = db.session.scalars(select(ShareChangeNotice).order_by(ShareChangeNotice.id.desc())).first()
    assert post_form(as_user(parties["b_officer"]), f"/sharing/notices/{first.id}/act",
                     {"action": "approve"}).status_code == 403     # B is told, not asked
    r = post_form(as_user(parties["authority"]), f"/sharing/notices/{first.id}/act", {"action": "approve"})
    assert r.status_code == 302
    freeze(monkeypatch, "2026-04-02")
    run_deadlines(app)
    assert state_of(grant.id) == "active"
    freeze(monkeypatch, "2026-04-03")
    run_deadlines(app)
    assert state_of(grant.id) == "ended"
    assert audit_actions("share_notice", first.id) == ["share_notice.file", "share_notice.approve",
                                                       "share_notice.take_effect"]

    other = grant_to(parties, "C")
    freeze(monkeypatch, "2026-04-03")
    assert file(as_user(parties["a_officer"]), parties, "2026-05-04").status_code == 302
    second = db.session.scalars(select(ShareChangeNotice).order_by(ShareChangeNotice.id.desc())).first()
    r = post_form(as_user(parties["a_officer"]), f"/sharing/notices/{second.id}/act", {"action": "withdraw"})
    assert r.status_code == 302
    freeze(monkeypatch, "2026-06-01")
    run_deadlines(app)
    assert state_of(other.id) == "active"
    assert audit_actions("share_notice", second.id) == ["share_notice.file", "share_notice.withdraw"]


def test_the_api_files_and_reads_notices_with_the_same_rules(app, parties, monkeypatch):
    """§3.8 on /api/v1/sharing/notices (S12's 422 naming the field; S14: a third agency gets 404)."""
    from portal.accounts.tokens import create_token

    grant_to(parties, "B")
    freeze(monkeypatch, "2026-01-31")
    client = app.test_client()
    a = {"Authorization": f"Bearer {create_token(parties['a_officer'], 't', 'read_write', 30)[1]}"}
    c = {"Authorization": f"Bearer {create_token(parties['c_officer'], 't', 'read_write', 30)[1]}"}
    body = {"dataset": parties["conditional"].id, "kind": "stop", "reason": "系统下线", "last_day": "2026-02-27"}
    r = client.post("/api/v1/sharing/notices", json=body, headers=a)
    assert r.status_code == 422 and "last_day" in r.get_json()["error"]["details"]
    r = client.post("/api/v1/sharing/notices", json={**body, "last_day": "2026-02-28"}, headers=a)
    assert r.status_code == 201 and r.get_json()["state"] == "filed" and r.get_json()["last_day"] == "2026-02-28"
    case = r.get_json()["id"]
    assert client.get(f"/api/v1/sharing/notices/{case}", headers=a).status_code == 200
    assert client.get(f"/api/v1/sharing/notices/{case}", headers=c).status_code == 404
    assert client.get("/api/v1/sharing/notices", headers=c).get_json()["results"] == []
    assert client.get("/api/v1/sharing/notices").status_code == 401
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert {"/api/v1/sharing/notices", "/api/v1/sharing/errors", "/api/v1/sharing/disputes"} <= set(paths)
