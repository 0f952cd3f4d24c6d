"""/agency/<slug>/files.zip and /theme/<slug>/files.zip: every unconditionally open file as one streamed ZIP."""
from __future__ import annotations

import csv
import hashlib
import io
import zipfile

import pytest

from portal.audit.models import AccessEvent
from portal.catalog.files import add_link_resource
from portal.catalog.models import DatasetState, OpenType
from portal.exports import services
from portal.extensions import db
from portal.storage import storage
from tests import factories as f
from tests.conftest import build_app


@pytest.fixture()
def files(app):
    env = f.agency("呼和浩特市生态环境局", slug="hhht-sthjj")
    other = f.agency("包头市生态环境局", slug="bt-sthjj", region="包头市")
    environment = f.theme("资源环境", slug="environment")
    transport = f.theme("道路交通", slug="transport")
    air = f.dataset("呼和浩特市空气质量监测数据", slug="hhht-air", agency_obj=env, theme_obj=environment)
    a1 = f.csv_resource(air, "站点,AQI\n新华广场,56\n", filename="空气质量.csv")
    a2 = f.csv_resource(air, "站点,AQI\n如意,40\n", filename="空气质量.csv")  # same file name, another file
    add_link_resource(air, name="实时接口", url="https://api.example.cn/air")
    water = f.dataset("呼和浩特市水质监测", slug="hhht-water", agency_obj=env, theme_obj=environment)
    w1 = f.csv_resource(water, "断面,类别\n大黑河,III\n".encode("gbk").decode("latin-1"), filename="water.csv",
                        encoding="latin-1")
    cond = f.dataset("重点排污单位自行监测数据", slug="hhht-pollution", open_type=OpenType.CONDITIONAL,
                     agency_obj=env, theme_obj=environment)
    f.csv_resource(cond, "单位,排放量\n某厂,1\n", filename="排污.csv")
    draft = f.dataset("尚未发布的草稿", slug="hhht-draft", state=DatasetState.DRAFT, agency_obj=env,
                      theme_obj=environment)
    f.csv_resource(draft, "a\n1\n", filename="draft.csv")
    bus = f.dataset("包头市公交线路", slug="bt-bus", agency_obj=other, theme_obj=transport)
    b1 = f.csv_resource(bus, "线路,起点\n1路,东河\n", filename="公交线路.csv")
    empty = f.agency("乌海市生态环境局", slug="wh-sthjj", region="乌海市")
    db.session.commit()
    return {"agency_files": [a1, a2, w1], "theme_files": [a1, a2, w1], "bus": b1, "empty": empty}


def open_zip(resp) -> zipfile.ZipFile:
    assert resp.status_code == 200, resp.get_data(as_text=True)[:500]
    assert resp.mimetype == "application/zip" and resp.is_streamed
    z = zipfile.ZipFile(io.BytesIO(resp.data))
    assert z.testzip() is None  # every CRC checks out
    return z


def manifest(z: zipfile.ZipFile) -> list[dict]:
    return list(csv.DictReader(io.StringIO(z.read("manifest.csv").decode("utf-8-sig"))))


def test_agency_zip_holds_every_open_file_with_matching_hashes(client, files):
    r = client.get("/agency/hhht-sthjj/files.zip")
    assert "filename*=UTF-8''" in r.headers["Content-Disposition"]
    z = open_zip(r)
    rows = manifest(z)
    assert z.namelist()[-1] == "manifest.csv"
    assert sorted(row["resource_id"] for row in rows) == sorted(res.id for res in files["agency_files"])
    for row in rows:
        data = z.read(row["path"])
        assert hashlib.sha256(data).hexdigest() == row["sha256"]
        res = next(res for res in files["agency_files"] if res.id == row["resource_id"])
        assert row["sha256"] == res.sha256 and int(row["size"]) == res.size == len(data)
        assert data == storage().path(res.storage_key).read_bytes()
        assert row["download_url"].endswith(f"/resource/{res.id}/download")
    names = [row["path"] for row in rows]
    # one folder per entry named by its title; a second file of the same name is numbered
    assert "呼和浩特市空气质量监测数据 (hhht-air)/空气质量.csv" in names
    assert "呼和浩特市空气质量监测数据 (hhht-air)/空气质量 (2).csv" in names
    # no conditional, draft, link or other agency's files
    text = " ".join(z.namelist())
    assert "排污" not in text and "draft" not in text and "公交" not in text and "实时接口" not in text


def test_zip_names_are_flagged_utf8(client, files):
    z = open_zip(client.get("/agency/hhht-sthjj/files.zip"))
    for info in z.infolist():
        assert info.flag_bits & 0x800, info.filename
    raw = client.get("/agency/hhht-sthjj/files.zip").data
    assert "空气质量.csv".encode("utf-8") in raw


def test_theme_zip(client, files):
    z = open_zip(client.get("/theme/environment/files.zip"))
    assert sorted(r["resource_id"] for r in manifest(z)) == sorted(res.id for res in files["theme_files"])
    z2 = open_zip(client.get("/theme/transport/files.zip"))
    (row,) = manifest(z2)
    assert row["resource_id"] == files["bus"].id and row["theme"] == "道路交通" and row["agency"] == "包头市生态环境局"


def test_zip_streams_in_many_chunks(client, files, monkeypatch):
    monkeypatch.setattr(services, "CHUNK", 16)
    r = client.get("/agency/hhht-sthjj/files.zip")
    chunks = list(r.iter_encoded())
    assert len(chunks) > 3
    assert zipfile.ZipFile(io.BytesIO(b"".join(chunks))).testzip() is None


def test_zip_download_is_logged(client, files):
    size = len(client.get("/agency/hhht-sthjj/files.zip").data)
    event = db.session.query(AccessEvent).filter_by(kind="bulk_zip").one()
    assert event.status == 200 and event.bytes_sent == size
    assert event.detail == "agency=hhht-sthjj files=3"


def test_unknown_or_empty_gives_404(client, files):
    r = client.get("/agency/no-such-agency/files.zip")
    assert r.status_code == 404 and r.mimetype == "text/html"
    r = client.get("/agency/wh-sthjj/files.zip")
    assert r.status_code == 404 and "乌海市生态环境局" in r.get_data(as_text=True)
    assert client.get("/theme/no-such-theme/files.zip").status_code == 404


def test_agency_and_search_pages_link_the_zip(client, files):
    html = client.get("/agency/hhht-sthjj").get_data(as_text=True)
    assert 'href="/agency/hhht-sthjj/files.zip"' in html and "3" in html
    assert "files.zip" not in client.get("/agency/wh-sthjj").get_data(as_text=True)
    html = client.get("/dataset?theme=environment").get_data(as_text=True)
    assert 'href="/theme/environment/files.zip"' in html
    html = client.get("/dataset?agency=bt-sthjj").get_data(as_text=True)
    assert 'href="/agency/bt-sthjj/files.zip"' in html
    assert "files.zip" not in client.get("/dataset").get_data(as_text=True)


def test_zip_is_rate_limited_like_downloads(tmp_path):
    app = build_app(tmp_path, RATELIMIT_DOWNLOAD="2/minute")
    with app.app_context():
        ds = f.dataset(agency_obj=f.agency("呼和浩特市生态环境局", slug="hhht-sthjj"))
        f.csv_resource(ds)
    client = app.test_client()
    codes = []
    for _ in range(3):
        r = client.get("/agency/hhht-sthjj/files.zip")
        codes.append(r.status_code)
        body = r.data  # a streamed body is read before the next request, as a client does
        if r.status_code == 200:
            assert zipfile.ZipFile(io.BytesIO(body)).testzip() is None
    assert codes == [200, 200, 429]
    dump = client.get("/api/v1/catalog.jsonl.gz")  # its own budget
    assert dump.status_code == 200 and dump.data


def test_an_entry_spanning_two_pages_keeps_unique_names(client, files, monkeypatch):
    from portal.exports import records
    monkeypatch.setattr(records, "PAGE_SIZE", 1)  # one file per query page
    z = open_zip(client.get("/agency/hhht-sthjj/files.zip"))
    names = z.namelist()
    assert len(names) == len(set(names)) == 4
    assert "呼和浩特市空气质量监测数据 (hhht-air)/空气质量 (2).csv" in names


def test_manifest_cells_are_never_live_formulas(client, app):
    """An entry title or file name starting with = (or +, -, @) is written as text, as in the log exports."""
    agency = f.agency("呼和浩特市生态环境局", slug="hhht-sthjj")
    hostile = f.dataset('=HYPERLINK("http://evil.example","点此查看")', slug="hhht-hostile", agency_obj=agency,
                        code="@SUM(1+1)")
    res = f.csv_resource(hostile, "站点,AQI\n新华广场,-5\n", filename="=cmd|' /C calc'!A0.csv")
    db.session.commit()
    z = open_zip(client.get("/agency/hhht-sthjj/files.zip"))
    (row,) = manifest(z)
    assert row["dataset_title"] == '\'=HYPERLINK("http://evil.example","点此查看")'
    assert row["resource_name"] == "'=cmd|' /C calc'!A0" and row["dataset_code"] == "'@SUM(1+1)"
    assert row["path"] == "'" + z.namelist()[0]  # the member itself keeps its name
    assert row["resource_id"] == res.id and row["size"] == str(res.size)
    raw = z.read("manifest.csv").decode("utf-8-sig")
    for line in raw.splitlines()[1:]:
        for cell in next(csv.reader([line])):
            assert cell[:1] not in ("=", "+", "-", "@"), cell
