"""Every request to a traced path leaves its access event with who, what and the status (R2018 §24,
portal/audit/access.py); secrets in addresses are redacted; a row that cannot be written is an error the
operator sees and a count on the access log page. Tested through HTTP."""
from __future__ import annotations

import logging

import pytest
from sqlalchemy import event, func, select

from portal.accounts.tokens import PREFIX, create_token
from portal.audit import access
from portal.audit.models import AccessEvent
from portal.catalog.models import OpenType
from portal.extensions import db
from portal.redact import REDACTED, redact_query, redact_target
from portal.side_db import side_connections
from tests import factories as f
from tests.conftest import login


def _rows(**where) -> list[AccessEvent]:
    db.session.expire_all()
    return list(db.session.scalars(select(AccessEvent).filter_by(**where).order_by(AccessEvent.id)))


def _only(**where) -> AccessEvent:
    rows = _rows(**where)
    assert len(rows) == 1, [(r.kind, r.method, r.path, r.status) for r in rows]
    return rows[0]


def _bearer(raw: str) -> dict:
    return {"Authorization": f"Bearer {raw}"}


# ---- the rule ------------------------------------------------------------------------------------
@pytest.mark.parametrize("path, kind", [
    ("/api/v1/datasets", "api"), ("/api/3/action/package_search", "api"), ("/api/action/package_show", "api"),
    ("/api/v1/catalog.jsonl.gz", "api"), ("/api/v1/resources/x/download", "api"),
    ("/dataset/hhht-air/resource/r1/download", "download"), ("/agency/hhht-sthjj/files.zip", "download"),
    ("/theme/environment/files.zip", "download"), ("/catalog.ttl", "download"),
    ("/console/datasets/d1/resources/r1/versions/2/download", "download"),
    ("/applications/3/attachments/4", "download"), ("/complaints/3/evidence/4", "download"),
    ("/corrections/3/attachment/4", "download"), ("/reports/3/evidence/4", "download"),
    ("/dataset/hhht-air/resource/r1", "preview"),
    ("/console/", "page"), ("/console/access", "page"), ("/console/access.csv", "page"), ("/review/", "page"),
    ("/account", "page"), ("/account/tokens", "page"), ("/applications", "page"), ("/applications/3", "page"),
    ("/inbox", "page"), ("/my/cases", "page"), ("/complaints/3", "page"), ("/reports/new", "page"),
    ("/grants/3/reports", "page"), ("/users/3/access-block", "page"), ("/access-blocks/3/lift", "page"),
    ("/dataset/hhht-air/apply", "page"), ("/dataset/hhht-air/complaint", "page"),
    ("/dataset/hhht-air/corrections/new", "page"),
    ("/", None), ("/dataset", None), ("/dataset/hhht-air", None), ("/dataset/hhht-air.ttl", None),
    ("/dataset/hhht-air/corrections", None), ("/dataset/hhht-air/decisions", None), ("/agency", None),
    ("/agency/hhht-sthjj", None), ("/plans/2026", None), ("/negative-list", None), ("/developers", None),
    ("/login", None), ("/register", None), ("/lang/en", None), ("/static/css/site.css", None),
    ("/licence", None), ("/decisions", None), ("/consoles", None), ("/accounts", None),
])
def test_one_rule_says_which_requests_are_traced(path, kind):
    assert access.access_kind(path) == kind


# ---- each traced request leaves its row ------------------------------------------------------------
def test_a_refused_token_download_leaves_its_api_row(app, users, client):
    ds = f.dataset("呼和浩特市企业用电数据", open_type=OpenType.CONDITIONAL)
    res = f.csv_resource(ds)
    user = users["data_user"]
    raw = create_token(user, "脚本", "read", 30)[1]
    r = client.get(f"/api/v1/resources/{res.id}/download", headers=_bearer(raw))
    assert r.status_code == 403
    api = _only(kind="api")
    assert (api.user_id, api.method, api.path, api.status) == (user.id, "GET", f"/api/v1/resources/{res.id}/download", 403)
    assert api.detail == f"GET /api/v1/resources/{res.id}/download" and api.resource_id == res.id
    refused = _only(kind="download")  # the refusal with its reason, as before
    assert (refused.user_id, refused.status, refused.method, refused.path) == (user.id, 403, "GET", api.path)


def test_an_api_upload_leaves_its_api_row(app, users, client):
    staff = users["agency_staff"]
    ds = f.dataset("呼和浩特市空气质量实时监测数据", agency_obj=staff.agency, items=("站点", "AQI"))
    raw = create_token(staff, "rw", "read_write", 30)[1]
    r = client.put(f"/api/v1/datasets/{ds.id}/resources", query_string={"filename": "aqi.csv", "format": "CSV"},
                   data="站点,AQI\n新华广场,56\n".encode(), headers=_bearer(raw),
                   content_type="application/octet-stream")
    assert r.status_code == 201, r.get_json()
    api = _only(kind="api")
    assert (api.user_id, api.method, api.path, api.status) == (
        staff.id, "PUT", f"/api/v1/datasets/{ds.id}/resources?filename=aqi.csv&format=CSV", 201)
    assert api.dataset_id == ds.id


def test_a_ckan_api_call_leaves_its_api_row(app, users, client):
    f.dataset("呼和浩特市空气质量监测数据")
    user = users["data_user"]
    raw = create_token(user, "ckanapi", "read", 30)[1]
    r = client.post("/api/3/action/package_search", json={"q": "空气质量"}, headers={"Authorization": raw})
    assert r.status_code == 200 and r.get_json()["result"]["count"] == 1
    api = _only(kind="api")
    assert (api.user_id, api.method, api.path, api.status) == (user.id, "POST", "/api/3/action/package_search", 200)


def test_a_console_page_refused_to_the_wrong_role_leaves_its_row(app, users, client):
    user = users["data_user"]
    login(client, user.email)
    assert client.get("/console/access?user=admin@example.cn").status_code == 403
    page = _only(kind="page")
    assert (page.user_id, page.method, page.path, page.status) == (user.id, "GET", "/console/access?user=admin@example.cn", 403)
    # and without an account: sent to log in, traced as well
    assert app.test_client().get("/console/").status_code == 302
    assert [(r.user_id, r.path, r.status) for r in _rows(kind="page")][1:] == [(None, "/console/", 302)]


def test_a_form_refused_for_its_csrf_token_leaves_its_row(app, users, client):
    user = users["data_user"]
    login(client, user.email)
    assert client.post("/account/tokens", data={"name": "x", "scope": "read", "days": "30"}).status_code == 400
    page = _only(kind="page")
    assert (page.user_id, page.method, page.path, page.status) == (user.id, "POST", "/account/tokens", 400)


def test_a_download_leaves_exactly_its_row(app, users, client):
    ds = f.dataset("呼和浩特市水质监测数据", slug="hhht-water")
    res = f.csv_resource(ds)
    user = users["data_user"]
    login(client, user.email)
    url = f"/dataset/hhht-water/resource/{res.id}/download"
    assert client.get(url).status_code == 200
    row = _only()
    assert (row.kind, row.user_id, row.method, row.path, row.status) == ("download", user.id, "GET", url, 200)
    assert row.bytes_sent > 0 and row.resource_id == res.id and row.dataset_id == ds.id


def test_a_refused_anonymous_download_leaves_its_row(app, client):
    ds = f.dataset("呼和浩特市企业用电数据", slug="hhht-power", open_type=OpenType.CONDITIONAL)
    res = f.csv_resource(ds)
    url = f"/dataset/hhht-power/resource/{res.id}/download"
    assert client.get(url).status_code == 403
    row = _only()
    assert (row.kind, row.user_id, row.method, row.path, row.status) == ("download", None, "GET", url, 403)


def test_a_bulk_zip_leaves_one_row_when_its_stream_ends(app, client):
    ds = f.dataset("呼和浩特市水质监测数据", slug="hhht-water")
    f.csv_resource(ds)
    url = f"/agency/{ds.agency.slug}/files.zip"
    r = client.get(url)
    assert r.status_code == 200 and r.data[:2] == b"PK"
    row = _only()
    assert (row.kind, row.method, row.path, row.status) == ("bulk_zip", "GET", url, 200) and row.bytes_sent == len(r.data)


def test_a_preview_is_traced_and_public_pages_write_nothing(app, client):
    ds = f.dataset("呼和浩特市水质监测数据", slug="hhht-water")
    res = f.csv_resource(ds)
    client.get("/")  # the side connection exists
    writes = []

    def statement(_conn, _cursor, sql, *_args):
        if not sql.lstrip().upper().startswith("SELECT"):
            writes.append(sql)

    side_engine = side_connections().engine
    event.listen(side_engine, "before_cursor_execute", statement)
    try:
        for url in ("/", "/dataset/hhht-water", "/agency", "/developers", "/licence", "/dataset/hhht-water.ttl"):
            assert client.get(url).status_code == 200, url
        assert writes == []  # anonymous public pages: no access line, no round trip for one
        assert client.get(f"/dataset/hhht-water/resource/{res.id}").status_code == 200
        assert len(writes) == 1
    finally:
        event.remove(side_engine, "before_cursor_execute", statement)
    row = _only()
    assert (row.kind, row.user_id, row.path, row.status, row.resource_id) == (
        "preview", None, f"/dataset/hhht-water/resource/{res.id}", 200, res.id)


# ---- a row that cannot be written is an error the operator sees -------------------------------------
def test_a_row_that_cannot_be_written_is_logged_counted_and_shown(app, users, client, caplog, monkeypatch):
    user = users["data_user"]
    raw = create_token(user, "脚本", "read", 30)[1]
    auditor = app.test_client()
    login(auditor, "auditor@example.cn")
    assert "access-log-failures" not in auditor.get("/console/access").get_data(as_text=True)
    side = side_connections()

    def broken(_statements):
        raise RuntimeError("disk full")

    monkeypatch.setattr(side, "write", broken)
    with caplog.at_level(logging.ERROR, logger=app.logger.name):
        r = client.get("/api/v1/figures?token=odp_leakedleakedleaked", headers=_bearer(raw))
        assert r.status_code == 200  # the answer stands
        assert client.get("/api/v1/themes").status_code == 200
    errors = [rec for rec in caplog.records if rec.levelno == logging.ERROR and "access event" in rec.getMessage()]
    assert len(errors) == 2
    assert errors[0].exc_info and isinstance(errors[0].exc_info[1], RuntimeError)
    message = errors[0].getMessage()  # enough to trace the access from the log alone, without the secret
    assert f"user_id={user.id}" in message and "user@example.cn" in message and "'GET'" in message
    assert "/api/v1/figures?token=[redacted]" in message and "leaked" not in message and "status=200" in message
    assert access.failures() == 2
    monkeypatch.undo()
    page = auditor.get("/console/access").get_data(as_text=True)
    assert 'id="access-log-failures"' in page and "有 2 条访问记录未能写入" in page
    assert db.session.scalar(select(func.count()).select_from(AccessEvent).where(AccessEvent.kind == "api")) == 0


def test_the_failure_counter_makes_its_row_then_adds_to_it(app):
    assert access.failures() == 0
    access.count_failure()
    access.count_failure()
    assert access.failures() == 2


# ---- secrets in addresses (issue "Security" item 10) ---------------------------------------------
def test_secrets_in_the_query_string_are_redacted_before_logging(app, users, client):
    raw = create_token(users["data_user"], "脚本", "read", 30)[1]
    r = client.get(f"/api/v1/datasets?q=水质&token={raw}&API_KEY=abc&password=p%40ss&per_page=5")
    assert r.status_code == 200
    r = client.get(f"/api/3/action/package_search?q={raw}&rows=1")
    assert r.status_code == 200
    first, second = _rows(kind="api")
    expected = f"/api/v1/datasets?q=水质&token={REDACTED}&API_KEY={REDACTED}&password={REDACTED}&per_page=5"
    assert first.path == expected and first.detail == f"GET {expected}"  # as sent (the test client sends UTF-8)
    assert second.path == f"/api/3/action/package_search?q={REDACTED}&rows=1"
    assert all(raw not in (r.path + r.detail) and "abc" not in r.path and "p%40ss" not in r.path
               for r in (first, second))


@pytest.mark.parametrize("query, redacted", [
    ("", ""),
    ("q=air&page=2", "q=air&page=2"),
    ("token=x", f"token={REDACTED}"),
    ("Token=a=b&q=1", f"Token={REDACTED}&q=1"),
    ("apikey=1;password=2&pwd", f"apikey={REDACTED};password={REDACTED}&pwd"),
    ("api%5Fkey=1&client_secret=2", f"api%5Fkey={REDACTED}&client_secret={REDACTED}"),
    ("tokens=1&xtoken=2&q=token", "tokens=1&xtoken=2&q=token"),
    ("q=odp_abcdefghijklmnop", f"q={REDACTED}"),
    ("odp_abcdefghijklmnop", REDACTED),
])
def test_redaction_of_query_strings(query, redacted):
    assert redact_query(query) == redacted


def test_redaction_of_paths_and_the_token_shape():
    assert PREFIX == "odp_"  # the shape redact.py looks for
    assert redact_target("/api/v1/x/odp_abcdefghijklmnop?a=1") == f"/api/v1/x/{REDACTED}?a=1"
    assert redact_target("/dataset") == "/dataset" and redact_target("/dataset?") == "/dataset?"


def test_gunicorns_access_log_redacts_too():
    import runpy
    from datetime import timedelta
    from pathlib import Path
    from types import SimpleNamespace

    conf = runpy.run_path(str(Path(__file__).resolve().parents[2] / "gunicorn.conf.py"))
    logger = conf["AccessLogger"].__new__(conf["AccessLogger"])
    logger.cfg = SimpleNamespace(access_log_format=conf["access_log_format"])
    logger.now = lambda: "[07/Dec/2026:12:00:00 +0800]"
    logger._get_user = lambda environ: None
    environ = {"REQUEST_METHOD": "GET", "RAW_URI": "/api/v1/figures?api_key=s3cret&q=1", "SERVER_PROTOCOL": "HTTP/1.1"}
    atoms = logger.atoms(SimpleNamespace(status="200 OK", sent=10), None, environ, timedelta(milliseconds=3))
    assert atoms["r"] == f"GET /api/v1/figures?api_key={REDACTED}&q=1 HTTP/1.1"


def test_a_download_whose_row_cannot_be_written_is_not_sent_and_is_reported_once(app, client, caplog, monkeypatch):
    ds = f.dataset("呼和浩特市水质监测数据", slug="hhht-water")
    res = f.csv_resource(ds)
    client.get("/")  # the side connection exists

    def broken(_statements):
        raise RuntimeError("disk full")

    monkeypatch.setattr(side_connections(), "write", broken)
    with caplog.at_level(logging.ERROR, logger=app.logger.name):
        r = client.get(f"/dataset/hhht-water/resource/{res.id}/download")
    assert r.status_code == 500 and "新华广场,56".encode() not in r.data  # no file without its access line
    lost = [rec for rec in caplog.records if "Could not write an access event" in rec.getMessage()]
    assert len(lost) == 1 and "kind='download'" in lost[0].getMessage() and lost[0].exc_info
    monkeypatch.undo()
    assert access.failures() == 1 and _rows() == []


def test_a_nul_in_a_traced_address_is_logged_as_written_not_lost(app, client):
    """A hostile address with %00 is refused (400) and still leaves its row, which PostgreSQL, storing no NUL
    in text, must accept: control characters are kept as the URL carries them."""
    r = client.get("/dataset/%00/resource/%00?q=%00")
    assert r.status_code == 400
    (row,) = _rows()
    assert (row.kind, row.status, row.resource_id) == ("preview", 400, "%00")
    assert row.path == "/dataset/%00/resource/%00?q=%00" and access.failures() == 0
