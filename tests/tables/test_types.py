"""The fast reading of plain cells (types._plain) gives what the general rules (types.try_convert) give."""
from __future__ import annotations

import duckdb
import pytest

from portal.tables.types import ColumnType, _plain, try_convert

CELLS = ["1", "0", "0012", "-5", "+7", "1,234", "1,234.5", "12.25", ".5", "１２３", " 42 ", "1e3", "是", "否", "true",
         "TRUE", "yes", "2024-03-01", "2024-3-1", "2024/3/1", "2024年3月1日", "2024.3.1", "2024-02-30",
         "2024-03-01 08:30", "2024-03-01T08:30:05.5", "2024/3/2 9:05:01", "2024年3月3日 8时30分", "2024-03-01 25:00",
         "infinity", "epoch", "abc"]


@pytest.mark.parametrize("kind", [k for k in ColumnType if k != ColumnType.TEXT])
def test_plain_cells_read_as_the_general_rules_read_them(kind):
    con = duckdb.connect()
    con.execute("CREATE TABLE t (c VARCHAR)")
    con.executemany("INSERT INTO t VALUES (?)", [[c] for c in CELLS])
    rows = con.execute(f"SELECT c, {_plain('c', kind)}, {try_convert('c', kind)} FROM t").fetchall()
    plain = [(c, fast) for c, fast, _ in rows if fast is not None]
    assert plain  # the fast reading takes some cells of every kind
    assert all(fast == general for _, fast, general in rows if fast is not None), rows
