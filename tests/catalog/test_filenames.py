"""File names are cleaned on the way in and on the way out: a name with CR/LF, other control characters,
direction marks, path parts or no end is stored safely and every download of it answers 200 with a
correct RFC 6266 Content-Disposition, never a 500."""
from __future__ import annotations

from urllib.parse import unquote

import pytest

from portal.accounts.tokens import create_token
from portal.catalog.models import Resource, ResourceVersion
from portal.extensions import db
from portal.storage.names import MAX_CHARS, clean_filename
from tests import factories as f
from tests.conftest import login

BODY = "站点,AQI\n新华广场,56\n".encode()


@pytest.mark.parametrize("raw, clean", [
    ("空气质量.csv", "空气质量.csv"),
    ("a\r\nX-Injected: 1.csv", "aX-Injected: 1.csv"),
    ("bad\x00name\x1b[31m.csv", "badname[31m.csv"),
    ("invoice\u202egpj.exe", "invoicegpj.exe"),           # right-to-left override
    ("zero\u200bwidth\ufeff.csv", "zerowidth.csv"),
    ("../../etc/passwd.csv", "passwd.csv"),
    ("C:\\Users\\张三\\数据.xlsx", "数据.xlsx"),
    ("  lots \t of\u3000space .csv ", "lots of space .csv"),
    ("line\u2028sep.csv", "line sep.csv"),
    ("..", ""),
    (".hidden.csv", "hidden.csv"),
])
def test_clean_filename(raw, clean):
    assert clean_filename(raw) == clean


def test_a_long_name_keeps_its_extension():
    name = clean_filename("数" * 1000 + ".xlsx")
    assert len(name) == MAX_CHARS and name.endswith(".xlsx")


def _disposition_ok(r) -> str:
    value = r.headers["Content-Disposition"]
    assert "\r" not in value and "\n" not in value and value.startswith("attachment;")
    return unquote(value.split("filename*=UTF-8''", 1)[1]) if "filename*=" in value else value


def test_an_api_upload_with_cr_lf_in_its_name_downloads_everywhere(app, users, client):
    ds = f.dataset("呼和浩特市空气质量实时监测数据", agency_obj=users["agency_staff"].agency, items=("站点", "AQI"))
    token = create_token(users["agency_staff"], "rw", "read_write", 30)[1]
    r = client.put(f"/api/v1/datasets/{ds.id}/resources", data=BODY,
                   query_string={"filename": "空气\r\nX-Injected: 1\u202e.csv", "format": "csv"},
                   headers={"Authorization": f"Bearer {token}"}, content_type="application/octet-stream")
    assert r.status_code == 201, r.get_json()
    res_id = r.get_json()["resource"]["id"]
    assert db.session.get(Resource, res_id).filename == "空气X-Injected: 1.csv"
    public = app.test_client().get(f"/dataset/{ds.slug}/resource/{res_id}/download")
    assert public.status_code == 200 and public.data == BODY
    assert _disposition_ok(public) == "空气X-Injected: 1.csv" and "X-Injected" not in public.headers.keys()
    login(client, "staff@example.cn")
    version = client.get(f"/console/datasets/{ds.id}/resources/{res_id}/versions/1/download")
    assert version.status_code == 200 and _disposition_ok(version) == "空气X-Injected: 1.csv"


def test_a_name_stored_before_the_rule_still_downloads(app, users, client):
    ds = f.dataset(agency_obj=users["agency_staff"].agency)
    res = f.csv_resource(ds, BODY.decode())
    bad = "旧数据\r\n\x07.csv"
    res.filename = bad
    db.session.query(ResourceVersion).filter_by(resource_id=res.id).update({"filename": bad})
    db.session.commit()
    public = app.test_client().get(f"/dataset/{ds.slug}/resource/{res.id}/download")
    assert public.status_code == 200 and _disposition_ok(public) == "旧数据.csv"
    login(client, "staff@example.cn")
    version = client.get(f"/console/datasets/{ds.id}/resources/{res.id}/versions/1/download")
    assert version.status_code == 200 and _disposition_ok(version) == "旧数据.csv"
