"""Asset registration (资产登记, OVERSIGHT §9): O10, the register's export, who sees what, bad input."""
from __future__ import annotations

import io

from openpyxl import load_workbook
from sqlalchemy import func, select

from portal.accounts.tokens import create_token
from portal.assets.models import DataAsset
from portal.audit.models import AuditEvent
from portal.catalog.models import Dataset
from portal.extensions import db
from tests.catalog.test_console import ENTRY
from tests.catalog.test_review import publish
from tests.clock import freeze
from tests.factories import post_agency_checks
from tests.conftest import login, post_form


def auth(user):
    return {"Authorization": f"Bearer {create_token(user, 'test', 'read_write', 30)[1]}"}


def registered_asset(client, users, ds, monkeypatch):
    """The published entry `ds` as a registered asset of its agency (created, submitted, registered)."""
    freeze(monkeypatch, "2026-09-24")
    staff, authority = users["agency_staff"], users["authority"]
    r = client.post("/api/v1/assets", json={"name": "公共充电设施数据资源", "summary": "充电桩位置与功率",
                                            "entries": [ds.code], "in_operation_scope": True}, headers=auth(staff))
    assert r.status_code == 201, r.get_data(as_text=True)
    asset = r.get_json()
    assert asset["state"] == "draft" and asset["entries"] == [ds.code] and asset["rows"] == 1
    assert asset["update_frequency"] == "monthly" and asset["bytes"] > 0 and asset["actions"] == ["submit", "cancel"]
    r = client.post(f"/api/v1/assets/{asset['id']}/act", json={"action": "submit"}, headers=auth(staff))
    assert r.status_code == 201 and r.get_json()["state"] == "submitted"
    r = client.post(f"/api/v1/assets/{asset['id']}/act", headers=auth(authority), json={
        "action": "register", "registration_code": "NMG-2026-000123", "registered_on": "2026-09-24"})
    assert r.status_code == 201, r.get_data(as_text=True)
    assert r.get_json()["state"] == "registered" and r.get_json()["registration_code"] == "NMG-2026-000123"
    return asset["id"]


def newest_review(ds) -> int:
    return max(r.id for r in db.session.get(Dataset, ds.id).reviews)


def publish_edit(staff, authority, ds, **changes):
    """The agency edits the published entry in the console and submits it; the authority approves it."""
    assert post_form(staff, f"/console/datasets/{ds.id}/edit", {**ENTRY, "theme": "housing", **changes}).status_code == 302
    assert all(r.status_code == 302 for r in post_agency_checks(staff, ds.id))  # 保密审查, 公开审查
    assert post_form(staff, f"/console/datasets/{ds.id}/submit", {}).status_code == 302
    db.session.expire_all()
    publish(authority, newest_review(ds))
    db.session.expire_all()


def test_o10_editing_a_linked_entrys_update_frequency_needs_a_change_registration(published, users, client,
                                                                                 monkeypatch):
    """O10: a registered asset whose linked entry's update frequency is edited (and the edit published) becomes
    change_needed; the agency resubmits it and the authority records the change."""
    ds, staff, authority = published
    api = client.application.test_client()
    asset_id = registered_asset(api, users, ds, monkeypatch)
    # an edit staged but not yet published changes nothing
    assert post_form(staff, f"/console/datasets/{ds.id}/edit",
                     {**ENTRY, "theme": "housing", "update_frequency": "daily"}).status_code == 302
    assert db.session.get(DataAsset, asset_id).state == "registered"
    assert all(r.status_code == 302 for r in post_agency_checks(staff, ds.id))  # 保密审查, 公开审查
    assert post_form(staff, f"/console/datasets/{ds.id}/submit", {}).status_code == 302
    db.session.expire_all()
    publish(authority, newest_review(ds))
    db.session.expire_all()
    answer = api.get(f"/api/v1/assets/{asset_id}", headers=auth(users["agency_staff"])).get_json()
    assert answer["state"] == "change_needed" and answer["changed_fields"] == ["update_frequency"]
    assert answer["actions"] == ["resubmit", "cancel"]
    page = staff.get(f"/assets/{asset_id}").get_data(as_text=True)
    assert 'id="asset-state"' in page and "update_frequency" in page.split('id="change-needed"')[1]
    assert "更新频率" in page.split('id="change-needed"')[1]  # the field's label, as the agency reads it
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "asset.change_needed")).one()
    assert event.details["dataset"] == ds.id and event.details["fields"] == ["update_frequency"]
    # the change is resubmitted with the new frequency, and registered again
    r = api.post(f"/api/v1/assets/{asset_id}/act", json={"action": "resubmit"}, headers=auth(users["agency_staff"]))
    assert r.status_code == 201 and r.get_json()["state"] == "changed" and r.get_json()["update_frequency"] == "daily"
    r = api.post(f"/api/v1/assets/{asset_id}/act", headers=auth(users["authority"]), json={
        "action": "register", "registration_code": "NMG-2026-000123", "registered_on": "2026-09-24"})
    assert r.get_json()["state"] == "registered" and r.get_json()["changed_fields"] == []


def test_an_edit_of_an_unregistered_field_leaves_the_asset_registered(published, users, client, monkeypatch):
    ds, staff, authority = published
    asset_id = registered_asset(client.application.test_client(), users, ds, monkeypatch)
    publish_edit(staff, authority, ds, timeliness="每月10日前更新")
    assert db.session.get(DataAsset, asset_id).state == "registered"
    publish_edit(staff, authority, ds, title="呼和浩特市公共充电设施分布")
    assert db.session.get(DataAsset, asset_id).state == "change_needed"


def test_register_export_csv_and_xlsx(published, users, client, monkeypatch):
    """The authority's register, exported for the registration platform with the practice's column names."""
    ds, staff, authority = published
    registered_asset(client.application.test_client(), users, ds, monkeypatch)
    page = authority.get("/assets/register").get_data(as_text=True)
    assert "NMG-2026-000123" in page and "公共充电设施数据资源" in page
    r = authority.get("/assets/register.csv")
    assert r.status_code == 200 and r.mimetype == "text/csv"
    lines = r.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert lines[0].startswith("登记编号,登记日期,数据资源名称,数据资源摘要,登记主体")
    assert len(lines) == 2 and lines[1].startswith("NMG-2026-000123,2026-09-24,公共充电设施数据资源,")
    assert ds.code in lines[1] and "呼和浩特市生态环境局" in lines[1] and ",1," in lines[1]
    r = authority.get("/assets/register.xlsx")
    assert r.status_code == 200
    rows = list(load_workbook(io.BytesIO(r.data)).active.iter_rows(values_only=True))
    header, row = rows[0], rows[1]
    assert header[:3] == ("登记编号", "登记日期", "数据资源名称") and "是否纳入授权运营范围" in header
    assert row[0] == "NMG-2026-000123" and row[6] == ds.code and row[header.index("数据量（条）")] == 1
    assert row[header.index("是否纳入授权运营范围")] == "是"
    api = client.application.test_client()
    listed = api.get("/api/v1/assets/register", headers=auth(users["auditor"])).get_json()["results"]
    assert [a["registration_code"] for a in listed] == ["NMG-2026-000123"]
    assert api.get("/api/v1/assets/register?level=nowhere", headers=auth(users["auditor"])).status_code == 422
    assert api.get("/api/v1/assets/register?level=region", headers=auth(users["auditor"])).get_json()["results"] == []


def test_other_agencies_and_data_users_do_not_see_assets(published, users, client, monkeypatch):
    ds, staff, authority = published
    api = client.application.test_client()
    asset_id = registered_asset(api, users, ds, monkeypatch)
    other = users["other_staff"]
    assert api.get(f"/api/v1/assets/{asset_id}", headers=auth(other)).status_code == 404
    assert api.get("/api/v1/assets", headers=auth(other)).get_json()["results"] == []
    assert api.post(f"/api/v1/assets/{asset_id}/act", json={"action": "cancel", "reason": "x"},
                    headers=auth(other)).status_code == 404
    # another agency's entry cannot be registered as its asset; nothing is written
    r = api.post("/api/v1/assets", json={"name": "别人的数据", "entries": [ds.code]}, headers=auth(other))
    assert r.status_code == 403 and db.session.scalar(select(func.count(DataAsset.id))) == 1
    assert api.get("/api/v1/assets", headers=auth(users["data_user"])).status_code == 403
    assert api.get("/assets/register.csv").status_code in (302, 401)
    page = client.application.test_client()
    login(page, other.email)
    assert page.get(f"/assets/{asset_id}").status_code == 404
    assert page.get("/assets/register.csv").status_code == 403
    login(page, users["auditor"].email)
    assert page.get(f"/assets/{asset_id}").status_code == 200
    assert api.get(f"/api/v1/assets/{asset_id}", headers=auth(users["auditor"])).get_json()["actions"] == []
    login(page, users["data_user"].email)
    assert page.get("/assets/").status_code == 403


def test_bad_input_is_422_and_nothing_is_written(published, users, client, monkeypatch):
    ds, staff, authority = published
    api = client.application.test_client()
    r = api.post("/api/v1/assets", json={"name": "", "entries": ["NO-SUCH-CODE"]}, headers=auth(users["agency_staff"]))
    assert r.status_code == 422 and {"name", "entries"} <= set(r.get_json()["error"]["details"])
    assert db.session.scalar(select(func.count(DataAsset.id))) == 0
    # the console form says the same, naming the field
    r = post_form(staff, "/assets/new", {"name": "充电设施", "entries": "NO-SUCH-CODE"})
    assert r.status_code == 422 and 'id="error-entries"' in r.get_data(as_text=True)
    assert db.session.scalar(select(func.count(DataAsset.id))) == 0
    r = post_form(staff, "/assets/new", {"name": "充电设施", "entries": ds.code})
    assert r.status_code == 302
    asset = db.session.scalars(select(DataAsset)).one()
    assert post_form(staff, f"/assets/{asset.id}/act", {"action": "submit"}).status_code == 302
    freeze(monkeypatch, "2026-09-24")
    asset_events = select(func.count(AuditEvent.id)).where(AuditEvent.object_type == "data_asset")
    before = db.session.scalar(asset_events)
    r = api.post(f"/api/v1/assets/{asset.id}/act", json={"action": "register"}, headers=auth(users["authority"]))
    assert r.status_code == 422 and {"registration_code", "registered_on"} <= set(r.get_json()["error"]["details"])
    r = api.post(f"/api/v1/assets/{asset.id}/act", headers=auth(users["authority"]), json={
        "action": "register", "registration_code": "X-1", "registered_on": "2026-09-25"})
    assert r.status_code == 422 and "registered_on" in r.get_json()["error"]["details"]
    r = api.post(f"/api/v1/assets/{asset.id}/act", json={"action": "cancel"}, headers=auth(users["authority"]))
    assert r.status_code == 422 and "reason" in r.get_json()["error"]["details"]
    r = api.post(f"/api/v1/assets/{asset.id}/act", json={"action": "submit"}, headers=auth(users["authority"]))
    assert r.status_code == 403
    db.session.expire_all()
    assert db.session.get(DataAsset, asset.id).state == "submitted" and not db.session.get(DataAsset, asset.id).registration_code
    assert db.session.scalar(asset_events) == before
    # the register page shows a bad level as 422 too
    assert authority.get("/assets/register?level=nowhere").status_code == 422
