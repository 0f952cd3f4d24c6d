"""Online query (在线查询, mode `query`; SHARING.md §3.3, §4, §5): the named users of a grant read the agreed
columns of a granted table page by page, on the site and by API token; everything else is refused and logged."""
from __future__ import annotations

from portal.accounts.tokens import create_token
from tests.clock import freeze
from tests.sharing.helpers import ask, last_request
from tests.sharing.tables_helpers import HEADER, add_file, csv_bytes, station_rows, workbook
from tests.sharing.test_grants import share_events

AGREED = ["站点", "监测时间", "AQI"]


def _grant(as_user, parties, monkeypatch, res, modes=("query",), **over):
    freeze(monkeypatch, "2026-10-12")
    r = ask(as_user(parties["b_officer"]), parties, "open", resource_ids=[res.id], items=AGREED, modes=list(modes),
            **over)
    assert r.status_code == 302, r.get_data(as_text=True)[-1500:]
    return last_request().grant


def _api(app, user, url, **params):
    token = create_token(user, "查询", "read", 180)[1]
    return app.test_client().get(url, query_string=params, headers={"Authorization": f"Bearer {token}"})


def _table(parties, n=130, encoding="utf-8"):
    rows = station_rows(n)
    return rows, add_file(parties["open"], csv_bytes(HEADER, rows, encoding), "监测.csv", "CSV")


def test_s5_query_mode_only_named_users_granted_mode_and_days(parties, as_user, monkeypatch, app):
    """S5 for mode `query`: U1 with mode query 200 (site and API), each 200 logged with the grant id; a grant
    without mode query 403; U2 of B 403; U1 after the end date 403; each 403 logged with the reason."""
    rows, res = _table(parties)
    grant = _grant(as_user, parties, monkeypatch, res)
    page_url = f"/sharing/grants/{grant.id}/resources/{res.id}/query"
    api_url = f"/api/v1{page_url}"
    u1, u2 = parties["b_staff"], parties["b_user2"]

    grant_page = as_user(u1).get(f"/sharing/grants/{grant.id}").get_data(as_text=True)
    assert f'href="{page_url}"' in grant_page
    site = as_user(u1).get(page_url)
    html = site.get_data(as_text=True)
    assert site.status_code == 200 and 'id="share-notice"' in html and "机动车排放执法" in html and "第三方" in html
    assert "13800000000" not in html and "联系人电话" not in html and "新华广场" in html
    api = _api(app, u1, api_url)
    body = api.get_json()
    assert api.status_code == 200 and body["fields"] == AGREED and body["total"] == len(rows)
    assert body["purpose"] == "机动车排放执法" and "第三方" in body["notice"]

    other = _api(app, u2, api_url)
    assert other.status_code == 403 and "用数人员" in other.get_json()["error"]["message"]
    assert as_user(u2).get(page_url).status_code == 403

    download_only = _grant(as_user, parties, monkeypatch, res, modes=("download",))
    refused = _api(app, u1, f"/api/v1/sharing/grants/{download_only.id}/resources/{res.id}/query")
    assert refused.status_code == 403 and "仅允许 download" in refused.get_json()["error"]["message"]

    freeze(monkeypatch, "2027-01-01")
    late = _api(app, u1, api_url)
    assert late.status_code == 403 and "2026-12-31" in late.get_json()["error"]["message"]

    events = share_events(grant.id)
    assert [(e.status, e.user_id, e.resource_id) for e in events] == [
        (200, u1.id, res.id), (200, u1.id, res.id), (403, u2.id, res.id), (403, u2.id, res.id), (403, u1.id, res.id)]
    assert all(e.detail.startswith("query") for e in events)
    assert [(e.status, e.detail.split(":")[0]) for e in share_events(download_only.id)] == [(403, "query")]


def test_filters_and_paging_match_the_files_rows(parties, as_user, monkeypatch, app):
    """Equality and "contains" filters on agreed columns, chosen columns in the order asked, 50 rows a page:
    each answer equals what the test computes from the file's rows."""
    rows, res = _table(parties, n=175)
    grant = _grant(as_user, parties, monkeypatch, res)
    url = f"/api/v1/sharing/grants/{grant.id}/resources/{res.id}/query"
    u1 = parties["b_staff"]

    everything = [dict(zip(AGREED, (r[0], r[1], str(r[2])))) for r in rows]
    for page in (1, 4):
        body = _api(app, u1, url, page=page).get_json()
        assert body["total"] == 175 and body["pages"] == 4 and body["page"] == page
        assert body["records"] == everything[(page - 1) * 50:page * 50]

    ruyi = [{"AQI": str(r[2]), "站点": r[0]} for r in rows if r[0] == "如意区"]
    body = _api(app, u1, url, columns=["AQI", "站点"], filter_column="站点", filter_op="eq", filter_value="如意区",
                page=2).get_json()
    assert body["fields"] == ["AQI", "站点"] and body["total"] == len(ruyi) == 58
    assert body["records"] == ruyi[50:100] and body["pages"] == 2

    both = [r for r in rows if "区" in r[0] and r[1].endswith("-01")]
    body = _api(app, u1, url, filter_column=["站点", "监测时间"], filter_op=["contains", "contains"],
                filter_value=["区", "-01"]).get_json()
    assert body["total"] == len(both) and [rec["AQI"] for rec in body["records"]] == [str(r[2]) for r in both[:50]]

    page = as_user(u1).get(url.removeprefix("/api/v1"), query_string={"filter_column": "站点", "filter_op": "eq",
                                                                       "filter_value": "如意区", "page": "2"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'id="query-pages"' in html and "filter_value=%E5%A6%82%E6%84%8F%E5%8C%BA" in html
    assert html.count("<td>如意区</td>") == 8 and "<td>新华广场</td>" not in html
    assert [e.status for e in share_events(grant.id)] == [200] * 5


def test_bad_input_is_refused_naming_the_field(parties, as_user, monkeypatch, app):
    """Page 0, a column the file lacks, a column not agreed (shown or filtered on): 422 naming the field and
    the column; each refusal is logged with the grant id."""
    _rows, res = _table(parties, n=10)
    grant = _grant(as_user, parties, monkeypatch, res)
    url = f"/api/v1/sharing/grants/{grant.id}/resources/{res.id}/query"
    u1 = parties["b_staff"]
    cases = [({"page": 0}, "page", ""), ({"columns": "车牌"}, "columns", "车牌"),
             ({"columns": "联系人电话"}, "columns", "联系人电话"),
             ({"filter_column": "联系人电话", "filter_value": "138"}, "filter_column", "联系人电话"),
             ({"filter_column": "站点", "filter_op": "like"}, "filter_op", "")]
    for params, field, word in cases:
        r = _api(app, u1, url, **params)
        details = r.get_json()["error"]["details"]
        assert r.status_code == 422 and field in details and word in str(details[field]), (params, details)
    agreed = _api(app, u1, url, columns="联系人电话").get_json()["error"]["details"]["columns"]
    assert "约定" in agreed
    site = as_user(u1).get(url.removeprefix("/api/v1"), query_string={"columns": "联系人电话"})
    assert site.status_code == 422 and 'data-error="columns"' in site.get_data(as_text=True)
    assert [e.status for e in share_events(grant.id)] == [422] * 7


def test_query_reads_a_gbk_csv_and_an_xlsx(parties, as_user, monkeypatch, app):
    """The portal's readers: a GBK CSV and a workbook's first sheet answer the same query alike."""
    rows = station_rows(60)
    gbk = add_file(parties["open"], csv_bytes(HEADER, rows, "gbk"), "监测gbk.csv", "CSV")
    book = add_file(parties["open"], workbook(HEADER, rows), "监测.xlsx", "XLSX")
    expected = [str(r[2]) for r in rows if r[0] == "赛罕区"]
    for res in (gbk, book):
        grant = _grant(as_user, parties, monkeypatch, res)
        body = _api(app, parties["b_staff"], f"/api/v1/sharing/grants/{grant.id}/resources/{res.id}/query",
                    columns="AQI", filter_column="站点", filter_value="赛罕区").get_json()
        assert body["fields"] == ["AQI"] and body["total"] == 20
        assert [rec["AQI"] for rec in body["records"]] == expected


def test_the_openapi_document_declares_the_query(app):
    """The query endpoint, its parameters and its answer are in the OpenAPI document."""
    doc = app.test_client().get("/api/v1/openapi.json").get_json()
    op = doc["paths"]["/api/v1/sharing/grants/{grant_id}/resources/{resource_id}/query"]["get"]
    names = {p["name"] for p in op["parameters"]}
    assert {"columns", "filter_column", "filter_op", "filter_value", "page"} <= names
    assert {"403", "422"} <= set(op["responses"])
