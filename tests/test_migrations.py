"""Alembic migrations create every table, and the models do not drift from them."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from portal.extensions import db

ROOT = Path(__file__).resolve().parent.parent


def test_flask_db_upgrade_on_empty_database_creates_every_table(tmp_path):
    env = {**os.environ, "PORTAL_DATA_DIR": str(tmp_path), "PORTAL_SECRET_KEY": "x"}
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    out = subprocess.run(flask + ["db", "upgrade"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    engine = create_engine(f"sqlite:///{tmp_path / 'portal.db'}")
    tables = set(inspect(engine).get_table_names())
    import portal.models  # noqa: F401

    assert set(db.metadata.tables) <= tables
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"render_as_batch": True}), db.metadata)
    assert diff == [], f"models and migrations differ; run `flask db migrate`: {diff}"
