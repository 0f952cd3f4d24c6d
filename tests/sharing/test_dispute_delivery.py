"""A dispute resolved with sharing on terms leads to delivery (SHARING.md §3.7「grant as §3.2, delivery + 5 WD」):
the disputed request moves on through the REQUEST table (disputed → agreed, `settle`), the provider's officer
delivers within SHARE_DELIVERY_WORKDAYS, and a grant results. S9's follow-up."""
from __future__ import annotations

from datetime import date

from portal.extensions import db
from portal.sharing.dispute_models import ShareDispute
from portal.sharing.models import ShareRequest
from portal.sharing.workflow import REQUEST
from portal.supervision.services import open_cases
from tests.conftest import post_form
from tests.clock import freeze
from tests.sharing.dispute_helpers import audit_actions, inbox, run_deadlines
from tests.sharing.helpers import ask, last_request


def _reload(req) -> ShareRequest:
    db.session.expire_all()
    return db.session.get(ShareRequest, req.id)


def _refused_and_disputed(parties, as_user, monkeypatch, **over) -> tuple[ShareRequest, ShareDispute]:
    """B asks for A's conditional entry on 2026-09-24; A refuses on 2026-10-09; B disputes that day."""
    freeze(monkeypatch, "2026-09-24")
    assert ask(as_user(parties["b_officer"]), parties, "conditional", **over).status_code == 302
    req = last_request()
    freeze(monkeypatch, "2026-10-09")
    r = post_form(as_user(parties["a_officer"]), f"/sharing/requests/{req.id}/refuse",
                  {"version": req.row_version, "refusal_reason": "涉及个人信息", "legal_basis": "《个人信息保护法》第三十四条"})
    assert r.status_code == 302 and _reload(req).state == "refused"
    r = post_form(as_user(parties["b_officer"]), "/sharing/disputes/new",
                  {"request": req.id, "statement": "交通执法需核验排污车辆，依据《大气污染防治法》"})
    assert r.status_code == 302
    dispute = db.session.scalars(db.select(ShareDispute).order_by(ShareDispute.id.desc())).first()
    assert _reload(req).state == "disputed"
    return req, dispute


def test_the_settle_step_is_in_the_request_table():
    """disputed → agreed is a row of REQUEST: either officer (accepting terms) or the authority (deciding),
    starting the delivery period like `agree`."""
    t = REQUEST.find("disputed", "settle")
    assert t.target == "agreed" and t.starts == "SHARE_DELIVERY_WORKDAYS" and t.needs_reason
    assert set(t.actors) == {"requester", "provider", "authority"}


def test_s9_follow_up_shared_on_the_authoritys_terms_is_delivered_within_5_workdays(app, parties, as_user,
                                                                                    monkeypatch):
    """S9's follow-up: coordinating from 2026-10-23, the authority decides on Fri 2026-11-20 that the data is
    shared on terms: the request is agreed (as asked, the terms noted), delivery due Fri 2026-11-27 (+5 WD),
    watched by supervision; A's officer is told and delivers; the grant is active and B's named user downloads."""
    req, dispute = _refused_and_disputed(parties, as_user, monkeypatch)
    freeze(monkeypatch, "2026-10-23")
    run_deadlines(app)
    freeze(monkeypatch, "2026-11-20")
    terms = "仅共享站点与AQI，2026-12-31前，下载方式"
    r = post_form(as_user(parties["authority"]), f"/sharing/disputes/{dispute.id}/act",
                  {"action": "decide_share", "terms": terms})
    assert r.status_code == 302
    req = _reload(req)
    assert req.state == "agreed" and req.delivery_due == date(2026, 11, 27) == req.due_date
    assert req.terms_note == terms and req.agreed_items == ["站点", "AQI"] and req.grant is None
    assert audit_actions("share_request", req.id) == ["share_request.submit", "share_request.refuse",
                                                      "share_request.dispute", "share_request.settle"]
    told = [m for m in inbox(parties["a_officer"]) if m.link == f"/sharing/requests/{req.id}"][-1]
    assert "重点排污单位监测数据" in told.subject and "2026-11-27" in told.body
    [case] = [c for c in open_cases(date(2026, 11, 20)) if c.url == f"/sharing/requests/{req.id}"]
    assert case.due == date(2026, 11, 27)
    assert post_form(as_user(parties["authority"]), f"/sharing/requests/{req.id}/settle",
                     {"version": req.row_version, "reason": "x"}).status_code == 404   # the dispute's step only

    freeze(monkeypatch, "2026-11-25")
    client = as_user(parties["a_officer"])
    page = client.get(f"/sharing/requests/{req.id}").get_data(as_text=True)
    assert "2026-11-27" in page and terms in page and 'action="/sharing/requests/%d/deliver"' % req.id in page
    assert post_form(client, f"/sharing/requests/{req.id}/deliver", {"version": req.row_version}).status_code == 302
    req = _reload(req)
    assert req.state == "delivered" and req.grant is not None and req.grant.state == "active"
    assert req.grant.items == ["站点", "AQI"] and req.grant.user_ids == [parties["b_staff"].id]
    r = as_user(parties["b_staff"]).get(f"/sharing/grants/{req.grant.id}/files/{parties['conditional_file'].id}/download")
    assert r.status_code == 200 and "AQI" in r.get_data(as_text=True)


def test_terms_accepted_by_the_provider_deliver_data_on_the_portal_at_once(app, parties, as_user, monkeypatch):
    """§3.7: B proposes terms in the negotiation, A's officer accepts them: agreed and, the data being on the
    portal, delivered at once by that acceptance (as `agree` does); the grant is active."""
    req, dispute = _refused_and_disputed(parties, as_user, monkeypatch)
    freeze(monkeypatch, "2026-10-14")
    b = as_user(parties["b_officer"])
    assert post_form(b, f"/sharing/disputes/{dispute.id}/act",
                     {"action": "propose", "terms": "仅用于执法核查，到期删除"}).status_code == 302
    a = as_user(parties["a_officer"])
    assert post_form(a, f"/sharing/disputes/{dispute.id}/act", {"action": "accept"}).status_code == 302
    req = _reload(req)
    assert req.state == "delivered" and req.grant.state == "active" and req.terms_note == "仅用于执法核查，到期删除"
    assert audit_actions("share_request", req.id)[-2:] == ["share_request.settle", "share_request.deliver"]
