"""Reading one tabular file into a typed Parquet copy with DuckDB, streamed, in bounded memory.

Every input first becomes UTF-8 CSV that DuckDB reads as text: a UTF-8 CSV (with or without BOM) as it
is; GBK/GB18030 transcoded in Python as a stream (DuckDB's `encodings` extension is not shipped in the
wheel); an XLSX's first sheet streamed by openpyxl in read-only mode, after the zip-bomb checks; a JSON
array of objects. Column types are inferred on a sample with the expressions of `types.py`; the whole
file is then converted in one pass straight into Parquet. A cell that breaks its column's inferred type
makes that column text (mixed types); a cell that breaks a type the agency set is an error naming the
row and the column. Nothing here touches the database: `services.py` runs this and records the outcome.
"""
from __future__ import annotations

import codecs
import csv
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, Callable, Iterable

import duckdb
from flask_babel import gettext as _

from ..catalog.files import UnsafeFile, check_zip, detect_encoding, require_defused_xml
from .types import (INFERENCE_ORDER, PARQUET_TYPES, ColumnType, convert, failures, is_empty, literal, normalized,
                    quote)

SAMPLE_ROWS = 50_000       # rows the types are inferred on
MAX_COLUMNS = 2_000        # wider files are refused (a profile and a form per column stop being useful)
MAX_JSON_BYTES = 64 * 1024 ** 2  # JSON is parsed whole; larger tables should come as CSV
MEMORY_LIMIT = "256MB"     # DuckDB spills to the work directory beyond this
CHUNK = 1024 * 1024

Progress = Callable[[str, int], None]


class Unreadable(Exception):
    """The file cannot be read as a table; the message is for the agency, with the row and column when known."""

    def __init__(self, message: str, row: int | None = None, column: str = ""):
        super().__init__(message)
        self.message, self.row, self.column = message, row, column


@dataclass
class Derived:
    parquet: Path
    row_count: int
    columns: list[dict[str, Any]] = field(default_factory=list)  # {name, type, inferred, mixed}


def derive_file(src: Path, fmt: str, work: Path, overrides: dict[str, str] | None = None,
                progress: Progress = lambda step, pct: None) -> Derived:
    """Read `src` (CSV, XLSX or JSON) into `work`/table.parquet; Unreadable when it cannot be read."""
    overrides = overrides or {}
    progress("reading", 5)
    text_csv, names = as_csv(src, fmt.upper(), work)
    if len(names) > MAX_COLUMNS:
        raise Unreadable(_("The table has %(n)d columns; at most %(max)d columns can be read. Split the file or "
                           "publish it as it is without a derived table.", n=len(names), max=MAX_COLUMNS))
    unknown = [c for c in overrides if c not in names]
    if unknown:
        raise Unreadable(_("The column types name columns the file does not have: %(cols)s",
                           cols="、".join(unknown)))
    (work / "duck").mkdir(exist_ok=True)
    con = duckdb.connect(":memory:", config={
        "memory_limit": MEMORY_LIMIT, "threads": 2, "temp_directory": str(work / "duck"),
        "autoinstall_known_extensions": False, "autoload_known_extensions": False})
    con.execute("SET enable_progress_bar = false")  # no bar on the server's output
    try:
        source = _read_csv(text_csv, names)
        progress("inferring", 25)
        types = {n: overrides.get(n) or "" for n in names}
        _infer(con, source, names, types, f"SELECT * FROM {source} LIMIT {SAMPLE_ROWS}")
        mixed: set[str] = set()
        out = work / "table.parquet"
        progress("converting", 40)
        for attempt in range(3):
            try:
                rows = _write(con, source, names, types, out)
                break
            except duckdb.InvalidInputException as exc:
                bad = _bad_column(str(exc), names)
                if bad is None:
                    raise _csv_error(str(exc), names) from exc
                if bad in overrides:
                    raise _override_error(con, source, names, bad, overrides[bad]) from exc
                if attempt == 2:
                    types[bad] = ColumnType.TEXT
                    mixed.add(bad)
                    continue
                # The sample missed other cells too, perhaps: check every typed column over the whole file.
                progress("checking types", 50)
                guessed = [n for n in names if n not in overrides and types[n] != ColumnType.TEXT]
                failing = _failing(con, source, names, guessed, types)
                for name in failing or [bad]:
                    types[name] = ColumnType.TEXT
                    mixed.add(name)
        else:
            rows = _write(con, source, names, types, out)
    except duckdb.InvalidInputException as exc:  # the CSV itself (a row too long or short, an open quote)
        raise _csv_error(str(exc), names) from exc
    except duckdb.OutOfMemoryException as exc:
        raise Unreadable(_("The file needs more memory to read than the portal allows.")) from exc
    finally:
        con.close()
    columns = [{"name": n, "type": types[n], "inferred": n not in overrides, "mixed": n in mixed} for n in names]
    return Derived(out, rows, columns)


# ---- the inputs, as UTF-8 CSV -------------------------------------------------------------------
def as_csv(src: Path, fmt: str, work: Path) -> tuple[Path, list[str]]:
    """The file as UTF-8 CSV that DuckDB can read, and its column names (blank ones named, repeats numbered)."""
    if fmt == "CSV":
        return _csv_as_utf8(src, work)
    if fmt == "XLSX":
        return _xlsx_as_csv(src, work)
    if fmt == "JSON":
        return _json_as_csv(src, work)
    raise Unreadable(_("Only CSV, XLSX and JSON files are read as tables."))


def column_names(header: Iterable[Any]) -> list[str]:
    names, seen = [], set()
    for i, raw in enumerate(header):
        name = str(raw if raw is not None else "").strip().lstrip("\ufeff") or _("column %(n)d", n=i + 1)
        base, n = name, 2
        while name in seen:
            name, n = f"{base}_{n}", n + 1
        seen.add(name)
        names.append(name)
    return names


def _csv_as_utf8(src: Path, work: Path) -> tuple[Path, list[str]]:
    with open(src, "rb") as fh:
        sample = fh.read(CHUNK)
    if b"\x00" in sample:
        raise Unreadable(_("The file holds binary content, not text."))
    try:
        encoding = detect_encoding(sample)
    except ValueError as exc:
        raise Unreadable(str(exc)) from exc
    target = src
    if encoding != "utf-8":
        target = work / "utf8.csv"
        _transcode(src, target, "gb18030")
    with open(target, encoding="utf-8-sig", newline="") as fh:
        header = next(csv.reader(fh), None)
    if not header:
        raise Unreadable(_("The CSV file has no header row."))
    return target, column_names(header)


def _transcode(src: Path, target: Path, encoding: str) -> None:
    """GBK/GB18030 to UTF-8, a chunk at a time; a byte sequence that is not text names its line."""
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    line = 1
    with open(src, "rb") as fin, open(target, "w", encoding="utf-8", newline="") as fout:
        while True:
            chunk = fin.read(CHUNK)
            try:
                text = decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as exc:
                line += chunk[:exc.start].count(b"\n")
                raise Unreadable(_("Line %(line)d is not valid GBK/GB18030 text.", line=line),
                                 row=max(line - 1, 1)) from exc
            line += chunk.count(b"\n")
            fout.write(text)
            if not chunk:
                return


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat(" ") if value.time() != time(0) else value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _xlsx_as_csv(src: Path, work: Path) -> tuple[Path, list[str]]:
    from openpyxl import load_workbook

    try:
        check_zip(src, xlsx=True)
        require_defused_xml()
    except UnsafeFile as exc:
        raise Unreadable(_("The workbook was refused: %(error)s", error=str(exc))) from exc
    except ValueError as exc:
        raise Unreadable(_("The file is not an Excel workbook.")) from exc
    target = work / "sheet.csv"
    with open(src, "rb") as fh:
        try:
            wb = load_workbook(fh, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a non-workbook
            raise Unreadable(_("The file is not an Excel workbook.")) from exc
        try:
            rows = wb.worksheets[0].iter_rows(values_only=True)
            header = next(rows, None)
            if not header:
                raise Unreadable(_("The first sheet is empty."))
            names = column_names(header)
            with open(target, "w", encoding="utf-8", newline="") as out:
                writer = csv.writer(out)
                writer.writerow(names)
                width = len(names)
                for row in rows:
                    cells = [_cell(v) for v in row[:width]]
                    writer.writerow(cells + [""] * (width - len(cells)))
        finally:
            wb.close()
    return target, names


def _json_as_csv(src: Path, work: Path) -> tuple[Path, list[str]]:
    if src.stat().st_size > MAX_JSON_BYTES:
        raise Unreadable(_("JSON files larger than %(mb)d MB are not read as tables; publish the table as CSV.",
                           mb=MAX_JSON_BYTES // 1024 ** 2))
    try:
        data = json.loads(src.read_bytes().decode("utf-8-sig"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise Unreadable(_("The file is not valid JSON: %(error)s", error=str(exc)[:200])) from exc
    records = data
    if isinstance(data, dict):
        records = next((v for v in data.values() if isinstance(v, list)), None)
    if not isinstance(records, list) or not records or not all(isinstance(r, dict) for r in records):
        bad = next((i for i, r in enumerate(records or []) if not isinstance(r, dict)), None) \
            if isinstance(records, list) else None
        raise Unreadable(_("The JSON file is not an array of objects (one object per row)."),
                         row=bad + 1 if bad is not None else None)
    keys: dict[str, None] = {}
    for r in records:
        keys.update(dict.fromkeys(str(k) for k in r))
    raw = list(keys)
    names = column_names(raw)
    target = work / "records.csv"
    with open(target, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(names)
        for r in records:
            writer.writerow([_cell(r.get(k)) for k in raw])
    return target, names


# ---- DuckDB -------------------------------------------------------------------------------------
def _read_csv(path: Path, names: list[str]) -> str:
    columns = "{" + ", ".join(f"{literal(n)}: 'VARCHAR'" for n in names) + "}"
    return (f"read_csv({literal(str(path))}, header=true, columns={columns}, delim=',', quote='\"', "
            f"escape='\"', strict_mode=true, null_padding=false, auto_detect=false, "
            f"max_line_size=16777216, parallel=true)")


def _infer(con, source: str, names: list[str], types: dict[str, str], sample_sql: str) -> None:
    """Fill in the types not set by the agency, from the sample: the first type reading every non-empty
    cell; text when none does or the column is empty in the sample."""
    todo = [n for n in names if not types[n]]
    if not todo:
        return
    # The sample is kept normalized (全角 made ASCII, trimmed) once, rather than once per type tried.
    kept = ", ".join(f"{normalized(quote(n))} AS {quote(n)}" for n in todo)
    con.execute(f"CREATE OR REPLACE TEMP TABLE sample AS SELECT {kept} FROM ({sample_sql})")
    for start in range(0, len(todo), 200):  # bounded statement size for wide tables
        part = todo[start:start + 200]
        exprs = []
        for n in part:
            q = quote(n)
            exprs.append(f"count(*) FILTER (WHERE NOT {is_empty(q)})")
            exprs += [failures(q, k, is_normalized=True) for k in INFERENCE_ORDER]
        counts = con.execute(f"SELECT {', '.join(exprs)} FROM sample").fetchone()
        step = 1 + len(INFERENCE_ORDER)
        for i, n in enumerate(part):
            filled, fails = counts[i * step], counts[i * step + 1: (i + 1) * step]
            types[n] = next((k for k, f in zip(INFERENCE_ORDER, fails) if filled and f == 0), ColumnType.TEXT)
    con.execute("DROP TABLE sample")


def _write(con, source: str, names: list[str], types: dict[str, str], out: Path) -> int:
    select = ", ".join(f"CAST({convert(quote(n), types[n], i)} AS {PARQUET_TYPES[ColumnType(types[n])]}) "
                       f"AS {quote(n)}" for i, n in enumerate(names))
    row = con.execute(f"COPY (SELECT {select} FROM {source}) TO {literal(str(out))} "
                      f"(FORMAT parquet, COMPRESSION zstd)").fetchone()
    return int(row[0]) if row else 0


_BAD_CELL = re.compile(r"bad-cell:(\d+)")
_LINE = re.compile(r"CSV Error on Line: (\d+)")
_FOUND = re.compile(r"Expected Number of Columns: (\d+) Found: (\d+)")


def _bad_column(message: str, names: list[str]) -> str | None:
    m = _BAD_CELL.search(message)
    return names[int(m.group(1))] if m and int(m.group(1)) < len(names) else None


def _failing(con, source: str, names: list[str], guessed: list[str], types: dict[str, str]) -> list[str]:
    if not guessed:
        return []
    exprs = ", ".join(failures(quote(n), types[n]) for n in guessed)
    counts = con.execute(f"SELECT {exprs} FROM {source}").fetchone()
    return [n for n, c in zip(guessed, counts) if c]


def _csv_error(message: str, names: list[str]) -> Unreadable:
    """DuckDB's CSV error as the agency should read it: the row (the header is line 1) and the column."""
    line = _LINE.search(message)
    if not line:
        return Unreadable(_("The file cannot be read as a table: %(error)s", error=message.split("\n")[0][:200]))
    row = max(int(line.group(1)) - 1, 1)
    found = _FOUND.search(message)
    if found:
        expected, got = int(found.group(1)), int(found.group(2))
        column = names[got] if got < expected else _("column %(n)d", n=expected + 1)
        return Unreadable(_("Row %(row)d has %(got)d cells where the header has %(expected)d columns "
                            "(at column “%(column)s”).", row=row, got=got, expected=expected, column=column),
                          row=row, column=column)
    if "unterminated quote" in message:
        return Unreadable(_("Row %(row)d opens a quoted cell that is never closed.", row=row), row=row)
    return Unreadable(_("Row %(row)d cannot be read: %(error)s", row=row, error=message.split("\n")[0][:200]),
                      row=row)


def _override_error(con, source: str, names: list[str], column: str, kind: str) -> Unreadable:
    """The first cell that does not read as the type the agency set, by row and column."""
    from .types import TYPE_LABELS, try_convert

    q = quote(column)
    found = con.execute(
        f"SELECT rn, {q} FROM (SELECT row_number() OVER () AS rn, {q} FROM {source}) "
        f"WHERE NOT {is_empty(q)} AND {try_convert(q, kind)} IS NULL ORDER BY rn LIMIT 1").fetchone()
    row, value = (int(found[0]), str(found[1])) if found else (None, "")
    return Unreadable(_("Row %(row)s, column “%(column)s”: “%(value)s” is not a %(type)s.", row=row or "?",
                        column=column, value=value[:50], type=TYPE_LABELS[ColumnType(kind)]),
                      row=row, column=column)
