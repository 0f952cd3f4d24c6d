"""The first rows of a tabular resource (CSV, XLSX, JSON) as a table for the dataset page."""
from __future__ import annotations

import csv
import json
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from defusedxml import DefusedXmlException
from flask_babel import gettext as _

from .files import UnsafeFile, check_zip, require_defused_xml
from .models import Resource, ResourceKind

PREVIEW_ROWS = 50
MAX_JSON_BYTES = 20 * 1024 * 1024  # JSON must be parsed whole; bigger files are not previewed
PREVIEWABLE = {"CSV", "XLSX", "JSON"}


@dataclass
class Preview:
    columns: list[str]
    rows: list[list[str]]
    total_rows: int | None
    error: str = ""


def can_preview(res: Resource) -> bool:
    return res.kind == ResourceKind.FILE and res.format.upper() in PREVIEWABLE


def preview(res: Resource, path: Path, limit: int = PREVIEW_ROWS) -> Preview:
    """Read at most `limit` rows; a file that cannot be read gives an explanation, not an error page."""
    fmt = res.format.upper()
    try:
        if fmt == "CSV":
            return _csv(path, csv_encoding(res), limit, res.row_count)
        if fmt == "XLSX":
            return _xlsx(path, limit, res.row_count)
        if fmt == "JSON":
            return _json(path, limit)
    except UnsafeFile as exc:
        return Preview([], [], None, _("This file could not be previewed: %(error)s.", error=str(exc)))
    except DefusedXmlException:
        return Preview([], [], None, _("This file could not be previewed: %(error)s.",
                                       error=_("the XML declares a DTD or entities, which are not accepted")))
    except (OSError, ValueError, UnicodeDecodeError, KeyError, csv.Error, RecursionError) as exc:
        return Preview([], [], None, _("This file could not be previewed (%(error)s).", error=type(exc).__name__))
    return Preview([], [], None, _("No preview is available for this format."))


def _csv(path: Path, encoding: str, limit: int, total: int | None) -> Preview:
    with open(path, encoding=encoding, newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader, [])
        rows = [row for _, row in zip(range(limit), reader)]
    return Preview(header, rows, total)


def _xlsx(path: Path, limit: int, total: int | None) -> Preview:
    with first_sheet(path) as (_title, it):
        header = [_cell(v) for v in next(it, ())]
        rows = [[_cell(v) for v in row] for _, row in zip(range(limit), it)]
    return Preview(header, rows, total)


# ---- the readers of tabular files (the preview, deliveries under a share grant, the online query) ----------
def csv_encoding(res: Resource) -> str:
    """Files labelled gbk are read as GB18030, its superset, exactly as they were checked on upload."""
    return "gb18030" if res.encoding == "gbk" else "utf-8-sig"


@contextmanager
def first_sheet(path: Path) -> Iterator[tuple[str, Iterator[tuple[Any, ...]]]]:
    """The first worksheet's title and its rows (cell values, formulas' cached results), read as a stream: the
    workbook is opened read-only, so a large one is never held whole in memory. The first sheet is the table
    the catalog describes (its header is the file's columns on upload)."""
    from openpyxl import load_workbook

    check_zip(path, xlsx=True)  # files stored before these checks existed are checked again here
    require_defused_xml()
    with open(path, "rb") as fh:  # a file object: stored files have no .xlsx suffix
        wb = load_workbook(fh, read_only=True, data_only=True)
        try:
            ws = wb.worksheets[0]
            yield ws.title, ws.iter_rows(values_only=True)
        finally:
            wb.close()


@contextmanager
def table_rows(res: Resource, path: Path) -> Iterator[Iterator[list[str]]]:
    """The header row, then every row, as text, read as a stream: a CSV in its checked encoding, an XLSX's
    first sheet. ValueError for other formats."""
    fmt = res.format.upper()
    if fmt == "CSV":
        with open(path, encoding=csv_encoding(res), newline="") as fh:
            yield csv.reader(fh)
    elif fmt == "XLSX":
        with first_sheet(path) as (_title, rows):
            yield ([_cell(v) for v in row] for row in rows)
    else:
        raise ValueError(fmt)


def _json(path: Path, limit: int) -> Preview:
    if path.stat().st_size > MAX_JSON_BYTES:
        return Preview([], [], None, _("This JSON file is too large to preview; download it instead."))
    data = json.loads(path.read_bytes())
    records = data
    if isinstance(data, dict):  # {"data": [...]} or similar: the first list of records inside
        records = next((v for v in data.values() if isinstance(v, list)), [data])
    if not isinstance(records, list):
        records = [records]
    columns: list[str] = []
    for rec in records[:limit]:
        if isinstance(rec, dict):
            columns.extend(k for k in rec if k not in columns)
    if not columns:
        return Preview(["value"], [[_cell(r)] for r in records[:limit]], len(records))
    rows = [[_cell(rec.get(c)) if isinstance(rec, dict) else "" for c in columns] for rec in records[:limit]]
    return Preview(columns, rows, len(records))


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)
