"""Alembic migrations create every table, and the models do not drift from them (SQLite, and
PostgreSQL in the production-profile run)."""
from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect
from sqlalchemy.engine import make_url

from portal.extensions import db

ROOT = Path(__file__).resolve().parent.parent
PG_URL = os.environ.get("PORTAL_TEST_DATABASE_URL", "")
DIALECTS = ["sqlite"] + (["postgresql"] if PG_URL.startswith("postgresql") else [])


def _empty_database(dialect: str, tmp_path: Path) -> str:
    if dialect == "sqlite":
        return f"sqlite:///{tmp_path / 'portal.db'}"
    import psycopg

    u = make_url(PG_URL)
    name = f"migrations_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(host=u.host, port=u.port, user=u.username, dbname=u.database, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return u.set(database=name).render_as_string(hide_password=False)


def _drop_database(url: str) -> None:
    if not url.startswith("postgresql"):
        return
    import psycopg

    u = make_url(PG_URL)
    with psycopg.connect(host=u.host, port=u.port, user=u.username, dbname=u.database, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')


@pytest.mark.parametrize("dialect", DIALECTS)
def test_flask_db_upgrade_on_empty_database_creates_every_table(tmp_path, dialect):
    url = _empty_database(dialect, tmp_path)
    try:
        env = {**os.environ, "PORTAL_DATA_DIR": str(tmp_path), "PORTAL_SECRET_KEY": "x", "PORTAL_DATABASE_URL": url}
        flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
        out = subprocess.run(flask + ["db", "upgrade"], cwd=ROOT, env=env, capture_output=True, text=True)
        assert out.returncode == 0, out.stderr
        engine = create_engine(url)
        tables = set(inspect(engine).get_table_names())
        import portal.models  # noqa: F401

        assert set(db.metadata.tables) <= tables
        if dialect == "postgresql":
            assert "search_documents" in tables  # the search backend's table (migration 0004_pg_search)
        from portal.search.postgres.schema import include_object

        with engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"render_as_batch": True, "include_object": include_object})
            diff = compare_metadata(ctx, db.metadata)
        engine.dispose()
        assert diff == [], f"models and migrations differ; run `flask db migrate`: {diff}"
    finally:
        _drop_database(url)
