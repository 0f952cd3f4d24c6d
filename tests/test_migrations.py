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


def _flask_db(url: str, tmp_path: Path, *args: str) -> None:
    env = {**os.environ, "PORTAL_DATA_DIR": str(tmp_path), "PORTAL_SECRET_KEY": "x", "PORTAL_DATABASE_URL": url}
    out = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "db", *args], cwd=ROOT, env=env,
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr


@pytest.mark.parametrize("dialect", DIALECTS)
def test_one_suspension_moves_the_accounts_suspensions_into_access_blocks_and_back(tmp_path, dialect):
    """0014_one_suspension: data_access_suspensions (whole accounts) join access_blocks, keeping every field."""
    from datetime import datetime

    from sqlalchemy import MetaData, Table, select, text

    url = _empty_database(dialect, tmp_path)
    try:
        _flask_db(url, tmp_path, "upgrade", "0013_complaint_safeguards")
        engine = create_engine(url)
        day = datetime(2026, 3, 2, 8, 0)
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO agencies (id, slug, name, level, region, description, website, contact) "
                              "VALUES (1, 'a', '某局', 'city', '', '', '', '')"))
            for uid, email in ((1, "user@example.cn"), (2, "authority@example.cn")):
                conn.execute(text("INSERT INTO users (id, email, name, password_hash, role, active, created_at) "
                                  "VALUES (:id, :email, :email, '', 'data_user', true, :at)"),
                             {"id": uid, "email": email, "at": day})
            conn.execute(text("INSERT INTO access_blocks (user_id, agency_id, reason, created_by_id, created_at, "
                              "lift_reason) VALUES (1, 1, '利用数据获取非法利益', 2, :at, '')"), {"at": day})
            conn.execute(text("INSERT INTO data_access_suspensions (user_id, reason, source, suspended_by_id, "
                              "suspended_at, lifted_by_id, lifted_at, lift_reason) VALUES "
                              "(1, '倒卖数据', 'report:7', 2, :at, 2, :at, '整改完毕'), "
                              "(1, '经查实倒卖平台数据', '', 2, :at, NULL, NULL, '')"), {"at": day})
        _flask_db(url, tmp_path, "upgrade")
        assert "data_access_suspensions" not in inspect(engine).get_table_names()
        blocks = Table("access_blocks", MetaData(), autoload_with=engine)  # typed: dates come back as dates
        with engine.connect() as conn:
            rows = conn.execute(select(*(blocks.c[n] for n in (
                "user_id", "agency_id", "reason", "source", "created_by_id", "created_at", "lifted_by_id",
                "lifted_at", "lift_reason"))).order_by(blocks.c.id)).all()
        assert [tuple(r) for r in rows] == [
            (1, 1, "利用数据获取非法利益", "", 2, day, None, None, ""),
            (1, None, "倒卖数据", "report:7", 2, day, 2, day, "整改完毕"),
            (1, None, "经查实倒卖平台数据", "account", 2, day, None, None, "")]
        _flask_db(url, tmp_path, "downgrade", "0013_complaint_safeguards")
        moved = Table("data_access_suspensions", MetaData(), autoload_with=engine)
        with engine.connect() as conn:
            back = conn.execute(select(moved.c.reason, moved.c.source, moved.c.lifted_at).order_by(moved.c.id)).all()
            kept = conn.execute(text("SELECT reason FROM access_blocks")).all()
        assert [tuple(r) for r in back] == [("倒卖数据", "report:7", day), ("经查实倒卖平台数据", "", None)]
        assert [tuple(r) for r in kept] == [("利用数据获取非法利益",)]
        engine.dispose()
    finally:
        _drop_database(url)
