"""Uploading through the API with a token: same checks as the console, JSON error envelope."""
from __future__ import annotations

import hashlib
import socket
import threading
import time
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from portal.accounts.tokens import create_token
from portal.catalog.models import Resource
from portal.extensions import db
from tests import factories as f


@pytest.fixture()
def api(app, users):
    ds = f.dataset("呼和浩特市空气质量实时监测数据", agency_obj=users["agency_staff"].agency,
                   items=("站点", "AQI"))
    rw = create_token(users["agency_staff"], "rw", "read_write", 30)[1]
    ro = create_token(users["agency_staff"], "ro", "read", 30)[1]
    other = create_token(users["other_staff"], "rw", "read_write", 30)[1]
    return ds, {"rw": rw, "ro": ro, "other": other}


def put(client, url, body, token, **query):
    return client.put(url, query_string=query, data=body, headers={"Authorization": f"Bearer {token}"},
                      content_type="application/octet-stream")


def test_upload_and_new_version_by_api(api, client):
    ds, tokens = api
    body = "站点,AQI\n新华广场,56\n".encode()
    r = put(client, f"/api/v1/datasets/{ds.id}/resources", body, tokens["rw"], filename="空气质量.csv", format="csv")
    assert r.status_code == 201, r.get_json()
    out = r.get_json()
    assert out["resource"]["sha256"] == hashlib.sha256(body).hexdigest()
    assert out["resource"]["row_count"] == 1 and out["warnings"] == []
    rid = out["resource"]["id"]
    body2 = "站点,AQI,备注\n新华广场,60,\n".encode("gbk")
    r = put(client, f"/api/v1/datasets/{ds.id}/resources/{rid}", body2, tokens["rw"], filename="空气质量2.csv",
            format="CSV")
    assert r.status_code == 201 and r.get_json()["resource"]["version"] == 2
    assert r.get_json()["warnings"]  # 备注 is not a data item
    r = client.get(f"/api/v1/datasets/{ds.id}/resources/{rid}", headers={"Authorization": f"Bearer {tokens['ro']}"})
    assert [v["version"] for v in r.get_json()["versions"]] == [2, 1]
    # the public downloads the newest version
    assert client.get(f"/dataset/{ds.slug}/resource/{rid}/download").data == body2


def test_api_refusals_use_the_error_envelope(api, client):
    ds, tokens = api
    url = f"/api/v1/datasets/{ds.id}/resources"
    cases = [
        (client.put(url, query_string={"filename": "a.csv", "format": "CSV"}, data=b"a\n1\n"), 401, "unauthorized"),
        (put(client, url, b"a\n1\n", tokens["ro"], filename="a.csv", format="CSV"), 403, "forbidden"),
        (put(client, url, b"a\n1\n", tokens["other"], filename="a.csv", format="CSV"), 403, "forbidden"),
        (put(client, url, b"a\n1\n", tokens["rw"], format="CSV"), 422, "invalid"),
        (put(client, url, b"a\n1\n", tokens["rw"], filename="a.csv", format="EXE"), 422, "invalid"),
        (put(client, url, b"\x00\x01not a workbook", tokens["rw"], filename="a.xlsx", format="XLSX"), 422, "invalid"),
        (put(client, "/api/v1/datasets/nope/resources", b"a\n1\n", tokens["rw"], filename="a.csv", format="CSV"),
         404, "not_found"),
    ]
    for r, status, code in cases:
        assert r.status_code == status, (status, r.get_json())
        assert set(r.get_json()) == {"error"} and r.get_json()["error"]["code"] == code
        assert r.get_json()["error"]["message"]
    assert db.session.query(Resource).count() == 0


def test_too_large_and_broken_off_uploads_store_nothing(api, client, app):
    ds, tokens = api
    app.config["UPLOAD_MAX_BYTES"] = 100
    r = put(client, f"/api/v1/datasets/{ds.id}/resources", b"a,b\n" * 100, tokens["rw"], filename="a.csv",
            format="CSV")
    assert r.status_code == 413 and r.get_json()["error"]["code"] == "too_large"
    assert db.session.query(Resource).count() == 0


def test_upload_broken_off_by_the_client_stores_nothing(api, app):
    """A real server and a client that promises 1 MB, sends 100 KB and hangs up."""
    ds, tokens = api
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        sock = socket.create_connection(("127.0.0.1", server.server_port))
        head = (f"PUT /api/v1/datasets/{ds.id}/resources?filename=a.csv&format=CSV HTTP/1.1\r\n"
                f"Host: 127.0.0.1\r\nAuthorization: Bearer {tokens['rw']}\r\n"
                f"Content-Type: text/csv\r\nContent-Length: {1024 * 1024}\r\n\r\n")
        sock.sendall(head.encode() + b"a,b\n" * 25_000)
        time.sleep(0.3)  # the server is now streaming into its temporary file
        sock.close()
        storage = Path(app.config["STORAGE_DIR"])
        deadline = time.monotonic() + 10
        while [p for p in storage.rglob("*") if p.is_file()] and time.monotonic() < deadline:
            time.sleep(0.1)
        assert [p for p in storage.rglob("*") if p.is_file()] == []
        db.session.expire_all()
        assert db.session.query(Resource).count() == 0
    finally:
        server.shutdown()


def test_an_upload_sent_as_curl_sends_it_by_default_keeps_its_body(api, client):
    """`curl --data-binary @file` labels the body application/x-www-form-urlencoded; it is still the file."""
    ds, tokens = api
    body = "站点,AQI\n新华广场,56\n".encode()
    r = client.put(f"/api/v1/datasets/{ds.id}/resources", query_string={"filename": "空气质量.csv", "format": "csv"},
                   data=body, headers={"Authorization": f"Bearer {tokens['rw']}"},
                   content_type="application/x-www-form-urlencoded")
    assert r.status_code == 201, r.get_json()
    assert r.get_json()["resource"]["sha256"] == hashlib.sha256(body).hexdigest()
