"""Authorised operation (授权运营, OVERSIGHT §10): O11, the risk assessment first, an agreement only on entries of
registered assets in the 授权运营 scope, who reads agreements, the public list of operators."""
from __future__ import annotations

from sqlalchemy import func, select

from portal.accounts.models import Role, UserKind
from portal.audit.models import AccessEvent
from portal.extensions import db
from portal.operation.models import OperationAgreement
from tests.assets.test_assets import auth, registered_asset
from tests.clock import freeze
from tests.conftest import login
from tests.factories import data_user, uscc


def operator(email="operator@example.cn"):
    user = data_user(email, "内蒙古数据运营有限公司", kind=UserKind.LEGAL_PERSON)
    user.role = Role.OPERATOR
    db.session.commit()
    return user


def agreement_body(op, ds, **changes):
    return {"operator": op.email, "operator_name": op.name, "uscc": op.uscc, "entries": [ds.code],
            "purpose": "新能源汽车充电服务产品开发", "start": "2026-10-01", "end": "2026-12-31",
            "security_measures": "专区内加工，结果脱敏后出域", "products": "充电设施热力图服务", **changes}


def test_o11_operator_fetches_by_api_within_the_period_only(published, users, client, monkeypatch):
    """O11: an operator's site download is 403; its API call within the period 200, logged with the agreement id;
    after the period 403."""
    ds, staff, authority = published
    api = client.application.test_client()
    registered_asset(api, users, ds, monkeypatch)
    op = operator()
    r = api.post("/api/v1/operation/agreements", json=agreement_body(op, ds), headers=auth(users["authority"]))
    assert r.status_code == 201, r.get_data(as_text=True)
    agreement = r.get_json()
    url = f"/api/v1/operation/agreements/{agreement['id']}/act"
    # the risk assessment comes first (R2024 §35)
    assert api.post(url, json={"action": "activate"}, headers=auth(users["authority"])).status_code == 409
    assert api.post(url, json={"action": "assess"}, headers=auth(users["authority"])).status_code == 422
    r = api.post(url, json={"action": "assess", "reason": "风险可控：不含个人信息"}, headers=auth(users["authority"]))
    assert r.status_code == 201 and r.get_json()["state"] == "assessed"
    r = api.post(url, json={"action": "activate"}, headers=auth(users["authority"]))
    assert r.status_code == 201 and r.get_json()["state"] == "active"
    res = ds.resources[0]
    # on the site: 403, even for this open entry
    site = client.application.test_client()
    login(site, op.email)
    assert site.get(f"/dataset/{ds.slug}/resource/{res.id}/download").status_code == 403
    assert api.get(f"/dataset/{ds.slug}/resource/{res.id}/download").status_code == 200  # a visitor may
    file_url = f"/api/v1/operation/agreements/{agreement['id']}/files/{res.id}"
    freeze(monkeypatch, "2026-10-15")
    r = api.get(file_url, headers=auth(op))
    assert r.status_code == 200 and "如意充电站" in r.get_data(as_text=True)
    logged = db.session.scalars(select(AccessEvent).where(AccessEvent.agreement_id == agreement["id"])).all()
    assert [(e.status, e.resource_id, e.user_id) for e in logged] == [(200, res.id, op.id)]
    freeze(monkeypatch, "2027-01-01")
    r = api.get(file_url, headers=auth(op))
    assert r.status_code == 403 and "2026-12-31" in r.get_json()["error"]["message"]
    statuses = db.session.scalars(select(AccessEvent.status).where(AccessEvent.agreement_id == agreement["id"])
                                  .order_by(AccessEvent.id)).all()
    assert statuses == [200, 403]


def test_an_agreement_needs_registered_entries_in_scope_and_a_valid_uscc(published, users, client, monkeypatch):
    """An agreement on an unregistered entry is 422; so is a credit code with a wrong check character; nothing
    is written."""
    ds, staff, authority = published
    api = client.application.test_client()
    op = operator()
    r = api.post("/api/v1/operation/agreements", json=agreement_body(op, ds), headers=auth(users["authority"]))
    assert r.status_code == 422 and "entries" in r.get_json()["error"]["details"]
    registered_asset(api, users, ds, monkeypatch)
    good = uscc()
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    r = api.post("/api/v1/operation/agreements", json=agreement_body(op, ds, uscc=bad), headers=auth(users["authority"]))
    assert r.status_code == 422 and set(r.get_json()["error"]["details"]) == {"uscc"}
    r = api.post("/api/v1/operation/agreements", json=agreement_body(op, ds, end="2026-09-01"),
                 headers=auth(users["authority"]))
    assert r.status_code == 422 and "end" in r.get_json()["error"]["details"]
    assert db.session.scalar(select(func.count(OperationAgreement.id))) == 0
    # agency staff do not enter agreements
    r = api.post("/api/v1/operation/agreements", json=agreement_body(op, ds), headers=auth(users["agency_staff"]))
    assert r.status_code == 403


def test_who_reads_agreements_and_the_public_list_of_operators(published, users, client, monkeypatch):
    ds, staff, authority = published
    api = client.application.test_client()
    registered_asset(api, users, ds, monkeypatch)
    op, other = operator(), operator("other-operator@example.cn")
    a = api.post("/api/v1/operation/agreements", json=agreement_body(op, ds), headers=auth(users["authority"])).get_json()
    assert api.get(f"/api/v1/operation/agreements/{a['id']}", headers=auth(op)).status_code == 200
    assert api.get(f"/api/v1/operation/agreements/{a['id']}", headers=auth(users["auditor"])).status_code == 200
    assert api.get(f"/api/v1/operation/agreements/{a['id']}", headers=auth(other)).status_code == 404
    assert api.get("/api/v1/operation/agreements", headers=auth(other)).get_json()["results"] == []
    assert api.get("/api/v1/operation/agreements", headers=auth(users["agency_staff"])).status_code == 403
    # the operator's own file calls under another's agreement are 404
    res = ds.resources[0]
    assert api.get(f"/api/v1/operation/agreements/{a['id']}/files/{res.id}", headers=auth(other)).status_code == 404
    page = client.application.test_client()
    login(page, op.email)
    assert "新能源汽车充电服务产品开发" in page.get(f"/operation/{a['id']}").get_data(as_text=True)
    # the public list: none by default
    assert api.get("/api/v1/operation/operators").status_code == 404
    assert api.get("/operation/operators").status_code == 404
    client.application.config["OPERATION_PUBLIC"] = True
    url = f"/api/v1/operation/agreements/{a['id']}/act"
    api.post(url, json={"action": "assess", "reason": "风险可控"}, headers=auth(users["authority"]))
    api.post(url, json={"action": "activate"}, headers=auth(users["authority"]))
    listed = api.get("/api/v1/operation/operators").get_json()["results"]
    assert [x["operator_name"] for x in listed] == ["内蒙古数据运营有限公司"] and listed[0]["uscc"] == op.uscc
    assert "内蒙古数据运营有限公司" in api.get("/operation/operators").get_data(as_text=True)
