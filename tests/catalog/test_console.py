"""The agency console over HTTP: entry form rules, uploads (streamed, checked, versioned), submission."""
from __future__ import annotations

import hashlib
import io
import re

import pytest

from portal.audit.models import AuditEvent
from portal.catalog.models import Dataset, Resource, ResourceVersion
from portal.extensions import db
from tests import factories as f
from tests.conftest import login, post_form

ENTRY = {"title": "呼和浩特市公共充电桩分布", "summary": "全市公共充电桩的位置、功率与运营单位。", "code": "15010011702/00031",
         "slug": "hhht-charging-piles", "classification": "departmental", "theme": "", "tags": "充电桩、新能源",
         "region": "呼和浩特市", "region_level": "city", "data_form": "structured", "open_type": "unconditional",
         "share_type": "unconditional", "update_frequency": "monthly", "licence_id": "nmg-open-data-1.0",
         "items-0-name": "充电站名称", "items-0-type": "字符型", "items-0-description": "",
         "items-1-name": "功率(千瓦)", "items-1-type": "数值型", "items-1-description": "单桩额定功率"}


@pytest.fixture()
def staff(app, users, client):
    f.theme("城建住房", slug="housing")
    db.session.commit()
    login(client, "staff@example.cn")
    return users["agency_staff"]


def create(client, **changes):
    return post_form(client, "/console/datasets/new", {**ENTRY, "theme": "housing", **changes})


def csrf(client, url):
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(url).get_data(as_text=True)).group(1)


def put_file(client, ds, content: bytes, filename="充电桩.csv", fmt="CSV", resource=None, token=None):
    url = f"/console/datasets/{ds.id}/upload"
    token = token or csrf(client, url)
    query = {"filename": filename, "format": fmt}
    if resource:
        query["resource"] = resource
    return client.put(url, query_string=query, data=content, headers={"X-CSRFToken": token},
                      content_type="application/octet-stream")


def stored_files(app):
    from pathlib import Path

    return sorted(p for p in Path(app.config["STORAGE_DIR"]).rglob("*") if p.is_file())


def test_staff_creates_a_draft_entry_with_data_items(staff, client):
    r = create(client)
    assert r.status_code == 302
    ds = db.session.query(Dataset).filter_by(code=ENTRY["code"]).one()
    assert ds.state == "draft" and ds.agency.slug == "hhht-sthjj"
    assert [(i.name, i.type) for i in ds.items] == [("充电站名称", "字符型"), ("功率(千瓦)", "数值型")]
    assert sorted(t.name for t in ds.tags) == ["充电桩", "新能源"]
    assert client.get(f"/dataset/{ds.slug}").status_code == 404  # a draft is not public
    assert db.session.query(AuditEvent).filter_by(action="dataset.create", object_id=ds.id).count() == 1


@pytest.mark.parametrize("changes,field", [
    ({"open_type": "conditional"}, "open_reason"),
    ({"open_type": "conditional", "open_reason": "涉及个人信息", "open_legal_basis": "《个人信息保护法》"},
     "open_conditions"),
    ({"open_type": "closed"}, "open_legal_basis"),
    ({"share_type": "none"}, "share_reason"),
    ({"share_type": "conditional", "share_reason": "x", "share_legal_basis": "y"}, "share_conditions"),
    ({"update_frequency": "hourly"}, "update_frequency"),
    ({"slug": "呼和浩特"}, "slug"),
    ({"title": ""}, "title"),
    ({"temporal_start": "2026-05-01", "temporal_end": "2026-01-01"}, "temporal_end"),
    ({"items-0-name": "", "items-0-description": "没有名称的信息项"}, "items"),
])
def test_entry_rules_give_field_messages_and_create_nothing(staff, client, changes, field):
    r = create(client, **changes)
    assert r.status_code == 422
    html = r.get_data(as_text=True)
    assert f'id="f-{field}-error"' in html or (field == "items" and 'id="f-items"' in html and "error-message" in html)
    assert db.session.query(Dataset).count() == 0


def test_codes_are_unique(staff, client):
    assert create(client).status_code == 302
    r = create(client, slug="another-slug")
    assert r.status_code == 422 and 'id="f-code-error"' in r.get_data(as_text=True)


def test_upload_streams_checks_and_versions(staff, client, app):
    create(client)
    ds = db.session.query(Dataset).filter_by(code=ENTRY["code"]).one()
    content = "充电站名称,功率(千瓦),运营单位\n如意充电站,120,某能源公司\n".encode("gbk")
    r = put_file(client, ds, content)
    assert r.status_code == 201, r.get_data(as_text=True)
    body = r.get_json()
    assert body["sha256"] == hashlib.sha256(content).hexdigest() and body["row_count"] == 1
    assert body["warnings"] and "运营单位" in body["warnings"][0]  # a column that is not a data item
    res = db.session.get(Resource, body["resource"])
    assert (res.encoding, res.columns, res.version) == ("gbk", ["充电站名称", "功率(千瓦)", "运营单位"], 1)
    page = client.get(f"/console/datasets/{ds.id}").get_data(as_text=True)
    assert "运营单位" in page and "warning" in page
    # a new version: both stay listed, the resource shows the newest
    content2 = "充电站名称,功率(千瓦)\n如意充电站,120\n金桥充电站,60\n".encode()
    r = put_file(client, ds, content2, filename="充电桩2026年11月.csv", resource=res.id)
    assert r.status_code == 201 and r.get_json()["version"] == 2
    db.session.expire_all()
    res = db.session.get(Resource, res.id)
    assert res.sha256 == hashlib.sha256(content2).hexdigest() and res.encoding == "utf-8"
    assert [v.version for v in res.versions] == [2, 1]
    assert len(stored_files(app)) == 2  # both versions kept


def test_bad_uploads_leave_nothing(staff, client, app):
    create(client)
    ds = db.session.query(Dataset).filter_by(code=ENTRY["code"]).one()
    r = put_file(client, ds, b"not,a\nworkbook\n", filename="x.xlsx", fmt="XLSX")
    assert r.status_code == 422 and r.get_json()["error"]["code"] == "invalid"
    r = put_file(client, ds, b"\xff\xfe\x00garbage\x81\x00", filename="x.csv", fmt="CSV")
    assert r.status_code == 422
    r = put_file(client, ds, b"{not json", filename="x.json", fmt="JSON")
    assert r.status_code == 422
    assert db.session.query(Resource).count() == 0 and db.session.query(ResourceVersion).count() == 0
    assert stored_files(app) == []


def test_too_large_upload_is_413_and_leaves_nothing(app, users, client):
    app.config["UPLOAD_MAX_BYTES"] = 1000
    f.theme("城建住房", slug="housing")
    db.session.commit()
    login(client, "staff@example.cn")
    create(client)
    ds = db.session.query(Dataset).filter_by(code=ENTRY["code"]).one()
    r = put_file(client, ds, b"a,b\n" + b"1,2\n" * 1000)
    assert r.status_code == 413 and r.get_json()["error"]["code"] == "too_large"
    assert stored_files(app) == [] and db.session.query(Resource).count() == 0


def test_multipart_upload_without_javascript(staff, client):
    create(client)
    ds = db.session.query(Dataset).filter_by(code=ENTRY["code"]).one()
    url = f"/console/datasets/{ds.id}/upload"
    r = client.post(url, data={"csrf_token": csrf(client, url), "format": "JSON", "name": "充电桩",
                               "file": (io.BytesIO('[{"充电站名称": "如意"}]'.encode()), "充电桩.json")},
                    content_type="multipart/form-data")
    assert r.status_code == 302
    assert db.session.query(Resource).one().format == "JSON"


def test_upload_needs_csrf_and_own_agency(staff, client, users):
    create(client)
    ds = db.session.query(Dataset).filter_by(code=ENTRY["code"]).one()
    r = client.put(f"/console/datasets/{ds.id}/upload?filename=a.csv&format=CSV", data=b"a\n1\n")
    assert r.status_code == 400  # no CSRF token
    other = client.application.test_client()
    login(other, "staff2@example.cn")
    r = put_file(other, ds, b"a\n1\n", token=csrf(other, "/console/"))
    assert r.status_code == 403
    assert db.session.query(Resource).count() == 0


def test_other_agency_cannot_see_or_edit(staff, client, users):
    create(client)
    ds = db.session.query(Dataset).filter_by(code=ENTRY["code"]).one()
    other = client.application.test_client()
    login(other, "staff2@example.cn")
    assert other.get(f"/console/datasets/{ds.id}").status_code == 403
    assert other.get(f"/console/datasets/{ds.id}/edit").status_code == 403
    assert ENTRY["title"] not in other.get("/console/").get_data(as_text=True)
