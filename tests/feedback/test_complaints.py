"""Rights complaints (R2024 §28): filing suspends the entry on every channel at once; the agency's three
decisions; who sees what; the per-account rate limit and history."""
from __future__ import annotations

import gzip
import io
import json
import re
import zipfile
from datetime import datetime, timedelta

import pytest

from portal import workdays
from portal.accounts.tokens import create_token
from portal.audit.models import AuditEvent
from portal.catalog.models import Dataset, DatasetChange, DatasetState, OpenType, QuarantinedFile, Resource
from portal.extensions import db
from portal.feedback.models import Complaint
from portal.inbox.models import Message
from tests import factories as f
from tests.catalog.test_console import put_file, stored_files
from tests.conftest import build_app, login
from tests.feedback.helpers import CSV, PDF, PNG, REASON, complain, complaint_id, decide, post_from, sha


@pytest.fixture()
def catalog(app, users):
    """Two open entries of the same agency and theme (one with a CSV), one conditional, one closed."""
    ds = f.dataset("呼和浩特市空气质量监测数据", tags=("空气质量",), slug="hhht-air")
    f.csv_resource(ds, CSV.decode(), filename="空气质量.csv")
    other = f.dataset("呼和浩特市地表水水质监测数据", tags=("水质",), slug="hhht-water")
    conditional = f.dataset("呼和浩特市重点排污单位监测数据", open_type=OpenType.CONDITIONAL, slug="hhht-emitters")
    closed = f.dataset("呼和浩特市污染源企业名录", open_type=OpenType.CLOSED, slug="hhht-polluters")
    return {"ds": db.session.get(Dataset, ds.id), "other": other, "conditional": conditional, "closed": closed}


def clients(app, *emails):
    made = []
    for email in emails:
        c = app.test_client()
        if email:
            login(c, email)
        made.append(c)
    return made


def facet_count(html: str, facet: str, value: str) -> int | None:
    m = re.search(rf'data-facet="{facet}" data-value="{re.escape(value)}">.*?<span class="facet-count">(\d+)</span>',
                  html, re.S)
    return int(m.group(1)) if m else None


def dump_entries(resp) -> list[dict]:
    assert resp.status_code == 200
    return [json.loads(line) for line in gzip.decompress(resp.data).decode().splitlines()]


def developer_channels(client, ds, res, agency_slug: str) -> dict:
    """Where the entry shows on the JSON API, the CKAN API, the bulk dump, DCAT and the agency's ZIP."""
    out: dict = {}
    search = client.get("/api/v1/datasets", query_string={"q": "空气质量"}).get_json()
    out["api_search"] = ds.slug in [d["slug"] for d in search["results"]]
    facets = {f["name"]: f for f in client.get("/api/v1/datasets").get_json()["facets"]}
    out["api_facet"] = next((v["count"] for v in facets["agency"]["values"] if v["value"] == agency_slug), 0)
    out["api_show"] = client.get(f"/api/v1/datasets/{ds.slug}").status_code
    out["api_resource"] = client.get(f"/api/v1/resources/{res.id}").status_code
    out["api_download"] = client.get(f"/api/v1/resources/{res.id}/download").status_code
    found = client.get("/api/3/action/package_search",
                       query_string={"q": "空气质量"}).get_json()["result"]
    out["ckan_search"] = ds.slug in [p["name"] for p in found["results"]]
    every = client.get("/api/3/action/package_search",
                       query_string={"facet.field": '["organization"]', "rows": "100"}).get_json()["result"]
    out["ckan_count"] = every["count"] - sum(1 for p in every["results"] if p["organization"]["name"] != agency_slug)
    out["ckan_facet"] = every["facets"]["organization"].get(agency_slug, 0)
    out["ckan_show"] = client.get("/api/3/action/package_show", query_string={"id": ds.slug}).status_code
    out["ckan_list"] = ds.slug in client.get("/api/3/action/package_list").get_json()["result"]
    out["ckan_resource"] = client.get("/api/3/action/resource_show", query_string={"id": res.id}).status_code
    org = client.get("/api/3/action/organization_show", query_string={"id": agency_slug}).get_json()["result"]
    out["ckan_org_count"] = org["package_count"]
    out["dump"] = ds.id in [e["id"] for e in dump_entries(client.get("/api/v1/catalog.jsonl.gz"))]
    out["dcat"] = f"/dataset/{ds.slug}" in client.get("/catalog.ttl").get_data(as_text=True)
    out["dcat_entry"] = client.get(f"/dataset/{ds.slug}.ttl").status_code
    z = client.get(f"/agency/{agency_slug}/files.zip")
    out["zip"] = z.status_code == 200 and any(
        name.endswith(f"({ds.slug})/{res.filename}") for name in zipfile.ZipFile(io.BytesIO(z.data)).namelist())
    return out


def test_suspension_is_effective_on_every_channel_in_the_next_response(app, users, catalog):
    ds, res = catalog["ds"], catalog["ds"].resources[0]
    visitor, user, staff = clients(app, None, "user@example.cn", "staff@example.cn")
    download = f"/dataset/{ds.slug}/resource/{res.id}/download"
    agency_slug = ds.agency.slug
    # before: everywhere
    assert visitor.get(download).status_code == 200
    card = f'href="/dataset/{ds.slug}"'
    assert card in visitor.get("/dataset?q=空气质量").get_data(as_text=True)
    assert facet_count(visitor.get("/dataset").get_data(as_text=True), "agency", agency_slug) == 4
    # ... and on the developer channels (so that the checks after the complaint are not vacuous)
    channels = developer_channels(visitor, ds, res, agency_slug)
    assert channels == {"api_search": True, "api_facet": 4, "api_show": 200, "api_resource": 200, "api_download": 200,
                        "ckan_search": True, "ckan_count": 4, "ckan_facet": 4, "ckan_show": 200, "ckan_list": True,
                        "ckan_resource": 200, "ckan_org_count": 4, "dump": True, "dcat": True, "dcat_entry": 200,
                        "zip": True}
    since = (datetime.utcnow() - timedelta(seconds=2)).strftime("%Y-%m-%dT%H:%M:%SZ")

    r = complain(user, ds)
    cid = complaint_id(r)

    # the very next responses: the page says so, without the complainant
    page = visitor.get(f"/dataset/{ds.slug}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'id="suspended-notice"' in html and "暂停开放，待核实" in html
    assert users["data_user"].name not in html and "user@example.cn" not in html
    assert f'href="{download}"' not in html
    # download: 451 for everyone, the complainant and the agency's own staff included
    for c in (visitor, user, staff):
        r = c.get(download)
        assert r.status_code == 451
        assert "权益申诉" in r.get_data(as_text=True)
    # the resource page keeps no preview and no download link
    res_page = visitor.get(f"/dataset/{ds.slug}/resource/{res.id}").get_data(as_text=True)
    assert "新华广场" not in res_page and download not in res_page
    # search results and facet counts
    assert card not in visitor.get("/dataset?q=空气质量").get_data(as_text=True)
    assert card not in visitor.get("/dataset").get_data(as_text=True)
    assert facet_count(visitor.get("/dataset").get_data(as_text=True), "agency", agency_slug) == 3
    assert card not in visitor.get(f"/agency/{agency_slug}").get_data(as_text=True)
    # home page listings
    assert card not in visitor.get("/").get_data(as_text=True)
    # the database and the index agree: nothing deleted, only hidden
    db.session.expire_all()
    ds = db.session.get(Dataset, ds.id)
    assert ds.state == DatasetState.PUBLISHED and ds.suspended_at is not None and not ds.is_public
    assert {sha(CSV), sha(PDF)} <= {p.name for p in stored_files(app)}  # the CSV and the evidence are kept
    # in the same transaction as the complaint: the suspension's audit event and history line exist
    actions = [e.action for e in db.session.query(AuditEvent).filter(AuditEvent.object_id.in_([ds.id, str(cid)]))]
    assert {"dataset.suspend", "complaint.file"} <= set(actions)
    assert ds.changes[0].kind == "suspended"
    # the developer channels in the next responses: the JSON API, the CKAN API, the bulk dump, DCAT, ZIP bundles
    assert developer_channels(visitor, ds, res, agency_slug) == {
        "api_search": False, "api_facet": 3, "api_show": 404, "api_resource": 404, "api_download": 451,
        "ckan_search": False, "ckan_count": 3, "ckan_facet": 3, "ckan_show": 404, "ckan_list": False,
        "ckan_resource": 404, "ckan_org_count": 3, "dump": False, "dcat": False, "dcat_entry": 404, "zip": False}
    # the change feed carries a tombstone for it
    changes = dump_entries(visitor.get("/api/v1/catalog.jsonl.gz", query_string={"modified_since": since}))
    (tomb,) = [e for e in changes if e["id"] == ds.id]
    assert tomb["deleted"] is True and set(tomb) == {"id", "name", "deleted", "modified"} and tomb["modified"] >= since
    # the API download answers 451 for a token holder too, with the envelope
    _token, raw = create_token(users["data_user"], "程序", "read", 30)
    r = visitor.get(f"/api/v1/resources/{res.id}/download", headers={"Authorization": f"Bearer {raw}"})
    assert r.status_code == 451 and r.get_json()["error"]["code"] == "unavailable_for_legal_reasons"


def test_grant_holders_get_451_on_the_site_and_by_api_token_after_a_complaint(app, users, catalog):
    from portal.opening import applications, decisions, schemas, workflow

    ds = f.dataset("重点排污单位自动监测数据", open_type=OpenType.CONDITIONAL, items=("排污单位名称",), slug="paiwu")
    res = f.csv_resource(ds, "排污单位名称\n某热电厂\n", filename="排污监测.csv")
    holder = users["data_user"]
    today = workflow.today()
    application = applications.save(ds, schemas.ApplicationData(
        scenario="环保合规评估", items=["排污单位名称"], records_scope="2025年", provision_methods=["download", "api"],
        period_start=today, period_end=today + timedelta(days=30), security_measures="内网存放",
        commit_truth=True, commit_compliance=True, commit_security=True), [], holder, submit_now=True)
    decisions.approve(application, users["agency_staff"], decisions.Approval(purpose="环保合规评估", scope="排污单位名称"))
    f.data_user("user2@example.cn", "另一用户")
    site, complainant = clients(app, "user@example.cn", "user2@example.cn")
    raw = create_token(holder, "程序", "read", 30)[1]
    token = {"Authorization": f"Bearer {raw}"}
    site_download = f"/dataset/{ds.slug}/resource/{res.id}/download"
    api_download = f"/api/v1/resources/{res.id}/download"
    assert site.get(site_download).status_code == 200  # the grant works on both channels
    assert app.test_client().get(api_download, headers=token).status_code == 200

    complaint_id(complain(complainant, ds))

    r = site.get(site_download)
    assert r.status_code == 451 and "权益申诉" in r.get_data(as_text=True)
    r = app.test_client().get(api_download, headers=token)
    assert r.status_code == 451 and r.get_json()["error"]["code"] == "unavailable_for_legal_reasons"
    assert f'href="{site_download}"' not in site.get(f"/dataset/{ds.slug}").get_data(as_text=True)


def test_conditional_entries_take_complaints_closed_ones_do_not(app, users, catalog):
    (user,) = clients(app, "user@example.cn")
    assert user.get(f"/dataset/{catalog['conditional'].slug}/complaint").status_code == 200
    assert "权益申诉" in user.get(f"/dataset/{catalog['conditional'].slug}").get_data(as_text=True)
    assert user.get(f"/dataset/{catalog['closed'].slug}/complaint").status_code == 404
    assert 'id="complaint-link"' not in user.get(f"/dataset/{catalog['closed'].slug}").get_data(as_text=True)
    r = complain(user, catalog["conditional"], right="trade_secret")
    complaint_id(r)
    html = app.test_client().get(f"/dataset/{catalog['conditional'].slug}").get_data(as_text=True)
    assert 'id="suspended-notice"' in html
    assert catalog["conditional"].title not in app.test_client().get("/negative-list").get_data(as_text=True)


def test_complaint_needs_login(app, users, catalog):
    r = app.test_client().get(f"/dataset/{catalog['ds'].slug}/complaint")
    assert r.status_code == 302 and "/login" in r.headers["Location"]


@pytest.mark.parametrize("case, expected", [
    ("no evidence", "请至少附上一份证据材料"),
    ("wrong type", "不是可接受的文件类型"),
    ("no right", "请选择受侵害的权利"),
    ("other without text", "请写明受侵害的其他合法权益"),
    ("no description", "请说明数据如何侵害该权利"),
    ("no resource", "请至少选择一项申诉涉及的数据资源"),
])
def test_bad_complaints_are_refused_and_nothing_is_suspended(app, users, catalog, case, expected):
    ds = catalog["ds"]
    (user,) = clients(app, "user@example.cn")
    files_before = stored_files(app)
    kwargs = {
        "no evidence": {"files": []},
        "wrong type": {"files": [(io.BytesIO(PDF), "a.pdf"), (io.BytesIO("这是文本，不是PDF".encode()), "证明.pdf")]},
        "no right": {"right": ""},
        "other without text": {"right": "other"},
        "no description": {"description": " "},
        "no resource": {"resources": []},
    }[case]
    r = complain(user, ds, **kwargs)
    assert r.status_code == 422
    assert expected in r.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Dataset, ds.id).suspended_at is None
    assert db.session.query(Complaint).count() == 0
    assert stored_files(app) == files_before  # the accepted first file of "wrong type" was removed again
    assert app.test_client().get(f"/dataset/{ds.slug}/resource/{ds.resources[0].id}/download").status_code == 200


def test_evidence_size_limit(tmp_path):
    app = build_app(tmp_path, EVIDENCE_MAX_BYTES=1024)
    with app.app_context():
        ds = f.dataset(slug="air")
        f.data_user("user@example.cn", "数据用户")
        (user,) = clients(app, "user@example.cn")
        r = complain(user, ds, files=[(io.BytesIO(PDF + b"0" * 2048), "大文件.pdf")])
        assert r.status_code == 422 and "超过 1.0 KB" in r.get_data(as_text=True)
        assert "大文件.pdf" in r.get_data(as_text=True)
        assert complaint_id(complain(user, ds, files=[(io.BytesIO(PNG), "截图.png")]))


def test_resume_gives_byte_identical_files(app, users, catalog):
    ds, res = catalog["ds"], catalog["ds"].resources[0]
    visitor, user, staff = clients(app, None, "user@example.cn", "staff@example.cn")
    download = f"/dataset/{ds.slug}/resource/{res.id}/download"
    before = visitor.get(download)
    assert before.status_code == 200 and sha(before.data) == sha(CSV)
    cid = complaint_id(complain(user, ds))

    # a decision needs a written reason
    r = decide(staff, cid, "resume", reason="  ")
    assert r.status_code == 422 and "请写明决定的理由" in r.get_data(as_text=True)
    assert visitor.get(download).status_code == 451

    r = decide(staff, cid, "resume")
    assert r.status_code == 302
    after = visitor.get(download)
    assert after.status_code == 200 and sha(after.data) == sha(before.data) and after.headers["ETag"] == before.headers["ETag"]
    assert f'href="/dataset/{ds.slug}"' in visitor.get("/dataset?q=空气质量").get_data(as_text=True)
    # the public history shows both dates, never the complainant
    page = visitor.get(f"/dataset/{ds.slug}").get_data(as_text=True)
    assert "suspended-notice" not in page
    history = page.split('id="history-heading"')[1]
    assert "因收到权益申诉暂停开放，待核实。" in history and "经核实，恢复开放。" in history
    assert users["data_user"].name not in page and REASON not in history
    # the complainant sees outcome and reason in the inbox and on the complaint's page
    inbox = user.get("/inbox").get_data(as_text=True)
    assert "恢复开放" in inbox and REASON in inbox
    mine = user.get(f"/complaints/{cid}").get_data(as_text=True)
    assert "恢复开放" in mine and REASON in mine
    # a second decision is refused
    assert decide(staff, cid, "withdraw").status_code == 409
    actions = {e.action for e in db.session.query(AuditEvent)}
    assert {"complaint.file", "dataset.suspend", "complaint.decide", "dataset.resume"} <= actions


def test_resume_is_refused_when_files_changed(app, users, catalog):
    ds = catalog["ds"]
    user, staff = clients(app, "user@example.cn", "staff@example.cn")
    cid = complaint_id(complain(user, ds))
    assert put_file(staff, ds, "站点,AQI\n新华广场,**\n".encode(), filename="空气质量.csv",
                    resource=ds.resources[0].id).status_code == 201
    console = staff.get(f"/console/datasets/{ds.id}").get_data(as_text=True)
    assert 'id="console-suspended"' in console and f"/complaints/{cid}" in console
    assert "空气质量" in staff.get(f"/complaints/{cid}").get_data(as_text=True).split('id="changed-files"')[1]
    r = decide(staff, cid, "resume")
    assert r.status_code == 409 and "依法处理后开放" in r.get_data(as_text=True)
    assert app.test_client().get(f"/dataset/{ds.slug}/resource/{ds.resources[0].id}/download").status_code == 451


def test_open_after_processing_quarantines_the_old_bytes(app, users, catalog):
    ds, res = catalog["ds"], catalog["ds"].resources[0]
    res_id, old_sha = res.id, res.sha256
    # another entry happens to publish the very same bytes (storage is content-addressed)
    twin = f.dataset("呼和浩特市空气质量监测数据（副本）", slug="hhht-air-copy")
    twin_res = f.csv_resource(twin, CSV.decode(), filename="副本.csv")
    twin_download = f"/dataset/{twin.slug}/resource/{twin_res.id}/download"
    visitor, user, staff, auditor = clients(app, None, "user@example.cn", "staff@example.cn", "auditor@example.cn")
    download = f"/dataset/{ds.slug}/resource/{res_id}/download"
    # the twin has not changed for months: only the quarantine puts it in the change feed below
    db.session.execute(db.update(Dataset).where(Dataset.id == twin.id).values(modified_at=datetime(2026, 1, 1)))
    db.session.execute(db.update(DatasetChange).where(DatasetChange.dataset_id == twin.id).values(at=datetime(2026, 1, 1)))
    db.session.execute(db.update(Resource).where(Resource.dataset_id == twin.id).values(updated_at=datetime(2026, 1, 1)))
    db.session.commit()
    since = (datetime.utcnow() - timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert twin.slug not in {e["name"] for e in dump_entries(visitor.get("/api/v1/catalog.jsonl.gz",
                                                                           query_string={"modified_since": since}))}
    assert twin_download in visitor.get(f"/dataset/{twin.slug}.ttl").get_data(as_text=True)
    assert visitor.get(f"/api/v1/resources/{twin_res.id}").get_json()["downloadable"] is True
    cid = complaint_id(complain(user, ds))

    r = decide(staff, cid, "process")
    assert r.status_code == 422 and "请先上传" in r.get_data(as_text=True)

    processed = "站点,AQI\n新华广场,56\n某某（已脱敏）,48\n".encode()
    assert put_file(staff, ds, processed, filename="空气质量（脱敏）.csv", resource=res_id).status_code == 201
    assert visitor.get(download).status_code == 451  # still suspended until the decision
    assert decide(staff, cid, "process").status_code == 302

    got = visitor.get(download)
    assert got.status_code == 200 and sha(got.data) == sha(processed)
    assert db.session.get(QuarantinedFile, old_sha) is not None
    # the old bytes are never served again, whichever resource points at them
    assert visitor.get(twin_download).status_code == 451
    # ... nor offered on the developer channels: no download address, left out of the dump and the ZIP
    assert visitor.get(f"/api/v1/resources/{twin_res.id}/download").status_code == 451
    meta = visitor.get(f"/api/v1/resources/{twin_res.id}").get_json()
    assert meta["downloadable"] is False and meta["download_url"] is None
    shown = visitor.get("/api/3/action/package_show", query_string={"id": twin.slug}).get_json()["result"]
    assert [r["url"] for r in shown["resources"] if "/download" in r["url"]] == []
    # the package lists read their files as plain rows: the same answer there
    listed = visitor.get("/api/3/action/current_package_list_with_resources").get_json()["result"]
    found = visitor.get("/api/3/action/package_search", query_string={"fq": f"name:{twin.slug}"}).get_json()["result"]
    for package in [p for p in listed if p["name"] == twin.slug] + found["results"]:
        assert [(r["downloadable"], "/download" in r["url"]) for r in package["resources"]] == [(False, False)]
    assert len(found["results"]) == 1 and twin.slug in {p["name"] for p in listed}
    dumped = {e["name"]: e for e in dump_entries(visitor.get("/api/v1/catalog.jsonl.gz"))}
    assert dumped[twin.slug]["resources"] == [] and dumped[ds.slug]["resources"][0]["sha256"] == sha(processed)
    feed = {e["name"]: e for e in dump_entries(visitor.get("/api/v1/catalog.jsonl.gz",
                                                           query_string={"modified_since": since}))}
    assert feed[twin.slug]["deleted"] is False and feed[twin.slug]["resources"] == []  # the twin changed too
    bundle = zipfile.ZipFile(io.BytesIO(visitor.get(f"/agency/{ds.agency.slug}/files.zip").data))
    hashes = {row.split(",")[1] for row in bundle.read("manifest.csv").decode("utf-8-sig").splitlines()[1:]}
    assert old_sha not in hashes and sha(processed) in hashes
    assert all(sha(bundle.read(n)) != old_sha for n in bundle.namelist())
    assert twin_download not in visitor.get(f"/dataset/{twin.slug}.ttl").get_data(as_text=True)
    # and cannot be uploaded again
    r = put_file(staff, ds, CSV, filename="旧版.csv", resource=res_id)
    assert r.status_code == 422 and "不得再次发布" in r.get_json()["error"]["message"]
    # kept for audit: auditors retrieve the quarantined version, the agency does not
    archive = f"/console/datasets/{ds.id}/resources/{res_id}/versions/1/download"
    assert staff.get(archive).status_code == 403
    kept = auditor.get(archive)
    assert kept.status_code == 200 and sha(kept.data) == old_sha
    assert "已隔离" in auditor.get(f"/console/datasets/{ds.id}").get_data(as_text=True)
    history = visitor.get(f"/dataset/{ds.slug}").get_data(as_text=True).split('id="history-heading"')[1]
    assert "处理后重新开放" in history
    assert "依法处理后开放" in user.get("/inbox").get_data(as_text=True)


def test_withdraw_removes_publicly_and_keeps_for_auditors(app, users, catalog):
    ds, res = catalog["ds"], catalog["ds"].resources[0]
    ds_id, res_id, slug, old_sha = ds.id, res.id, ds.slug, res.sha256
    visitor, user, staff, auditor, authority = clients(
        app, None, "user@example.cn", "staff@example.cn", "auditor@example.cn", "authority@example.cn")
    second_user = app.test_client()
    f.data_user("user2@example.cn", "另一用户")
    login(second_user, "user2@example.cn")
    first = complaint_id(complain(user, ds))
    second = complaint_id(complain(second_user, ds, right="privacy"))

    assert decide(staff, first, "withdraw", reason="经核实，数据含未脱敏的个人手机号，予以撤回。").status_code == 302
    assert visitor.get(f"/dataset/{slug}").status_code == 404
    assert visitor.get(f"/dataset/{slug}/resource/{res_id}/download").status_code == 404
    assert f'href="/dataset/{slug}"' not in visitor.get("/dataset?q=空气质量").get_data(as_text=True)
    db.session.expire_all()
    ds = db.session.get(Dataset, ds_id)
    assert ds.state == DatasetState.WITHDRAWN and ds.suspended_at is None
    # the other open complaint ends with the withdrawal, and its complainant is told
    assert db.session.get(Complaint, second).outcome == "withdraw"
    assert "撤回" in second_user.get("/inbox").get_data(as_text=True)
    # auditors still see the entry and its files
    page = auditor.get(f"/console/datasets/{ds_id}").get_data(as_text=True)
    assert ds.title in page and "空气质量.csv" in page
    kept = auditor.get(f"/console/datasets/{ds_id}/resources/{res_id}/versions/1/download")
    assert kept.status_code == 200 and sha(kept.data) == old_sha
    assert authority.get(f"/console/datasets/{ds_id}/resources/{res_id}/versions/1/download").status_code == 200
    assert visitor.get(f"/console/datasets/{ds_id}/resources/{res_id}/versions/1/download").status_code == 302


def test_who_sees_a_complaint(app, users, catalog):
    ds = catalog["ds"]
    user, staff, other_staff, authority, auditor = clients(
        app, "user@example.cn", "staff@example.cn", "staff2@example.cn", "authority@example.cn", "auditor@example.cn")
    from portal.accounts.services import create_staff_user
    from tests.conftest import PASSWORD

    create_staff_user("nosy@example.cn", "旁人", PASSWORD, "data_user")
    (nosy,) = clients(app, "nosy@example.cn")
    cid = complaint_id(complain(user, ds))
    evidence = re.search(r'href="(/complaints/\d+/evidence/\d+)"', user.get(f"/complaints/{cid}").get_data(as_text=True)).group(1)
    assert user.get(evidence).data == PDF
    for c in (staff, authority, auditor):
        assert c.get(f"/complaints/{cid}").status_code == 200
        assert c.get(evidence).status_code == 200
    for c in (nosy, other_staff):
        assert c.get(f"/complaints/{cid}").status_code == 404
        assert c.get(evidence).status_code == 404
    assert ds.title not in nosy.get("/my/cases").get_data(as_text=True)
    assert ds.title in user.get("/my/cases").get_data(as_text=True)
    assert ds.title in staff.get("/console/cases").get_data(as_text=True)
    assert ds.title not in other_staff.get("/console/cases").get_data(as_text=True)
    # only the agency's staff verify and decide; the authority supervises and may only reject an abusive one
    assert post_from(authority, f"/complaints/{cid}", f"/complaints/{cid}/decide",
                     {"outcome": "resume", "reason": REASON}).status_code == 403
    assert decide(other_staff, cid, "resume").status_code == 404
    offered = re.findall(r'name="outcome" value="(\w+)"', authority.get(f"/complaints/{cid}").get_data(as_text=True))
    assert offered == ["reject"]
    offered = re.findall(r'name="outcome" value="(\w+)"', staff.get(f"/complaints/{cid}").get_data(as_text=True))
    assert offered == ["resume", "process", "withdraw", "reject"]
    # the agency was told in its inbox
    assert db.session.query(Message).filter_by(user_id=users["agency_staff"].id, kind="complaint.filed").count() == 1


def test_supervision_shows_complaints_with_configured_due_date(tmp_path):
    app = build_app(tmp_path, COMPLAINT_WORKDAYS=3)
    with app.app_context():
        from portal.accounts.services import create_staff_user
        from tests.conftest import PASSWORD

        ds = f.dataset(slug="air")
        f.csv_resource(ds)
        f.data_user("user@example.cn", "数据用户")
        create_staff_user("authority@example.cn", "数据局", PASSWORD, "authority")
        user, authority = clients(app, "user@example.cn", "authority@example.cn")
        cid = complaint_id(complain(user, ds))
        c = db.session.get(Complaint, cid)
        assert c.due_date == workdays.add_workdays(c.filed_at, 3)
        html = authority.get("/console/supervision").get_data(as_text=True)
        assert "权益申诉" in html and c.due_date.isoformat() in html and ds.title in html
        assert "数据用户" not in html.split('id="supervision"')[1]


def test_complaints_are_rate_limited_per_account(tmp_path):
    app = build_app(tmp_path, RATELIMIT_COMPLAINT="2/day")
    with app.app_context():
        from portal.accounts.services import create_staff_user
        from tests.conftest import PASSWORD

        entries = [f.dataset(f"数据{i}", slug=f"d{i}") for i in range(4)]
        f.data_user("user@example.cn", "数据用户")
        f.data_user("user2@example.cn", "另一用户")
        create_staff_user("authority@example.cn", "数据局", PASSWORD, "authority")
        user, user2, authority = clients(app, "user@example.cn", "user2@example.cn", "authority@example.cn")
        assert complain(user, entries[0], files=[]).status_code == 422  # refused forms do not count
        assert complain(user, entries[0]).status_code == 302
        assert complain(user, entries[1]).status_code == 302
        r = complain(user, entries[2])
        assert r.status_code == 429 and "请求过于频繁" in r.get_data(as_text=True)
        db.session.expire_all()
        assert db.session.get(Dataset, entries[2].id).suspended_at is None
        # the same address, another account: its own budget
        assert complain(user2, entries[2]).status_code == 302
        # the authority sees each account's history
        uid = users_id(app, "user@example.cn")
        cases = authority.get("/console/cases").get_data(as_text=True)
        assert f"/console/complaints/accounts/{uid}" in cases
        history = authority.get(f"/console/complaints/accounts/{uid}").get_data(as_text=True)
        assert "共 2 件申诉" in history and "数据0" in history and "数据1" in history
        assert user.get(f"/console/complaints/accounts/{uid}").status_code == 403


def users_id(app, email):
    from portal.accounts.models import User

    return db.session.query(User).filter_by(email=email).one().id


def test_two_decisions_at_once_one_wins(app, users, catalog):
    from sqlalchemy.orm import Session

    from portal.errors import Conflict
    from portal.feedback import complaints

    ds = catalog["ds"]
    (user,) = clients(app, "user@example.cn")
    cid = complaint_id(complain(user, ds))
    db.session.expire_all()
    mine = db.session.get(Complaint, cid)
    mine.dataset.resources  # loaded, as a request would have them
    other = Session(bind=db.engine)
    theirs = other.get(Complaint, cid)
    theirs.state, theirs.outcome, theirs.decision_reason = "decided", "withdraw", "另一位经办人先作出决定"
    theirs.dataset.state, theirs.dataset.suspended_at = DatasetState.WITHDRAWN, None
    other.commit()
    other.close()
    with pytest.raises(Conflict):
        complaints.decide(mine, "resume", REASON, users["agency_staff"])
    db.session.expire_all()
    assert db.session.get(Complaint, cid).outcome == "withdraw"  # the first decision stands
    assert db.session.get(Dataset, ds.id).state == DatasetState.WITHDRAWN


def test_a_full_reindex_keeps_suspended_entries_out(app, users, catalog):
    from portal.catalog import indexing

    ds = catalog["ds"]
    slug, agency = ds.slug, ds.agency.slug  # a full reindex leaves the session empty
    (user,) = clients(app, "user@example.cn")
    complaint_id(complain(user, ds))
    assert indexing.reindex_all() == 3  # the other open entry, the conditional and the closed one
    html = app.test_client().get("/dataset").get_data(as_text=True)
    assert f'href="/dataset/{slug}"' not in html and facet_count(html, "agency", agency) == 3
