"""Hostile input and cross-user access: CSRF on every state-changing page route, script in every text
field shown inert, SQL and query syntax in every query parameter, traversal and id guessing, other
users' tokens, mislabelled and oversized uploads, zip bombs and entity expansion in uploads."""
from __future__ import annotations

import io
import re
import zipfile

import pytest
from werkzeug.routing import AnyConverter, IntegerConverter
from flask import url_for

from portal.accounts.tokens import create_token
from portal.audit.models import AuditEvent
from portal.catalog.models import Dataset, Resource
from portal.extensions import db
from tests import factories as f
from tests.catalog.test_console import ENTRY, create, csrf, put_file, stored_files
from tests.conftest import PASSWORD, build_app, link_in, login, mails_to, post_form

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'
RAW_MARKERS = ('<script>alert(', "<img src=x onerror")
ESCAPED = "&lt;script&gt;alert("


def assert_inert(html: str, where: str, shown: bool = True) -> None:
    for marker in RAW_MARKERS:
        assert marker not in html, f"live markup on {where}"
    if shown:
        assert ESCAPED in html, f"the hostile text is not shown (escaped) on {where}"


# ---- headers and CSRF -------------------------------------------------------------------------
def test_security_headers_on_every_kind_of_response(app, users, client):
    ds = f.dataset("呼和浩特市空气质量监测数据")
    res = f.csv_resource(ds)
    login(client, "auditor@example.cn")
    for url in ("/", "/nowhere", f"/dataset/{ds.slug}/resource/{res.id}/download", "/console/audit.csv",
                "/api/v1/datasets/x/resources/y"):
        r = client.get(url)
        csp = r.headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp and "script-src" not in csp and "unsafe-inline" not in csp, url
        assert "default-src 'self'" in csp and r.headers["X-Content-Type-Options"] == "nosniff", url
        assert r.headers["Referrer-Policy"] == "strict-origin-when-cross-origin", url


def test_session_cookie_settings_follow_the_configuration(tmp_path):
    app = build_app(tmp_path)
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True and app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert app.config["SESSION_COOKIE_SECURE"] is False  # plain HTTP on a developer machine
    import os

    os.environ["PORTAL_SECURE_COOKIES"] = "1"
    try:
        secure = build_app(tmp_path / "secure")
    finally:
        del os.environ["PORTAL_SECURE_COOKIES"]
    assert secure.config["SESSION_COOKIE_SECURE"] is True
    assert secure.test_client().get("/licence").headers["Strict-Transport-Security"] == "max-age=31536000"
    assert "Strict-Transport-Security" not in app.test_client().get("/licence").headers


def state_changing_page_routes(app):
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/"):
            continue  # the API takes no cookies for writes: a read-write token is required instead
        for method in sorted(rule.methods & {"POST", "PUT", "DELETE", "PATCH"}):
            args = {name: (1 if isinstance(conv, IntegerConverter) else "x")
                    for name, conv in rule._converters.items()}
            if rule.endpoint == "review.check":
                args["check"] = "confidentiality"
            yield method, rule.endpoint, args


@pytest.mark.parametrize("who", ["anonymous", "agency_staff", "authority", "admin"])
def test_every_state_changing_page_route_needs_the_csrf_token(app, users, who):
    client = app.test_client()
    if who != "anonymous":
        login(client, users[who].email)
    routes = list(state_changing_page_routes(app))
    assert {"accounts.login", "accounts.logout", "accounts.register", "accounts.create_token",
            "accounts.revoke_token", "console.new_entry", "console.edit_entry", "console.submit", "console.upload",
            "review.check", "review.decide", "review.unpublish", "review.calendar", "plans.create",
            "plans.console_plan_post"} <= {endpoint for _m, endpoint, _a in routes}
    events = db.session.query(AuditEvent).count()
    failures = []
    for method, endpoint, args in routes:
        with app.test_request_context():
            url = url_for(endpoint, **args)
        for headers in ({}, {"X-CSRFToken": "forged"}):
            r = client.open(url, method=method, data={"name": "x", "year": "2030"}, headers=headers)
            if r.status_code != 400:
                failures.append(f"{method} {url} {headers}: {r.status_code}")
    assert failures == []
    assert db.session.query(AuditEvent).count() == events  # nothing happened
    if who != "anonymous":
        assert client.get("/account").status_code == 200  # the refused logout did not log anyone out


# ---- script in every text field is shown inert ----------------------------------------------------
ENTRY_TEXT_FIELDS = ("title", "summary", "region", "share_conditions", "share_reason", "share_legal_basis",
                     "share_scope", "share_mode", "open_conditions", "open_reason", "open_legal_basis", "timeliness",
                     "collecting_agency", "approving_agency", "related")


def test_script_in_every_entry_field_is_inert_on_every_page(app, users, client):
    f.theme("城建住房", slug="housing")
    db.session.commit()
    login(client, "staff@example.cn")
    hostile = {name: f"{XSS}{name}" for name in ENTRY_TEXT_FIELDS}
    hostile.update({"tags": f"{XSS}、标签", "items-0-name": f"{XSS}项", "items-0-description": f"{XSS}说明",
                    "open_type": "conditional", "share_type": "conditional", "share_basis_kind": "law"})
    r = create(client, **hostile)
    assert r.status_code == 302, r.get_data(as_text=True)[-3000:]
    ds = db.session.query(Dataset).filter_by(code=ENTRY["code"]).one()
    assert ds.title.startswith(XSS) and ds.open_reason.startswith(XSS)  # stored as typed, escaped when shown
    csv_text = f'"{XSS}",AQI\n"{XSS}",56\n'
    assert put_file(client, ds, csv_text.encode(), filename=f"{XSS}.csv").status_code == 201
    for url in (f"/console/datasets/{ds.id}", f"/console/datasets/{ds.id}/edit", "/console/",
                f"/console/datasets/{ds.id}/upload"):
        assert_inert(client.get(url).get_data(as_text=True), url)
    assert all(r.status_code == 302 for r in f.post_agency_checks(client, ds.id))
    assert post_form(client, f"/console/datasets/{ds.id}/submit", {}).status_code == 302
    authority = app.test_client()
    login(authority, "authority@example.cn")
    review_id = ds.reviews[0].id
    for url in ("/review/", f"/review/{review_id}"):
        assert_inert(authority.get(url).get_data(as_text=True), url)
    for check in ("confidentiality", "disclosure", "level"):
        assert post_form(authority, f"/review/{review_id}/check/{check}", {"note": XSS}).status_code == 302
    token = csrf(authority, f"/review/{review_id}")
    r = authority.post(f"/review/{review_id}/decide", data={"csrf_token": token, "action": "approve", "comment": XSS})
    assert r.status_code == 302, r.get_data(as_text=True)[-2000:]
    db.session.expire_all()
    ds = db.session.get(Dataset, ds.id)
    assert ds.state == "published"
    res = ds.resources[0]
    anonymous = app.test_client()
    public = ["/", "/dataset", "/dataset?q=alert", f"/dataset/{ds.slug}", f"/dataset/{ds.slug}/resource/{res.id}",
              "/negative-list", f"/agency/{ds.agency.slug}", "/agency"]
    for url in public:
        html = anonymous.get(url).get_data(as_text=True)
        assert_inert(html, url, shown=url not in ("/agency",))
    assert_inert(authority.get(f"/review/{review_id}").get_data(as_text=True), "the decided review")
    auditor = app.test_client()
    login(auditor, "auditor@example.cn")
    assert_inert(auditor.get("/console/audit").get_data(as_text=True), "audit log", shown=False)
    assert_inert(auditor.get("/console/access").get_data(as_text=True), "access log", shown=False)


def test_script_in_registration_and_token_names_is_inert(app, client):
    r = post_form(client, "/register", {"kind": "person", "name": XSS, "email": "xss@example.cn", "password": PASSWORD,
                                        "password2": PASSWORD, "citizen_id": "11010519491231002X",
                                        "consent": "y"})
    assert r.status_code == 302, r.get_data(as_text=True)[-2000:]
    (mail,) = mails_to(app, "xss@example.cn")
    assert client.get(link_in(mail[2], "/register/confirm/")).status_code == 302
    login(client, "xss@example.cn")
    assert_inert(client.get("/account").get_data(as_text=True), "account page")
    assert_inert(client.get("/").get_data(as_text=True), "header with the user's name")
    r = client.post("/account/tokens", data={"csrf_token": csrf(client, "/account"), "name": XSS[:90],
                                             "scope": "read", "days": "30"})
    assert r.status_code == 201
    assert_inert(r.get_data(as_text=True), "token created")
    assert_inert(client.get("/account").get_data(as_text=True), "token list")
    # a rejected form echoes the input back, escaped
    r = post_form(client, "/register", {"kind": "person", "name": XSS, "email": XSS, "password": "x",
                                        "password2": "y"})
    assert r.status_code == 422
    assert_inert(r.get_data(as_text=True), "rejected registration")


def test_script_in_plan_fields_is_inert(app, client, users):
    login(client, "staff@example.cn")
    r = post_form(client, "/console/plans", {"year": "2026"})
    assert r.status_code == 302
    plan_id = int(r.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    url = f"/console/plans/{plan_id}"
    assert post_form(client, url, {"action": "priorities", "priorities": XSS}).status_code == 302
    r = post_form(client, url, {"action": "add_item", "dataset_id": "", "new_title": XSS, "target_date": "2026-12-31",
                                "target_open_type": "unconditional", "note": XSS})
    assert r.status_code == 302, r.get_data(as_text=True)[-2000:]
    assert_inert(client.get(url).get_data(as_text=True), "plan console")
    assert post_form(client, url, {"action": "publish"}).status_code == 302
    assert_inert(app.test_client().get("/plans/2026").get_data(as_text=True), "public plan page")
    # rejected input is echoed escaped too
    r = post_form(client, "/console/plans", {"year": XSS})
    assert r.status_code == 422 and "<script>" not in r.get_data(as_text=True)


# ---- SQL and query syntax in every query parameter of every GET route ------------------------------
HOSTILE_VALUES = ["' OR '1'='1", "1; DROP TABLE datasets; --", "title:* OR *:*", '"unclosed (AND NOT', "%%_\\",
                  "\x00", "9" * 40, "-1", "../../etc/passwd", XSS, "呼和浩特' UNION SELECT password_hash FROM users --"]
PARAMS = ["q", "sort", "page", "agency", "theme", "open_type", "format", "tag", "region", "region_level",
          "update_frequency", "year", "resource", "next", "start", "end", "user", "action", "object_type", "object_id",
          "uploaded", "kind"]


def _get_routes(app):
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods and rule.endpoint != "static":
            yield rule


def _walk(client, app, rule, value, number=2026):
    args = {}
    for name, conv in rule._converters.items():
        if isinstance(conv, AnyConverter):  # a fixed choice (e.g. a DCAT format): any allowed value
            args[name] = sorted(conv.items)[0]
        else:
            args[name] = number if isinstance(conv, IntegerConverter) else value
    if rule.endpoint == "web.set_language":
        args["code"] = "zh_CN"
    with app.test_request_context():
        url = url_for(rule.endpoint, **args)
    return url, client.get(url, query_string={p: value for p in PARAMS})


@pytest.mark.parametrize("who", ["anonymous", "admin@demo.nmg.example"])
def test_hostile_query_parameters_never_cause_a_server_error(demo_app, who):
    client = demo_app.test_client()
    if who != "anonymous":
        login(client, who, "Demo-Passw0rd!")
    with demo_app.app_context():
        before = {t.name: db.session.execute(db.select(db.func.count()).select_from(t)).scalar()
                  for t in db.metadata.sorted_tables if t.name not in ("access_events", "audit_events")}
    failures = []
    for rule in _get_routes(demo_app):
        for value in HOSTILE_VALUES:
            url, r = _walk(client, demo_app, rule, value)
            if r.status_code >= 500:
                failures.append(f"{url} {value!r}: {r.status_code}")
            if r.mimetype == "text/html":
                assert '<script>alert("x")' not in r.get_data(as_text=True), url
            r.close()  # streamed answers (dumps, ZIPs) end their generators here
        if any(isinstance(c, IntegerConverter) for c in rule._converters.values()):
            for number in (0, 10 ** 15, 2 ** 63 - 1, 2 ** 63, 10 ** 40):  # ids nobody has, beyond what the database stores
                url, r = _walk(client, demo_app, rule, "x", number)
                if r.status_code >= 500:
                    failures.append(f"{url}: {r.status_code}")
                r.close()
    assert failures == []
    with demo_app.app_context():
        after = {t.name: db.session.execute(db.select(db.func.count()).select_from(t)).scalar()
                 for t in db.metadata.sorted_tables if t.name not in ("access_events", "audit_events")}
        db.session.remove()
    assert after == before


def test_a_nul_character_is_a_clear_400(demo_client):
    for url in ("/dataset?q=%00", "/negative-list?agency=a%00b", "/dataset/a%00b", "/dataset?a%00=1&q=x"):
        r = demo_client.get(url)
        assert r.status_code == 400 and "请求格式有误" in r.get_data(as_text=True), url
    r = post_form(demo_client, "/login", {"email": "a\x00b@example.cn", "password": "x"})
    assert r.status_code == 400 and "请求格式有误" in r.get_data(as_text=True)
    assert demo_client.get("/dataset?q=%2500").status_code == 200  # an encoded "%" followed by 00 is no NUL
    for body in ({"dataset": "a\x00b"}, {"records": [{"a\x00": "1"}]}):  # a JSON body's strings, keys too
        r = demo_client.post("/api/v1/sharing/verifications", json=body, headers={"Authorization": "Bearer x"})
        assert r.status_code == 400 and "请求格式有误" in r.get_json()["error"]["message"], body


def test_search_syntax_is_plain_text(demo_client):
    for q in ("title:*", "*:*", "空气 OR 1=1", "NOT 空气", '"空气'):
        r = demo_client.get("/dataset", query_string={"q": q})
        assert r.status_code == 200, q


# ---- traversal and id guessing ------------------------------------------------------------------------
def test_traversal_and_guessed_ids_on_downloads(demo_app, demo_client):
    with demo_app.app_context():
        public = db.session.scalars(db.select(Dataset).where(Dataset.state == "published",
                                                             Dataset.open_type == "unconditional")).first()
        res = next(r for r in public.resources if r.kind == "file")
        conditional = db.session.scalars(db.select(Dataset).where(Dataset.state == "published",
                                                                  Dataset.open_type == "conditional")).first()
        cres = next((r for r in conditional.resources if r.kind == "file"), None)
        other = db.session.scalars(db.select(Dataset).where(Dataset.id != public.id,
                                                            Dataset.state == "published")).first()
        slug, rid, key, other_slug = public.slug, res.id, res.storage_key, other.slug
        cslug, crid = (conditional.slug, cres.id) if cres else (None, None)
    assert demo_client.get(f"/dataset/{slug}/resource/{rid}/download").status_code == 200
    for url in (f"/dataset/{slug}/resource/..%2F..%2F..%2Fetc%2Fpasswd/download",
                f"/dataset/{slug}/resource/../../../etc/passwd/download",
                f"/dataset/{slug}/resource/{key}/download",  # the storage key is not an address
                f"/dataset/{slug}/resource/{rid[:-1]}{'1' if rid[-1] == '0' else '0'}/download",  # a neighbour id
                f"/dataset/{slug}/resource/{rid[:-2]}/download",
                f"/dataset/{other_slug}/resource/{rid}/download",  # a resource under another entry
                f"/dataset/..%2F..%2Fportal/resource/{rid}/download",
                "/static/..%2Fportal%2Fconfig.py", "/static/../portal/config.py", "/static/%2e%2e/portal/config.py",
                "/static/..%2F..%2Finstance%2Fsecret_key", "/static/%2e%2e%2f%2e%2e%2fetc%2fpasswd"):
        r = demo_client.get(url)
        assert r.status_code == 404, (url, r.status_code)
        assert b"SECRET" not in r.data and b"root:" not in r.data
    if cslug:
        r = demo_client.get(f"/dataset/{cslug}/resource/{crid}/download")
        assert r.status_code == 403  # listed with its conditions, never served


def test_staff_cannot_reach_another_agencys_files(app, users, client):
    other_ds = f.dataset("包头市空气质量", agency_obj=f.agency("包头市生态环境局"), state="draft", index=False)
    other_res = f.csv_resource(other_ds)
    own_ds = f.dataset("呼和浩特市空气质量", state="draft", index=False)
    login(client, "staff@example.cn")
    assert client.get(f"/console/datasets/{other_ds.id}").status_code in (403, 404)
    assert client.get(f"/console/datasets/{own_ds.id}/upload?resource={other_res.id}").status_code == 404
    r = put_file(client, own_ds, b"a,b\n1,2\n", resource=other_res.id)
    assert r.status_code == 404
    _token, raw = create_token(users["agency_staff"], "脚本", "read_write", 30)
    r = client.get(f"/api/v1/datasets/{other_ds.id}/resources/{other_res.id}", headers={"Authorization": f"Bearer {raw}"})
    assert r.status_code in (403, 404) and r.json["error"]["code"] in ("forbidden", "not_found")
    r = client.get(f"/api/v1/datasets/{own_ds.id}/resources/{other_res.id}", headers={"Authorization": f"Bearer {raw}"})
    assert r.status_code == 404
    db.session.expire_all()
    assert db.session.get(Resource, other_res.id).version == 1


def test_one_user_cannot_see_or_revoke_another_users_token(app, users, client):
    theirs, their_raw = create_token(users["other_staff"], "包头的脚本", "read_write", 30)
    login(client, "staff@example.cn")
    page = client.get("/account").get_data(as_text=True)
    assert "包头的脚本" not in page and theirs.prefix not in page
    token = csrf(client, "/account")
    r = client.post(f"/account/tokens/{theirs.id}/revoke", data={"csrf_token": token})
    assert r.status_code == 404
    db.session.expire_all()
    assert db.session.get(type(theirs), theirs.id).revoked_at is None
    r = app.test_client().get("/api/v1/datasets/x/resources/y", headers={"Authorization": f"Bearer {their_raw}"})
    assert r.status_code == 404  # still works for its owner (404: no such entry, not 401)


# ---- uploads -------------------------------------------------------------------------------------
@pytest.fixture()
def upload_target(app, users, client):
    login(client, "staff@example.cn")
    return f.dataset("呼和浩特市空气质量监测数据", state="draft", index=False)


def _xlsx(sheet_xml: bytes | None = None, **replace: bytes) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["站点", "AQI"])
    wb.active.append(["新华广场", 56])
    buf = io.BytesIO()
    wb.save(buf)
    if sheet_xml is not None:
        replace["xl/worksheets/sheet1.xml"] = sheet_xml
    out = io.BytesIO()
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item.filename, replace.get(item.filename, src.read(item.filename)))
    return out.getvalue()


def _refused(client, app, ds, content: bytes, filename: str, fmt: str, expect: str):
    before = stored_files(app)
    r = put_file(client, ds, content, filename=filename, fmt=fmt)
    assert r.status_code == 422, (filename, r.status_code, r.get_data(as_text=True)[:500])
    message = r.json["error"]["message"]
    assert re.search(expect, message), message
    assert stored_files(app) == before and db.session.query(Resource).count() == 0
    return message


EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + bytes(range(256)) * 8
LAUGHS = (b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
          + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
                     for i in range(1, 10))
          + b"]>\n")


def test_mislabelled_uploads_are_refused(upload_target, client, app):
    ds = upload_target
    _refused(client, app, ds, EXE, "报表.csv", "CSV", "二进制|binary")
    _refused(client, app, ds, b"<html><body><script>alert(1)</script></body></html>", "报告.pdf", "PDF", "PDF")
    _refused(client, app, ds, "站点,AQI\n新华广场,56\n".encode(), "报表.xlsx", "XLSX", "XLSX")
    _refused(client, app, ds, b"<html>not json</html>", "data.json", "JSON", "JSON")
    _refused(client, app, ds, EXE, "data.xml", "XML", "XML")
    _refused(client, app, ds, EXE, "data.zip", "ZIP", "ZIP")
    _refused(client, app, ds, b"[" * 100_000 + b"]" * 100_000, "deep.json", "JSON", "JSON")  # not a 500
    r = put_file(client, ds, EXE, filename="报表.csv", fmt="EXE")
    assert r.status_code == 422


def test_xlsx_zip_bomb_is_refused_quickly_on_upload_and_preview(upload_target, client, app):
    rows = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>' * 400_000  # 20 MB that deflates to about 40 KB
    sheet = (b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             b"<sheetData>" + rows + b"</sheetData></worksheet>")
    bomb = _xlsx(sheet)
    assert len(bomb) < 200_000
    message = _refused(client, app, upload_target, bomb, "炸弹.xlsx", "XLSX", "(?i)zip")
    assert "100" in message
    # a bomb stored before these checks existed: the preview refuses it with a message, the page still works
    from portal.catalog.preview import preview
    from portal.storage import storage

    stored = storage().save(io.BytesIO(bomb))
    res = Resource(dataset=upload_target, kind="file", name="旧文件", format="XLSX", storage_key=stored.key)
    result = preview(res, storage().path(stored.key))
    assert result.rows == [] and "zip" in result.error.lower()


def test_billion_laughs_in_a_workbook_or_xml_is_refused(upload_target, client, app):
    import openpyxl

    assert openpyxl.DEFUSEDXML is True  # openpyxl parses with defusedxml, which refuses entity declarations
    sheet = LAUGHS.replace(b"lolz", b"worksheet") + (
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>')
    _refused(client, app, upload_target, _xlsx(sheet), "笑.xlsx", "XLSX", "实体|entities")
    workbook = LAUGHS.replace(b"lolz", b"workbook") + b"<workbook>&lol9;</workbook>"
    _refused(client, app, upload_target, _xlsx(**{"xl/workbook.xml": workbook}), "笑2.xlsx", "XLSX", "实体|entities")
    _refused(client, app, upload_target, LAUGHS + b"<lolz>&lol9;</lolz>", "笑.xml", "XML", "实体|entities")
    external = b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>'
    _refused(client, app, upload_target, external, "外部.xml", "XML", "实体|entities")
    good = put_file(client, upload_target, b'<?xml version="1.0"?><r><a>1</a></r>', filename="好.xml", fmt="XML")
    assert good.status_code == 201


def test_zip_with_too_many_members_is_refused(tmp_path):
    from portal.catalog.files import UnsafeFile, check_zip

    path = tmp_path / "many.zip"
    with zipfile.ZipFile(path, "w") as zf:
        for i in range(10_001):
            zf.writestr(f"f{i}", b"")
    with pytest.raises(UnsafeFile):
        check_zip(path)


def test_oversized_upload_is_refused_and_nothing_stored(tmp_path):
    app = build_app(tmp_path, UPLOAD_MAX_BYTES=1024, MAX_CONTENT_LENGTH=2048)
    with app.app_context():
        from portal.accounts.services import create_staff_user

        agency = f.agency("呼和浩特市生态环境局", slug="hhht-sthjj")
        db.session.commit()
        create_staff_user("staff@example.cn", "经办人", PASSWORD, "agency_staff", agency.slug)
        ds = f.dataset("大文件", state="draft", index=False, agency_obj=agency)
        client = app.test_client()
        login(client, "staff@example.cn")
        r = put_file(client, ds, b"a,b\n" + b"1,2\n" * 400)  # over the file limit, under the request limit
        assert r.status_code == 413 and r.json["error"]["code"] == "too_large"
        r = put_file(client, ds, b"a,b\n" + b"1,2\n" * 1000)  # over the request limit too
        assert r.status_code == 413
        r = client.post(f"/console/datasets/{ds.id}/upload",
                        data={"csrf_token": csrf(client, f"/console/datasets/{ds.id}/upload"), "format": "CSV",
                              "file": (io.BytesIO(b"a,b\n" + b"1,2\n" * 2000), "big.csv")},
                        content_type="multipart/form-data")
        assert r.status_code == 413
        assert stored_files(app) == [] and db.session.query(Resource).count() == 0
        db.session.remove()


# ---- redirects to `next` ------------------------------------------------------------------------
OFF_SITE_OR_BROKEN_NEXT = ["/%0D%0AX-Injected:1", "/%0aSet-Cookie:%20x=1", "/%0D/evil.example", "/%09/evil.example",
                           "//evil.example/", "/\\evil.example", "https://evil.example/", "javascript:alert(1)"]


@pytest.mark.parametrize("target", OFF_SITE_OR_BROKEN_NEXT)
def test_next_never_leaves_the_site_nor_splits_headers(app, users, target):
    from urllib.parse import quote

    query = "next=" + (target if "%" in target else quote(target, safe=""))
    r = app.test_client().get(f"/lang/en?{query}")
    assert r.status_code == 302 and r.headers["Location"] == "/" and "X-Injected" not in r.headers
    client = app.test_client()
    r = post_form(client, f"/login?{query}", {"email": "user@example.cn", "password": PASSWORD})
    assert r.status_code == 302 and r.headers["Location"] == "/" and "X-Injected" not in r.headers
    assert "Set-Cookie: x" not in str(r.headers)


def test_login_returns_to_the_page_it_was_asked_from(app, users):
    client = app.test_client()
    r = client.get("/account")
    assert r.status_code == 302 and r.headers["Location"] == "/login?next=%2Faccount"
    r = post_form(client, r.headers["Location"], {"email": "user@example.cn", "password": PASSWORD})
    assert r.headers["Location"] == "/account"
    # after a POST to a form's address (the session ran out meanwhile) the form's address is no page
    r = post_form(app.test_client(), "/login?next=/account/tokens", {"email": "user@example.cn", "password": PASSWORD})
    assert r.headers["Location"] == "/"
