"""The quality score per entry (issue 23, "A quality score per entry"), through HTTP: each criterion flips when
the entry changes, the entry page shows the score and what would raise it, the API gives the same score, the
agency's to-do list orders its own entries by score, and a file the portal cannot read fails "files that parse".
"""
from __future__ import annotations

import re
from datetime import datetime

import pytest

from portal.catalog.models import Dataset
from portal.extensions import db
from portal.storage import storage
from tests import factories as f
from tests.catalog.test_console import ENTRY, create, put_file
from tests.clock import freeze
from tests.conftest import login, post_form

LONG = "全市公共充电桩的位置、功率与运营单位，按月汇总各充电站的桩数、额定功率、收费标准和开放时间，供出行与规划参考。"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def panel(html: str) -> dict[str, str]:
    """criterion key -> met | unmet | na, as the quality panel marks them."""
    return dict(re.findall(r'data-criterion="(\w+)" data-mark="(\w+)"', html))


def score(html: str) -> int:
    return int(re.search(r'id="quality-score" data-score="(\d+)"', html).group(1))


@pytest.fixture()
def staff(app, users, client):
    f.theme("城建住房", slug="housing")
    db.session.commit()
    login(client, "staff@example.cn")
    return users["agency_staff"]


def _draft(client, **changes) -> Dataset:
    assert create(client, **changes).status_code == 302
    return db.session.query(Dataset).filter_by(code=ENTRY["code"]).one()


def _console(client, ds) -> str:
    r = client.get(f"/console/datasets/{ds.id}")
    assert r.status_code == 200
    return r.get_data(as_text=True)


def _edit(client, ds, **changes):
    data = {**ENTRY, "theme": "housing", **changes}
    r = post_form(client, f"/console/datasets/{ds.id}/edit", data)
    assert r.status_code == 302, r.get_data(as_text=True)[-1500:]


@pytest.mark.parametrize("criterion,before,after", [
    ("description", {"summary": "充电桩分布。"}, {"summary": LONG}),
    ("data_items", {}, {"items-0-description": "充电站的登记名称"}),
    ("licence", {"licence_id": ""}, {"licence_id": "nmg-open-data-1.0"}),
    ("contact", {}, {"contact_point": "数据科 0471-1234567"}),
    ("coverage", {}, {"temporal_start": "2024-01-01"}),
])
def test_each_metadata_criterion_flips_when_the_entry_changes(staff, client, criterion, before, after):
    ds = _draft(client, **before)
    page = _console(client, ds)
    assert panel(page)[criterion] == "unmet"
    low = score(page)
    _edit(client, ds, **{**before, **after})
    page = _console(client, ds)
    assert panel(page)[criterion] == "met"
    assert score(page) > low


def test_contact_is_the_agency_contact_until_the_entry_names_one(staff, client):
    ds = _draft(client)
    assert panel(_console(client, ds))["contact"] == "unmet"
    ds.agency.contact = "0471-6660000"
    db.session.commit()
    assert panel(_console(client, ds))["contact"] == "met"


def test_formats_and_files_flip_with_the_uploads(staff, client):
    ds = _draft(client)
    marks = panel(_console(client, ds))
    assert (marks["open_format"], marks["machine_readable"], marks["files_parse"]) == ("unmet", "unmet", "unmet")
    assert "开放数据的条目至少需要一个文件" in _console(client, ds)
    assert put_file(client, ds, PDF, filename="分布图.pdf", fmt="PDF").status_code == 201
    marks = panel(_console(client, ds))
    assert (marks["open_format"], marks["machine_readable"], marks["files_parse"]) == ("unmet", "unmet", "met")
    low = score(_console(client, ds))
    assert put_file(client, ds, "充电站名称,功率\n赛罕区充电站,120\n".encode()).status_code == 201
    page = _console(client, ds)
    assert (panel(page)["open_format"], panel(page)["machine_readable"]) == ("met", "met")
    assert score(page) > low


def test_update_on_time_against_the_declared_frequency(app, users, client, monkeypatch):
    ds = f.dataset(update_frequency="monthly", agency_obj=f.agency("呼和浩特市生态环境局"))
    f.csv_resource(ds)  # the upload stamps the data as updated now: set it back to January
    ds.data_updated_at = datetime(2026, 1, 5)
    db.session.commit()
    login(client, "staff@example.cn")  # the console page is the agency's, rendered on every request
    freeze(monkeypatch, "2026-01-20")
    assert panel(_console(client, ds))["on_time"] == "met"
    freeze(monkeypatch, "2026-03-02")
    page = _console(client, ds)
    assert panel(page)["on_time"] == "unmet"
    assert "按声明的更新频率上传新数据" in page
    low = score(page)
    assert put_file(client, ds, "站点,AQI\n新华广场,61\n".encode(), filename="空气质量.csv",
                    resource=ds.resources[0].id).status_code == 201  # new data arrives: on time again
    page = _console(client, ds)
    assert panel(page)["on_time"] == "met" and score(page) > low


def test_a_file_that_cannot_be_parsed_fails_files_that_parse(app, client):
    ds = f.dataset(items=("站点", "AQI"))
    res = f.csv_resource(ds)
    good = f.dataset(title="包头市空气质量", slug="bt-aqi", code="15000000000/99999")
    f.csv_resource(good, content="站点,AQI\n昆区,48\n")  # other bytes: storage is content-addressed
    # the bytes on disk no longer read as the CSV they were (damaged, or stored before the upload checks)
    path = storage().path(res.storage_key)
    path.chmod(0o644)
    path.write_bytes(b"\xff\xfe\xfa\x00\x81broken")
    page = client.get(f"/dataset/{ds.slug}").get_data(as_text=True)
    assert panel(page)["files_parse"] == "unmet"
    assert "替换平台无法读取的文件" in page
    assert panel(client.get("/dataset/bt-aqi").get_data(as_text=True))["files_parse"] == "met"
    api = client.get(f"/api/v1/datasets/{ds.slug}").get_json()["quality"]
    assert {c["key"]: c["met"] for c in api["criteria"]}["files_parse"] is False


def test_entry_page_shows_the_score_each_criterion_and_the_hints(app, client):
    ds = f.dataset(summary="空气质量。")
    f.csv_resource(ds)
    html = client.get(f"/dataset/{ds.slug}").get_data(as_text=True)
    assert 'id="quality-heading"' in html and "元数据质量" in html
    marks = panel(html)
    assert len(marks) == 9 and marks["description"] == "unmet" and marks["open_format"] == "met"
    assert "改进建议：" in html
    assert "填写不少于 40 个字的摘要" in html
    assert "<script" not in html.split('id="quality"')[1].split("</section>")[0]  # no script needed


def test_the_api_gives_the_same_score_as_the_page_and_documents_it(app, client):
    ds = f.dataset(summary=LONG, items=("站点",))
    f.csv_resource(ds)
    html = client.get(f"/dataset/{ds.slug}").get_data(as_text=True)
    body = client.get(f"/api/v1/datasets/{ds.slug}").get_json()
    assert body["quality"]["score"] == score(html)
    assert {c["key"]: ("na" if c["met"] is None else "met" if c["met"] else "unmet")
            for c in body["quality"]["criteria"]} == panel(html)
    assert sum(c["weight"] for c in body["quality"]["criteria"]) == 100
    unmet = [c for c in body["quality"]["criteria"] if c["met"] is False]
    assert unmet and all(c["hint"] for c in unmet)
    spec = client.get("/api/v1/openapi.json").get_json()
    schemas = spec["components"]["schemas"]
    assert "quality" in schemas["DatasetOut"]["properties"]
    assert {"score", "criteria"} <= set(schemas["QualityOut"]["properties"])


def test_a_closed_entry_is_scored_on_the_criteria_that_apply(app, client):
    ds = f.dataset(open_type="closed", summary=LONG)
    html = client.get(f"/dataset/{ds.slug}").get_data(as_text=True)
    marks = panel(html)
    assert marks["open_format"] == marks["machine_readable"] == marks["files_parse"] == "na"
    body = client.get(f"/api/v1/datasets/{ds.slug}").get_json()["quality"]
    applicable = [c for c in body["criteria"] if c["met"] is not None]
    assert body["score"] == round(100 * sum(c["weight"] for c in applicable if c["met"])
                                  / sum(c["weight"] for c in applicable))


def test_agency_todo_list_orders_own_entries_by_score_with_fixes_and_edit_links(app, users, client):
    own = f.agency("呼和浩特市生态环境局")
    other = f.agency("包头市生态环境局")
    poor = f.dataset("呼和浩特市噪声监测", summary="噪声。", agency_obj=own, slug="hhht-noise")
    good = f.dataset("呼和浩特市空气质量", summary=LONG, agency_obj=own, slug="hhht-aqi", items=("站点",),
                     temporal_start=datetime(2024, 1, 1).date(), contact_point="监测科 0471-1234567")
    good.items[0].description = "监测站点名称"
    db.session.commit()
    f.csv_resource(good)
    middle = f.dataset("呼和浩特市水质监测", summary=LONG, agency_obj=own, slug="hhht-water")
    f.dataset("包头市空气质量", summary="空气。", agency_obj=other, slug="bt-aqi", code="15020000000/00001")
    login(client, "staff@example.cn")
    r = client.get("/console/quality")
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    rows = re.findall(r'<tr data-entry="([\w-]+)" data-score="(\d+)">', html)
    assert [slug for slug, _ in rows] == ["hhht-noise", "hhht-water", "hhht-aqi"]
    scores = [int(s) for _, s in rows]
    assert scores == sorted(scores) and scores[0] < scores[-1]
    assert "bt-aqi" not in html and "包头市空气质量" not in html
    for ds in (poor, middle, good):
        assert f'href="/console/datasets/{ds.id}/edit"' in html
    assert "填写不少于 40 个字的摘要" in html
    average = round(sum(scores) / 3, 1)
    assert f"{average} / 100" in html
    assert 'id="quality-link"' in client.get("/console/").get_data(as_text=True)


def test_the_todo_list_is_for_agency_staff(app, users, client):
    login(client, "user@example.cn")
    assert client.get("/console/quality").status_code in (302, 403)
