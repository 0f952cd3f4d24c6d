"""Backup and restore: a logical dump of every table and the stored files, in one encrypted archive.

The archive is a tar stream inside `crypto`'s chunked AES-256-GCM: ``manifest.json`` first (format,
schema revision, row count of every table, every file's key, size and SHA-256), then one
``db/<nn>-<table>.jsonl`` per table in foreign-key order (one JSON object per row, dates as ISO
text), then ``files/<sha256>``. Rows are plain JSON, not an SQLite file, so an archive restores into
SQLite or PostgreSQL alike. Nothing is ever held whole in memory: tables spool to a temporary file
past a few MiB, files stream in 1 MiB chunks.

Only the files people sent are archived (the "files" storage area). The copies the portal derives from them
(the Parquet of tables, the "derived" area) are left out on purpose: they can be made again, and would
roughly double the archive. Their rows are archived (with the agency's column types); a restore marks every
table whose copy is not there as waiting, and `flask portal derive` makes the copies anew.
"""
from __future__ import annotations

import base64
import json
import os
import tarfile
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO, Callable, Iterator

from sqlalchemy import Date, DateTime, LargeBinary, Numeric, Table, func, insert, inspect, select, text
from sqlalchemy.exc import SQLAlchemyError

from .. import pagecache
from ..audit import services as audit
from ..audit.chain import write_checkpoint
from ..extensions import db
from ..models_base import utcnow
from ..storage import StorageError, storage
from ..storage import files as stored_files
from .crypto import BackupError, DecryptingReader, EncryptingWriter, check_passphrase

FORMAT = 1
BATCH = 500
SPOOL_BYTES = 8 * 1024 * 1024


@dataclass
class BackupSummary:
    tables: dict[str, int]
    files: int
    bytes: int
    missing: list[str] = field(default_factory=list)


# Derived state that a restore rebuilds rather than copies: the pending search-index changes (the
# restore rebuilds the whole index) and the page cache's generation (a fresh installation has its own).
NOT_BACKED_UP = frozenset({"search_outbox", "site_state"})


def _tables() -> list[Table]:
    return [t for t in db.metadata.sorted_tables if t.name not in NOT_BACKED_UP]  # parents before children


def schema_revision() -> str | None:
    if "alembic_version" not in inspect(db.session.connection()).get_table_names():
        return None
    return db.session.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _encode(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _decoder(table: Table):
    converters = {}
    for column in table.columns:
        kind = column.type
        if isinstance(kind, DateTime):
            converters[column.name] = datetime.fromisoformat
        elif isinstance(kind, Date):
            converters[column.name] = date.fromisoformat
        elif isinstance(kind, LargeBinary):
            converters[column.name] = base64.b64decode
        elif isinstance(kind, Numeric) and getattr(kind, "asdecimal", False):
            converters[column.name] = Decimal

    def decode(row: dict[str, Any]) -> dict[str, Any]:
        unknown = set(row) - set(table.columns.keys())
        if unknown:
            raise BackupError(f"Table {table.name} in the archive has columns this installation lacks: "
                              f"{', '.join(sorted(unknown))}.")
        return {k: (converters[k](v) if v is not None and k in converters else v) for k, v in row.items()}
    return decode


def referenced_files() -> list[str]:
    """Every stored key a row names: resources and their versions, attachments, evidence, quarantined files."""
    return sorted(stored_files.referenced_keys())


def _rows(table: Table) -> Iterator[dict[str, Any]]:
    stmt = select(table).order_by(*table.primary_key.columns).execution_options(yield_per=1000)
    for row in db.session.execute(stmt).mappings():
        yield {k: _encode(v) for k, v in row.items()}


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    import io

    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = len(data), int(utcnow().timestamp()), 0o600
    tar.addfile(info, io.BytesIO(data))


@contextmanager
def written_whole(path: Path) -> Iterator[BinaryIO]:
    """A file to write `path` with: written as `path`.partial (mode 0600), flushed to disk and renamed to `path`
    when the block ends, removed when it fails, so that the final name never holds a half-written file."""
    partial = path.with_name(path.name + ".partial")
    try:
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def read_archive(raw: BinaryIO, passphrase: str, check_manifest: Callable[[dict], dict],
                 on_table: Callable[[str, BinaryIO], int], on_file: Callable[[str, BinaryIO, dict], None]
                 ) -> tuple[dict[str, Any], dict[str, int], int]:
    """Read an archive stream in its order and check it against its manifest: the manifest first (to
    `check_manifest`, which returns it or raises), each table's rows to `on_table(name, fh)` (which returns
    how many it read), each stored file to `on_file(key, fh, entry)` (which raises when the bytes do not
    match the manifest's `entry`). Returns the manifest, every table's row count and the number of files;
    raises BackupError naming what failed. Restore, read-back and the restore drill all read through it."""
    reader = DecryptingReader(raw, passphrase)  # a wrong key stops here, before anything is read on
    manifest: dict[str, Any] | None = None
    counts: dict[str, int] = {}
    files: dict[str, dict] = {}
    seen: set[str] = set()
    with tarfile.open(fileobj=reader, mode="r|") as tar:
        for member in tar:
            if not member.isfile():
                raise BackupError(f"Unexpected entry in the archive: {member.name[:80]}")
            fh = tar.extractfile(member)
            if manifest is None:
                if member.name != "manifest.json":
                    raise BackupError("The archive does not start with its manifest.")
                manifest = check_manifest(json.loads(fh.read()))
                files = {f["key"]: f for f in manifest["files"]}
            elif member.name.startswith("db/"):
                name = member.name.split("-", 1)[1].removesuffix(".jsonl")
                counts[name] = on_table(name, fh)
            elif member.name.startswith("files/"):
                key = member.name.removeprefix("files/")
                if key not in files or key in seen:
                    raise BackupError(f"Unexpected file in the archive: {key[:80]}")
                on_file(key, fh, files[key])
                seen.add(key)
            else:
                raise BackupError(f"Unexpected entry in the archive: {member.name[:80]}")
    reader.drain()
    if manifest is None:
        raise BackupError("The archive is empty.")
    expected = {t["name"]: t["rows"] for t in manifest["tables"]}
    if expected != {name: counts.get(name, 0) for name in expected} or set(counts) - set(expected):
        raise BackupError("The archive's tables do not hold the rows its manifest lists.")
    if seen != set(files):
        raise BackupError("The archive lacks files its manifest lists.")
    return manifest, counts, len(seen)


def backup(out_path: str | Path, passphrase: str | None) -> BackupSummary:
    """Write the whole installation to `out_path` (written as .partial, renamed when complete)."""
    passphrase = check_passphrase(passphrase)
    out_path = Path(out_path)
    db.session.rollback()
    if db.engine.dialect.name == "postgresql":  # one consistent snapshot for every table
        db.session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    tables = _tables()
    counts = {t.name: db.session.scalar(select(func.count()).select_from(t)) for t in tables}
    files, missing, total = [], [], 0
    for key in referenced_files():
        try:
            path = storage().path(key)
            size = path.stat().st_size
        except (StorageError, OSError):
            missing.append(key)
            continue
        files.append({"key": key, "size": size, "sha256": key})
        total += size
    head_id, head_hash = audit.chain_head()
    manifest = {"format": FORMAT, "created_at": utcnow().isoformat(), "schema_revision": schema_revision(),
                "audit_head": {"id": head_id, "hash": head_hash},
                "tables": [{"name": t.name, "rows": counts[t.name]} for t in tables],
                "files": files, "missing_files": missing}
    try:
        with written_whole(out_path) as raw:
            writer = EncryptingWriter(raw, passphrase)
            with tarfile.open(fileobj=writer, mode="w|", format=tarfile.PAX_FORMAT) as tar:
                _add_bytes(tar, "manifest.json", json.dumps(manifest, ensure_ascii=False).encode())
                for n, table in enumerate(tables):
                    with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as spool:
                        rows = 0
                        for row in _rows(table):
                            spool.write(json.dumps(row, ensure_ascii=False, default=str).encode() + b"\n")
                            rows += 1
                        if rows != counts[table.name]:
                            raise BackupError(f"Table {table.name} changed while it was read.")
                        info = tarfile.TarInfo(f"db/{n:02d}-{table.name}.jsonl")
                        info.size, info.mtime, info.mode = spool.tell(), int(utcnow().timestamp()), 0o600
                        spool.seek(0)
                        tar.addfile(info, spool)
                for entry in files:
                    path = storage().path(entry["key"])
                    with open(path, "rb") as fh:
                        info = tarfile.TarInfo(f"files/{entry['key']}")
                        info.size, info.mtime, info.mode = entry["size"], int(path.stat().st_mtime), 0o600
                        tar.addfile(info, fh)
            writer.close()
    finally:
        db.session.rollback()  # end the read snapshot
    audit.record("cli", "system.backup", "installation", "-",
                 details={"archive": out_path.name, "tables": len(tables), "rows": sum(counts.values()),
                          "files": len(files), "bytes": total, "missing_files": len(missing)})
    db.session.commit()
    # A signed checkpoint of the audit chain beside the archive (and in the checkpoint directory), so the
    # backup location also holds what shows a later cut or rewrite of the chain (audit/chain.py).
    write_checkpoint(out_path.with_name(out_path.name + ".audit-checkpoint.json"))
    return BackupSummary(tables=counts, files=len(files), bytes=total, missing=missing)


def is_empty() -> bool:
    return all(not db.session.scalar(select(func.count()).select_from(t)) for t in _tables())


def restore(archive_path: str | Path, passphrase: str | None) -> BackupSummary:
    """Bring an archive back into an empty installation, all or nothing, then rebuild the search index."""
    passphrase = check_passphrase(passphrase)
    if not is_empty():
        raise BackupError("This installation is not empty; restore only into a freshly migrated, empty database.")
    by_name = {t.name: t for t in _tables()}
    saved: list[str] = []  # files this restore stored, handed to the storage owner to discard if it fails
    counts: dict[str, int] = {}
    def table_rows(name: str, fh: BinaryIO) -> int:
        if name not in by_name:
            raise BackupError(f"The archive holds a table this installation lacks: {name}")
        return _insert_rows(by_name[name], fh)

    def store(key: str, fh: BinaryIO, entry: dict) -> None:
        stored = stored_files.save(fh)
        saved.append(stored.key)  # discard keeps what was stored before this restore
        if stored.key != key or stored.size != entry["size"]:
            raise BackupError(f"File {key[:80]} does not match its recorded SHA-256.")

    try:
        with open(archive_path, "rb") as raw:
            manifest, counts, file_count = read_archive(raw, passphrase, lambda m: _check_manifest(m, by_name),
                                                        table_rows, store)
        if audit.verify_chain():
            raise BackupError("The archive's audit chain does not verify with this installation's PORTAL_AUDIT_KEY; "
                              "restore with the audit key of the installation the backup came from.")
        _reset_sequences()
        pagecache.mark_changed()  # rows went in through Core: pages of the empty installation are stale
        audit.record("cli", "system.restore", "installation", "-",
                     details={"archive": Path(archive_path).name, "created_at": manifest["created_at"],
                              "rows": sum(counts.values()), "files": file_count})
        db.session.commit()
    except BaseException as exc:
        db.session.rollback()
        stored_files.discard(saved)
        if isinstance(exc, StorageError) and isinstance(exc.__cause__, BackupError):
            raise exc.__cause__ from None  # the archive failed while a file was being stored
        if isinstance(exc, SQLAlchemyError):
            raise BackupError(f"The database refused the archive's rows: {str(exc.orig if hasattr(exc, 'orig') else exc)[:200]}") from exc
        if isinstance(exc, (tarfile.TarError, json.JSONDecodeError, UnicodeDecodeError, ValueError, KeyError)):
            raise BackupError(f"The archive's contents are not a portal backup ({type(exc).__name__}).") from exc
        raise
    from ..catalog.indexing import reindex_all

    reindex_all()
    from ..tables.services import requeue_missing

    requeue_missing()  # derived copies are not in the archive: derived anew by `flask portal derive`
    pagecache.clear()  # the generation may repeat values pages of another state were kept under
    return BackupSummary(tables=counts, files=file_count, bytes=sum(f["size"] for f in manifest["files"]))


def _check_manifest(manifest: dict[str, Any], tables: dict[str, Table]) -> dict[str, Any]:
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Unknown archive format {manifest.get('format')!r}.")
    here = schema_revision()
    if manifest.get("schema_revision") and here and manifest["schema_revision"] != here:
        raise BackupError(f"The archive has schema revision {manifest['schema_revision']}, this installation "
                          f"{here}; migrate to the same revision first.")
    return manifest


def _insert_rows(table: Table, fh: BinaryIO, execute: Callable | None = None) -> int:
    """The rows of one table's JSON lines inserted in batches (through `execute`: the session's, or a scratch
    database's connection); returns how many."""
    execute = execute or db.session.execute
    decode = _decoder(table)
    batch, n = [], 0
    for line in fh:
        if not line.strip():
            continue
        batch.append(decode(json.loads(line)))
        n += 1
        if len(batch) >= BATCH:
            execute(insert(table), batch)
            batch = []
    if batch:
        execute(insert(table), batch)
    return n


def _reset_sequences() -> None:
    """PostgreSQL: rows came with their ids, so move each serial sequence past the largest one."""
    connection = db.session.connection()
    if connection.dialect.name != "postgresql":
        return
    for table in _tables():
        for column in table.primary_key.columns:
            if column.autoincrement is True or (column.autoincrement == "auto" and
                                                 isinstance(column.type.python_type, type) and
                                                 column.type.python_type is int):
                connection.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', '{column.name}'), "
                    f"COALESCE((SELECT MAX({column.name}) FROM {table.name}), 0) + 1, false)"))
