"""Disputes between agencies (SHARING.md §3.7; R2018 §19, R2024 §47): scenario S9."""
from __future__ import annotations

from sqlalchemy import select

from portal.accounts.services import create_staff_user
from portal.extensions import db
from portal.sharing.dispute_models import ShareDispute
from portal.sharing.models import ShareRequest
from tests.conftest import PASSWORD, post_form
from tests.clock import freeze
from tests.sharing.dispute_helpers import audit_actions, request_of, run_deadlines, subjects


def refused(parties):
    return request_of(parties, "B", state="refused", refusal_reason="涉及个人信息",
                      refusal_legal_basis="《个人信息保护法》第三十四条")


def open_for(client, **values):
    return post_form(client, "/sharing/disputes/new", {"statement": "交通执法需核验排污车辆，依据《大气污染防治法》", **values})


def current() -> ShareDispute:
    db.session.expire_all()
    return db.session.scalars(select(ShareDispute).order_by(ShareDispute.id.desc())).first()


def act(client, dispute, **values):
    return post_form(client, f"/sharing/disputes/{dispute.id}/act", values)


def test_s9_negotiation_then_coordination_on_the_official_calendar(app, parties, as_user, monkeypatch):
    """S9: refused 2026-10-09, dispute opened that day: negotiation due 2026-10-22; without agreement
    `coordinating` on 2026-10-23, due 2026-12-03; the authority refers it to the experts and decides."""
    req = refused(parties)
    freeze(monkeypatch, "2026-10-09")
    r = open_for(as_user(parties["b_officer"]), request=req.id)
    assert r.status_code == 302
    dispute = current()
    assert dispute.state == "negotiating" and str(dispute.negotiation_due) == "2026-10-22"
    assert db.session.get(ShareRequest, req.id).state == "disputed"          # REQUEST's own `dispute` step
    assert "重点排污单位监测数据" in subjects(parties["a_officer"])
    page = as_user(parties["a_staff"]).get(f"/sharing/disputes/{dispute.id}").get_data(as_text=True)
    assert 'id="negotiation-due">2026-10-22' in page
    assert as_user(parties["c_staff"]).get(f"/sharing/disputes/{dispute.id}").status_code == 404

    freeze(monkeypatch, "2026-10-22")
    run_deadlines(app)
    assert current().state == "negotiating"
    freeze(monkeypatch, "2026-10-23")
    run_deadlines(app)
    dispute = current()
    assert dispute.state == "coordinating" and str(dispute.coordination_due) == "2026-12-03"
    assert str(dispute.negotiation_ended_on) == "2026-10-22"
    assert "2026-12-03" in as_user(parties["b_staff"]).get(f"/sharing/disputes/{dispute.id}").get_data(as_text=True)
    assert "重点排污单位监测数据" in subjects(parties["authority"])              # coordination is the authority's

    expert = create_staff_user("expert@example.cn", "专家委员会委员", PASSWORD, "expert")
    assert as_user(expert).get(f"/sharing/disputes/{dispute.id}").status_code == 404   # not referred yet
    assert act(as_user(parties["a_officer"]), dispute, action="refer").status_code == 403
    assert act(as_user(parties["authority"]), dispute, action="refer",
               question="车牌号与排放检测结果是否属于个人信息？").status_code == 302
    client = as_user(expert)
    assert "专家委员会" in subjects(expert) or "expert" in subjects(expert).lower()
    assert client.get(f"/sharing/disputes/{dispute.id}").status_code == 200      # experts read it
    assert act(client, dispute, action="decide_share", terms="x").status_code == 403  # and nothing else
    assert client.get("/sharing/notices").status_code == 403
    assert current().due_date.isoformat() == "2026-12-03"                          # the clock runs

    freeze(monkeypatch, "2026-11-20")
    r = act(as_user(parties["authority"]), current(), action="decide_share", terms="")
    assert r.status_code == 422 and 'id="error-terms"' in r.get_data(as_text=True)
    r = act(as_user(parties["authority"]), current(), action="decide_share",
            terms="仅共享车牌号与排放检测结果，2026-12-31前，下载方式")
    assert r.status_code == 302
    dispute = current()
    assert dispute.state == "resolved" and dispute.outcome == "share" and "车牌号" in dispute.terms
    assert audit_actions("share_dispute", dispute.id) == [
        "share_dispute.open", "share_dispute.escalate", "share_dispute.refer", "share_dispute.decide_share"]
    assert audit_actions("share_request", req.id) == ["share_request.dispute", "share_request.settle"]


def test_terms_proposed_by_one_officer_are_accepted_by_the_other(app, parties, as_user, monkeypatch):
    """§3.7: terms proposed by one officer and accepted by the other resolve the dispute; the proposer cannot
    accept their own terms."""
    req = refused(parties)
    freeze(monkeypatch, "2026-10-09")
    open_for(as_user(parties["b_officer"]), request=req.id)
    dispute = current()
    freeze(monkeypatch, "2026-10-14")
    assert act(as_user(parties["a_officer"]), dispute, action="propose", terms="仅共享脱敏后的监测结果").status_code == 302
    page = as_user(parties["a_officer"]).get(f"/sharing/disputes/{dispute.id}").get_data(as_text=True)
    assert 'value="accept"' not in page
    assert act(as_user(parties["a_officer"]), current(), action="accept").status_code == 409
    page = as_user(parties["b_officer"]).get(f"/sharing/disputes/{dispute.id}").get_data(as_text=True)
    assert 'value="accept"' in page and "仅共享脱敏后的监测结果" in page
    assert act(as_user(parties["b_officer"]), current(), action="accept").status_code == 302
    dispute = current()
    assert dispute.state == "resolved" and dispute.outcome == "agreed" and dispute.terms == "仅共享脱敏后的监测结果"
    assert act(as_user(parties["b_staff"]), dispute, action="fail", reason="x").status_code == 403


def test_failure_declared_starts_coordination_from_that_day(app, parties, as_user, monkeypatch):
    """§3.7: failure declared by either officer: coordination due 30 WD after that day; the authority may
    decide the refusal stands."""
    req = refused(parties)
    freeze(monkeypatch, "2026-10-09")
    open_for(as_user(parties["b_officer"]), request=req.id)
    freeze(monkeypatch, "2026-10-15")
    r = act(as_user(parties["a_officer"]), current(), action="fail", reason="")
    assert r.status_code == 422
    assert act(as_user(parties["a_officer"]), current(), action="fail", reason="依法不能共享").status_code == 302
    dispute = current()
    assert dispute.state == "coordinating" and str(dispute.coordination_due) == "2026-11-26"
    r = act(as_user(parties["authority"]), dispute, action="decide_refusal", reason="依据《个人信息保护法》维持不予共享")
    assert r.status_code == 302 and current().outcome == "refusal_stands"


def test_entries_not_shared_can_be_disputed_when_needed(app, parties, as_user, monkeypatch):
    """§3.7: for a `none` entry the requester「确需使用」opens a dispute directly; a conditional entry must be
    requested first (409); only a refused request is disputed (409)."""
    freeze(monkeypatch, "2026-10-09")
    b = as_user(parties["b_officer"])
    assert open_for(b, dataset=parties["conditional"].id).status_code == 409
    pending = request_of(parties, "B", state="submitted")
    assert open_for(b, request=pending.id).status_code == 409
    assert open_for(b, dataset=parties["none"].id, statement="").status_code == 422
    assert open_for(b, dataset=parties["none"].id).status_code == 302
    dispute = current()
    assert dispute.ground == "needed" and dispute.request_id is None and dispute.provider_agency_id == parties["A"].id
    assert open_for(b, dataset=parties["none"].id).status_code == 409      # one at a time
    assert open_for(as_user(parties["b_staff"]), dataset=parties["none"].id).status_code == 403
