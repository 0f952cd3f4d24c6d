"""Catalog update after a change (目录更新事由, OVERSIGHT §1; R2024 §11, §12, §49(一)): O1 through the console,
the API and the supervision page; the reasoned "no change", who may file and answer, bad input."""
from __future__ import annotations

from sqlalchemy import func, select

from portal.accounts.tokens import create_token
from portal.audit.models import AuditEvent
from portal.catalog import editing
from portal.catalog.models import Dataset, DatasetChange, Review
from portal.extensions import db
from portal.triggers.models import CatalogTrigger, TriggerEntry
from tests.clock import freeze
from tests.factories import post_agency_checks
from tests.conftest import post_form
from tests.sharing.dispute_helpers import audit_actions, run_deadlines, subjects

LAW = "《内蒙古自治区生态环境保护条例》修订，新增监测数据公开要求"
WHY = "条例第三十条调整了空气质量监测数据的公开范围"


def auth(user):
    return {"Authorization": f"Bearer {create_token(user, 'test', 'read_write', 30)[1]}"}


def file_law(client, entries, effective_on="2026-09-29", **extra):
    return post_form(client, "/console/catalog-updates/new", {
        "kind": "law", "change": LAW, "effective_on": effective_on, "entries": entries, "reason": WHY, **extra})


def _row(page: str, text: str) -> str:
    start = page.index(text)
    return page[page.rindex("<tr", 0, start):page.index("</tr>", start)]


def submit_revision(client, ds: Dataset, description: str) -> None:
    """Edit the published entry in the console and submit the staged edit for review, as its staff do."""
    data = editing.entry_data(ds)
    form = {k: v for k, v in data.items() if not isinstance(v, list)}
    form.update(description=description, tags=",".join(data["tags"]), share_modes=data["share_modes"])
    for i, item in enumerate(data["items"]):
        form.update({f"items-{i}-{k}": v for k, v in item.items()})
    r = post_form(client, f"/console/datasets/{ds.id}/edit", form)
    assert r.status_code == 302, r.get_data(as_text=True)[-3000:]
    assert all(r.status_code == 302 for r in post_agency_checks(client, ds.id))  # 保密审查, 公开审查
    assert post_form(client, f"/console/datasets/{ds.id}/submit", {}).status_code == 302


def test_o1_law_change_due_in_15_workdays_overdue_without_a_revision(app, parties, as_user, monkeypatch):
    """O1: a law change effective Tue 2026-09-29 names E (a published entry of 自治区生态环境厅): the trigger is
    due Mon 2026-10-26 (15 working days on the 2026 calendar, across the National Day holiday), and without a
    revision it is overdue on 2026-10-27 — on the agency's list, on the supervision page, and escalated to the
    authority by `flask portal deadlines`."""
    e = parties["open"]
    freeze(monkeypatch, "2026-09-30")
    client = as_user(parties["a_staff"])
    r = file_law(client, [e.id])
    assert r.status_code == 302, r.get_data(as_text=True)[-3000:]
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert '<td id="trigger-due">2026-10-26</td>' in page and LAW in page and e.title in page
    assert "catalog_trigger.file" in audit_actions("catalog_trigger", db.session.scalar(select(CatalogTrigger.id)))
    assert LAW in subjects(parties["a_officer"]) or "2026-10-26" in subjects(parties["a_officer"])
    assert "2026-10-26" in subjects(parties["authority"])  # the agency filed: the authority is told

    freeze(monkeypatch, "2026-10-26")
    row = _row(as_user(parties["authority"]).get("/console/supervision").get_data(as_text=True), LAW[:20])
    assert "2026-10-26" in row and "已超期" not in row

    freeze(monkeypatch, "2026-10-27")
    client = as_user(parties["a_staff"])
    assert "已超期" in _row(client.get("/console/catalog-updates/").get_data(as_text=True), LAW[:20])
    supervision = as_user(parties["authority"]).get("/console/supervision").get_data(as_text=True)
    row = _row(supervision, LAW[:20])
    assert "已超期" in row and "目录更新" in row and "自治区生态环境厅" in row
    run_deadlines(app)
    assert any(s.startswith("督办") and "2026-10-26" in s for s in subjects(parties["authority"]).splitlines() if LAW[:20] in s)
    page = as_user(parties["authority"]).get("/console/catalog-updates/1").get_data(as_text=True)
    assert 'id="trigger-overdue"' in page and "第四十九条" in page  # cited through the legal registry
    # auditors read; staff of another agency neither see nor open it
    assert LAW in as_user(parties["auditor"]).get("/console/catalog-updates/").get_data(as_text=True)
    assert LAW not in as_user(parties["b_staff"]).get("/console/catalog-updates/").get_data(as_text=True)
    assert as_user(parties["b_staff"]).get("/console/catalog-updates/1").status_code == 404


def test_o1_revision_submitted_on_the_due_day_is_due_for_review_in_5_workdays_and_closes(
        app, client, parties, as_user, monkeypatch):
    """O1: a revision of E submitted Mon 2026-10-26 is due for review Mon 2026-11-02 and closes the trigger
    (due that day): nothing is overdue on 2026-10-27, and E's public page carries the history line."""
    e = parties["open"]
    freeze(monkeypatch, "2026-09-29")
    r = client.post("/api/v1/catalog-updates", headers=auth(parties["authority"]), json={
        "kind": "law", "change": LAW, "effective_on": "2026-09-29", "entries": [e.id], "reason": WHY})
    assert r.status_code == 201, r.get_data(as_text=True)
    made = r.get_json()
    assert made["due_date"] == "2026-10-26" and made["state"] == "open" and made["entries"][0]["answer"] is None
    assert made["agency"] == "内蒙古自治区生态环境厅"

    freeze(monkeypatch, "2026-10-26")
    submit_revision(as_user(parties["a_staff"]), db.session.get(Dataset, e.id), "新增站点经纬度，按修订后的条例公开。")
    db.session.expire_all()
    review = db.session.scalars(select(Review).where(Review.dataset_id == e.id)).one()
    assert review.due_date.isoformat() == "2026-11-02"
    console = as_user(parties["a_staff"]).get(f"/console/datasets/{e.id}").get_data(as_text=True)
    assert "2026-11-02" in console
    seen = client.get(f"/api/v1/catalog-updates/{made['id']}", headers=auth(parties["auditor"])).get_json()
    assert seen["state"] == "closed" and seen["entries"][0]["answer"] == "revision"
    assert seen["entries"][0]["review"] == review.id and seen["actions"] == []
    assert audit_actions("catalog_trigger", made["id"]) == [
        "catalog_trigger.file", "catalog_trigger.revision", "catalog_trigger.close"]

    freeze(monkeypatch, "2026-10-27")
    supervision = as_user(parties["authority"]).get("/console/supervision").get_data(as_text=True)
    assert LAW[:20] not in supervision
    assert LAW[:20] not in "\n".join(run_deadlines(app).splitlines()) and LAW[:20] not in subjects(parties["authority"])
    public = client.application.test_client().get(f"/dataset/{e.slug}").get_data(as_text=True)
    history = public[public.index('id="history-heading"'):]
    assert "更新目录，已提交审核" in history and LAW in history


def test_no_change_needs_a_reason_and_only_the_agency_answers(app, client, parties, as_user, monkeypatch):
    """The reasoned "no change": 422 without a reason (nothing recorded), 403/404 for staff of another agency
    and for auditors; with a reason it answers the entry, puts a public history line on it, and the trigger
    closes when every entry is answered."""
    e, other = parties["open"], parties["conditional"]
    freeze(monkeypatch, "2026-09-30")
    client = as_user(parties["a_staff"])
    assert file_law(client, [e.id, other.id]).status_code == 302
    t = db.session.scalar(select(CatalogTrigger))
    url = f"/console/catalog-updates/{t.id}/no-change"
    page = client.get(f"/console/catalog-updates/{t.id}").get_data(as_text=True)
    # a narrower entry goes through the planned withdrawal: the page points there, it is no second mechanism
    assert f"/withdrawals/new?dataset={e.id}" in page and page.count('class="no-change"') == 2

    r = post_form(client, url, {"dataset": e.id, "reason": "  "})
    assert r.status_code == 422 and 'data-field="reason"' in r.get_data(as_text=True)
    api = client.post(f"/api/v1/catalog-updates/{t.id}/no-change", json={"dataset": e.id},
                      headers=auth(parties["a_staff"]))
    assert api.status_code == 422 and "reason" in api.get_json()["error"]["details"]
    assert db.session.scalar(select(func.count()).select_from(TriggerEntry).where(TriggerEntry.answer.isnot(None))) == 0

    r = client.post(f"/api/v1/catalog-updates/{t.id}/no-change", json={"dataset": e.id, "reason": "不涉及"},
                    headers=auth(parties["b_staff"]))
    assert r.status_code in (403, 404)
    r = client.post(f"/api/v1/catalog-updates/{t.id}/no-change", json={"dataset": e.id, "reason": "不涉及"},
                    headers=auth(parties["auditor"]))
    assert r.status_code == 403
    assert post_form(as_user(parties["b_staff"]), url, {"dataset": e.id, "reason": "不涉及"}).status_code in (403, 404)

    client = as_user(parties["a_staff"])
    r = post_form(client, url, {"dataset": e.id, "reason": "该条目不含修订涉及的数据项", "version": t.row_version})
    assert r.status_code == 302, r.get_data(as_text=True)[-2000:]
    db.session.expire_all()
    assert db.session.get(CatalogTrigger, t.id).state == "open"
    again = client.post(f"/api/v1/catalog-updates/{t.id}/no-change", json={"dataset": e.id, "reason": "重复"},
                        headers=auth(parties["a_staff"]))
    assert again.status_code == 409
    r = client.post(f"/api/v1/catalog-updates/{t.id}/no-change", json={"dataset": other.id, "reason": "不涉及公开范围"},
                    headers=auth(parties["a_staff"]))
    assert r.status_code == 201 and r.get_json()["state"] == "closed"
    line = db.session.scalars(select(DatasetChange).where(DatasetChange.dataset_id == e.id,
                                                          DatasetChange.kind == "catalog_update")).one()
    assert line.reason == "该条目不含修订涉及的数据项" and LAW in line.summary
    page = client.application.test_client().get(f"/dataset/{e.slug}").get_data(as_text=True)
    assert "该条目不含修订涉及的数据项" in page
    assert audit_actions("catalog_trigger", t.id) == ["catalog_trigger.file", "catalog_trigger.no_change",
                                                      "catalog_trigger.no_change", "catalog_trigger.close"]


def test_bad_input_is_422_with_nothing_written_and_other_agencies_get_403(app, client, parties, as_user,
                                                                         monkeypatch):
    """Bad dates, unknown entries, a missing kind or change: 422 naming the field, nothing written; staff of
    another agency filing for E's agency: 403; an IT project is due on its acceptance date (R2024 §12)."""
    e = parties["open"]
    freeze(monkeypatch, "2026-09-30")
    staff = auth(parties["a_staff"])
    body = {"kind": "law", "change": LAW, "effective_on": "2026-09-29", "entries": [e.id], "reason": WHY}
    for bad, field in (({"effective_on": "2026-02-30"}, "effective_on"), ({"effective_on": "29/09/2026"}, "effective_on"),
                       ({"entries": ["no-such-entry"]}, "entries"), ({"entries": []}, "entries"),
                       ({"kind": "weather"}, "kind"), ({"change": ""}, "change"), ({"reason": ""}, "reason")):
        r = client.post("/api/v1/catalog-updates", json={**body, **bad}, headers=staff)
        assert r.status_code == 422 and field in r.get_json()["error"]["details"], (bad, r.get_data(as_text=True))
    r = file_law(as_user(parties["a_staff"]), ["no-such-entry"])
    assert r.status_code == 422 and "no-such-entry" in r.get_data(as_text=True)
    r = file_law(as_user(parties["a_staff"]), [e.id], effective_on="2026-13-01")
    assert r.status_code == 422
    assert client.post("/api/v1/catalog-updates", json=body, headers=auth(parties["b_staff"])).status_code == 403
    assert file_law(as_user(parties["b_staff"]), [e.id]).status_code == 403
    assert client.post("/api/v1/catalog-updates", json=body, headers=auth(parties["auditor"])).status_code == 403
    assert db.session.scalar(select(func.count()).select_from(CatalogTrigger)) == 0
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action.like("catalog_trigger.%"))) == 0

    r = client.post("/api/v1/catalog-updates", headers=staff, json={
        **body, "kind": "project", "change": "生态环境监测信息化平台二期", "effective_on": "2026-11-20"})
    assert r.status_code == 201 and r.get_json()["due_date"] == "2026-11-20"
    listed = client.get("/api/v1/catalog-updates", headers=auth(parties["auditor"])).get_json()["results"]
    assert [x["due_date"] for x in listed] == ["2026-11-20"]
    assert client.get("/api/v1/catalog-updates", headers=auth(parties["b_staff"])).get_json()["results"] == []


def test_the_openapi_document_describes_the_catalog_update_endpoints(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert {"/api/v1/catalog-updates", "/api/v1/catalog-updates/{trigger_id}",
            "/api/v1/catalog-updates/{trigger_id}/no-change"} <= set(spec["paths"])
    assert {"TriggerIn", "NoChangeIn", "TriggerOut"} <= set(spec["components"]["schemas"])
