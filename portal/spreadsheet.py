"""Every CSV the portal writes (log exports, the bulk ZIP's manifest, the demo's files) goes through this
writer, so no cell reaches a spreadsheet program as a live formula (CSV injection)."""
from __future__ import annotations

import csv
import io
import re
from typing import Any, Iterable

# A spreadsheet runs a cell as a formula when it starts with one of these (OWASP's list: tab and carriage
# return too, which some programs skip before looking at the next character).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# A plain number such as -12.5 or +3e5 is no formula: it stays a number rather than becoming text.
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def safe_cell(value: Any) -> Any:
    """Text a spreadsheet would run as a formula gets a leading apostrophe (shown as text, never run);
    None becomes an empty cell; anything else is written as it is."""
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in FORMULA_START and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


class SafeWriter:
    """csv.writer's writerow / writerows, every cell through safe_cell."""

    def __init__(self, fh, **fmtparams) -> None:
        self._writer = csv.writer(fh, **fmtparams)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([safe_cell(v) for v in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(fh, **fmtparams) -> SafeWriter:
    """A CSV writer on `fh` (opened with newline="") that guards every cell; the one the portal uses."""
    return SafeWriter(fh, **fmtparams)


def csv_line(values: Iterable[Any]) -> str:
    """One guarded CSV line (with its CRLF), for exports streamed line by line."""
    buf = io.StringIO()
    writer(buf).writerow(values)
    return buf.getvalue()
