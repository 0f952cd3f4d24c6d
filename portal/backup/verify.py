"""Reading an archive back: with the key, every table's rows and every file's SHA-256 against the manifest
(`read_back`), and the restore drill (`drill`): the rows into a scratch SQLite database, counted again."""
from __future__ import annotations

import hashlib
import json
import tarfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, func, select

from ..extensions import db
from .crypto import BackupError, check_passphrase
from .services import FORMAT, _insert_rows, _tables, read_archive

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

    def check(manifest: dict) -> dict:
        if manifest.get("format") != FORMAT:
            raise BackupError(f"Unknown archive format {manifest.get('format')!r}.")
        return manifest

    def count(name: str, fh) -> int:
        return on_rows(name, fh) if on_rows else sum(1 for line in fh if line.strip())

    def hash_file(key: str, fh, entry: dict) -> None:
        digest, size = hashlib.sha256(), 0
        while block := fh.read(BLOCK):
            digest.update(block)
            size += len(block)
        if digest.hexdigest() != entry["sha256"] or size != entry["size"]:
            raise BackupError(f"File {key[:80]} does not match its recorded SHA-256.")

    try:
        with open(path, "rb") as raw:
            hashing = _Hashing(raw)
            manifest, rows, files = read_archive(hashing, passphrase, check, count, hash_file)
            while hashing.read(BLOCK):
                pass
    except OSError as exc:
        raise BackupError(f"The archive cannot be read: {exc.strerror or exc}") from exc
    except (tarfile.TarError, json.JSONDecodeError, UnicodeDecodeError, ValueError, KeyError) as exc:
        raise BackupError(f"The archive's contents are not a portal backup ({type(exc).__name__}).") from exc
    return ReadBack(manifest, hashing.digest.hexdigest(), hashing.size, rows, files)


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
                _insert_rows(table, fh, connection.execute)
                return connection.scalar(select(func.count()).select_from(table))
            result = _walk(path, passphrase, on_rows=load)
    finally:
        engine.dispose()
    return result
