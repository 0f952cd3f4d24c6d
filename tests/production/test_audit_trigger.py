"""On PostgreSQL the database itself refuses to change or delete audit events (migration 0006_audit_trigger)."""
from __future__ import annotations

import os
import subprocess
import sys

import psycopg
import pytest

from tests.production.servers import connect
from tests.test_migrations import ROOT, _drop_database, _empty_database


def _flask_db(url: str, tmp_path, *args: str) -> None:
    env = {**os.environ, "PORTAL_DATA_DIR": str(tmp_path), "PORTAL_SECRET_KEY": "x", "PORTAL_DATABASE_URL": url}
    out = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "db", *args], cwd=ROOT, env=env,
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr


def test_raw_sql_cannot_change_delete_or_truncate_audit_events(tmp_path):
    url = _empty_database("postgresql", tmp_path)
    try:
        _flask_db(url, tmp_path, "upgrade")
        with connect(url) as conn:
            conn.execute("INSERT INTO audit_events (at, actor_label, action, object_type, object_id, reason, details, "
                         "prev_hash, hash) VALUES (now(), '管理员', 'dataset.publish', 'dataset', 'ds-1', '发布', "
                         "'{}', :p, :h)".replace(":p", "'" + "0" * 64 + "'").replace(":h", "'" + "a" * 64 + "'"))
            for statement in ("UPDATE audit_events SET reason = '改过的理由'", "DELETE FROM audit_events",
                              "TRUNCATE audit_events"):
                with pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only"):
                    conn.execute(statement)
            assert conn.execute("SELECT reason FROM audit_events").fetchall() == [("发布",)]
            # appending goes on
            conn.execute("INSERT INTO audit_events (at, actor_label, action, object_type, object_id, reason, "
                         "details, prev_hash, hash) SELECT at, actor_label, 'dataset.withdraw', object_type, "
                         "object_id, '撤回', details, hash, :h FROM audit_events".replace(":h", "'" + "b" * 64 + "'"))
            assert conn.execute("SELECT count(*) FROM audit_events").fetchone() == (2,)
        _flask_db(url, tmp_path, "downgrade", "0005_search_outbox")  # the migration can be undone
        with connect(url) as conn:
            conn.execute("UPDATE audit_events SET reason = '改过的理由'")
            assert conn.execute("SELECT DISTINCT reason FROM audit_events").fetchall() == [("改过的理由",)]
    finally:
        _drop_database(url)
