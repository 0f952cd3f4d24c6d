"""Sharing on /api/v1/sharing/... with an agency staff member's API token (SHARING.md §3; S14, S15): every step,
marshmallow's 422 naming the field, the OpenAPI document; no sharing case on any public channel; one audit
event per transition and a chain that verifies."""
from __future__ import annotations

import gzip

from portal.accounts.tokens import create_token
from portal.audit.models import AuditEvent
from portal.extensions import db
from tests.clock import freeze
from tests.sharing.helpers import last_request

SCENARIO = "交通执法中核查重点排污车辆的独特场景"


def bearer(user, scope="read_write"):
    return {"Authorization": f"Bearer {create_token(user, 'api', scope, 180)[1]}"}


def body(parties, entry="conditional", **over):
    return {"dataset": parties[entry].slug, "items": ["站点", "AQI"], "resource_ids": [], "scenario": SCENARIO,
            "legal_duty": "《中华人民共和国大气污染防治法》第五十三条", "purpose": "机动车排放执法", "records": "2026 年",
            "modes": ["api"], "start": "2026-10-12", "end": "2026-12-31", "user_ids": [parties["b_staff"].id],
            "security_measures": "专网存储", "commitment": True, **over}


def test_every_step_through_the_api(parties, app, monkeypatch):
    """§3.2 on the API: B files, A refuses without basis (422 naming legal_basis), then agrees narrower; the
    grant with its notice; the file by token. S14: C's staff get 404."""
    freeze(monkeypatch, "2026-09-24")
    api = app.test_client()
    b, a, c = bearer(parties["b_officer"]), bearer(parties["a_officer"]), bearer(parties["c_staff"])
    r = api.post("/api/v1/sharing/requests", json=body(parties, items=["站点", "不存在"]), headers=b)
    assert r.status_code == 422 and "items" in r.get_json()["error"]["details"]
    r = api.post("/api/v1/sharing/requests", json=body(parties), headers=b)
    assert r.status_code == 201, r.get_json()
    case = r.get_json()
    assert case["state"] == "submitted" and case["due_date"] == "2026-10-09" and case["actions"] == ["withdraw"]
    rid = case["id"]
    assert api.get(f"/api/v1/sharing/requests/{rid}", headers=c).status_code == 404
    assert api.post(f"/api/v1/sharing/requests/{rid}/agree", json={}, headers=c).status_code == 404
    listed = api.get("/api/v1/sharing/requests", headers=a).get_json()
    assert [x["id"] for x in listed["received"]] == [rid] and listed["requested"] == []
    assert api.get("/api/v1/sharing/requests", headers=c).get_json() == {"requested": [], "received": []}
    r = api.post(f"/api/v1/sharing/requests/{rid}/refuse", json={"refusal_reason": "涉密"}, headers=a)
    assert r.status_code == 422 and "legal_basis" in r.get_json()["error"]["details"]
    r = api.post(f"/api/v1/sharing/requests/{rid}/agree", json={"items": ["AQI"], "version": case["version"]},
                 headers=a)
    assert r.status_code == 201, r.get_json()
    done = r.get_json()
    assert done["state"] == "delivered" and done["agreed_items"] == ["AQI"] and done["grant"]["items"] == ["AQI"]
    assert "不得以任何形式提供给第三方" in done["grant"]["notice"]
    grant = api.get(f"/api/v1/sharing/grants/{done['grant']['id']}", headers=bearer(parties["b_staff"], "read"))
    assert grant.status_code == 200 and grant.get_json()["purpose"] == "机动车排放执法"
    freeze(monkeypatch, "2026-10-12")  # the agreed period starts
    f = api.get(f"/api/v1/sharing/grants/{done['grant']['id']}/files/{parties['conditional_file'].id}/download",
                headers=bearer(parties["b_staff"], "read"))
    assert f.status_code == 200 and f.get_data().decode().splitlines()[0] == "AQI"
    r = api.post(f"/api/v1/sharing/requests/{rid}/withdraw", json={}, headers=b)
    assert r.status_code == 409


def test_the_openapi_document_declares_the_sharing_routes(app):
    """Step 4: every sharing route is in the OpenAPI document, with its body schema."""
    doc = app.test_client().get("/api/v1/openapi.json").get_json()
    paths = doc["paths"]
    for path in ("/api/v1/sharing/requests", "/api/v1/sharing/requests/{req_id}",
                 "/api/v1/sharing/requests/{req_id}/agree", "/api/v1/sharing/requests/{req_id}/refuse",
                 "/api/v1/sharing/grants/{grant_id}", "/api/v1/sharing/grants/{grant_id}/files/{resource_id}/download"):
        assert path in paths, path
    assert "post" in paths["/api/v1/sharing/requests"] and "get" in paths["/api/v1/sharing/requests"]


def test_s14_no_sharing_case_on_a_public_channel(parties, as_user, app, monkeypatch, client):
    """S14: C's staff get 404 for B's case with A; /api/v1, CKAN, DCAT and the dump hold no sharing case."""
    freeze(monkeypatch, "2026-09-24")
    app.test_client().post("/api/v1/sharing/requests", json=body(parties), headers=bearer(parties["b_officer"]))
    req = last_request()
    assert as_user(parties["c_staff"]).get(f"/sharing/requests/{req.id}").status_code == 404
    assert as_user(parties["c_officer"]).get(f"/sharing/grants/1").status_code == 404
    public = app.test_client()
    for url in ("/api/v1/datasets", f"/api/v1/datasets/{parties['conditional'].slug}", "/api/v1/figures",
                "/api/3/action/package_search", f"/api/3/action/package_show?id={parties['conditional'].slug}",
                "/catalog.jsonld", "/catalog.ttl", f"/dataset/{parties['conditional'].slug}.jsonld"):
        r = public.get(url)
        assert r.status_code == 200, url
        text = r.get_data(as_text=True)
        assert SCENARIO not in text and "share_request" not in text and "/sharing/" not in text, url
    dump = public.get("/api/v1/catalog.jsonl.gz")
    assert dump.status_code == 200
    assert SCENARIO not in gzip.decompress(dump.get_data()).decode()
    assert public.get("/api/v1/sharing/requests").status_code == 401


def test_s15_one_audit_event_per_transition_and_the_chain_verifies(parties, as_user, app, monkeypatch):
    """S15: each transition of S1–S6 has one audit event; `flask portal audit verify` passes; the access-log CSV
    lists the `share` events."""
    freeze(monkeypatch, "2026-09-24")
    api = app.test_client()
    b, a = bearer(parties["b_officer"]), bearer(parties["a_officer"])
    granted = api.post("/api/v1/sharing/requests", json=body(parties, "open", modes=["download"], start="2026-09-24"), headers=b).get_json()
    refused = api.post("/api/v1/sharing/requests", json=body(parties), headers=b).get_json()
    api.post(f"/api/v1/sharing/requests/{refused['id']}/refuse",
             json={"refusal_reason": "涉密", "legal_basis": "《保守国家秘密法》第二条"}, headers=a)
    offline = api.post("/api/v1/sharing/requests", json=body(parties, modes=["offline"]), headers=b).get_json()
    api.post(f"/api/v1/sharing/requests/{offline['id']}/agree", json={}, headers=a)
    api.post(f"/api/v1/sharing/requests/{offline['id']}/deliver", json={"offline_note": "前置机"}, headers=a)
    gid = granted["grant"]["id"]
    api.post(f"/api/v1/sharing/grants/{gid}/suspend", json={"reason": "核查"}, headers=a)
    api.post(f"/api/v1/sharing/grants/{gid}/resume", json={"reason": "核查完毕"}, headers=a)
    client = as_user(parties["b_staff"])
    assert client.get(f"/sharing/grants/{gid}/files/{parties['open_file'].id}/download").status_code == 200
    expected = {str(granted["id"]): ["share_request.grant"],
                str(refused["id"]): ["share_request.submit", "share_request.refuse"],
                str(offline["id"]): ["share_request.submit", "share_request.agree", "share_request.deliver"]}
    for rid, actions in expected.items():
        got = db.session.scalars(db.select(AuditEvent.action).where(AuditEvent.object_type == "share_request",
                                                                    AuditEvent.object_id == rid)
                                 .order_by(AuditEvent.id)).all()
        assert got == actions, rid
    got = db.session.scalars(db.select(AuditEvent.action).where(AuditEvent.object_type == "share_grant")
                             .order_by(AuditEvent.id)).all()
    assert got == ["share_grant.suspend", "share_grant.resume"]
    result = app.test_cli_runner().invoke(args=["portal", "audit", "verify"])
    assert result.exit_code == 0, result.output
    csv_text = as_user(parties["auditor"]).get("/console/access.csv?kind=share").get_data(as_text=True)
    assert "share" in csv_text and str(gid) in csv_text
