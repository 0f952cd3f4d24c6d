"""Where derived copies live: their own storage area (DERIVED_DIR), out of backups, made anew after a restore."""
from __future__ import annotations

from pathlib import Path

from portal.backup.services import backup, restore
from portal.catalog.models import Resource
from portal.extensions import db
from portal.tables import services as tables
from tests import databases
from tests.conftest import build_app
from tests.tables.test_derive import CSV, rows_of, upload

KEY = "derived copies stay out of backups, 2026"


def _stored(root: str) -> set[str]:
    return {p.name for p in Path(root).rglob("*") if p.is_file() and ".tmp" not in p.parts}


def test_the_parquet_copy_lives_in_the_derived_area_not_among_the_files(setup, client, app):
    ds, tokens = setup
    rid = upload(client, ds, CSV.encode(), tokens["rw"])
    res = db.session.get(Resource, rid)
    table = tables.current_table(res)
    assert table.state == "done"
    assert _stored(app.config["STORAGE_DIR"]) == {res.storage_key}
    assert _stored(app.config["DERIVED_DIR"]) == {table.storage_key}
    r = app.test_cli_runner().invoke(args=["portal", "storage", "check"])
    assert r.exit_code == 0, r.output
    assert "Orphans (stored, nothing refers to them): 0" in r.output
    assert "Derived copies: 1; referred to: 1; orphans: 0 (0 bytes); missing: 0." in r.output


def test_backups_leave_derived_copies_out_and_a_restore_derives_them_again(setup, client, app, tmp_path):
    ds, tokens = setup
    rid = upload(client, ds, CSV.encode(), tokens["rw"])
    before = rows_of(rid)
    key = tables.current_table(db.session.get(Resource, rid)).storage_key
    archive = tmp_path / "portal.backup"
    summary = backup(archive, KEY)
    assert summary.files == 1  # the CSV, not its Parquet copy
    db.session.remove()

    other = build_app(tmp_path / "restored")
    with other.app_context():
        restore(archive, KEY)
        table = tables.current_table(db.session.get(Resource, rid))
        assert table.state == "pending" and table.storage_key == "" and table.columns  # the agency's types stay
        visitor = other.test_client()
        assert visitor.get(f"/api/v1/resources/{rid}/table").status_code == 404  # until derived again
        r = other.test_cli_runner().invoke(args=["portal", "derive"])
        assert r.exit_code == 0 and f"{rid} v1: done (3 rows)" in r.output, r.output
        assert tables.current_table(db.session.get(Resource, rid)).storage_key == key
        assert rows_of(rid) == before
        assert visitor.get(f"/api/v1/resources/{rid}/table").status_code == 200
        db.session.remove()
        db.engine.dispose()
    databases.release_schema(other.config)
