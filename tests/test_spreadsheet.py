"""The one CSV writer: formula text is written as text, numbers and ordinary text as they are."""
from __future__ import annotations

import csv
import io

import pytest

from portal.spreadsheet import csv_line, safe_cell, writer


@pytest.mark.parametrize("value, written", [
    ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'), ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
    ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"), ("\t=1", "'\t=1"), ("\r=1", "'\r=1"),
    ("-5", "-5"), ("+3.5e2", "+3.5e2"), ("-.5", "-.5"), ("空气质量", "空气质量"), ("a=b", "a=b"), ("", ""),
    (None, ""), (-7, -7), (1.5, 1.5),
])
def test_safe_cell(value, written):
    assert safe_cell(value) == written


def test_writer_and_line_guard_every_cell():
    out = io.StringIO()
    writer(out).writerows([["=1", "-1", None], ["@x", "ok", 3]])
    assert list(csv.reader(io.StringIO(out.getvalue()))) == [["'=1", "-1", ""], ["'@x", "ok", "3"]]
    assert csv_line(["=1", 2]) == "'=1,2\r\n"
