"""`flask portal backup` / `restore`: an encrypted round trip of every table and file (R2024 §35)."""
from __future__ import annotations

import hashlib
import io
import os
import tracemalloc
from pathlib import Path

import pytest
from sqlalchemy import func, select

from portal.audit.services import verify_chain
from portal.backup import crypto
from portal.backup.crypto import BackupError, Damaged, WrongKey
from portal.backup.services import NOT_BACKED_UP, backup, restore
from portal.extensions import db
from portal.search import backend
from portal.search.base import SearchQuery
from tests.conftest import build_app, login

KEY = "correct horse battery staple, 2026 edition"


def _counts() -> dict[str, int]:
    """Rows per table that a backup carries (pending search-index changes are rebuilt, not copied)."""
    return {t.name: db.session.scalar(select(func.count()).select_from(t)) for t in db.metadata.sorted_tables
            if t.name not in NOT_BACKED_UP}


def _files(app) -> dict[str, str]:
    """Every stored file under the storage root, by its path relative to the root, with its SHA-256."""
    root = Path(app.config["STORAGE_DIR"])
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in root.rglob("*") if p.is_file() and ".tmp" not in p.parts}


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    """The demo catalog plus audit events, access events and an upload through the console."""
    from portal.demo import load_demo
    from portal.catalog.models import Dataset

    app = build_app(tmp_path_factory.mktemp("source"), WTF_CSRF_ENABLED=False)
    with app.app_context():
        load_demo()
        ds = db.session.scalars(select(Dataset).where(Dataset.state == "draft")).first() or \
            db.session.scalars(select(Dataset)).first()
        agency_slug = ds.agency.slug
        from portal.accounts.services import create_staff_user

        create_staff_user("ops-staff@example.cn", "经办人", "Test-Passw0rd!", "agency_staff", agency_slug)
        target_id, slug = ds.id, ds.slug
        published = db.session.scalars(select(Dataset).where(Dataset.state == "published")).first()
        res = next(r for r in published.resources if r.kind == "file" and published.open_type == "unconditional")
        download = f"/dataset/{published.slug}/resource/{res.id}/download"
        db.session.remove()
    client = app.test_client()
    login(client, "ops-staff@example.cn")
    big = "编号,名称,数值\n" + "".join(f"{i},站点{i},{i * 7 % 1000}\n" for i in range(120_000))  # about 2.5 MB
    r = client.post(f"/console/datasets/{target_id}/upload",
                    data={"file": (io.BytesIO(big.encode()), "监测数据.csv"), "format": "CSV", "name": "监测数据"},
                    content_type="multipart/form-data")
    assert r.status_code == 302, r.get_data(as_text=True)[-500:]
    for name in ("同步脚本", "备用"):
        assert client.post("/account/tokens", data={"name": name, "scope": "read", "days": "30"}).status_code == 201
    anon = app.test_client()
    assert anon.get(download).status_code == 200
    assert anon.get("/dataset?q=空气质量").status_code == 200
    app.slug = slug
    return app


@pytest.fixture(scope="module")
def archive(source, tmp_path_factory):
    path = tmp_path_factory.mktemp("backups") / "portal.backup"
    with source.app_context():
        source.counts_before = _counts()
        summary = backup(path, KEY)
        assert summary.files > 100 and summary.missing == []
        db.session.remove()
    return path


def _empty_app(tmp_path):
    return build_app(tmp_path / "target")


def test_round_trip_restores_every_row_and_file(source, archive, tmp_path):
    raw = archive.read_bytes()
    assert b"SQLite" not in raw and "呼和浩特".encode() not in raw and b"manifest" not in raw  # encrypted
    with source.app_context():
        expected, source_files = source.counts_before, _files(source)
    assert expected["audit_events"] >= 4 and expected["api_tokens"] == 2 and expected["access_events"] >= 2 and expected["resource_versions"] > 100
    target = _empty_app(tmp_path)
    with target.app_context():
        summary = restore(archive, KEY)
        got = _counts()
        assert got == {**expected, "audit_events": expected["audit_events"] + 1}  # + the restore's own event
        assert summary.tables == expected
        assert _files(target) == source_files and len(source_files) == summary.files
        for key, digest in _files(target).items():
            assert key.endswith(digest)  # content-addressed: the name is the hash of the bytes
        assert verify_chain() == []  # the chain came back intact and the restore event continues it
        assert backend().search(SearchQuery(text="空气质量")).total > 0  # search index rebuilt
    client = target.test_client()
    assert client.get(f"/dataset/{_first_public_slug(target)}").status_code == 200
    login(client, "ops-staff@example.cn")  # accounts and password hashes came back
    assert client.get("/console/").status_code == 200


def _first_public_slug(app) -> str:
    from portal.catalog.models import Dataset

    with app.app_context():
        return db.session.scalars(select(Dataset.slug).where(Dataset.state == "published")).first()


def _assert_untouched(app) -> None:
    with app.app_context():
        assert all(n == 0 for n in _counts().values())
        assert _files(app) == {}


def test_wrong_key_is_refused_and_nothing_written(archive, tmp_path):
    target = _empty_app(tmp_path)
    with target.app_context():
        with pytest.raises(WrongKey, match="PORTAL_BACKUP_KEY"):
            restore(archive, "an entirely different key of enough length!")
    _assert_untouched(target)


@pytest.mark.parametrize("where", ["header", "early", "late"])
def test_altered_archive_is_refused_and_nothing_remains(archive, tmp_path, where):
    data = bytearray(archive.read_bytes())
    offset = {"header": 20, "early": 200, "late": len(data) - 100}[where]
    data[offset] ^= 0x01
    bad = tmp_path / "altered.backup"
    bad.write_bytes(bytes(data))
    target = _empty_app(tmp_path)
    with target.app_context():
        with pytest.raises(BackupError):  # header: the key check fails; chunks: authentication fails
            restore(bad, KEY)
    _assert_untouched(target)


def test_truncated_archive_is_refused(archive, tmp_path):
    bad = tmp_path / "cut.backup"
    data = archive.read_bytes()
    bad.write_bytes(data[: len(data) - crypto.CHUNK // 2])
    target = _empty_app(tmp_path)
    with target.app_context():
        with pytest.raises(Damaged, match="truncated"):
            restore(bad, KEY)
    _assert_untouched(target)


def test_restore_refuses_a_non_empty_installation(archive, app):
    from tests import factories as f

    f.dataset("已有条目")
    with pytest.raises(BackupError, match="not empty"):
        restore(archive, KEY)


def test_key_must_be_set_and_long(app, tmp_path):
    for key in (None, "", "short"):
        with pytest.raises(BackupError, match="PORTAL_BACKUP_KEY"):
            backup(tmp_path / "x.backup", key)
    assert not list(tmp_path.glob("x.backup*"))


def test_cli_backup_and_restore(app, tmp_path):
    from tests import factories as f

    ds = f.dataset("呼和浩特市空气质量监测数据")
    f.csv_resource(ds)
    app.config["BACKUP_KEY"] = KEY
    out = tmp_path / "cli.backup"
    result = app.test_cli_runner().invoke(args=["portal", "backup", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "1 files" in result.output and out.exists() and oct(out.stat().st_mode & 0o777) == "0o600"
    target = build_app(tmp_path / "cli-target")
    runner = target.test_cli_runner()
    target.config["BACKUP_KEY"] = "x" * 40
    with target.app_context():
        result = runner.invoke(args=["portal", "restore", str(out)])
        assert result.exit_code != 0 and "does not open this archive" in result.output
        assert "Nothing was restored" in result.output
        target.config["BACKUP_KEY"] = KEY
        result = runner.invoke(args=["portal", "restore", str(out)])
        assert result.exit_code == 0, result.output
        assert backend().search(SearchQuery(text="空气质量")).total == 1
        result = runner.invoke(args=["portal", "restore", str(out)])
        assert result.exit_code != 0 and "not empty" in result.output


def test_encryption_streams_in_bounded_memory(tmp_path):
    """A 48 MB stream passes through both ends while never more than a few MiB are held."""
    src = tmp_path / "big.bin"
    with open(src, "wb") as fh:
        for _ in range(48):
            fh.write(os.urandom(1024 * 1024))
    enc = tmp_path / "big.enc"
    tracemalloc.start()
    try:
        with open(src, "rb") as fin, open(enc, "wb") as fout:
            writer = crypto.EncryptingWriter(fout, KEY)
            while block := fin.read(64 * 1024):
                writer.write(block)
            writer.close()
        _, peak_write = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        digest = hashlib.sha256()
        with open(enc, "rb") as fin:
            reader = crypto.DecryptingReader(fin, KEY)
            while block := reader.read(64 * 1024):
                digest.update(block)
        _, peak_read = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert digest.hexdigest() == hashlib.sha256(src.read_bytes()).hexdigest()
    assert peak_write < 8 * 1024 * 1024 and peak_read < 8 * 1024 * 1024, (peak_write, peak_read)
