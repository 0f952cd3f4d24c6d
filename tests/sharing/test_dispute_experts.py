"""The expert committee in a dispute (SHARING.md §3.7 "coordinating | refer to experts (clock runs) |
authority", R2024 §47「交由公共数据专家委员会」): the question put to the experts and their opinion, on the
page and through the API, shown to both parties and in the audit log; the clock keeps running."""
from __future__ import annotations

from datetime import date

from portal.accounts.services import create_staff_user
from portal.accounts.tokens import create_token
from portal.audit.models import AuditEvent
from portal.extensions import db
from portal.sharing.dispute_models import DisputeState, ShareDispute
from tests.clock import freeze
from tests.conftest import PASSWORD, post_form
from tests.sharing.dispute_helpers import request_of, subjects

QUESTION = "车牌号与排放检测结果是否属于应予保护的个人信息？"
OPINION = "车牌号经去标识化处理后可以共享，排放检测结果可以共享。"


def coordinating(parties) -> ShareDispute:
    """A dispute of B with A on a refused request, in coordination since 2026-10-22 (due 2026-12-03)."""
    req = request_of(parties, "B", state="disputed", refusal_reason="涉及个人信息", refusal_legal_basis="《个人信息保护法》")
    d = ShareDispute(request_id=req.id, dataset_id=parties["conditional"].id, requester_agency_id=parties["B"].id,
                     provider_agency_id=parties["A"].id, ground="refusal", statement="交通执法需核验排污车辆",
                     state=DisputeState.COORDINATING, negotiation_due=date(2026, 10, 22),
                     negotiation_ended_on=date(2026, 10, 22), coordination_due=date(2026, 12, 3),
                     due_date=date(2026, 12, 3))
    db.session.add(d)
    db.session.commit()
    return d


def _act(client, d, **values):
    return post_form(client, f"/sharing/disputes/{d.id}/act", values)


def _reload(d) -> ShareDispute:
    db.session.expire_all()
    return db.session.get(ShareDispute, d.id)


def _audit(d):
    return [(e.action, e.actor_id, e.reason) for e in db.session.scalars(db.select(AuditEvent).where(
        AuditEvent.object_type == "share_dispute", AuditEvent.object_id == str(d.id)).order_by(AuditEvent.id))]


def test_the_authority_refers_with_a_question_and_records_the_opinion_on_the_page(parties, as_user, monkeypatch):
    """§3.7: the question is required (422 naming it, nothing changes); the opinion with its date is recorded
    once, after the referral; both parties read question and opinion; each step is audited; the clock runs."""
    d = coordinating(parties)
    expert = create_staff_user("expert@example.cn", "专家委员会委员", PASSWORD, "expert")
    freeze(monkeypatch, "2026-10-26")
    authority = as_user(parties["authority"])
    page = authority.get(f"/sharing/disputes/{d.id}").get_data(as_text=True)
    assert 'value="refer"' in page and 'name="question"' in page and 'value="record_opinion"' not in page
    assert _act(authority, d, action="record_opinion", opinion=OPINION, opinion_on="2026-10-26").status_code == 409
    r = _act(authority, d, action="refer", question="")
    assert r.status_code == 422 and 'id="error-question"' in r.get_data(as_text=True)
    assert _reload(d).referred_at is None and _audit(d) == []
    assert _act(as_user(parties["b_officer"]), d, action="refer", question=QUESTION).status_code == 403
    assert _act(as_user(parties["authority"]), d, action="refer", question=QUESTION).status_code == 302
    d = _reload(d)
    assert d.referral_question == QUESTION and d.state == "coordinating" and d.due_date == date(2026, 12, 3)
    assert "专家委员会" in subjects(parties["b_officer"]) and "专家委员会" in subjects(parties["a_officer"])
    page = as_user(expert).get(f"/sharing/disputes/{d.id}").get_data(as_text=True)
    assert QUESTION in page

    freeze(monkeypatch, "2026-11-16")
    authority = as_user(parties["authority"])
    page = authority.get(f"/sharing/disputes/{d.id}").get_data(as_text=True)
    assert 'value="refer"' not in page and 'value="record_opinion"' in page
    r = _act(authority, d, action="record_opinion", opinion=OPINION, opinion_on="")
    assert r.status_code == 422 and 'id="error-opinion_on"' in r.get_data(as_text=True)
    r = _act(authority, d, action="record_opinion", opinion=OPINION, opinion_on="2026-11-20")   # after today
    assert r.status_code == 422 and 'id="error-opinion_on"' in r.get_data(as_text=True)
    r = _act(authority, d, action="record_opinion", opinion="", opinion_on="2026-11-13")
    assert r.status_code == 422 and 'id="error-opinion"' in r.get_data(as_text=True)
    assert _reload(d).expert_opinion == ""
    assert _act(as_user(parties["a_officer"]), d, action="record_opinion", opinion=OPINION,
                opinion_on="2026-11-13").status_code == 403
    assert _act(as_user(parties["authority"]), d, action="record_opinion", opinion=OPINION,
                opinion_on="2026-11-13").status_code == 302
    d = _reload(d)
    assert (d.expert_opinion, d.expert_opinion_on, d.due_date) == (OPINION, date(2026, 11, 13), date(2026, 12, 3))
    for who in ("b_officer", "b_staff", "a_officer", "a_staff"):
        page = as_user(parties[who]).get(f"/sharing/disputes/{d.id}").get_data(as_text=True)
        assert QUESTION in page and OPINION in page and "2026-11-13" in page, who
        assert 'value="record_opinion"' not in page
    page = as_user(parties["authority"]).get(f"/sharing/disputes/{d.id}").get_data(as_text=True)
    assert 'value="record_opinion"' not in page and 'value="decide_share"' in page   # once; the authority decides
    assert _audit(d) == [("share_dispute.refer", parties["authority"].id, QUESTION),
                         ("share_dispute.expert_opinion", parties["authority"].id, OPINION)]


def test_referral_and_opinion_through_the_api(parties, client, monkeypatch):
    """§3.7 on /api/v1/sharing/disputes/<id>/act: refer needs the question (422 naming it), record_opinion
    the opinion and its date; both parties read them in the case; the OpenAPI document declares the fields."""
    d = coordinating(parties)
    freeze(monkeypatch, "2026-10-26")

    def bearer(user):
        return {"Authorization": f"Bearer {create_token(user, 'api', 'read_write', 30)[1]}"}
    authority, b = bearer(parties["authority"]), bearer(parties["b_officer"])
    url = f"/api/v1/sharing/disputes/{d.id}/act"
    r = client.post(url, json={"action": "refer"}, headers=authority)
    assert r.status_code == 422 and "question" in r.get_json()["error"]["details"]
    r = client.post(url, json={"action": "refer", "question": QUESTION}, headers=authority)
    assert r.status_code == 201 and r.get_json()["referral_question"] == QUESTION and r.get_json()["referred"]
    r = client.post(url, json={"action": "record_opinion", "opinion": OPINION}, headers=authority)
    assert r.status_code == 422 and "opinion_on" in r.get_json()["error"]["details"]
    assert client.post(url, json={"action": "record_opinion", "opinion": OPINION, "opinion_on": "2026-10-26"},
                       headers=b).status_code == 403
    r = client.post(url, json={"action": "record_opinion", "opinion": OPINION, "opinion_on": "2026-10-26"},
                    headers=authority)
    assert r.status_code == 201
    for headers in (b, bearer(parties["a_officer"])):
        shown = client.get(f"/api/v1/sharing/disputes/{d.id}", headers=headers).get_json()
        assert (shown["referral_question"], shown["expert_opinion"], shown["expert_opinion_on"]) == (
            QUESTION, OPINION, "2026-10-26")
        assert shown["due_date"] == "2026-12-03"
    text = str(client.get("/api/v1/openapi.json").get_json())
    assert "record_opinion" in text and "opinion_on" in text and "referral_question" in text
