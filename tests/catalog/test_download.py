"""Download of open files: streaming, ETag, Range, Content-Disposition, counting, refusals."""
from __future__ import annotations

import hashlib
from urllib.parse import unquote

from portal.audit.models import AccessEvent
from portal.catalog.models import Dataset, OpenType
from portal.extensions import db
from tests import factories as f

CSV = "监测站点,AQI,PM2.5\n新华广场,56,21\n如意开发区,61,25\n" * 40


def _url(ds, res):
    return f"/dataset/{ds.slug}/resource/{res.id}/download"


def test_full_download_has_bytes_headers_and_is_counted(app, client):
    ds = f.dataset()
    res = f.csv_resource(ds, CSV, filename="呼和浩特市空气质量2026年10月.csv")
    r = client.get(_url(ds, res))
    assert r.status_code == 200
    assert hashlib.sha256(r.data).hexdigest() == res.sha256
    assert r.headers["ETag"].strip('"') == res.sha256
    assert "Last-Modified" in r.headers
    assert r.headers["Content-Type"].startswith("text/csv")
    assert "charset=utf-8" in r.headers["Content-Type"]
    assert r.headers["Accept-Ranges"] == "bytes"
    disposition = r.headers["Content-Disposition"]
    assert disposition.startswith("attachment")
    assert "filename*=UTF-8''" in disposition
    assert unquote(disposition.split("filename*=UTF-8''")[1]) == "呼和浩特市空气质量2026年10月.csv"
    modified = ds.modified_at
    db.session.expire_all()
    assert db.session.get(Dataset, ds.id).download_count == 1
    assert db.session.get(Dataset, ds.id).modified_at == modified  # a download is not an edit
    event = db.session.query(AccessEvent).filter_by(resource_id=res.id).one()
    assert (event.kind, event.status, event.bytes_sent, event.client_addr) == ("download", 200, res.size, "127.0.0.1")


def test_gbk_file_is_served_with_its_charset(app, client):
    ds = f.dataset()
    res = f.csv_resource(ds, "药店名称,地址\n仁济大药房,新华大街\n", filename="药店.csv", encoding="gbk")
    assert res.encoding == "gbk"
    r = client.get(_url(ds, res))
    assert "charset=gbk" in r.headers["Content-Type"]
    assert r.data.decode("gbk").startswith("药店名称")


def test_range_requests(app, client):
    ds = f.dataset()
    res = f.csv_resource(ds, CSV)
    body = client.get(_url(ds, res)).data
    r = client.get(_url(ds, res), headers={"Range": "bytes=10-19"})
    assert r.status_code == 206
    assert r.data == body[10:20]
    assert r.headers["Content-Range"] == f"bytes 10-19/{len(body)}"
    r = client.get(_url(ds, res), headers={"Range": f"bytes={len(body) + 10}-"})
    assert r.status_code == 416
    assert r.headers["Content-Range"] == f"bytes */{len(body)}"
    # a resumed download (range not starting at 0) is logged but not counted again
    db.session.expire_all()
    assert db.session.get(Dataset, ds.id).download_count == 1
    assert db.session.query(AccessEvent).filter_by(resource_id=res.id, status=206).count() == 1


def test_conditional_get_with_etag(app, client):
    ds = f.dataset()
    res = f.csv_resource(ds, CSV)
    etag = client.get(_url(ds, res)).headers["ETag"]
    r = client.get(_url(ds, res), headers={"If-None-Match": etag})
    assert r.status_code == 304
    assert r.data == b""


def test_conditional_and_closed_files_never_send_bytes(app, client):
    for open_type in (OpenType.CONDITIONAL, OpenType.CLOSED):
        ds = f.dataset(open_type=open_type)
        res = f.csv_resource(ds, CSV)
        r = client.get(_url(ds, res))
        assert r.status_code == 403
        assert CSV.encode()[:20] not in r.data
        assert ds.title in r.get_data(as_text=True)  # the explanation names the entry
    assert db.session.query(AccessEvent).filter_by(status=200).count() == 0


def test_unknown_ids_and_mismatched_slug_are_404(app, client):
    ds = f.dataset()
    res = f.csv_resource(ds, CSV)
    other = f.dataset(title="包头市公交线路")
    assert client.get(f"/dataset/{ds.slug}/resource/00000000-0000-0000-0000-000000000000/download").status_code == 404
    assert client.get(f"/dataset/{other.slug}/resource/{res.id}/download").status_code == 404
    assert client.get(f"/dataset/{ds.slug}/resource/{'x' * 500}/download").status_code == 404
    assert client.get(f"/dataset/{ds.slug}/resource/..%2F..%2Fportal.db/download").status_code == 404


def test_unpublished_entry_files_are_404(app, client):
    ds = f.dataset(state="draft")
    res = f.csv_resource(ds, CSV)
    assert client.get(_url(ds, res)).status_code == 404
    assert client.get(f"/dataset/{ds.slug}").status_code == 404


def test_download_streams_without_reading_the_file_into_memory(app, client):
    ds = f.dataset()
    big = "序号,值\n" + "".join(f"{i},{i * 7}\n" for i in range(300_000))
    res = f.csv_resource(ds, big)
    r = client.get(_url(ds, res), buffered=False)
    assert r.is_streamed
    first = next(r.response)
    assert len(first) < res.size  # the body comes in chunks, not as one string
    r.close()
