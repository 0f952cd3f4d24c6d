"""Periodic reassessment through /api/v1 (定期评估, OVERSIGHT.md §3, R2024 §22, §29): the caller's due
reassessments and the agency's reasoned keep, by the same service and rules as the console's page (O4)."""
from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select

from portal.accounts.tokens import create_token
from portal.audit.models import AuditEvent
from portal.catalog.models import Dataset, DatasetChange, OpenType
from portal.extensions import db
from tests import factories as f
from tests.clock import freeze

GOOD = {"kind": "open", "reason": "仍涉及排污单位商业秘密，条件不变。", "legal_basis": "《中华人民共和国环境保护法》第五十五条"}


def auth(user, scope: str = "read_write") -> dict[str, str]:
    return {"Authorization": f"Bearer {create_token(user, 'test', scope, 30)[1]}"}


@pytest.fixture()
def entry_e(parties):
    """E: a published entry of 自治区生态环境厅, conditional to open, last assessed 2025-11-20 (China time)."""
    return f.dataset("全区重点排污单位自动监测数据", agency_obj=parties["A"], open_type=OpenType.CONDITIONAL,
                     open_assessed_at=datetime(2025, 11, 20, 2), index=False)


def nothing_recorded(entry_e) -> None:
    db.session.expire_all()
    assert db.session.get(Dataset, entry_e.id).open_assessed_at == datetime(2025, 11, 20, 2)
    assert not db.session.scalars(select(DatasetChange).where(DatasetChange.kind == "reassessed")).all()
    assert not db.session.scalars(select(AuditEvent).where(AuditEvent.action == "dataset.open_reassessed")).all()


def test_o4_the_agency_lists_its_due_reassessments(app, client, parties, entry_e, monkeypatch):
    """O4 through the API: E is due 2026-11-20 (not yet overdue that day), overdue 2026-11-21, in its agency's
    list and the auditor's, not in another agency's; without a token 401."""
    freeze(monkeypatch, "2026-11-20")
    r = client.get("/api/v1/reassessments", headers=auth(parties["a_staff"], "read"))
    assert r.status_code == 200
    body = r.get_json()
    assert body["months"] == 12
    row = next(x for x in body["results"] if x["dataset_id"] == entry_e.id and x["kind"] == "open")
    assert row["due"] == "2026-11-20" and row["last_assessed"] == "2025-11-20" and row["overdue"] is False
    assert row["type"] == "conditional" and row["type_label"] == "有条件开放" and row["title"] == entry_e.title
    # A's entry shared conditionally (the parties' fixture) owes one too: the list is the console's queue
    assert {(x["dataset_id"], x["kind"]) for x in body["results"]} >= {(parties["conditional"].id, "share")}

    freeze(monkeypatch, "2026-11-21")
    row = next(x for x in client.get("/api/v1/reassessments", headers=auth(parties["a_staff"], "read"))
               .get_json()["results"] if x["dataset_id"] == entry_e.id)
    assert row["overdue"] is True
    ids = {x["dataset_id"] for x in client.get("/api/v1/reassessments", headers=auth(parties["b_staff"], "read"))
           .get_json()["results"]}
    assert entry_e.id not in ids
    assert entry_e.id in {x["dataset_id"] for x in client.get(
        "/api/v1/reassessments", headers=auth(parties["auditor"], "read")).get_json()["results"]}
    assert client.get("/api/v1/reassessments").status_code == 401


def test_keep_through_the_api_needs_reason_and_basis_and_only_the_agency_records_it(app, client, parties,
                                                                                    entry_e, monkeypatch):
    """A keep without a reason or a legal basis is 422 naming the field and changes nothing; another agency's
    staff get 404, the authority and auditors 403, a read-only token 403, a type needing none 409; the
    agency's keep (JSON or form fields) is 201, moves the due date a period on, and leaves the audit event and
    the public history line the page's keep leaves."""
    freeze(monkeypatch, "2026-11-21")
    url = f"/api/v1/reassessments/{entry_e.id}/keep"
    staff = auth(parties["a_staff"])
    r = client.post(url, json={**GOOD, "reason": "  "}, headers=staff)
    assert r.status_code == 422 and r.get_json()["error"]["details"]["reason"] == "请说明维持该类型的理由。"
    r = client.post(url, json={**GOOD, "legal_basis": ""}, headers=staff)
    assert r.status_code == 422 and "legal_basis" in r.get_json()["error"]["details"]
    r = client.post(url, json={**GOOD, "kind": "owner"}, headers=staff)
    assert r.status_code == 422 and "kind" in r.get_json()["error"]["details"]
    assert client.post(url, json={**GOOD, "kind": "share"}, headers=staff).status_code == 409  # shared freely
    assert client.post(url, json=GOOD, headers=auth(parties["b_staff"])).status_code == 404
    assert client.post(url, json=GOOD, headers=auth(parties["authority"])).status_code == 403
    assert client.post(url, json=GOOD, headers=auth(parties["auditor"])).status_code == 403
    assert client.post(url, json=GOOD, headers=auth(parties["a_staff"], "read")).status_code == 403
    assert client.post(url, json=GOOD).status_code == 401
    assert client.post("/api/v1/reassessments/no-such-entry/keep", json=GOOD, headers=staff).status_code == 404
    nothing_recorded(entry_e)

    r = client.post(url, data=GOOD, headers=staff)  # form fields, as curl -F sends them
    assert r.status_code == 201
    body = r.get_json()
    assert body["kind"] == "open" and body["type"] == "conditional" and body["next_due"] == "2027-11-21"
    assert body["reason"] == GOOD["reason"] and body["legal_basis"] == GOOD["legal_basis"]
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "dataset.open_reassessed")).one()
    assert event.actor_id == parties["a_staff"].id and event.reason == GOOD["reason"]
    assert event.details["was_due"] == "2026-11-20"
    public = app.test_client().get(f"/dataset/{entry_e.slug}").get_data(as_text=True)
    assert "开放属性经重新评估，维持不变" in public and GOOD["reason"] in public
    row = next(x for x in client.get("/api/v1/reassessments", headers=staff).get_json()["results"]
               if x["dataset_id"] == entry_e.id)
    assert row["due"] == "2027-11-21" and row["overdue"] is False
    db.session.expire_all()
    assert db.session.get(Dataset, entry_e.id).open_assessed_at.date() == date(2026, 11, 21)


def test_reassessment_routes_in_the_openapi_document(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    keep = spec["paths"]["/api/v1/reassessments/{dataset_id}/keep"]["post"]
    assert {"401", "403", "404", "409", "422"} <= set(keep["responses"])
    assert "KeepIn" in str(keep["requestBody"]) and "KeptOut" in str(keep["responses"]["201"])
    listing = spec["paths"]["/api/v1/reassessments"]["get"]
    assert "ReassessmentListOut" in str(listing["responses"]["200"])
    schemas = spec["components"]["schemas"]
    assert "Keep" in str(list(schemas)) and "reason" in str(schemas) and "legal_basis" in str(schemas)
