"""Least privilege for tabular files under a share grant (SHARING.md §3.3, R2024 §23): a CSV or XLSX file leaves
with only the agreed data items (its header row matched to the grant's items), and mode `query` reads the same
agreed columns page by page. Files are read as a stream (catalog.preview's readers), never whole.

`scan` is the one function behind the online query; issue 24's columnar engine (DuckDB over Parquet) is
expected to replace it, and nothing else reads a file for a query.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from flask_babel import gettext as _

from ..catalog.models import Resource
from ..catalog.preview import first_sheet, table_rows
from ..errors import Conflict
from .models import ShareGrant

TABULAR = ("CSV", "XLSX")


def is_tabular(res: Resource) -> bool:
    return res.format.upper() in TABULAR


def _name(cell: Any) -> str:
    return "" if cell is None else str(cell).strip()


def agreed_positions(grant: ShareGrant, header: Sequence[Any]) -> list[int]:
    """The positions of the header's agreed data items (every column when the grant names no item). A header
    holding none of them is refused (409): the file does not match the agreement, and sending it whole would
    give what was not agreed."""
    names = [_name(h) for h in header]
    if not grant.items:
        return list(range(len(names)))
    keep = [i for i, n in enumerate(names) if n in set(grant.items)]
    if not keep:
        raise Conflict(_("The file's header row holds none of the data items agreed in the grant (%(items)s); "
                         "the providing agency has to correct the file.", items="、".join(grant.items)),
                       {"refused": "items"})
    return keep


def projects(grant: ShareGrant, res: Resource) -> bool:
    """A CSV or XLSX whose columns go beyond the agreed data items leaves with the agreed ones only."""
    return is_tabular(res) and bool(grant.items) and not (res.columns and set(res.columns) <= set(grant.items))


def project_csv(grant: ShareGrant, res: Resource, path: Path) -> bytes:
    # Written back in the encoding it was read in: a file labelled gbk is read as GB18030, its superset, so
    # every character it holds (also those GBK lacks) is written again, none replaced.
    encoding = "gb18030" if res.encoding == "gbk" else "utf-8"
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    with table_rows(res, path) as rows:
        header = next(rows, [])
        keep = agreed_positions(grant, header)
        writer.writerow([_name(header[i]) for i in keep])
        for row in rows:
            writer.writerow([row[i] if i < len(row) else "" for i in keep])
    return out.getvalue().encode(encoding)


def project_xlsx(grant: ShareGrant, path: Path) -> bytes:
    """The first sheet's agreed columns, every row, in a workbook written as a stream (write-only); values
    keep their types. Other sheets are left out (docs/decisions.md: the first sheet is the table the entry
    describes). Text that starts with "=" stays text, never a formula."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)

    def cell(ws, value: Any) -> Any:
        if isinstance(value, str) and value.startswith("="):
            out = WriteOnlyCell(ws, value)
            out.data_type = "s"
            return out
        return value

    with first_sheet(path) as (title, rows):
        header = next(rows, ())
        keep = agreed_positions(grant, header)
        ws = book.create_sheet(title)
        ws.append([_name(header[i]) for i in keep])
        for row in rows:
            ws.append([cell(ws, row[i]) if i < len(row) else None for i in keep])
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def agreed_header(grant: ShareGrant, res: Resource, path: Path) -> tuple[list[str], list[int]]:
    """The file's header (stripped) and the positions of its agreed columns (409 when it holds none)."""
    with table_rows(res, path) as rows:
        header = [_name(h) for h in next(rows, [])]
    return header, agreed_positions(grant, header)


# ---- the online query (mode `query`) -----------------------------------------------------------------------
@dataclass(frozen=True)
class Filter:
    position: int
    op: str       # "eq": the cell equals the value; "contains": holds it (case-insensitive)
    value: str

    def passes(self, row: Sequence[str]) -> bool:
        cell = row[self.position] if self.position < len(row) else ""
        if self.op == "contains":
            return self.value.casefold() in cell.casefold()
        return cell == self.value


def scan(res: Resource, path: Path, keep: Sequence[int], filters: Sequence[Filter], offset: int,
         limit: int) -> tuple[list[list[str]], int]:
    """The rows offset .. offset+limit of the file that pass every filter, cut to the columns `keep`, and how
    many rows pass in all. Read as a stream, holding one page: without a filter the total is the row count
    recorded on upload and reading stops once the page is full; with a filter every row is read to count the
    matches (time grows with the file, memory only with the page; docs/decisions.md). The one place that
    reads a file for a query: issue 24's columnar engine replaces this function."""
    known = res.row_count if not filters else None
    page: list[list[str]] = []
    total = 0
    with table_rows(res, path) as rows:
        next(rows, None)
        for row in rows:
            if not all(f.passes(row) for f in filters):
                continue
            if total >= offset and len(page) < limit:
                page.append([row[i] if i < len(row) else "" for i in keep])
            total += 1
            if known is not None and total >= offset + limit:
                return page, known
    return page, total
