"""A profile of every column, computed by DuckDB on the Parquet copy: type, empty cells, distinct values,
min/max, the most frequent values and, for numbers and dates, a small histogram."""
from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

import duckdb

from .types import ColumnType, literal, quote

TOP_VALUES = 5
BINS = 10
_BINNED = (ColumnType.INTEGER, ColumnType.DECIMAL, ColumnType.DATE, ColumnType.DATETIME)


def _plain(value: Any) -> Any:
    """A value as JSON holds it (dates as ISO text)."""
    if isinstance(value, datetime):
        return value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return round(value, 6)
    return value


def profile_parquet(path: Path, columns: list[dict[str, Any]], work: Path | None = None) -> list[dict[str, Any]]:
    """One dict per column: name, type, rows, empty, distinct, min, max, top [{value, count}], histogram
    [{from, to, count}] (numbers and dates only)."""
    config = {"memory_limit": "256MB", "threads": 2, "autoinstall_known_extensions": False,
              "autoload_known_extensions": False}
    if work is not None:
        config["temp_directory"] = str(work / "duck")
    con = duckdb.connect(":memory:", config=config)
    con.execute("SET enable_progress_bar = false")
    try:
        con.execute(f"CREATE VIEW t AS SELECT * FROM read_parquet({literal(str(path))})")
        total = con.execute("SELECT count(*) FROM t").fetchone()[0]
        out = []
        for start in range(0, len(columns), 100):
            part = columns[start:start + 100]
            exprs = []
            for c in part:
                q = quote(c["name"])
                ordered = c["type"] != ColumnType.BOOLEAN
                exprs += [f"count({q})", f"count(DISTINCT {q})",
                          f"min({q})" if ordered else "NULL", f"max({q})" if ordered else "NULL"]
            row = con.execute(f"SELECT {', '.join(exprs)} FROM t").fetchone()
            for i, c in enumerate(part):
                filled, distinct, low, high = row[i * 4: i * 4 + 4]
                out.append({"name": c["name"], "type": c["type"], "rows": total, "empty": total - filled,
                            "distinct": distinct, "min": _plain(low), "max": _plain(high),
                            "top": _top(con, c["name"]) if filled else [],
                            "histogram": _histogram(con, c, low, high) if filled and c["type"] in _BINNED else []})
        return out
    finally:
        con.close()


def _top(con, name: str) -> list[dict[str, Any]]:
    q = quote(name)
    rows = con.execute(f"SELECT {q}, count(*) AS n FROM t WHERE {q} IS NOT NULL GROUP BY 1 "
                       f"ORDER BY n DESC, 1 LIMIT {TOP_VALUES}").fetchall()
    return [{"value": _plain(v), "count": n} for v, n in rows]


def _histogram(con, column: dict[str, Any], low: Any, high: Any) -> list[dict[str, Any]]:
    """Equal-width bins from min to max (whole days for dates); counts per bin."""
    q = quote(column["name"])
    if column["type"] == ColumnType.DATE:
        x, lo, hi = f"(epoch({q}) / 86400)", _days(low), _days(high)
    elif column["type"] == ColumnType.DATETIME:
        x = f"epoch({q})"
        lo, hi = con.execute(f"SELECT min(epoch({q})), max(epoch({q})) FROM t").fetchone()
    else:
        x, lo, hi = f"CAST({q} AS DOUBLE)", float(low), float(high)
    if lo == hi:
        return [{"from": _plain(low), "to": _plain(high), "count": con.execute(
            f"SELECT count({q}) FROM t").fetchone()[0]}]
    bins_n, width = BINS, (hi - lo) / BINS
    if column["type"] in (ColumnType.INTEGER, ColumnType.DATE):  # whole units: no bin narrower than one
        bins_n = min(BINS, int(hi - lo) + 1)
        width = (hi - lo + 1) / bins_n
    counts = dict(con.execute(f"SELECT least(CAST(floor(({x} - {lo!r}) / {width!r}) AS INTEGER), {bins_n - 1}) AS b, "
                              f"count(*) FROM t WHERE {q} IS NOT NULL GROUP BY b").fetchall())
    bins = []
    for b in range(bins_n):
        start, end = lo + b * width, lo + (b + 1) * width
        bins.append({"from": _edge(column["type"], start), "to": _edge(column["type"], end),
                     "count": counts.get(b, 0)})
    return bins


def _days(d: date) -> float:
    return float((d - date(1970, 1, 1)).days)


def _edge(kind: str, value: float) -> Any:
    if kind == ColumnType.DATE:
        return date.fromordinal(date(1970, 1, 1).toordinal() + int(value)).isoformat()
    if kind == ColumnType.DATETIME:
        return datetime.fromtimestamp(value, timezone.utc).replace(tzinfo=None).isoformat(" ", "seconds")
    if kind == ColumnType.INTEGER:
        return round(value, 2)
    return round(value, 6)
