"""Storing resource files: atomic write with SHA-256, format check, encoding and table shape."""
from __future__ import annotations

import csv
import json
import mimetypes
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from defusedxml import DefusedXmlException
from flask_babel import gettext as _

from ..errors import Invalid
from ..extensions import db
from ..models_base import utcnow
from ..storage import StoredFile, storage
from ..storage import files as stored_files
from .models import Dataset, QuarantinedFile, Resource, ResourceKind, ResourceVersion

MEDIA_TYPES = {
    "CSV": "text/csv",
    "XLSX": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "JSON": "application/json",
    "PDF": "application/pdf",
    "XML": "application/xml",
    "ZIP": "application/zip",
}


@dataclass
class FileInfo:
    encoding: str = ""
    row_count: int | None = None
    columns: list[str] = field(default_factory=list)


def media_type(fmt: str, filename: str) -> str:
    return MEDIA_TYPES.get(fmt.upper()) or mimetypes.guess_type(filename)[0] or "application/octet-stream"


def inspect_file(path: Path, fmt: str) -> FileInfo:
    """Check the content matches the declared format and read its table shape; Invalid otherwise."""
    fmt = fmt.upper()
    try:
        if fmt == "CSV":
            return _inspect_csv(path)
        if fmt == "XLSX":
            return _inspect_xlsx(path)
        if fmt == "JSON":
            return _inspect_json(path)
        if fmt == "PDF":
            with open(path, "rb") as fh:
                if fh.read(5) != b"%PDF-":
                    raise ValueError("no PDF header")
            return FileInfo()
        if fmt == "XML":
            return _inspect_xml(path)
        if fmt == "ZIP":
            check_zip(path)
            return FileInfo()
    except (UnsafeFile, DefusedXmlException) as exc:
        if not isinstance(exc, UnsafeFile):
            exc = UnsafeFile(_("the XML declares a DTD or entities, which are not accepted"))
        raise Invalid(_("The file was refused: %(error)s", error=str(exc)), {"file": "unsafe"})
    except (ValueError, UnicodeDecodeError, csv.Error, OSError, KeyError, RecursionError) as exc:
        raise Invalid(_("The file is not valid %(format)s: %(error)s", format=fmt, error=str(exc)[:200]),
                      {"file": "format"})
    return FileInfo()


class UnsafeFile(ValueError):
    """A container or document built to exhaust memory or time (zip bomb, entity expansion)."""


# XLSX and ZIP containers: what the zip directory declares is an upper bound of what Python's zipfile
# will ever inflate (it stops at the declared size and then fails the CRC check), so these limits,
# checked before any member is read, bound the memory and time an upload can cost.
ZIP_MAX_MEMBERS = 10_000
ZIP_MAX_TOTAL = 1024 ** 3             # 1 GiB inflated in all
ZIP_MAX_RATIO = 100                   # inflated / compressed, for members above 1 MiB
ZIP_MAX_XLSX_PART = 256 * 1024 ** 2   # shared strings, styles, workbook: openpyxl reads these whole


def check_zip(path: Path, xlsx: bool = False) -> None:
    """Refuse a zip bomb before inflating anything; ValueError when it is not a zip at all."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as zf:
            members = zf.infolist()
    except zipfile.BadZipFile as exc:
        raise ValueError(_("not a ZIP container")) from exc
    if len(members) > ZIP_MAX_MEMBERS:
        raise UnsafeFile(_("the archive holds more than %(n)d files", n=ZIP_MAX_MEMBERS))
    total = 0
    for m in members:
        total += m.file_size
        if m.file_size > 1024 ** 2 and m.file_size > ZIP_MAX_RATIO * max(m.compress_size, 1):
            raise UnsafeFile(_("“%(name)s” inflates more than %(ratio)d times (a zip bomb?)",
                               name=m.filename[:80], ratio=ZIP_MAX_RATIO))
        if xlsx and not m.filename.startswith("xl/worksheets/") and m.file_size > ZIP_MAX_XLSX_PART:
            raise UnsafeFile(_("“%(name)s” is larger than %(mb)d MB inflated", name=m.filename[:80],
                               mb=ZIP_MAX_XLSX_PART // 1024 ** 2))
    if total > ZIP_MAX_TOTAL:
        raise UnsafeFile(_("the archive inflates to more than %(mb)d MB", mb=ZIP_MAX_TOTAL // 1024 ** 2))
    if xlsx:
        with zipfile.ZipFile(path) as zf:
            for m in members:
                if m.filename.endswith((".xml", ".rels")) and _declares_dtd(zf, m):
                    raise UnsafeFile(_("the XML declares a DTD or entities, which are not accepted"))


_ROOT_START = re.compile(rb"<[A-Za-z_:]")


def _declares_dtd(zf, member) -> bool:
    """Whether a workbook part declares a DTD (entities live only there): its prolog, up to the root element,
    is read, whatever XML parser openpyxl ends up using (defusedxml, or lxml when that is installed)."""
    head = b""
    with zf.open(member) as fh:
        while chunk := fh.read(64 * 1024):
            head += chunk
            root = _ROOT_START.search(head)
            prolog = head if root is None else head[:root.start()]
            if b"<!DOCTYPE" in prolog or b"<!ENTITY" in prolog:
                return True
            if root is not None:
                return False
    return False


def require_defused_xml() -> None:
    """openpyxl parses workbook XML with defusedxml only when it is installed and not switched off."""
    import openpyxl

    if not openpyxl.DEFUSEDXML:
        raise UnsafeFile(_("workbooks cannot be read safely here (defusedxml is missing)"))


def _inspect_xml(path: Path) -> FileInfo:
    """Well-formed XML, read as a stream; DTDs and entities (billion laughs, external entities) refused."""
    from defusedxml.ElementTree import iterparse

    try:
        root, depth = None, 0
        for event, elem in iterparse(str(path), events=("start", "end"), forbid_dtd=True):
            if event == "start":
                root = elem if root is None else root
                depth += 1
                continue
            depth -= 1
            elem.clear()
            if depth == 1:
                root.clear()  # memory stays flat however long the document
    except DefusedXmlException as exc:
        raise UnsafeFile(_("the XML declares a DTD or entities, which are not accepted")) from exc
    except SyntaxError as exc:  # xml.etree.ElementTree.ParseError
        raise ValueError(str(exc)) from exc
    return FileInfo(encoding="utf-8")


def detect_encoding(sample: bytes) -> str:
    """UTF-8 when the bytes decode as UTF-8, else GB18030 (a superset of GBK) when they decode as that."""
    for encoding in ("utf-8-sig", "utf-8"):
        try:
            sample.decode(encoding)
            return "utf-8"
        except UnicodeDecodeError as exc:
            # a multi-byte character cut at the end of the sample is still UTF-8
            if exc.start >= len(sample) - 3 and encoding == "utf-8":
                return "utf-8"
    try:
        sample.decode("gb18030")
        return "gbk"
    except UnicodeDecodeError:
        raise ValueError(_("unknown text encoding (expected UTF-8 or GBK)"))


def _inspect_csv(path: Path) -> FileInfo:
    with open(path, "rb") as fh:
        sample = fh.read(1024 * 1024)
    if b"\x00" in sample:  # text never holds NUL bytes; programs, images and archives do
        raise ValueError(_("binary content, not text"))
    encoding = detect_encoding(sample)
    with open(path, encoding="gb18030" if encoding == "gbk" else "utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader, None)
        if not header:
            raise ValueError(_("the CSV file has no header row"))
        rows = sum(1 for _ in reader)
    return FileInfo(encoding=encoding, row_count=rows, columns=[h.strip() for h in header])


def _inspect_xlsx(path: Path) -> FileInfo:
    from openpyxl import load_workbook

    check_zip(path, xlsx=True)
    require_defused_xml()
    # A file object, not the path: stored files have no .xlsx suffix, which openpyxl insists on.
    with open(path, "rb") as fh:
        try:
            wb = load_workbook(fh, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a non-workbook, and wraps some
            cause: BaseException | None = exc
            while cause is not None:
                if isinstance(cause, DefusedXmlException):
                    raise cause
                cause = cause.__cause__ or cause.__context__
            raise ValueError(_("not an Excel workbook")) from exc
        try:
            ws = wb.worksheets[0]
            rows = ws.iter_rows(values_only=True)
            header = [str(v) if v is not None else "" for v in next(rows, ())]
            count = sum(1 for _ in rows)
        finally:
            wb.close()
    return FileInfo(row_count=count, columns=header)


MAX_JSON_PARSE = 256 * 1024 ** 2  # parsed whole (about ten times its size in memory); larger files are only sniffed


def _inspect_json(path: Path) -> FileInfo:
    size = path.stat().st_size
    if size > MAX_JSON_PARSE:
        with open(path, "rb") as fh:
            head = fh.read(1024 * 1024)
            fh.seek(max(0, size - 64))
            tail = fh.read()
        detect_encoding(head)  # UTF-8 or GBK text, not binary
        first, last = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1], tail.rstrip(b" \t\r\n")[-1:]
        if (first, last) not in ((b"{", b"}"), (b"[", b"]")):
            raise ValueError(_("does not start and end like a JSON document"))
        return FileInfo(encoding="utf-8")  # too large to count its records on upload
    data = json.loads(path.read_bytes())
    records = data
    if isinstance(data, dict):
        records = next((v for v in data.values() if isinstance(v, list)), None)
    if isinstance(records, list) and records and isinstance(records[0], dict):
        return FileInfo(encoding="utf-8", row_count=len(records), columns=list(records[0].keys()))
    return FileInfo(encoding="utf-8")


def add_file_resource(ds: Dataset, stream: BinaryIO, *, name: str, filename: str, fmt: str,
                      description: str = "", max_size: int | None = None, resource: Resource | None = None,
                      uploaded_by_id: int | None = None) -> Resource:
    """Store a file as a new resource of the entry, or as the next version of `resource`.

    The bytes are written atomically and hashed (storage), then checked against the declared format;
    invalid content leaves no file of its own. Rows are added to the session; the caller commits, and on
    a failed commit rolls back and hands the key to `stored_files.discard`.
    """
    stored: StoredFile = stored_files.save(stream, max_size=max_size)
    with db.session.no_autoflush:  # the caller's pending rows are flushed by the caller, in one go
        quarantined = db.session.get(QuarantinedFile, stored.sha256) is not None
    if quarantined:
        stored_files.discard([stored.key])  # the quarantined bytes themselves stay (a reference), kept for audit
        raise Invalid(_("This exact file was withdrawn after a rights complaint and cannot be published again."),
                      {"file": "quarantined"})
    from ..sharing.grants import received_under_grant  # bytes shared to this agency are not its to publish

    with db.session.no_autoflush:
        grant_id = received_under_grant(ds.agency_id or getattr(ds.agency, "id", None), stored.sha256)
    if grant_id is not None:
        stored_files.discard([stored.key])
        message = _("This file was received under share grant No. %(id)d; shared data serves your duties only "
                    "and may not be passed on or published.", id=grant_id)
        raise Invalid(message, {"file": message})
    try:
        info = inspect_file(storage().path(stored.key), fmt)
    except BaseException:
        stored_files.discard([stored.key])
        raise
    now = utcnow()
    if resource is None:
        resource = Resource(dataset=ds, kind=ResourceKind.FILE, name=name[:300], description=description,
                            position=len(ds.resources), version=0, created_at=now)
        db.session.add(resource)
    resource.version = (resource.version or 0) + 1
    resource.format, resource.filename, resource.storage_key = fmt.upper(), filename, stored.key
    resource.size, resource.sha256, resource.media_type = stored.size, stored.sha256, media_type(fmt, filename)
    resource.encoding, resource.row_count, resource.columns = info.encoding, info.row_count, info.columns
    resource.updated_at = now
    resource.versions.append(ResourceVersion(
        version=resource.version, filename=filename, storage_key=stored.key, media_type=resource.media_type,
        size=stored.size, sha256=stored.sha256, encoding=info.encoding, row_count=info.row_count,
        columns=info.columns, uploaded_by_id=uploaded_by_id, created_at=now))
    return resource


def add_link_resource(ds: Dataset, *, name: str, url: str, fmt: str = "API", description: str = "") -> Resource:
    """Attach a link (an API endpoint or external page) to the entry; the caller commits."""
    res = Resource(dataset=ds, name=name, description=description, kind=ResourceKind.LINK, format=fmt.upper(),
                   url=url, position=len(ds.resources))
    db.session.add(res)
    return res
