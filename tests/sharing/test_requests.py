"""Share requests through the pages (SHARING.md §3.1, §3.2): S1's grant at once, S2's and S3's deadlines,
S4's refusal, S7's first half, least privilege, officers only, one decision at a time."""
from __future__ import annotations

from datetime import date

from portal.audit.models import AuditEvent
from portal.extensions import db
from portal.inbox.models import Message
from portal.supervision.services import open_cases
from tests.conftest import post_form
from tests.clock import freeze
from tests.sharing.helpers import ask, last_request


def test_s1_unconditional_entry_is_granted_at_once(parties, as_user, monkeypatch):
    """S1: B requests A's unconditional entry on 2026-03-02: granted at once, with an active grant."""
    freeze(monkeypatch, "2026-03-02")
    client = as_user(parties["b_officer"])
    r = ask(client, parties, "open", start="2026-03-02", end="2026-12-31")
    assert r.status_code == 302, r.get_data(as_text=True)[-1500:]
    req = last_request()
    assert req.state == "granted" and req.grant is not None and req.grant.state == "active"
    assert req.grant.user_ids == [parties["b_staff"].id] and req.grant.items == ["站点", "AQI"]
    assert req.due_date is None  # no review, no deadline
    page = client.get(f"/sharing/requests/{req.id}").get_data(as_text=True)
    assert 'data-state="granted"' in page and 'id="share-notice"' in page and "不得以任何形式提供给第三方" in page


def test_s2_answer_due_on_the_official_calendar(parties, as_user, monkeypatch, app):
    """S2: a conditional request of Thu 2026-09-24 is due Fri 2026-10-09 (holidays 9-25..27, 10-1..7); due soon
    on 2026-09-30, not 2026-09-29; overdue and escalated on Sat 2026-10-10 (a 调休 workday)."""
    freeze(monkeypatch, "2026-09-24")
    client = as_user(parties["b_officer"])
    assert ask(client, parties, "conditional").status_code == 302
    req = last_request()
    assert req.state == "submitted" and req.due_date == date(2026, 10, 9) == req.answer_due
    page = client.get(f"/sharing/requests/{req.id}").get_data(as_text=True)
    assert "2026-10-09" in page
    # the provider's officer was told
    assert db.session.scalars(db.select(Message).where(Message.user_id == parties["a_officer"].id)).first()

    def mark(day):
        case = next(c for c in open_cases(date.fromisoformat(day)) if c.url == f"/sharing/requests/{req.id}")
        return case.overdue, case.due_soon
    assert mark("2026-09-29") == (False, False)
    assert mark("2026-09-30") == (False, True)
    assert mark("2026-10-09") == (False, True)
    assert mark("2026-10-10") == (True, False)
    freeze(monkeypatch, "2026-10-10")
    result = app.test_cli_runner().invoke(args=["portal", "deadlines"])
    assert result.exit_code == 0, result.output
    escalations = db.session.scalars(db.select(Message).where(Message.kind == "deadline.escalation",
                                                              Message.link == f"/sharing/requests/{req.id}")).all()
    assert {m.user_id for m in escalations} == {parties["authority"].id}


def test_s3_delivery_due_when_data_is_not_on_the_portal(parties, as_user, monkeypatch):
    """S3: agreed 2026-10-09 for data not on the portal (offline): delivery due 2026-10-15, overdue 2026-10-16."""
    freeze(monkeypatch, "2026-09-24")
    client = as_user(parties["b_officer"])
    ask(client, parties, "conditional", modes=["offline"])
    req = last_request()
    freeze(monkeypatch, "2026-10-09")
    client = as_user(parties["a_officer"])
    r = post_form(client, f"/sharing/requests/{req.id}/agree", {"version": req.row_version})
    assert r.status_code == 302, r.get_data(as_text=True)[-1500:]
    req = last_request()
    assert req.state == "agreed" and req.delivery_due == date(2026, 10, 15) == req.due_date

    def mark(day):
        return next(c for c in open_cases(date.fromisoformat(day)) if c.url == f"/sharing/requests/{req.id}").overdue
    assert not mark("2026-10-15") and mark("2026-10-16")
    # delivery offline needs a note; with it the grant is active and marked unenforced
    r = post_form(client, f"/sharing/requests/{req.id}/deliver", {"version": req.row_version})
    assert r.status_code == 422 and "offline_note" in r.get_data(as_text=True)
    r = post_form(client, f"/sharing/requests/{req.id}/deliver", {"version": req.row_version,
                                                                    "offline_note": "前置机 10.1.2.3 推送"})
    req = last_request()
    assert r.status_code == 302 and req.state == "delivered" and req.grant.offline_note == "前置机 10.1.2.3 推送"


def test_agreed_data_on_the_portal_is_delivered_at_once_and_never_wider(parties, as_user, monkeypatch):
    """§3.2 least privilege: the provider narrows (fewer items), never widens (422 naming the field); data on
    the portal is delivered automatically."""
    freeze(monkeypatch, "2026-09-24")
    ask(as_user(parties["b_officer"]), parties, "conditional")
    req = last_request()
    client = as_user(parties["a_officer"])
    r = post_form(client, f"/sharing/requests/{req.id}/agree", {"version": req.row_version,
                                                                  "items": ["站点", "联系人电话"]})
    assert r.status_code == 422 and 'data-error="items"' in r.get_data(as_text=True)
    r = post_form(client, f"/sharing/requests/{req.id}/agree", {"version": req.row_version, "end": "2027-03-01"})
    assert r.status_code == 422 and 'data-error="end"' in r.get_data(as_text=True)
    assert last_request().state == "submitted"
    r = post_form(client, f"/sharing/requests/{req.id}/agree", {"version": req.row_version, "items": ["站点"],
                                                                  "terms_note": "仅限执法使用"})
    req = last_request()
    assert r.status_code == 302 and req.state == "delivered" and req.grant.items == ["站点"]
    assert [e.kind for e in req.events] == ["created", "submitted", "agreed", "delivered"]


def test_s4_refusal_needs_reason_and_legal_basis(parties, as_user, monkeypatch):
    """S4: a refusal without legal basis is 422 naming the field; with reason and basis it is refused and B
    reads both."""
    freeze(monkeypatch, "2026-09-24")
    ask(as_user(parties["b_officer"]), parties, "conditional")
    req = last_request()
    client = as_user(parties["a_officer"])
    r = post_form(client, f"/sharing/requests/{req.id}/refuse", {"version": req.row_version,
                                                                   "refusal_reason": "涉及商业秘密"})
    assert r.status_code == 422 and 'data-error="legal_basis"' in r.get_data(as_text=True)
    assert last_request().state == "submitted"
    r = post_form(client, f"/sharing/requests/{req.id}/refuse", {
        "version": req.row_version, "refusal_reason": "涉及商业秘密", "legal_basis": "《中华人民共和国反不正当竞争法》第九条"})
    assert r.status_code == 302 and last_request().state == "refused"
    page = as_user(parties["b_staff"]).get(f"/sharing/requests/{req.id}").get_data(as_text=True)
    assert "涉及商业秘密" in page and "《中华人民共和国反不正当竞争法》第九条" in page


def test_s7_a_request_on_a_none_entry_points_to_verification(parties, as_user):
    """S7 (first half): a share request on A's `none` entry is 409 pointing to verification."""
    client = as_user(parties["b_officer"])
    r = client.get(f"/sharing/requests/new?dataset={parties['none'].slug}")
    assert r.status_code == 409
    assert f"/sharing/verifications/new?dataset={parties['none'].id}" in r.get_data(as_text=True)
    r = ask(client, parties, "none")
    assert r.status_code == 409 and last_request() is None


def test_only_officers_act_other_staff_read(parties, as_user, monkeypatch):
    """§1: B's other staff cannot file; A's other staff read but cannot answer; C's staff get 404."""
    freeze(monkeypatch, "2026-09-24")
    r = ask(as_user(parties["b_staff"]), parties, "conditional")
    assert r.status_code == 403 and last_request() is None
    ask(as_user(parties["b_officer"]), parties, "conditional")
    req = last_request()
    client = as_user(parties["a_staff"])
    assert client.get(f"/sharing/requests/{req.id}").status_code == 200
    r = post_form(client, f"/sharing/requests/{req.id}/agree", {"version": req.row_version})
    assert r.status_code == 403 and last_request().state == "submitted"
    assert as_user(parties["c_officer"]).get(f"/sharing/requests/{req.id}").status_code == 404
    lists = as_user(parties["a_officer"]).get("/sharing/requests").get_data(as_text=True)
    assert f'data-request="{req.id}"' in lists.split('id="received"')[1]


def test_two_officers_answering_at_once_make_one_decision(parties, as_user, monkeypatch):
    """§3.2: two answers on the same version: the first counts, the second is 409 and changes nothing."""
    freeze(monkeypatch, "2026-09-24")
    ask(as_user(parties["b_officer"]), parties, "conditional")
    req = last_request()
    version = req.row_version
    from portal.accounts.services import create_staff_user
    from tests.conftest import PASSWORD
    second = create_staff_user("a-officer2@example.cn", "第二共享专员", PASSWORD, "agency_staff", "nmg-sthjt")
    second.share_officer = True
    db.session.commit()
    r1 = post_form(as_user(parties["a_officer"]), f"/sharing/requests/{req.id}/refuse", {
        "version": version, "refusal_reason": "涉及商业秘密", "legal_basis": "《反不正当竞争法》第九条"})
    r2 = post_form(as_user(second), f"/sharing/requests/{req.id}/agree", {"version": version})
    assert r1.status_code == 302 and r2.status_code == 409
    req = last_request()
    assert req.state == "refused" and req.grant is None
    actions = db.session.scalars(db.select(AuditEvent.action).where(AuditEvent.object_type == "share_request",
                                                                    AuditEvent.object_id == str(req.id))).all()
    assert actions == ["share_request.submit", "share_request.refuse"]


def test_withdraw_question_and_supervision(parties, as_user, monkeypatch):
    """§3.2: the provider asks (the clock runs); the authority records 督办; the requester withdraws."""
    freeze(monkeypatch, "2026-09-24")
    ask(as_user(parties["b_officer"]), parties, "conditional")
    req = last_request()
    r = post_form(as_user(parties["a_officer"]), f"/sharing/requests/{req.id}/question",
                  {"version": req.row_version, "reason": "请说明执法依据的具体条款"})
    assert r.status_code == 302 and last_request().state == "submitted" and last_request().due_date == date(2026, 10, 9)
    r = post_form(as_user(parties["authority"]), f"/sharing/requests/{req.id}/supervise",
                  {"reason": "请按期答复", "supervised_on": "2026-09-28"})
    assert r.status_code == 302 and last_request().supervised_on == date(2026, 9, 28)
    r = post_form(as_user(parties["b_officer"]), f"/sharing/requests/{req.id}/withdraw", {})
    assert r.status_code == 302 and last_request().state == "withdrawn"
    kinds = [e.kind for e in last_request().events]
    assert kinds == ["created", "submitted", "question", "supervised", "withdrawn"]
