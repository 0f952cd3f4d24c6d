"""A chart's figures as CSV lines (UTF-8 with BOM, so spreadsheet programs read Chinese) and as table cells."""
from __future__ import annotations

from typing import Iterator

from ..spreadsheet import csv_line
from ..units import filesize
from .services import Chart

NO_CASE = "—"


def cell(chart: Chart, column: int, value: int | None) -> str:
    """A value as the table shows it: a rate in %, a volume with its size, a count as it is."""
    if chart.kind == "rates" and column == len(chart.columns) - 1:
        return NO_CASE if value is None else f"{value}%"
    if value is None:
        return NO_CASE
    if chart.unit == "bytes":
        return f"{filesize(value)} ({value})"
    return str(value)


def percent_text(value: int | None) -> str:
    return NO_CASE if value is None else f"{value}%"


def csv_lines(chart: Chart) -> Iterator[str]:
    yield "\ufeff" + csv_line([chart.label_column, *chart.columns])
    for row in chart.rows:
        yield csv_line([row.label, *("" if v is None else v for v in row.values)])
