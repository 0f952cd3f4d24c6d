"""Derived tables through HTTP: every input form, the Chinese date and number forms, overrides, errors naming
row and column, the zip bomb, wide files, the profile on the entry page and in the API, the data-item checks,
and a suspended entry."""
from __future__ import annotations

import io
import json
import zipfile

import duckdb
import pytest
from openpyxl import Workbook

from portal.catalog.models import Resource
from portal.extensions import db
from portal.tables import services as tables
from portal.tables.models import DerivedTable
from tests import factories as f
from tests.conftest import login, post_form
from tests.feedback.helpers import complain, complaint_id, decide

CSV = ("编号,日期,金额,是否开放,名称,时间,数量\n"
       "1,2024年3月1日,\"1,234.5\",是,张三,2024-03-01 08:30,１２３\n"
       "2,2024/3/2,12.25,否,李四,2024/3/2 9:05:01,４５\n"
       "3,2024-03-03,,是,,2024年3月3日 8时30分,6\n")


def upload(client, ds, body: bytes, token, filename="数据.csv", fmt="CSV", resource=None):
    url = f"/api/v1/datasets/{ds.id}/resources" + (f"/{resource}" if resource else "")
    r = client.put(url, query_string={"filename": filename, "format": fmt}, data=body,
                   headers={"Authorization": f"Bearer {token}"}, content_type="application/octet-stream")
    assert r.status_code == 201, r.get_json()
    return r.get_json()["resource"]["id"]


def table_api(client, rid, token=None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.get(f"/api/v1/resources/{rid}/table", headers=headers)


def rows_of(rid) -> list[tuple]:
    res = db.session.get(Resource, rid)
    return duckdb.sql(f"SELECT * FROM read_parquet('{tables.parquet_path(tables.current_table(res))}')").fetchall()


def types_of(body) -> dict[str, str]:
    return {c["name"]: c["type"] for c in body["columns"]}


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_in_utf8_bom_and_gbk_read_with_chinese_forms(setup, client, encoding):
    ds, tokens = setup
    rid = upload(client, ds, CSV.encode(encoding), tokens["rw"])
    r = table_api(client, rid)
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["state"] == "done" and body["row_count"] == 3
    assert types_of(body) == {"编号": "integer", "日期": "date", "金额": "decimal", "是否开放": "boolean",
                              "名称": "text", "时间": "datetime", "数量": "integer"}
    from datetime import date, datetime
    rows = rows_of(rid)
    assert [r[1] for r in rows] == [date(2024, 3, 1), date(2024, 3, 2), date(2024, 3, 3)]
    assert [r[2] for r in rows] == [1234.5, 12.25, None]
    assert [r[3] for r in rows] == [True, False, True]
    assert [r[5] for r in rows] == [datetime(2024, 3, 1, 8, 30), datetime(2024, 3, 2, 9, 5, 1),
                                    datetime(2024, 3, 3, 8, 30)]
    assert [r[6] for r in rows] == [123, 45, 6]  # 全角 digits


def test_xlsx_first_sheet_and_json_array(setup, client):
    ds, tokens = setup
    wb = Workbook()
    ws = wb.active
    ws.append(["站点", "日期", "AQI"])
    from datetime import datetime
    ws.append(["新华广场", datetime(2024, 3, 1), 56])
    ws.append(["如意河", "2024年3月2日", 61])
    wb.create_sheet("其他").append(["x"])
    buf = io.BytesIO()
    wb.save(buf)
    rid = upload(client, ds, buf.getvalue(), tokens["rw"], filename="aqi.xlsx", fmt="XLSX")
    body = table_api(client, rid).get_json()
    assert types_of(body) == {"站点": "text", "日期": "date", "AQI": "integer"} and body["row_count"] == 2
    records = [{"站点": "新华广场", "AQI": "56", "开放": "是"}, {"站点": "如意河", "AQI": 61, "开放": "否", "备注": "x"}]
    rid = upload(client, ds, json.dumps(records, ensure_ascii=False).encode(), tokens["rw"], filename="aqi.json",
                 fmt="JSON")
    body = table_api(client, rid).get_json()
    assert types_of(body) == {"站点": "text", "AQI": "integer", "开放": "boolean", "备注": "text"}
    assert rows_of(rid)[1] == ("如意河", 61, False, "x")


def test_mixed_and_empty_columns_and_leading_zeros(setup, client):
    ds, tokens = setup
    lines = ["代码,值,空列,邮编"] + [f"{i},{i},,010{i % 10}" for i in range(60_000)] + ["60000,不详,,0100"]
    rid = upload(client, ds, ("\n".join(lines) + "\n").encode(), tokens["rw"])
    body = table_api(client, rid).get_json()
    cols = {c["name"]: c for c in body["columns"]}
    # the sample saw only numbers in 值; the cell after it makes the column text (mixed types), nothing lost
    assert cols["值"]["type"] == "text" and cols["值"]["mixed"] is True
    assert cols["代码"]["type"] == "integer" and cols["空列"]["type"] == "text" and cols["邮编"]["type"] == "text"
    profile = {p["name"]: p for p in body["profile"]}
    assert profile["空列"]["empty"] == 60_001 and profile["空列"]["distinct"] == 0
    assert rows_of(rid)[-1] == (60000, "不详", None, "0100")


def test_agency_overrides_a_type_and_a_bad_cell_names_row_and_column(setup, client, users):
    ds, tokens = setup
    rid = upload(client, ds, "编号,编码\n1,11\n2,12\n3,x3\n".encode(), tokens["rw"])
    assert types_of(table_api(client, rid).get_json())["编号"] == "integer"
    # the console form: 编号 as text
    login(client, "staff@example.cn")
    page = f"/console/datasets/{ds.id}/resources/{rid}/table"
    r = post_form(client, page, {"type:编号": "text", "type:编码": ""})
    assert r.status_code == 302
    assert types_of(table_api(client, rid).get_json())["编号"] == "text"
    # the API: 编码 as integer, which row 3 breaks
    r = client.post(f"/api/v1/resources/{rid}/column-types", json={"types": {"编码": "integer"}},
                    headers={"Authorization": f"Bearer {tokens['rw']}"})
    assert r.status_code == 201 and r.get_json()["state"] == "pending"
    table = db.session.get(DerivedTable, tables.current_table(db.session.get(Resource, rid)).id)
    db.session.refresh(table)
    assert table.state == "failed" and table.error_row == 3 and table.error_column == "编码"
    html = client.get(page).get_data(as_text=True)
    assert "x3" in html and "编码" in html and 'id="table-error"' in html
    assert table_api(client, rid).status_code == 404  # no copy is served from a failed derivation
    # a bad type and an unknown column are refused by the schema, naming the field
    r = client.post(f"/api/v1/resources/{rid}/column-types", json={"types": {"编码": "money"}},
                    headers={"Authorization": f"Bearer {tokens['rw']}"})
    assert r.status_code == 422 and "types" in r.get_json()["error"]["details"]
    r = client.post(f"/api/v1/resources/{rid}/column-types", json={"types": {"无此列": "text"}},
                    headers={"Authorization": f"Bearer {tokens['rw']}"})
    assert r.status_code == 422 and "无此列" in r.get_json()["error"]["message"]
    # back to inference: done again
    r = client.post(f"/api/v1/resources/{rid}/column-types", json={"types": {"编码": ""}},
                    headers={"Authorization": f"Bearer {tokens['rw']}"})
    assert table_api(client, rid).get_json()["state"] == "done"


def test_a_malformed_row_is_named_and_leaves_no_copy(setup, client, users):
    ds, tokens = setup
    rid = upload(client, ds, "站点,AQI\n新华广场,56\n如意河,61,多余\n".encode(), tokens["rw"])
    table = tables.current_table(db.session.get(Resource, rid))
    assert table.state == "failed" and table.error_row == 2 and table.storage_key == ""
    login(client, "staff@example.cn")
    html = client.get(f"/console/datasets/{ds.id}/resources/{rid}/table").get_data(as_text=True)
    assert "Row 2" in html or "第 2" in html or "2 行" in html


def test_a_zip_bomb_disguised_as_xlsx_is_refused(setup, client, app):
    ds, tokens = setup
    res = f.csv_resource(ds, "a\n1\n")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"0" * (300 * 1024 ** 2))  # 300 MB of zeros, a few hundred KB packed
    # stored as is (the upload's own check is another layer): the derivation refuses it before inflating
    from portal.catalog.files import add_file_resource
    import portal.catalog.files as files
    saved = files.inspect_file
    files.inspect_file = lambda path, fmt: files.FileInfo()
    try:
        bomb = add_file_resource(ds, io.BytesIO(buf.getvalue()), name="bomb", filename="bomb.xlsx", fmt="XLSX")
        db.session.commit()
    finally:
        files.inspect_file = saved
    tables.derive_pending()
    table = tables.current_table(bomb)
    assert table.state == "failed" and "ZIP" in table.error.upper() and table.storage_key == ""
    assert res.id  # the other file is untouched


def test_ten_thousand_columns_are_refused_clearly(setup, client):
    ds, tokens = setup
    header = ",".join(f"c{i}" for i in range(10_000))
    rid = upload(client, ds, (header + "\n" + ",".join("1" * 10_000) + "\n").encode(), tokens["rw"])
    table = tables.current_table(db.session.get(Resource, rid))
    assert table.state == "failed" and "10000" in table.error and "2000" in table.error


def test_profile_on_the_entry_page_and_in_the_api(setup, client):
    ds, tokens = setup
    rid = upload(client, ds, CSV.encode(), tokens["rw"])
    body = table_api(client, rid).get_json()
    amount = next(p for p in body["profile"] if p["name"] == "金额")
    assert amount == {**amount, "type": "decimal", "rows": 3, "empty": 1, "distinct": 2, "min": 12.25,
                      "max": 1234.5}
    assert len(amount["histogram"]) == 10 and sum(b["count"] for b in amount["histogram"]) == 2
    dates = next(p for p in body["profile"] if p["name"] == "日期")
    assert dates["min"] == "2024-03-01" and dates["histogram"][0]["from"] == "2024-03-01"
    assert next(p for p in body["profile"] if p["name"] == "是否开放")["top"][0] == {"value": True, "count": 2}
    html = client.get(f"/dataset/{ds.slug}").get_data(as_text=True)
    assert f'id="profile-{rid}"' in html and "<th scope=\"row\">金额</th>" in html and "1234.5" in html
    spec = client.get("/api/v1/openapi.json").get_json()
    assert "/api/v1/resources/{resource_id}/table" in spec["paths"]
    assert "/api/v1/resources/{resource_id}/column-types" in spec["paths"]


def test_columns_checked_against_declared_data_items(setup, client):
    ds, tokens = setup
    ds.items[1].type = "数值型"  # 日期 declared a number
    db.session.commit()
    rid = upload(client, ds, CSV.encode(), tokens["rw"])
    login(client, "staff@example.cn")
    html = client.get(f"/console/datasets/{ds.id}/resources/{rid}/table").get_data(as_text=True)
    assert 'class="check-missing"' in html and "站点" in html  # declared, not in the file
    assert 'class="check-extra"' in html and "金额" in html     # in the file, not declared
    assert 'class="check-type"' in html and "日期" in html      # declared a number, holds dates


def test_a_new_version_gets_its_own_table_and_the_old_keeps_its_copy(setup, client):
    ds, tokens = setup
    rid = upload(client, ds, "a\n1\n".encode(), tokens["rw"])
    first = tables.current_table(db.session.get(Resource, rid))
    upload(client, ds, "a,b\n1,2024年1月1日\n".encode(), tokens["rw"], resource=rid)
    res = db.session.get(Resource, rid)
    second = tables.current_table(res)
    assert (first.version, second.version) == (1, 2) and first.state == second.state == "done"
    assert first.storage_key and first.storage_key != second.storage_key
    assert tables.parquet_path(first).exists()


def test_a_complaint_suspends_the_profile_and_resuming_brings_it_back(setup, client, app):
    """A rights complaint filed through the site suspends the table API and the profile on the entry page in
    the same transaction as the file (451 on the next request); the agency's resume brings back the same answer."""
    ds, tokens = setup
    rid = upload(client, ds, CSV.encode(), tokens["rw"])
    before = table_api(client, rid)
    assert before.status_code == 200
    assert f'id="profile-{rid}"' in client.get(f"/dataset/{ds.slug}").get_data(as_text=True)

    complainant, staff = app.test_client(), app.test_client()
    login(complainant, "user@example.cn")
    login(staff, "staff@example.cn")
    cid = complaint_id(complain(complainant, ds, resources=[rid]))
    for c in (client, complainant, staff):
        assert table_api(c, rid).status_code == 451
    assert table_api(client, rid, tokens["rw"]).status_code == 451
    assert f'id="profile-{rid}"' not in client.get(f"/dataset/{ds.slug}").get_data(as_text=True)

    assert decide(staff, cid, "resume").status_code == 302
    after = table_api(client, rid)
    assert after.status_code == 200 and after.get_json() == before.get_json()
    assert f'id="profile-{rid}"' in client.get(f"/dataset/{ds.slug}").get_data(as_text=True)


def test_conditional_data_profile_only_for_those_who_may_read_it(app, users, client):
    ds = f.dataset("企业名录", agency_obj=users["agency_staff"].agency, open_type="conditional")
    res = f.csv_resource(ds, "企业,注册资本\n甲,100\n")
    tables.derive_pending()
    assert tables.current_table(res).state == "done"
    assert table_api(client, res.id).status_code in (401, 403)
    login(client, "user@example.cn")
    assert f'id="profile-{res.id}"' not in client.get(f"/dataset/{ds.slug}").get_data(as_text=True)


def test_cli_derives_one_or_all(setup, client, app):
    ds, tokens = setup
    rid = upload(client, ds, CSV.encode(), tokens["rw"])
    runner = app.test_cli_runner()
    r = runner.invoke(args=["portal", "derive", "--resource", rid])
    assert r.exit_code == 0 and f"{rid} v1: done (3 rows)" in r.output
    r = runner.invoke(args=["portal", "derive", "--all"])
    assert r.exit_code == 0 and "done" in r.output
