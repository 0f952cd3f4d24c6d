"""Downloads handed to nginx (PORTAL_ACCEL_REDIRECT_PREFIX): the portal decides, counts and logs;
nginx sends the bytes of the content-addressed file from its internal location."""
from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote

import pytest

from portal.audit.models import AccessEvent
from portal.catalog.models import Dataset, OpenType
from portal.extensions import db
from tests import factories as f
from tests.conftest import build_app

CSV = "监测站点,AQI\n新华广场,56\n" * 50


@pytest.fixture()
def accel_app(tmp_path):
    app = build_app(tmp_path, ACCEL_REDIRECT_PREFIX="/_files/")
    with app.app_context():
        yield app
        db.session.remove()


def _url(ds, res):
    return f"/dataset/{ds.slug}/resource/{res.id}/download"


def test_download_answers_with_the_internal_location_and_is_counted(accel_app):
    client = accel_app.test_client()
    ds = f.dataset()
    res = f.csv_resource(ds, CSV, filename="空气质量.csv")
    r = client.get(_url(ds, res))
    assert r.status_code == 200
    assert r.data == b""  # nginx sends the bytes
    key = res.sha256
    assert r.headers["X-Accel-Redirect"] == f"/_files/{key[:2]}/{key[2:4]}/{key}"
    stored = Path(accel_app.config["STORAGE_DIR"]) / r.headers["X-Accel-Redirect"].removeprefix("/_files/")
    assert stored.is_file() and stored.read_bytes() == CSV.encode()
    assert r.headers["ETag"].strip('"') == key
    assert r.headers["Content-Type"].startswith("text/csv") and "charset=utf-8" in r.headers["Content-Type"]
    assert unquote(r.headers["Content-Disposition"].split("filename*=UTF-8''")[1]) == "空气质量.csv"
    assert "Content-Range" not in r.headers
    db.session.expire_all()
    assert db.session.get(Dataset, ds.id).download_count == 1
    event = db.session.query(AccessEvent).filter_by(resource_id=res.id).one()
    assert (event.kind, event.status, event.bytes_sent) == ("download", 200, res.size)


def test_ranges_and_revalidation_with_nginx(accel_app):
    client = accel_app.test_client()
    ds = f.dataset()
    res = f.csv_resource(ds, CSV)
    r = client.get(_url(ds, res), headers={"Range": "bytes=0-99"})
    assert r.status_code == 200 and "X-Accel-Redirect" in r.headers  # nginx applies the range
    r = client.get(_url(ds, res), headers={"Range": "bytes=100-199"})
    assert "X-Accel-Redirect" in r.headers
    r = client.get(_url(ds, res), headers={"If-None-Match": f'"{res.sha256}"'})
    assert r.status_code == 304 and "X-Accel-Redirect" not in r.headers
    db.session.expire_all()
    assert db.session.get(Dataset, ds.id).download_count == 1  # only the range from byte 0 counts
    statuses = sorted(e.status for e in db.session.query(AccessEvent).filter_by(resource_id=res.id))
    assert statuses == [206, 206, 304]  # the revalidation is an access too, without bytes (audit/access.py)


def test_refusals_never_reach_nginx(accel_app):
    client = accel_app.test_client()
    ds = f.dataset(open_type=OpenType.CONDITIONAL)
    res = f.csv_resource(ds, CSV)
    r = client.get(_url(ds, res))
    assert r.status_code == 403 and "X-Accel-Redirect" not in r.headers


def test_off_by_default(app, client):
    ds = f.dataset()
    res = f.csv_resource(ds, CSV)
    r = client.get(_url(ds, res))
    assert r.status_code == 200 and r.data == CSV.encode()
    assert "X-Accel-Redirect" not in r.headers
