"""Faults survived by a real gunicorn: a worker killed mid-upload, the search index lost or corrupt,
the disk full during an upload. Nothing half-stored, a clear answer, service goes on."""
from __future__ import annotations

import http.client
import os
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from portal.catalog import indexing
from portal.catalog import review as review_service
from portal.catalog.models import Dataset, DatasetState, Resource
from portal.extensions import db
from tests import factories as f
from tests.conftest import PASSWORD
from tests.procs.server import ROOT, Browser, Gunicorn, database_env

MB = 1024 * 1024


def stored_files(storage_dir: Path) -> list[Path]:
    """Every file in the storage directory, the temporary area included."""
    return sorted(p for p in storage_dir.rglob("*") if p.is_file())


def staff_browser(server: Gunicorn) -> Browser:
    b = Browser(server.url)
    b.login("staff@example.cn", PASSWORD)
    return b


def start_raw_upload(server: Gunicorn, browser: Browser, ds_id: str, size: int, filename: str = "测绘成果.csv"):
    """Begin a PUT upload as the console page sends it, returning the open connection."""
    url = f"/console/datasets/{ds_id}/upload"
    token = browser.csrf(url)
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    from urllib.parse import quote

    conn.putrequest("PUT", f"{url}?filename={quote(filename)}&format=CSV")  # noqa: E501
    conn.putheader("Content-Length", str(size))
    conn.putheader("Content-Type", "text/csv")
    conn.putheader("X-CSRFToken", token)
    conn.putheader("Cookie", "; ".join(f"{c.name}={c.value}" for c in browser.cookies))
    conn.endheaders()
    return conn


def csv_bytes(size: int) -> bytes:
    header = "站点,日期,数值\n".encode()
    row = "新华广场,2026-11-01,56\n".encode()
    return header + row * max(1, (size - len(header)) // len(row))  # whole rows, about `size` bytes


# ---- a worker killed with SIGKILL in the middle of an upload ------------------------------------
def test_worker_killed_mid_upload_leaves_no_row_and_no_file(app, users):
    ds_id = f.dataset("全区基础测绘成果", state=DatasetState.DRAFT, index=False).id
    storage_dir = Path(app.config["STORAGE_DIR"])
    db.session.remove()
    with Gunicorn(app, workers=1) as server:
        browser = staff_browser(server)
        [worker] = server.workers()
        total = 200 * MB
        conn = start_raw_upload(server, browser, ds_id, total)
        body = csv_bytes(40 * MB)
        for i in range(0, len(body), MB):
            conn.send(body[i:i + MB])
        # the worker is writing the temporary file when it is killed
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            temps = list((storage_dir / ".tmp").glob("upload-*"))
            if temps and temps[0].stat().st_size > 10 * MB:
                break
            time.sleep(0.1)
        else:
            raise AssertionError(f"the upload never reached the disk: {server.log()[-2000:]}")
        os.kill(worker, signal.SIGKILL)
        conn.close()
        # the master starts a new worker, which sweeps what the dead one left
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and (server.workers() in ([], [worker])):
            time.sleep(0.2)
        server.wait_ready()

        assert stored_files(storage_dir) == []
        assert db.session.query(Resource).filter_by(dataset_id=ds_id).count() == 0

        # and uploads work again
        r = browser.put(f"/console/datasets/{ds_id}/upload", params={"filename": "站点.csv", "format": "CSV"},
                        data=csv_bytes(2000), headers={"X-CSRFToken": browser.csrf(f"/console/datasets/{ds_id}/upload"),
                                                       "Content-Type": "text/csv"})
        assert r.status_code == 201, r.text[:500]
        db.session.expire_all()
        assert db.session.query(Resource).filter_by(dataset_id=ds_id).count() == 1
        assert [p.parent.name for p in stored_files(storage_dir)] != [".tmp"]
        assert not list((storage_dir / ".tmp").iterdir())


# ---- the search backend unavailable -------------------------------------------------------------
def reindex(data_dir: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PORTAL_DATA_DIR": data_dir, "PORTAL_SECRET_KEY": "test-secret", **database_env(data_dir)}
    return subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "portal", "reindex"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)


def submitted_entry(users, title: str) -> int:
    """An entry with a file, submitted by the agency; returns its review id."""
    ds = f.dataset(title, state=DatasetState.DRAFT, index=False)
    f.csv_resource(ds, "站点,AQI\n新华广场,56\n")
    f.agency_checks(ds, users["agency_staff"])
    return review_service.submit(ds, users["agency_staff"]).id


def publish_over_http(authority: Browser, review_id: int) -> None:
    page = f"/review/{review_id}"
    note = {"note": "已审查，不涉及国家秘密和个人信息。"}
    assert authority.post_form(f"{page}/check/confidentiality", note, page=page).status_code == 302
    assert authority.post_form(f"{page}/check/disclosure", note, page=page).status_code == 302
    assert authority.post_form(f"{page}/check/level", note, page=page).status_code == 302
    r = authority.post_form(f"{page}/decide", {"action": "approve", "comment": "同意发布"}, page=page)
    assert r.status_code == 302, r.text[:1000]


@pytest.mark.parametrize("fault", ["removed", "corrupt"])
def test_search_unavailable_answers_503_while_the_rest_works_and_reindex_restores(app, users, fault):
    ds = f.dataset("呼和浩特市空气质量监测数据")
    res = f.csv_resource(ds, "站点,AQI\n新华广场,56\n")
    review_id = submitted_entry(users, "包头市公交线路信息")
    slug, res_id = ds.slug, res.id
    index_dir = Path(app.config["SEARCH_INDEX_DIR"])
    db.session.remove()
    with Gunicorn(app, workers=2) as server:
        visitor = Browser(server.url)
        assert f'href="/dataset/{slug}"' in visitor.get("/dataset?q=空气质量").text

        if app.config["SEARCH_BACKEND"] == "postgres":  # the production profile: the search table
            from sqlalchemy import text

            db.session.execute(text("DROP TABLE search_documents" if fault == "removed"
                                    else "ALTER TABLE search_documents RENAME COLUMN id TO id_damaged"))
            db.session.commit()
        elif fault == "removed":
            shutil.rmtree(index_dir)
        else:  # a half-written commit: a newer table of contents that cannot be read
            (index_dir / "_MAIN_9999.toc").write_bytes(b"\x00garbage" * 64)

        # Every worker answers the same. (A search answered just before, with nothing changed since, may
        # still come from the page cache, which is right: see docs/decisions.md; so ask new ones.)
        for query in ("空气质量监测", "呼和浩特 空气质量", "监测数据", "空气质量&sort=modified"):
            r = visitor.get(f"/dataset?q={query}")
            assert r.status_code == 503
            assert "检索服务暂时不可用，数据详情页和下载仍可正常使用。" in r.text
        assert visitor.get("/dataset").status_code == 503
        # the rest of the portal goes on
        assert visitor.get("/").status_code == 200
        assert "呼和浩特市空气质量监测数据" in visitor.get(f"/dataset/{slug}").text
        download = visitor.get(f"/dataset/{slug}/resource/{res_id}/download")
        assert download.status_code == 200 and download.content.startswith("站点,AQI".encode())
        authority = Browser(server.url)
        authority.login("authority@example.cn", PASSWORD)
        publish_over_http(authority, review_id)  # publishing works; its index change waits
        assert indexing.pending_count() >= 1
        new_slug = db.session.query(Dataset).filter_by(title="包头市公交线路信息").one().slug
        assert visitor.get(f"/dataset/{new_slug}").status_code == 200

        out = reindex(app.config["DATA_DIR"])
        assert out.returncode == 0, out.stderr[-2000:]
        for _ in range(4):
            r = visitor.get("/dataset?q=空气质量")
            assert r.status_code == 200 and f'href="/dataset/{slug}"' in r.text
            assert f'href="/dataset/{new_slug}"' in visitor.get("/dataset?q=公交线路").text
        assert indexing.pending_count() == 0


# ---- the disk full during an upload ---------------------------------------------------------------
def _mount_small_tmpfs(path: Path, size_mb: int) -> bool:
    """A size-capped tmpfs as the file storage, when this process may mount (root); else False."""
    if os.geteuid() != 0 or not shutil.which("mount"):
        return False
    return subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_mb}m", "tmpfs", str(path)],
                          capture_output=True).returncode == 0


def test_disk_full_during_upload_is_a_clear_error_and_nothing_is_stored(app, users):
    ds_id = f.dataset("全区基础测绘成果", state=DatasetState.DRAFT, index=False).id
    storage_dir = Path(app.config["STORAGE_DIR"])
    db.session.remove()
    shutil.rmtree(storage_dir)
    storage_dir.mkdir()
    mounted = _mount_small_tmpfs(storage_dir, 8)
    # Without mount rights the server gets an 8 MB file-size limit instead: its writes then fail with
    # EFBIG as they would with ENOSPC (the database and the log stay far below 8 MB).
    limit = None if mounted else (lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (8 * MB, 8 * MB)))
    try:
        with Gunicorn(app, workers=1, preexec_fn=limit) as server:
            browser = staff_browser(server)
            url = f"/console/datasets/{ds_id}/upload"
            r = browser.put(url, params={"filename": "测绘成果.csv", "format": "CSV"}, data=csv_bytes(12 * MB),
                            headers={"X-CSRFToken": browser.csrf(url), "Content-Type": "text/csv"})
            assert r.status_code == 507, r.text[:500]
            error = r.json()["error"]
            assert error["code"] == "insufficient_storage"
            assert "存储空间已满" in error["message"] and "未保存" in error["message"]
            assert stored_files(storage_dir) == []
            assert db.session.query(Resource).filter_by(dataset_id=ds_id).count() == 0

            # the plain form says the same on the page
            token = browser.csrf(url)
            r = browser.post(url, data={"csrf_token": token, "format": "CSV"},
                             files={"file": ("测绘成果.csv", csv_bytes(12 * MB), "text/csv")})
            assert r.status_code == 507 and "存储空间已满" in r.text
            assert stored_files(storage_dir) == []

            # a file that fits is stored
            r = browser.put(url, params={"filename": "站点.csv", "format": "CSV"}, data=csv_bytes(3000),
                            headers={"X-CSRFToken": browser.csrf(url), "Content-Type": "text/csv"})
            assert r.status_code == 201, r.text[:500]
            db.session.expire_all()
            assert db.session.query(Resource).filter_by(dataset_id=ds_id).count() == 1
    finally:
        if mounted:
            subprocess.run(["umount", str(storage_dir)], check=True)
