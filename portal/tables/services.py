"""Derived tables: queueing a file version for derivation, running it, and who may read the result.

This is the interface the rows API, the CKAN DataStore calls, the formats out and the privacy scan build on:

- `readable_table(resource_id, user, channel)` → `(StoredFile, DerivedTable)`: the current version's table of
  a file this caller may download now (the rules of `catalog.downloads.downloadable_resource`: published, not
  suspended — 451 —, not quarantined, open or under a grant), and done; NotFound/Forbidden/451 otherwise.
- `parquet_path(table)` → the local path of its Parquet copy (DuckDB reads it with `read_parquet`).
- `current_table(resource)` / `table_of(resource, version)`: the row itself, whatever its state.
- `console_table(ds, resource_id, actor)`: for the agency's console (its staff, the authority, auditors).
- `set_column_types(ds, resource_id, types, actor)`: the agency's overrides; the table is derived anew.
- `item_checks(ds, table)`: columns against the entry's declared data items (数据项).
- `derive_pending()`, `derive(table_id)`, `requeue(...)`: the work, for the CLI and the after-request hook.

Queueing follows the search outbox (`catalog/indexing.py`): a new tabular file version adds a pending row
in the same transaction as the upload (a `before_flush` hook), so no committed upload is forgotten. The
request that uploaded derives files up to DERIVE_INLINE_MAX_BYTES before its answer (as it applies the
index); larger ones are derived by a thread of the process (DERIVE_IN_THREAD), or by `flask portal derive`
(what is pending, failed or stale; one resource or every one anew). A running row shows its step and
percent on the console.
"""
from __future__ import annotations

import logging
import shutil
import tempfile
import threading
from pathlib import Path
from typing import Any, Iterable

from flask import Response, current_app, g, has_request_context
from flask_babel import gettext as _
from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from .. import pagecache
from ..audit import services as audit
from ..catalog import editing
from ..catalog.downloads import StoredFile, downloadable_resource
from ..catalog.models import Dataset, Resource, ResourceVersion
from ..errors import Conflict, Invalid, NotFound
from ..extensions import db
from ..machinery import listen_once
from ..models_base import utcnow
from ..side_db import read_committed
from ..storage import files as stored_files
from ..storage import storage
from .derive import Unreadable, derive_file
from .models import DerivedTable, TableState
from .privacy import mask_profile, scan_parquet
from .profile import profile_parquet
from .types import ITEM_TYPE_MATCHES, TYPE_LABELS, ColumnType

log = logging.getLogger(__name__)
TABULAR_FORMATS = ("CSV", "XLSX", "JSON")


# ---- queueing (same transaction as the upload) --------------------------------------------------
def init_app(app) -> None:
    """Queue a derivation with every new tabular file version; derive after the request that queued it."""
    listen_once(Session, "before_flush", _queue_new_versions)
    app.after_request(_derive_after_request)


def is_tabular(fmt: str) -> bool:
    return (fmt or "").upper() in TABULAR_FORMATS


def _queue_new_versions(session: Session, _flush_context, _instances) -> None:
    for obj in list(session.new):
        if not isinstance(obj, ResourceVersion) or obj.resource is None or not is_tabular(obj.resource.format):
            continue
        res = obj.resource
        if res.id is None:
            from ..models_base import new_id
            res.id = new_id()
        with session.no_autoflush:
            before = session.scalar(select(DerivedTable.overrides).where(DerivedTable.resource_id == res.id)
                                    .order_by(DerivedTable.version.desc()).limit(1)) if res in session else None
        session.add(DerivedTable(resource=res, version=obj.version, source_key=obj.storage_key,
                                 source_format=res.format.upper(), source_size=obj.size or 0,
                                 overrides=dict(before or {})))
        if has_request_context():
            g.tables_queued = True


def _derive_after_request(response: Response) -> Response:
    """A request that queued derivations runs the small ones now and hands the rest to a thread."""
    if g.pop("tables_queued", False):
        try:
            derive_pending(max_size=current_app.config["DERIVE_INLINE_MAX_BYTES"])
        except Exception:  # never fail the answer: the rows stay pending for the thread or the CLI
            db.session.rollback()
            log.exception("derivation after the request failed")
        if current_app.config["DERIVE_IN_THREAD"] and _pending_ids():
            app = current_app._get_current_object()
            threading.Thread(target=_derive_in_thread, args=(app,), daemon=True).start()
    return response


def _derive_in_thread(app) -> None:
    with app.app_context():
        try:
            derive_pending()
        except Exception:
            log.exception("background derivation failed")
        finally:
            db.session.remove()


# ---- running ------------------------------------------------------------------------------------
def _pending_ids(max_size: int | None = None) -> list[int]:
    stmt = select(DerivedTable.id).where(DerivedTable.state == TableState.PENDING).order_by(DerivedTable.id)
    if max_size is not None:
        stmt = stmt.where(DerivedTable.source_size <= max_size)
    return list(db.session.scalars(stmt))


def derive_pending(max_size: int | None = None) -> int:
    """Derive every pending table (of at most `max_size` bytes); returns how many this process ran."""
    done = 0
    for table_id in _pending_ids(max_size):
        if derive(table_id) is not None:
            done += 1
    return done


def _claim(table_id: int) -> bool:
    """Take a pending row for this process (one process derives a row, however many look)."""
    claimed = db.session.execute(
        update(DerivedTable).where(DerivedTable.id == table_id, DerivedTable.state == TableState.PENDING)
        .values(state=TableState.RUNNING, started_at=utcnow(), progress=0, step="")).rowcount
    db.session.commit()
    return claimed == 1


def derive(table_id: int) -> DerivedTable | None:
    """Read one pending table into Parquet and profile it; the row ends done or failed (with the row and column
    that could not be read). None when another process took it. A failure leaves no copy behind."""
    if not _claim(table_id):
        return None
    table = db.session.get(DerivedTable, table_id)
    db.session.refresh(table)

    def progress(step: str, percent: int) -> None:
        table.step, table.progress = step, percent
        db.session.commit()

    work = Path(tempfile.mkdtemp(prefix="derive-", dir=_work_root()))
    key = ""
    try:
        src = storage(stored_files.FILES).path(table.source_key)
        derived = derive_file(src, table.source_format, work, table.overrides, progress)
        progress("profiling", 80)
        profile = profile_parquet(derived.parquet, derived.columns, work)
        progress("privacy", 90)
        findings = scan_parquet(derived.parquet, derived.columns, work)
        profile = mask_profile(profile, findings)
        with open(derived.parquet, "rb") as fh:
            key = stored_files.save(fh, area=stored_files.DERIVED).key
        table.storage_key, table.row_count = key, derived.row_count
        table.columns = [{**c, "type": str(c["type"])} for c in derived.columns]
        table.profile, table.privacy = profile, findings
        table.state, table.progress, table.step, table.error = TableState.DONE, 100, "", ""
        table.error_row, table.error_column = None, ""
    except Unreadable as exc:
        _fail(table, exc.message, exc.row, exc.column)
    except Exception as exc:  # an unexpected failure still ends the row, with no copy
        log.exception("deriving table %s failed", table_id)
        _fail(table, _("The file could not be read as a table (%(error)s).", error=type(exc).__name__))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    table.finished_at = utcnow()
    pagecache.mark_changed()
    try:
        db.session.commit()
    except BaseException:
        db.session.rollback()
        if key:
            stored_files.discard([key], area=stored_files.DERIVED)
        raise
    return table


def _fail(table: DerivedTable, message: str, row: int | None = None, column: str = "") -> None:
    table.state, table.error, table.error_row, table.error_column = TableState.FAILED, message, row, column or ""
    table.storage_key, table.row_count, table.columns, table.profile, table.step = "", None, [], [], ""
    table.privacy = None


def _work_root() -> str:
    root = Path(current_app.config["DATA_DIR"]) / "derive-work"
    root.mkdir(parents=True, exist_ok=True)
    return str(root)


def requeue(tables: Iterable[DerivedTable]) -> int:
    """Make these tables pending again (a new derivation replaces the copy when it is done); the caller commits."""
    n = 0
    for t in tables:
        t.state, t.progress, t.step, t.queued_at = TableState.PENDING, 0, "", utcnow()
        t.error, t.error_row, t.error_column, t.finished_at = "", None, "", None
        n += 1
    return n


def tables_to_derive(resource_id: str | None = None, everything: bool = False) -> list[DerivedTable]:
    """For the CLI: the current version of one resource, of every tabular resource (`everything`), or
    what is pending, failed or left running by a process that died."""
    if resource_id:
        res = db.session.get(Resource, resource_id)
        if res is None:
            raise NotFound(_("No file has this address."))
        return [ensure_table(res)]
    if everything:
        resources = db.session.scalars(select(Resource).where(Resource.kind == "file")).all()
        return [ensure_table(r) for r in resources if is_tabular(r.format)]
    return [*db.session.scalars(select(DerivedTable).where(DerivedTable.state != TableState.DONE)), *missing_copies()]


def missing_copies() -> list[DerivedTable]:
    """Done tables whose Parquet copy is not stored (a restored backup leaves the copies out: they are made anew)."""
    store = storage(stored_files.DERIVED)
    done = db.session.scalars(select(DerivedTable).where(DerivedTable.state == TableState.DONE)).all()
    return [t for t in done if not t.storage_key or not store.exists(t.storage_key)]


def requeue_missing() -> int:
    """After a restore: every done table without its copy is pending again (`flask portal derive` makes them)."""
    tables = missing_copies()
    for t in tables:
        t.storage_key = ""  # named by nothing until derived again, so the storage check does not call it missing
    n = requeue(tables)
    db.session.commit()
    return n


def ensure_table(res: Resource) -> DerivedTable:
    """The current version's table row, made (pending) for files uploaded before derived tables existed."""
    table = table_of(res, res.version)
    if table is None:
        table = DerivedTable(resource=res, version=res.version, source_key=res.storage_key,
                             source_format=res.format.upper(), source_size=res.size or 0, overrides={})
        db.session.add(table)
    return table


# ---- reading ------------------------------------------------------------------------------------
def table_of(res: Resource, version: int) -> DerivedTable | None:
    return db.session.scalar(select(DerivedTable).where(DerivedTable.resource_id == res.id,
                                                        DerivedTable.version == version))


def current_table(res: Resource) -> DerivedTable | None:
    """The table of the resource's current version, in any state; None for other kinds of file."""
    return table_of(res, res.version) if res.kind == "file" and is_tabular(res.format) else None


def parquet_path(table: DerivedTable) -> Path:
    """Where the Parquet copy of a done table is (read it with DuckDB's read_parquet)."""
    if table.state != TableState.DONE or not table.storage_key:
        raise NotFound(_("This file has no derived table yet."))
    path = storage(stored_files.DERIVED).path(table.storage_key)
    if not path.is_file():  # restored from a backup (copies are not backed up) and not derived again yet
        raise NotFound(_("This file has no derived table yet."))
    return path


def readable_table(resource_id: str, user=None, channel: str = "api") -> tuple[StoredFile, DerivedTable]:
    """The derived table of a file this caller may download now on this channel (the download's own rules:
    a suspended entry answers 451 for everyone, conditional data needs a grant), done; else the error."""
    stored = downloadable_resource(resource_id, user, channel)
    res = db.session.get(Resource, stored.id)
    table = current_table(res) if is_tabular(stored.format) else None
    if table is None or table.state != TableState.DONE:
        raise NotFound(_("This file has no derived table yet."))
    return stored, table


def readable_profiles(resource_ids: Iterable[str], user, channel: str = "download") -> dict[str, DerivedTable]:
    """The entry page's profiles: the done tables of these files that this visitor may download now (none while
    the entry is suspended; conditional data only for a grant holder)."""
    from ..errors import PortalError

    resource_ids = list(resource_ids)
    if not resource_ids:
        return {}
    # which files have a done table of their current version: one read, on the side connection for an
    # anonymous page (side_db), so an entry without tables takes no pooled connection
    done = {row[0] for row in read_committed(
        select(DerivedTable.resource_id).join(Resource, (Resource.id == DerivedTable.resource_id)
                                              & (Resource.version == DerivedTable.version))
        .where(DerivedTable.resource_id.in_(bindparam("ids", expanding=True)), DerivedTable.state == TableState.DONE),
        {"ids": resource_ids})}
    found = {}
    for rid in (r for r in resource_ids if r in done):
        try:
            found[rid] = readable_table(rid, user, channel)[1]
        except PortalError:
            continue
    return found


def console_table(ds: Dataset, resource_id: str, actor) -> tuple[Resource, DerivedTable | None]:
    """A file of an entry and its current table, for those who see the entry in the console."""
    if not editing.can_view_console(actor, ds):
        editing.require_staff_of(actor, ds)
    res = editing.agency_resource(ds, resource_id)
    return res, current_table(res)


def may_set_types(actor, ds: Dataset) -> bool:
    return editing.can_edit(actor, ds)


def set_column_types(ds: Dataset, resource_id: str, types: dict[str, str], actor) -> DerivedTable:
    """The agency sets columns' types (an empty type returns the column to inference); the current version is
    derived anew with them. Invalid naming the column when the file has no such column."""
    editing.require_staff_of(actor, ds)
    res = editing.agency_resource(ds, resource_id)
    table = current_table(res)
    if table is None:
        raise NotFound(_("This file has no derived table."))
    if table.state == TableState.RUNNING:
        raise Conflict(_("The file is being read now; set the types when it is done."))
    names = [c["name"] for c in table.columns] or list(res.columns or [])
    unknown = [c for c in types if names and c not in names]
    if unknown:
        raise Invalid(_("The file has no column “%(name)s”.", name=unknown[0]), {"types": {c: "unknown" for c in unknown}})
    overrides = {**table.overrides}
    for name, kind in types.items():
        if kind:
            overrides[name] = str(ColumnType(kind))
        else:
            overrides.pop(name, None)
    table.overrides = overrides
    requeue([table])
    audit.record(actor, "table.column_types", "resource", res.id, details={"version": table.version,
                                                                          "types": overrides})
    db.session.commit()
    if has_request_context():
        g.tables_queued = True
    return table


# ---- the privacy scan ----------------------------------------------------------------------------
def privacy_findings(ds: Dataset) -> list[dict[str, Any]]:
    """What the privacy scan found in the current version of each of the entry's files: [{resource, name, column,
    kind, count, examples (masked)}], file by file in the entry's order."""
    found = []
    for res in ds.resources:
        table = current_table(res)
        if table is not None and table.state == TableState.DONE:
            found += [{"resource": res.id, "name": res.name, **f} for f in table.privacy or []]
    return found


# ---- checks against the declared data items -------------------------------------------------------
def item_checks(ds: Dataset, table: DerivedTable | None) -> list[dict[str, Any]]:
    """Missing data items, extra columns and type mismatches, for the agency before publishing:
    [{kind: missing|extra|type, name, declared, found, message}]."""
    if table is None or table.state != TableState.DONE:
        return []
    items = editing.current_data(ds).get("items") or []
    if not items:
        return []
    columns = {c["name"]: c["type"] for c in table.columns}
    declared = {i["name"]: i.get("type", "") for i in items if i.get("name")}
    checks = []
    for name, kind in declared.items():
        if name not in columns:
            checks.append({"kind": "missing", "name": name, "declared": kind, "found": "",
                           "message": _("Data item “%(name)s” is not a column of the file.", name=name)})
        elif kind in ITEM_TYPE_MATCHES and columns[name] not in ITEM_TYPE_MATCHES[kind]:
            checks.append({"kind": "type", "name": name, "declared": kind, "found": columns[name],
                           "message": _("Data item “%(name)s” is declared %(declared)s but the column holds %(found)s.",
                                        name=name, declared=kind, found=TYPE_LABELS[ColumnType(columns[name])])})
    for name in columns:
        if name not in declared:
            checks.append({"kind": "extra", "name": name, "declared": "", "found": columns[name],
                           "message": _("Column “%(name)s” is not among the data items.", name=name)})
    return checks


def set_types_of_resource(resource_id: str, types: dict[str, str], actor) -> DerivedTable:
    """`set_column_types` by the resource's id alone (the API)."""
    res = db.session.get(Resource, resource_id) if len(resource_id) <= 36 else None
    if res is None:
        raise NotFound(_("No file has this address."))
    return set_column_types(res.dataset, res.id, types, actor)
