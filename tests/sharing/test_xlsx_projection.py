"""Least privilege for workbooks (SHARING.md §3.3, §4, §5; issue 22): an XLSX file leaves under a grant with only
the agreed data items, every row, the first sheet only; a file whose header holds no agreed item is refused
(409, logged) like a CSV."""
from __future__ import annotations

import io

from openpyxl import load_workbook

from portal.accounts.tokens import create_token
from tests.clock import freeze
from tests.sharing.helpers import ask, last_request
from tests.sharing.tables_helpers import HEADER, add_file, csv_bytes, station_rows, workbook
from tests.sharing.test_grants import share_events


def _grant(as_user, parties, monkeypatch, res, **over):
    freeze(monkeypatch, "2026-10-12")
    r = ask(as_user(parties["b_officer"]), parties, "open", resource_ids=[res.id], **over)
    assert r.status_code == 302, r.get_data(as_text=True)[-1500:]
    return last_request().grant


def _sheets(data: bytes) -> dict[str, list[tuple]]:
    wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)  # a formula would read as None
    try:
        return {ws.title: list(ws.iter_rows(values_only=True)) for ws in wb.worksheets}
    finally:
        wb.close()


def test_s1_xlsx_leaves_with_the_two_agreed_columns_and_every_row(parties, as_user, monkeypatch, app):
    """S1/S5 for a workbook: a grant narrowed to 2 of 4 columns (站点, AQI); downloaded on the site and by API
    token, the workbook holds only those 2 columns and every row, the first sheet only; each use is a `share`
    access event with the grant id."""
    rows = station_rows(130)
    rows[5][0] = "=HYPERLINK(\"http://example.cn\")"  # text that looks like a formula stays text
    res = add_file(parties["open"], workbook(HEADER, rows), "监测.xlsx", "XLSX")
    grant = _grant(as_user, parties, monkeypatch, res, items=["站点", "AQI"], modes=["download", "api"])
    assert grant.items == ["站点", "AQI"]
    expected = [("站点", "AQI")] + [(r[0], r[2]) for r in rows]

    page = as_user(parties["b_staff"]).get(f"/sharing/grants/{grant.id}").get_data(as_text=True)
    assert f'data-resource="{res.id}"' in page and "仅含约定的信息项" in page
    site = as_user(parties["b_staff"]).get(f"/sharing/grants/{grant.id}/files/{res.id}/download")
    assert site.status_code == 200
    assert site.headers["Content-Type"].startswith("application/vnd.openxmlformats")
    assert _sheets(site.get_data()) == {"监测数据": expected}

    token = create_token(parties["b_staff"], "共享", "read", 180)[1]
    api = app.test_client().get(f"/api/v1/sharing/grants/{grant.id}/files/{res.id}/download",
                                headers={"Authorization": f"Bearer {token}"})
    assert api.status_code == 200 and "%E7%AC%AC%E4%B8%89%E6%96%B9" in api.headers["X-Share-Notice"]
    assert _sheets(api.get_data()) == {"监测数据": expected}
    assert [(e.status, e.grant_id, e.resource_id, e.detail.split(":")[0]) for e in share_events(grant.id)] == [
        (200, grant.id, res.id, "download"), (200, grant.id, res.id, "api")]


def test_a_workbook_without_an_agreed_item_is_refused_and_logged(parties, as_user, monkeypatch):
    """A workbook (and a CSV) whose header holds none of the agreed data items is refused with 409 saying so,
    never sent whole; the refusal is a `share` access event with the grant id."""
    other = [["编号", "备注"], [1, "甲"], [2, "乙"]]
    book = add_file(parties["open"], workbook(other[0], other[1:], extra_sheet=False), "其他.xlsx", "XLSX")
    grant = _grant(as_user, parties, monkeypatch, book, items=["站点", "AQI"], modes=["download"])
    r = as_user(parties["b_staff"]).get(f"/sharing/grants/{grant.id}/files/{book.id}/download")
    page = r.get_data(as_text=True)
    assert r.status_code == 409 and "站点、AQI" in page and "编号" not in page
    table = add_file(parties["open"], csv_bytes(other[0], other[1:]), "其他.csv", "CSV")
    grant2 = _grant(as_user, parties, monkeypatch, table, items=["站点", "AQI"], modes=["download"])
    r2 = as_user(parties["b_staff"]).get(f"/sharing/grants/{grant2.id}/files/{table.id}/download")
    assert r2.status_code == 409 and "站点、AQI" in r2.get_data(as_text=True)
    for g, res in ((grant, book), (grant2, table)):
        events = share_events(g.id)
        assert [(e.status, e.resource_id) for e in events] == [(409, res.id)] and "站点、AQI" in events[0].detail


def test_a_workbook_with_only_agreed_columns_leaves_as_stored(parties, as_user, monkeypatch):
    """A workbook whose columns are all agreed is not rewritten: the stored bytes leave as they are."""
    data = workbook(["站点", "AQI"], [["新华广场", 56]], extra_sheet=False)
    res = add_file(parties["open"], data, "两列.xlsx", "XLSX")
    grant = _grant(as_user, parties, monkeypatch, res, items=["站点", "AQI"], modes=["download"])
    r = as_user(parties["b_staff"]).get(f"/sharing/grants/{grant.id}/files/{res.id}/download")
    assert r.status_code == 200 and r.get_data() == data


def test_a_gbk_csv_is_projected_without_losing_a_character(parties, as_user, monkeypatch):
    """A CSV labelled gbk is read as GB18030, its superset; projected, it is written back the same way, so a
    character GBK lacks (𠮷, a four-byte GB18030 character, in a name) leaves intact, not as "?"."""
    rows = station_rows(3)
    rows[1][0] = "𠮷祥街道"
    res = add_file(parties["open"], csv_bytes(HEADER, rows, "gb18030"), "监测gbk.csv", "CSV")
    assert res.encoding == "gbk"
    grant = _grant(as_user, parties, monkeypatch, res, items=["站点", "AQI"], modes=["download"])
    r = as_user(parties["b_staff"]).get(f"/sharing/grants/{grant.id}/files/{res.id}/download")
    assert r.status_code == 200
    assert r.get_data().decode("gb18030").splitlines() == ["站点,AQI"] + [f"{row[0]},{row[2]}" for row in rows]
