"""Reading an archive back: with the key, every table's rows and every file's SHA-256 against the manifest
(`read_back`), and the restore drill (`drill`): the rows into a scratch SQLite database, counted again."""
from __future__ import annotations

import hashlib
import json
import tarfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, func, insert, select

from ..extensions import db
from .crypto import BackupError, DecryptingReader, check_passphrase
from .services import BATCH, FORMAT, _decoder, _tables

BLOCK = 1024 * 1024


@dataclass
class ReadBack:
    manifest: dict[str, Any]
    sha256: str      # of the archive file as stored
    size: int
    rows: dict[str, int]
    files: int


class _Hashing:
    """A read-only file object that hashes what passes through it."""

    def __init__(self, raw) -> None:
        self.raw, self.digest, self.size = raw, hashlib.sha256(), 0

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        self.digest.update(data)
        self.size += len(data)
        return data


def _walk(path: str | Path, passphrase: str, on_rows=None) -> ReadBack:
    passphrase = check_passphrase(passphrase)
    rows: dict[str, int] = {}
    seen: set[str] = set()
    try:
        with open(path, "rb") as raw:
            hashing = _Hashing(raw)
            reader = DecryptingReader(hashing, passphrase)
            manifest = None
            with tarfile.open(fileobj=reader, mode="r|") as tar:
                for member in tar:
                    if not member.isfile():
                        raise BackupError(f"Unexpected entry in the archive: {member.name[:80]}")
                    fh = tar.extractfile(member)
                    if manifest is None:
                        if member.name != "manifest.json":
                            raise BackupError("The archive does not start with its manifest.")
                        manifest = json.loads(fh.read())
                        if manifest.get("format") != FORMAT:
                            raise BackupError(f"Unknown archive format {manifest.get('format')!r}.")
                        files = {f["key"]: f for f in manifest["files"]}
                    elif member.name.startswith("db/"):
                        name = member.name.split("-", 1)[1].removesuffix(".jsonl")
                        rows[name] = on_rows(name, fh) if on_rows else sum(1 for line in fh if line.strip())
                    elif member.name.startswith("files/"):
                        key = member.name.removeprefix("files/")
                        entry = files.get(key)
                        if entry is None or key in seen:
                            raise BackupError(f"Unexpected file in the archive: {key[:80]}")
                        digest, size = hashlib.sha256(), 0
                        while block := fh.read(BLOCK):
                            digest.update(block)
                            size += len(block)
                        if digest.hexdigest() != entry["sha256"] or size != entry["size"]:
                            raise BackupError(f"File {key[:80]} does not match its recorded SHA-256.")
                        seen.add(key)
                    else:
                        raise BackupError(f"Unexpected entry in the archive: {member.name[:80]}")
            reader.drain()
            while hashing.read(BLOCK):
                pass
    except OSError as exc:
        raise BackupError(f"The archive cannot be read: {exc.strerror or exc}") from exc
    except (tarfile.TarError, json.JSONDecodeError, UnicodeDecodeError, ValueError, KeyError) as exc:
        raise BackupError(f"The archive's contents are not a portal backup ({type(exc).__name__}).") from exc
    if manifest is None:
        raise BackupError("The archive is empty.")
    expected = {t["name"]: t["rows"] for t in manifest["tables"]}
    if expected != {name: rows.get(name, 0) for name in expected} or set(rows) - set(expected):
        raise BackupError("The archive's tables do not hold the rows its manifest lists.")
    if seen != set(files):
        raise BackupError("The archive lacks files its manifest lists.")
    return ReadBack(manifest, hashing.digest.hexdigest(), hashing.size, rows, len(seen))


def read_back(path: str | Path, passphrase: str | None) -> ReadBack:
    """Decrypt the archive at `path` and check every row count and file hash against its manifest; raises
    BackupError (WrongKey, Damaged…) naming what failed."""
    return _walk(path, passphrase)


def drill(path: str | Path, passphrase: str | None, scratch_dir: str | Path) -> ReadBack:
    """Restore the archive's rows into a fresh SQLite database in `scratch_dir` and compare each table's
    row count there with the manifest. The live database is never written."""
    engine = create_engine(f"sqlite:///{Path(scratch_dir) / 'drill.db'}")
    try:
        db.metadata.create_all(engine, tables=_tables())
        by_name = {t.name: t for t in _tables()}
        with engine.begin() as connection:
            def load(name: str, fh) -> int:
                table = by_name.get(name)
                if table is None:
                    raise BackupError(f"The archive holds a table this installation lacks: {name}")
                decode, batch = _decoder(table), []
                for line in fh:
                    if line.strip():
                        batch.append(decode(json.loads(line)))
                    if len(batch) >= BATCH:
                        connection.execute(insert(table), batch)
                        batch = []
                if batch:
                    connection.execute(insert(table), batch)
                return connection.scalar(select(func.count()).select_from(table))
            result = _walk(path, passphrase, on_rows=load)
    finally:
        engine.dispose()
    return result
