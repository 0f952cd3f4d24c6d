"""Static files under fingerprinted names cached for a year, gzip'd for clients that accept it; pages gzip'd;
downloads untouched (their ETag and Range are the file's)."""
from __future__ import annotations

import gzip
import hashlib
import re
import shutil

from portal.machinery.statics import Manifest, build
from tests import factories as f

CSV = "监测站点,AQI,PM2.5\n新华广场,56,21\n如意开发区,61,25\n" * 200


def _stylesheet(page: str) -> str:
    found = re.search(r'href="(/static/css/portal\.([0-9a-f]{12})\.css)"', page)
    assert found, "the page names the stylesheet by its fingerprint"
    return found.group(1)


def test_page_names_static_files_by_content_hash_and_they_are_immutable(client):
    url = _stylesheet(client.get("/licence").get_data(as_text=True))
    r = client.get(url)
    assert r.status_code == 200
    assert r.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert r.headers["Content-Type"].startswith("text/css")
    with open(client.application.static_folder + "/css/portal.css", "rb") as fh:
        body = fh.read()
    assert r.data == body
    assert hashlib.sha256(body).hexdigest()[:12] in url
    again = client.get(url, headers={"If-None-Match": r.headers["ETag"]})
    assert again.status_code == 304


def test_plain_and_outdated_names_answer_with_a_short_cache(client):
    plain = client.get("/static/css/portal.css")
    assert plain.status_code == 200 and "immutable" not in plain.headers["Cache-Control"]
    assert plain.headers["Cache-Control"] == "public, max-age=600"
    old = client.get("/static/css/portal.000000000000.css")
    assert old.status_code == 200 and old.data == plain.data and "immutable" not in old.headers["Cache-Control"]
    assert client.get("/static/css/nothing.css").status_code == 404
    assert client.get("/static/../portal/config.py").status_code == 404


def test_a_changed_file_gets_a_new_url(app, client, tmp_path):
    folder = tmp_path / "static"
    shutil.copytree(app.static_folder, folder)
    app.extensions["statics"] = Manifest(folder)
    before = _stylesheet(client.get("/licence").get_data(as_text=True))
    css = folder / "css" / "portal.css"
    css.write_text(css.read_text(encoding="utf-8") + "\n.changed { color: red; }\n", encoding="utf-8")
    after = _stylesheet(client.get("/licence").get_data(as_text=True))
    assert after != before
    r = client.get(after)
    assert r.headers["Cache-Control"].endswith("immutable") and b".changed" in r.data
    stale = client.get(before)  # a page cached elsewhere with the old name still gets a stylesheet
    assert b".changed" in stale.data and "immutable" not in stale.headers["Cache-Control"]


def test_static_file_is_gzipped_only_for_clients_that_accept_it(client):
    url = _stylesheet(client.get("/licence").get_data(as_text=True))
    plain = client.get(url)
    packed = client.get(url, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert "Content-Encoding" not in plain.headers
    assert packed.headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in packed.headers["Vary"]
    assert len(packed.data) < len(plain.data)
    assert gzip.decompress(packed.data) == plain.data
    assert packed.headers["ETag"] != plain.headers["ETag"]
    assert packed.headers["Cache-Control"].endswith("immutable")


def test_pages_are_gzipped_when_accepted_and_large_enough(client):
    f.dataset("呼和浩特市空气质量监测数据", slug="hhht-aqi")
    plain = client.get("/")
    packed = client.get("/", headers={"Accept-Encoding": "gzip"})
    assert plain.status_code == packed.status_code == 200
    assert "Content-Encoding" not in plain.headers and "Accept-Encoding" in plain.headers["Vary"]
    assert packed.headers["Content-Encoding"] == "gzip"
    assert int(packed.headers["Content-Length"]) == len(packed.data) < len(plain.data)
    assert gzip.decompress(packed.data) == plain.data
    assert "呼和浩特市空气质量监测数据" in gzip.decompress(packed.data).decode()
    for n in range(5):
        f.dataset(f"包头市公交线路数据{n}", slug=f"bt-bus-{n}")
    api_plain = client.get("/api/v1/datasets")
    api = client.get("/api/v1/datasets", headers={"Accept-Encoding": "gzip"})
    assert api.headers["Content-Type"].startswith("application/json") and len(api_plain.data) > 1024
    assert api.headers["Content-Encoding"] == "gzip" and gzip.decompress(api.data) == api_plain.data


def test_small_answers_are_not_compressed(app, client):
    app.config["PAGE_GZIP_MIN_BYTES"] = 10_000_000
    r = client.get("/", headers={"Accept-Encoding": "gzip"})
    assert r.status_code == 200 and "Content-Encoding" not in r.headers


def test_downloads_are_not_touched_and_ranges_still_work(app, client):
    ds = f.dataset()
    res = f.csv_resource(ds, CSV)
    url = f"/dataset/{ds.slug}/resource/{res.id}/download"
    r = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert r.status_code == 200 and "Content-Encoding" not in r.headers
    assert hashlib.sha256(r.data).hexdigest() == res.sha256 == r.headers["ETag"].strip('"')
    part = client.get(url, headers={"Accept-Encoding": "gzip", "Range": "bytes=10-19"})
    assert part.status_code == 206 and part.data == r.data[10:20] and "Content-Encoding" not in part.headers
    assert part.headers["Content-Range"] == f"bytes 10-19/{len(r.data)}"
    assert client.get(url, headers={"Accept-Encoding": "gzip", "If-None-Match": r.headers["ETag"]}).status_code == 304


def test_build_writes_fingerprinted_files_and_gz_for_nginx(app, tmp_path):
    written = build(app.extensions["statics"], tmp_path / "out")
    entry = app.extensions["statics"].get("css/portal.css")
    assert entry.hashed_name in written and "css/portal.css.gz" in written
    out = tmp_path / "out"
    assert (out / entry.hashed_name).read_bytes() == entry.body
    assert gzip.decompress((out / (entry.hashed_name + ".gz")).read_bytes()) == entry.body
