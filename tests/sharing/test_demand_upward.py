"""Demands for another level's or region's data (SHARING.md §3.4 last line; R2024 §25「向上级公共数据主管部门
申请获取」, SZ §20): the authority asks upward, records the higher level's answer; a provider agency on this
portal, of any level, is reached by forwarding directly."""
from __future__ import annotations

from datetime import date, timedelta

from portal import workdays
from portal.accounts.tokens import create_token
from portal.audit.models import AuditEvent
from portal.extensions import db
from portal.sharing import catalog
from portal.sharing.demand_models import DemandRequest
from portal.supervision.services import open_cases
from tests.clock import freeze
from tests.conftest import post_form
from tests.sharing.dispute_helpers import subjects

FORM = {"title": "全国机动车登记信息", "items": ["车牌号", "登记地"], "description": "外省籍车辆",
        "scenario": "跨省高排放车辆执法", "legal_duty": "《大气污染防治法》第五十三条", "commitment": "true"}
ASK = {"upward_to": "国家数据共享交换平台（公安部）", "upward_reference": "内数共〔2026〕12号",
       "upward_sent_on": "2026-04-28", "reason": "数据由国家部委汇聚，本平台无数源部门"}


def _file(client) -> DemandRequest:
    r = post_form(client, "/sharing/demands/new", FORM)
    assert r.status_code == 302, r.get_data(as_text=True)[-1500:]
    return db.session.get(DemandRequest, int(r.headers["Location"].rsplit("/", 1)[1]))


def _act(client, d, action: str, **data):
    return post_form(client, f"/sharing/demands/{d.id}/act", {"action": action, **data})


def _reload(d) -> DemandRequest:
    db.session.expire_all()
    return db.session.get(DemandRequest, d.id)


def _audit(d) -> list[tuple[str, int | None, str]]:
    return [(e.action, e.actor_id, e.reason) for e in db.session.scalars(db.select(AuditEvent).where(
        AuditEvent.object_type == "share_demand", AuditEvent.object_id == str(d.id)).order_by(AuditEvent.id))]


def _bearer(user):
    return {"Authorization": f"Bearer {create_token(user, 'test', 'read_write', 30)[1]}"}


def test_upward_path_through_the_pages(parties, as_user, monkeypatch):
    """§3.4: the authority asks the higher level (whom, reference, date, why), records its agreement (how,
    when) and the data's arrival; the requester sees each step and is told; only the authority acts."""
    freeze(monkeypatch, "2026-04-28")
    b = as_user(parties["b_officer"])
    d = _file(b)
    page = b.get(f"/sharing/demands/{d.id}").get_data(as_text=True)
    assert 'value="ask_upward"' not in page
    assert _act(b, d, "ask_upward", **ASK).status_code == 403
    assert _reload(d).state == "authority_review"

    authority = as_user(parties["authority"])
    page = authority.get(f"/sharing/demands/{d.id}").get_data(as_text=True)
    assert 'value="ask_upward"' in page and 'name="upward_reference"' in page
    # a missing reference: 422 naming the field, nothing changes
    r = _act(authority, d, "ask_upward", **{**ASK, "upward_reference": "", "version": str(d.row_version)})
    assert r.status_code == 422 and 'id="error-upward_reference"' in r.get_data(as_text=True)
    d = _reload(d)
    assert d.state == "authority_review" and d.upward_to == "" and [a for a, *_ in _audit(d)] == [
        "share_demand.submit"]
    r = _act(authority, d, "ask_upward", **{**ASK, "upward_sent_on": "2026-05-20"})   # not after today
    assert r.status_code == 422 and 'id="error-upward_sent_on"' in r.get_data(as_text=True)
    assert _act(authority, d, "ask_upward", **ASK).status_code == 302
    d = _reload(d)
    assert d.state == "upward" and d.upward_reference == "内数共〔2026〕12号"
    assert d.upward_sent_on == date(2026, 4, 28) and d.provider_agency_id is None
    assert d.due_date == workdays.add_workdays(date(2026, 4, 28), 10)          # the portal's follow-up
    [case] = [c for c in open_cases(d.due_date + timedelta(days=1))
              if c.url.endswith(f"/sharing/demands/{d.id}")]
    assert case.overdue                                                         # the authority is reminded

    # the requester sees the progress and was told
    b = as_user(parties["b_officer"])
    page = b.get(f"/sharing/demands/{d.id}").get_data(as_text=True)
    assert "已向上级申请" in page and "内数共〔2026〕12号" in page and "国家数据共享交换平台（公安部）" in page
    assert 'value="withdraw"' in page and 'value="upward_agreed"' not in page
    assert "全国机动车登记信息" in subjects(parties["b_officer"])
    assert _act(b, d, "upward_agreed", upward_answer="x", available_on="2026-06-01").status_code == 403

    freeze(monkeypatch, "2026-05-12")
    authority = as_user(parties["authority"])
    r = _act(authority, d, "upward_agreed", upward_answer="经国家平台接口调用")
    assert r.status_code == 422 and 'id="error-available_on"' in r.get_data(as_text=True)
    assert _reload(d).state == "upward"
    assert _act(authority, d, "upward_agreed", upward_answer="经国家平台接口调用",
                available_on="2026-05-29").status_code == 302
    d = _reload(d)
    assert d.state == "upward_agreed" and d.completion_due == date(2026, 5, 29) and d.due_date == date(2026, 5, 29)
    page = as_user(parties["b_officer"]).get(f"/sharing/demands/{d.id}").get_data(as_text=True)
    assert "经国家平台接口调用" in page and "2026-05-29" in page and "上级已同意" in page
    freeze(monkeypatch, "2026-05-28")
    assert _act(as_user(parties["authority"]), d, "upward_received", reason="接口已开通").status_code == 302
    d = _reload(d)
    assert d.state == "fulfilled" and d.fulfilled_at is not None
    audit = _audit(d)
    assert [a for a, *_ in audit] == ["share_demand.submit", "share_demand.ask_upward",
                                      "share_demand.upward_agreed", "share_demand.upward_received"]
    assert all(actor for _a, actor, _r in audit)
    assert audit[1][2] == ASK["reason"] and audit[1][1] == parties["authority"].id
    page = as_user(parties["b_officer"]).get(f"/sharing/demands/{d.id}").get_data(as_text=True)
    assert "已完成" in page and "接口已开通" in page
    # on B's 需求清单 with the higher level as the other party; on no provider's 责任清单
    page = catalog.demand_list(catalog.ListQuery(agency=parties["B"].slug), parties["authority"])
    assert [(r.extra["id"], r.party) for r in page.rows if r.url.startswith("/sharing/demands/")] == [
        (d.id, ASK["upward_to"])]
    page = catalog.responsibility_list(catalog.ListQuery(), parties["authority"])
    assert not [r for r in page.rows if r.url == f"/sharing/demands/{d.id}"]


def test_upward_refusal_and_withdrawal_through_the_api(parties, client, monkeypatch):
    """§3.4 through /api/v1: ask_upward without a reference is 422 naming it; the higher level's refusal needs
    its reason and basis; the requester withdraws another; only the authority records the answers."""
    freeze(monkeypatch, "2026-04-28")
    b, authority = _bearer(parties["b_officer"]), _bearer(parties["authority"])
    ids = []
    for _n in range(2):
        r = client.post("/api/v1/sharing/demands", json={**FORM, "commitment": True}, headers=b)
        assert r.status_code == 201
        ids.append(r.get_json()["id"])
    url = f"/api/v1/sharing/demands/{ids[0]}/actions"
    body = {**ASK, "action": "ask_upward"}
    r = client.post(url, json={**body, "upward_reference": ""}, headers=authority)
    assert r.status_code == 422 and "upward_reference" in r.get_json()["error"]["details"]
    assert client.get(f"/api/v1/sharing/demands/{ids[0]}", headers=b).get_json()["state"] == "authority_review"
    assert client.post(url, json=body, headers=b).status_code == 403
    r = client.post(url, json=body, headers=authority)
    assert r.status_code == 201 and r.get_json()["state"] == "upward"
    shown = client.get(f"/api/v1/sharing/demands/{ids[0]}", headers=b).get_json()
    assert (shown["upward_to"], shown["upward_reference"], shown["upward_sent_on"]) == (
        ASK["upward_to"], ASK["upward_reference"], "2026-04-28")
    r = client.post(url, json={"action": "upward_refused", "refusal_reason": "涉及公安业务敏感信息"}, headers=authority)
    assert r.status_code == 422 and "refusal_legal_basis" in r.get_json()["error"]["details"]
    r = client.post(url, json={"action": "upward_refused", "refusal_reason": "涉及公安业务敏感信息",
                               "refusal_legal_basis": "《公安机关信息共享管理规定》"}, headers=authority)
    assert r.status_code == 201 and r.get_json()["state"] == "upward_refused"
    shown = client.get(f"/api/v1/sharing/demands/{ids[0]}", headers=b).get_json()
    assert shown["refusal_reason"] == "涉及公安业务敏感信息" and shown["events"][-1]["kind"] == "upward_refused"
    # the second: asked upward, then withdrawn by the requester (the authority may not withdraw it)
    url = f"/api/v1/sharing/demands/{ids[1]}/actions"
    assert client.post(url, json=body, headers=authority).status_code == 201
    assert client.post(url, json={"action": "withdraw"}, headers=authority).status_code == 403
    r = client.post(url, json={"action": "withdraw"}, headers=b)
    assert r.status_code == 201 and r.get_json()["state"] == "withdrawn"
    assert client.post(url, json={"action": "upward_agreed", "upward_answer": "x", "available_on": "2026-05-29"},
                       headers=authority).status_code == 409
    doc = client.get("/api/v1/openapi.json").get_json()
    text = str(doc)
    assert "ask_upward" in text and "upward_reference" in text and "available_on" in text


def test_a_city_agencys_demand_for_regional_data_is_forwarded_directly(parties, as_user, monkeypatch):
    """§3.4: one portal hosting both levels routes directly: B (市) asks data held by A (自治区), the
    authority forwards it to A on this portal, not upward; A's officer answers."""
    freeze(monkeypatch, "2026-04-28")
    d = _file(as_user(parties["b_officer"]))
    assert parties["A"].level != parties["B"].level
    assert _act(as_user(parties["authority"]), d, "forward", provider=parties["A"].slug).status_code == 302
    d = _reload(d)
    assert d.state == "provider_review" and d.provider_agency_id == parties["A"].id and d.upward_to == ""
    page = as_user(parties["a_officer"]).get(f"/sharing/demands/{d.id}").get_data(as_text=True)
    assert 'value="agree"' in page and 'value="ask_upward"' not in page
