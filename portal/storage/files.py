"""The one owner of stored files: it stores them, knows every reference to a key, and alone deletes bytes.

Files are content-addressed (the key is the SHA-256 of the bytes), so the same bytes can belong to a
resource, an application and a complaint at once, and no domain can tell on its own whether a key is
still in use. Each domain registers the columns that hold keys (`register(Model.storage_key)`, beside its
models); this package never imports a domain. `discard` is what a failed request calls for the bytes it
stored; `check` and `remove_orphans` serve `flask portal storage check`.

Two areas hold bytes, each its own root behind FileStorage: FILES, what people sent (resources, attachments,
evidence: backed up), and DERIVED, what the portal makes from them and can make again (the Parquet copies of
tabular files: not backed up, derived anew after a restore). A column is registered in one area; every function
here works on one area, FILES unless told.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any, BinaryIO, Iterable, NamedTuple

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db
from .base import FileStorage, StorageError, StoredFile

log = logging.getLogger(__name__)

FILES, DERIVED = "files", "derived"
# "table.column" -> the mapped attribute whose values are storage keys
_REFERENCES: dict[str, Any] = {}
_AREA: dict[str, str] = {}  # "table.column" -> its area
# In session.info: key -> what this session's saves of the key left (see `save` and `discard`).
_WRITTEN = "portal.storage.written"


class _Written(NamedTuple):
    created: bool  # a save of this session stored the key first
    stamp: str     # the copy this session's last save of the key put in place


@dataclass(frozen=True)
class Orphan:
    key: str
    size: int
    saved_at: float  # POSIX timestamp of the last save


@dataclass
class Report:
    """What `check` found: keys stored, keys referred to, orphans and missing bytes."""

    stored: int
    referenced: int
    orphans: list[Orphan]
    missing: dict[str, list[str]]  # key -> the columns that name it


def register(column: Any, area: str = FILES) -> None:
    """Declare a mapped column whose values are storage keys (of `area`); a domain calls this beside its models."""
    name = f"{column.class_.__tablename__}.{column.key}"
    _REFERENCES[name], _AREA[name] = column, area


def _columns(area: str) -> list[tuple[str, Any]]:
    return sorted((name, column) for name, column in _REFERENCES.items() if _AREA[name] == area)


def references() -> list[str]:
    """The registered columns, as "table.column"."""
    return sorted(_REFERENCES)


def _backend(area: str = FILES) -> FileStorage:
    from . import storage

    return storage(area)


def _written(area: str) -> dict[str, _Written]:
    return db.session.info.setdefault(_WRITTEN, {}).setdefault(area, {})


def save(stream: BinaryIO, max_size: int | None = None, area: str = FILES) -> StoredFile:
    """Store a stream atomically while hashing it (see FileStorage.save); the session remembers the save."""
    stored = _backend(area).save(stream, max_size=max_size)
    written = _written(area)
    before = written.get(stored.key)
    written[stored.key] = _Written(stored.created or (before is not None and before.created), stored.stamp)
    return stored


def referencing(keys: Iterable[str], area: str = FILES) -> dict[str, set[str]]:
    """The registered columns naming each key, in the database or in rows pending in this session
    (added or changed and not yet flushed); keys nothing names are left out."""
    wanted = sorted({k for k in keys if k})
    found: dict[str, set[str]] = {}
    if not wanted:
        return found
    session = db.session
    with session.no_autoflush:  # pending rows are read as objects: a flush that fails must not stop the answer
        pending = [*session.new, *session.dirty]
        for name, column in _columns(area):
            for start in range(0, len(wanted), 500):
                chunk = wanted[start:start + 500]
                for key in session.scalars(select(column).where(column.in_(chunk)).distinct()):
                    found.setdefault(key, set()).add(name)
            for obj in pending:
                if isinstance(obj, column.class_):
                    value = getattr(obj, column.key, None)
                    if value in wanted:
                        found.setdefault(value, set()).add(name)
    return found


def discard(keys: Iterable[str], area: str = FILES) -> list[str]:
    """Remove the bytes this session stored for a request that failed, unless something else holds them;
    returns the keys removed.

    Bytes stay when a registered column names the key (a committed row, or a row pending in this session:
    call this after the rollback), when they were stored before this session saved them (another record,
    or an upload in progress elsewhere that has not committed its row yet), or when another save has put
    its own copy there since. Never raises: what cannot be decided stays, and `flask portal storage check`
    lists it as an orphan.
    """
    written = _written(area)
    own = {k for k in keys if k in written and written[k].created}
    if not own:
        return []
    try:
        used = referencing(own, area)
    except SQLAlchemyError as exc:
        log.warning("stored files kept, their references could not be read (%s): %s", exc, ", ".join(sorted(own)))
        return []
    store, removed = _backend(area), []
    for key in sorted(own - used.keys()):
        try:
            if store.stamp(key) != written[key].stamp:
                continue  # saved again meanwhile: that copy belongs to the other upload
            store.delete(key)
        except (StorageError, OSError) as exc:
            log.warning("stored file %s could not be removed: %s", key, exc)
            continue
        del written[key]
        removed.append(key)
    return removed


def referenced_keys(area: str = FILES) -> dict[str, set[str]]:
    """Every key of `area` a committed row names, with the registered columns naming it."""
    found: dict[str, set[str]] = {}
    for name, column in _columns(area):
        for key in db.session.scalars(select(column).where(column.is_not(None), column != "").distinct()):
            found.setdefault(key, set()).add(name)
    return found


def check(area: str = FILES) -> Report:
    """Compare the stored keys with the references: orphans (stored, named by nothing) and missing bytes."""
    store = _backend(area)
    referenced = referenced_keys(area)  # read first: a key stored and committed meanwhile shows as a young orphan
    stored = set(store.keys())
    orphans = []
    for key in sorted(stored - referenced.keys()):
        try:
            st = store.path(key).stat()
        except OSError:
            continue  # removed meanwhile
        orphans.append(Orphan(key, st.st_size, st.st_mtime))
    missing = {key: sorted(names) for key, names in sorted(referenced.items()) if key not in stored}
    return Report(stored=len(stored), referenced=len(referenced), orphans=orphans, missing=missing)


def remove_orphans(keys: Iterable[str], older_than: float, area: str = FILES) -> tuple[list[str], list[str]]:
    """Delete stored keys nothing names that were last saved more than `older_than` seconds ago; returns
    (removed, kept). References are read again first; a young orphan may be an upload that has stored its
    bytes and not yet committed its row, so it stays."""
    store = _backend(area)
    wanted = sorted(set(keys))
    used = referencing(wanted, area)
    removed, kept = [], []
    for key in wanted:
        saved_at = store.saved_at(key)
        if saved_at is None:
            continue  # gone already
        if key in used or time.time() - saved_at < older_than:
            kept.append(key)
            continue
        store.delete(key)
        removed.append(key)
    return removed, kept
