"""Bulk exports: the gzipped JSONL catalog and change feed, and the ZIP of an agency's or theme's open files.

Both stream: entries are read in id-ordered pages of plain rows and written out page by page, so the
memory used does not grow with the catalog. Between pages the read transaction ends, so a long dump
never holds a lock that would stop the portal from writing (SQLite without WAL).
"""
from __future__ import annotations

import hashlib
import io
import os
import re
import secrets
import tempfile
import zipfile
import zlib
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Iterable, Iterator

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from .. import spreadsheet
from ..agencies.models import Agency
from ..audit import services as audit
from ..catalog.models import OpenType, Resource, ResourceKind, Theme
from ..catalog.downloads import servable_sql
from ..errors import BadRequest, NotFound
from ..extensions import db
from ..models_base import utcnow
from ..storage import storage
from . import records
from .records import D, Urls

CHUNK = 64 * 1024
# The change feed's next `modified_since` overlaps the dump by this much, so a change committed while
# a dump ran (its row time set just before the commit) is delivered the next time; applying it twice is harmless.
NEXT_SINCE_OVERLAP = timedelta(minutes=1)


# ---- the JSONL catalog and change feed ---------------------------------------------------
def parse_since(value: str | None) -> datetime | None:
    """`modified_since` as naive UTC: an ISO 8601 date or date-time, with Z or an offset (none = UTC)."""
    if value is None or not value.strip():
        return None
    text = value.strip().replace(" ", "+")  # a `+08:00` offset arrives as ` 08:00` when not URL-encoded
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise BadRequest(_("modified_since must be an ISO 8601 date or time, e.g. 2026-01-05T08:00:00Z."),
                         {"modified_since": value[:60]})
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(timezone.utc).replace(tzinfo=None)
    return parsed


FORMAT_VERSION = "2"  # part of the ETag and cache key: change it when the line format changes


@dataclass
class Dump:
    """A prepared dump: its validators (ETag, Last-Modified) are known before the body is streamed."""

    urls: Urls
    since: datetime | None
    etag: str
    last_modified: datetime | None
    next_since: datetime
    count: int  # public entries in the catalog (the full dump's line count)
    cache_path: Path | None = None  # full dumps only

    def lines(self) -> Iterator[bytes]:
        """One JSON object per line: public entries (and, with modified_since, tombstones)."""
        if self.since is None:  # every row is public
            paged = ((rows, records.related_page(rows)) for rows in records.pages(records.public_select()))
        else:
            paged = ((rows, records.related([r.id for r in rows if r.is_public]))
                     for rows in records.pages(records.changed_select(self.since)))
        for rows, rel in paged:
            db.session.rollback()  # end the read transaction between pages
            out = []
            for row in rows:
                if self.since is None or row.is_public:
                    data = records.entry_dict(row, rel, self.urls)
                else:
                    data = records.tombstone(row)
                out.append(records.dumps_line(data))
            out.append(b"")
            yield b"\n".join(out)

    def cached_file(self) -> Path | None:
        """The full dump of this very catalog version, when an earlier request already wrote it."""
        return self.cache_path if self.cache_path is not None and self.cache_path.exists() else None

    def stream(self) -> Iterator[bytes]:
        """The gzip stream; a full dump is also written to the cache, and kept there once complete."""
        if self.cache_path is None:
            yield from gzip_chunks(self.lines())
            return
        tmp = self.cache_path.with_name(f".{self.cache_path.name}.{secrets.token_hex(6)}.tmp")
        complete = False
        try:
            with open(tmp, "wb") as fh:
                for chunk in gzip_chunks(self.lines()):
                    fh.write(chunk)
                    yield chunk
            complete = True
        finally:
            if not complete:
                tmp.unlink(missing_ok=True)
        os.replace(tmp, self.cache_path)
        for old in self.cache_path.parent.glob("catalog-*.jsonl.gz"):
            if old != self.cache_path:
                old.unlink(missing_ok=True)


def prepare_dump(urls: Urls, since: datetime | None) -> Dump:
    version = records.catalog_version()
    key = f"{FORMAT_VERSION}|{version.key}|{records.iso(since)}|{urls.base}"
    etag = hashlib.sha256(key.encode()).hexdigest()[:32]
    cache_path = None
    if since is None:
        cache_dir = Path(current_app.config["DATA_DIR"]) / "exports"
        cache_dir.mkdir(parents=True, exist_ok=True)
        cache_path = cache_dir / f"catalog-{etag}.jsonl.gz"
    return Dump(urls=urls, since=since, etag=etag, last_modified=version.newest, count=version.count,
                next_since=(utcnow() - NEXT_SINCE_OVERLAP).replace(microsecond=0), cache_path=cache_path)


def gzip_chunks(parts: Iterable[bytes], level: int = 3) -> Iterator[bytes]:
    """A gzip stream (RFC 1952) of `parts`, in chunks of about CHUNK bytes. Each part (a page of
    entries) is flushed to a byte boundary, so the client receives every page as soon as it is read.

    zlib compresses without holding the interpreter lock, so one helper thread compresses a page while
    this one reads and encodes the next: on a dump of the whole catalog the compression is off the
    critical path. Parts are compressed in order (one thread), at most two pages ahead of the reader.
    """
    z = zlib.compressobj(level, zlib.DEFLATED, 31)

    def compress(part: bytes) -> bytes:
        return z.compress(part) + z.flush(zlib.Z_SYNC_FLUSH)

    buf = bytearray()
    pending: deque[Future[bytes]] = deque()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="gzip") as pool:
        try:
            for part in parts:
                pending.append(pool.submit(compress, part))
                while len(pending) > 2 or (pending and pending[0].done()):
                    buf += pending.popleft().result()
                if len(buf) >= CHUNK:
                    yield bytes(buf)
                    buf.clear()
            while pending:
                buf += pending.popleft().result()
        finally:
            for future in pending:  # the client went away: drop what was queued
                future.cancel()
    buf += z.flush()
    yield bytes(buf)


def record_bulk_access(kind: str, status: int, bytes_sent: int, detail: str) -> None:
    """The access log line of a bulk export, written when the stream ends (or the client goes away)."""
    db.session.rollback()
    audit.record_access(kind, status, bytes_sent=bytes_sent, detail=detail)
    db.session.commit()


# ---- the ZIP of an agency's or a theme's open files ---------------------------------------
@dataclass
class FileSet:
    """Every stored file of the unconditional public entries of one agency or theme."""

    kind: str  # agency | theme
    slug: str
    name: str
    agency_id: int | None
    theme_id: int | None
    files: int
    bytes: int

    @property
    def filename(self) -> str:
        suffix = _("open data files")
        return f"{self.name}-{suffix}.zip"


def _file_filter(stmt, agency_id: int | None, theme_id: int | None):
    stmt = (stmt.join(D, D.id == Resource.dataset_id)
            .where(records.is_public(), D.open_type == OpenType.UNCONDITIONAL,
                   Resource.kind == ResourceKind.FILE, Resource.storage_key != "",
                   servable_sql()))  # bytes quarantined after a rights complaint are never bundled
    if agency_id is not None:
        stmt = stmt.where(D.agency_id == agency_id)
    if theme_id is not None:
        stmt = stmt.where(D.theme_id == theme_id)
    return stmt


def file_set(kind: str, slug: str) -> FileSet:
    """The open files of agency or theme `slug`; NotFound for an unknown one."""
    if kind == "agency":
        owner = db.session.scalar(select(Agency).where(Agency.slug == slug))
    else:
        owner = db.session.scalar(select(Theme).where(Theme.slug == slug))
    if owner is None:
        raise NotFound(_("No agency is named %(slug)s.", slug=slug) if kind == "agency"
                       else _("No theme is named %(slug)s.", slug=slug))
    agency_id = owner.id if kind == "agency" else None
    theme_id = owner.id if kind == "theme" else None
    n, size = db.session.execute(_file_filter(select(func.count(Resource.id), func.coalesce(func.sum(Resource.size), 0)),
                                              agency_id, theme_id)).one()
    return FileSet(kind, slug, owner.name, agency_id, theme_id, n or 0, int(size or 0))


_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')


def _safe(name: str, fallback: str) -> str:
    name = _UNSAFE.sub("_", name).strip().strip(".")
    return name[:120] or fallback


class _Pipe(io.RawIOBase):
    """Where zipfile writes; the generator takes what was written after each step. Not seekable, so
    zipfile writes sizes and CRCs in data descriptors after each file."""

    def __init__(self) -> None:
        self.buf = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, b) -> int:  # type: ignore[override]
        self.buf += b
        return len(b)

    def take(self) -> bytes:
        out = bytes(self.buf)
        self.buf.clear()
        return out


class _Utf8Info(zipfile.ZipInfo):
    """A member whose name is flagged as UTF-8 (general purpose bit 11) even when it is plain ASCII."""

    def _encodeFilenameFlags(self):
        return self.filename.encode("utf-8"), self.flag_bits | 0x800


MANIFEST_FIELDS = ("path", "sha256", "size", "format", "resource_id", "resource_name", "dataset_id",
                   "dataset_name", "dataset_title", "dataset_code", "agency", "theme", "licence_id", "download_url")


def zip_chunks(fs: FileSet, urls: Urls, stats: dict[str, Any]) -> Iterator[bytes]:
    """The ZIP: one folder per entry holding its files, then manifest.csv (path, SHA-256, size, source).

    Each file's SHA-256 in the manifest is computed from the bytes as they are copied into the archive
    (stored files are content-addressed, so it equals the catalog's); a file missing from storage is
    left out of both. `stats` receives files and bytes as they are sent.
    """
    pipe = _Pipe()
    zf = zipfile.ZipFile(pipe, mode="w", compression=zipfile.ZIP_DEFLATED, allowZip64=True, compresslevel=6)
    manifest = tempfile.SpooledTemporaryFile(max_size=1024 * 1024, mode="w+", encoding="utf-8", newline="")
    writer = spreadsheet.writer(manifest)  # titles and file names are the agencies' text
    writer.writerow(MANIFEST_FIELDS)
    stats.setdefault("files", 0)
    stats.setdefault("bytes", 0)
    cols = (Resource.id, Resource.name, Resource.filename, Resource.format, Resource.storage_key,
            Resource.sha256, Resource.size, Resource.updated_at, D.slug, D.title, D.code,
            D.licence_id, Agency.name.label("agency_name"), Theme.name.label("theme_name"))
    stmt = _file_filter(select(*cols), fs.agency_id, fs.theme_id).join(Agency, Agency.id == D.agency_id) \
        .join(Theme, Theme.id == D.theme_id).add_columns(D.id.label("dataset_id"))
    last = ("", "")
    store = storage()
    used: set[str] = set()  # file names in the current entry's folder (an entry may span two pages)
    folder_of: str | None = None
    try:
        while True:
            page = db.session.execute(
                stmt.where((D.id > last[0]) | ((D.id == last[0]) & (Resource.id > last[1])))
                .order_by(D.id, Resource.id).limit(records.PAGE_SIZE)).all()
            db.session.rollback()  # end the read transaction between pages
            if not page:
                break
            last = (page[-1].dataset_id, page[-1].id)
            for row in page:
                if not store.exists(row.storage_key):
                    continue
                folder = f"{_safe(row.title, row.slug)} ({row.slug})"
                if folder != folder_of:
                    folder_of, used = folder, set()
                base = _safe(row.filename or f"{row.id}.{row.format.lower()}", row.id)
                name, n = base, 1
                while name in used:
                    n += 1
                    stem, dot, ext = base.rpartition(".")
                    name = f"{stem} ({n}).{ext}" if dot else f"{base} ({n})"
                used.add(name)
                path = f"{folder}/{name}"
                info = _Utf8Info(path, date_time=_zip_time(row.updated_at))
                info.compress_type = zipfile.ZIP_DEFLATED
                info.file_size = row.size  # known in advance: zipfile switches to zip64 for large files
                digest = hashlib.sha256()
                with open(store.path(row.storage_key), "rb") as src, \
                        zf.open(info, "w") as dest:
                    while chunk := src.read(CHUNK):
                        digest.update(chunk)
                        dest.write(chunk)
                        if len(pipe.buf) >= CHUNK:
                            out = pipe.take()
                            stats["bytes"] += len(out)
                            yield out
                stats["files"] += 1
                writer.writerow([path, digest.hexdigest(), row.size, row.format, row.id, row.name, row.dataset_id,
                                 row.slug, row.title, row.code, row.agency_name, row.theme_name, row.licence_id,
                                 urls.download(row.slug, row.id)])
                out = pipe.take()
                stats["bytes"] += len(out)
                if out:
                    yield out
        manifest.seek(0)
        info = _Utf8Info("manifest.csv", date_time=_zip_time(utcnow()))
        info.compress_type = zipfile.ZIP_DEFLATED
        with zf.open(info, "w") as dest:
            dest.write("\ufeff".encode())  # a BOM, so that spreadsheet programs read the UTF-8 CSV correctly
            while text := manifest.read(CHUNK):
                dest.write(text.encode())
        zf.close()
        out = pipe.take()
        stats["bytes"] += len(out)
        stats["complete"] = True
        yield out
    finally:
        manifest.close()


def _zip_time(value: datetime) -> tuple[int, int, int, int, int, int]:
    value = max(value, datetime(1980, 1, 1))
    return (value.year, value.month, value.day, value.hour, value.minute, value.second)
