"""Column types and how a text cell becomes a typed value, written once as DuckDB SQL.

The same expressions decide a column's type (on a sample) and convert it (on the whole file), so what
inference accepts and what conversion accepts cannot drift. Forms Chinese files use are recognised:
全角 digits (１２３), thousands separators (1,234.5), 2024年3月1日, 2024/3/1, 2024-03-01 and 2024.3.1,
with an optional time (2024-03-01 08:30, 2024年3月1日 8时30分), and 是/否 for yes and no.
"""
from __future__ import annotations

from enum import StrEnum

from flask_babel import lazy_gettext as _l


class ColumnType(StrEnum):
    BOOLEAN = "boolean"
    INTEGER = "integer"
    DECIMAL = "decimal"
    DATE = "date"
    DATETIME = "datetime"
    TEXT = "text"


# Inference tries these in order; the first that reads every non-empty cell of the sample wins.
INFERENCE_ORDER = (ColumnType.BOOLEAN, ColumnType.INTEGER, ColumnType.DECIMAL, ColumnType.DATE,
                   ColumnType.DATETIME)
TYPE_LABELS = {ColumnType.BOOLEAN: _l("yes/no"), ColumnType.INTEGER: _l("integer"),
               ColumnType.DECIMAL: _l("decimal number"), ColumnType.DATE: _l("date"),
               ColumnType.DATETIME: _l("date and time"), ColumnType.TEXT: _l("text")}
PARQUET_TYPES = {ColumnType.BOOLEAN: "BOOLEAN", ColumnType.INTEGER: "BIGINT", ColumnType.DECIMAL: "DOUBLE",
                 ColumnType.DATE: "DATE", ColumnType.DATETIME: "TIMESTAMP", ColumnType.TEXT: "VARCHAR"}
# The data-item types an entry declares (catalog ITEM_TYPES) and the column types that satisfy each.
# 字符型 accepts any column (codes written as digits are text to the catalog); 二进制 is not checked.
ITEM_TYPE_MATCHES = {
    "字符型": set(ColumnType),
    "数值型": {ColumnType.INTEGER, ColumnType.DECIMAL},
    "日期型": {ColumnType.DATE},
    "日期时间型": {ColumnType.DATETIME, ColumnType.DATE},
    "布尔型": {ColumnType.BOOLEAN},
}

_FULL = "０１２３４５６７８９．，－＋：　／"
_HALF = "0123456789.,-+: /"


def quote(name: str) -> str:
    """A column name as a DuckDB identifier."""
    return '"' + name.replace('"', '""') + '"'


def literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _norm(col: str) -> str:
    """The cell with 全角 digits and signs made ASCII and surrounding blanks removed."""
    return f"trim(translate({col}, '{_FULL}', '{_HALF}'))"


_INT = r"^[+-]?([1-9][0-9]{0,2}(,[0-9]{3})+|[1-9][0-9]{0,17}|0)$"
_DEC = r"^[+-]?([0-9]{1,3}(,[0-9]{3})+|[0-9]+)\.[0-9]+$|^[+-]?\.[0-9]+$"
_DATE = r"^[0-9]{4}[年/.-][0-9]{1,2}[月/.-][0-9]{1,2}日?$"
_DATE_START = r"^[0-9]{4}[年/.-][0-9]{1,2}[月/.-][0-9]{1,2}"
_DATE_FORMATS = ("%Y年%m月%d日", "%Y/%m/%d", "%Y-%m-%d", "%Y.%m.%d")
_TIMES = ("%H:%M:%S", "%H:%M", "%H时%M分%S秒", "%H时%M分", "%H:%M:%S.%f")
_DATETIME_FORMATS = tuple(f"{d}{sep}{t}" for d in _DATE_FORMATS for sep in (" ", "T") for t in _TIMES)
_TRUE, _FALSE = ("是", "true", "yes"), ("否", "false", "no")


def _formats(formats: tuple[str, ...]) -> str:
    return "[" + ", ".join(literal(f) for f in formats) + "]"


def normalized(col: str) -> str:
    """SQL: the cell as `try_convert` reads it (全角 made ASCII, blanks trimmed); reading it again changes nothing."""
    return _norm(col)


def try_convert(col: str, kind: str, is_normalized: bool = False) -> str:
    """SQL: the typed value of text cell `col`, NULL when it does not read as `kind` (`is_normalized`: the cell
    is already `normalized`, which spares translating it again)."""
    v = col if is_normalized else _norm(col)
    if kind == ColumnType.BOOLEAN:
        return (f"(CASE WHEN lower({v}) IN ({', '.join(map(literal, _TRUE))}) THEN true "
                f"WHEN lower({v}) IN ({', '.join(map(literal, _FALSE))}) THEN false END)")
    if kind == ColumnType.INTEGER:
        return f"(CASE WHEN regexp_full_match({v}, '{_INT}') THEN TRY_CAST(replace({v}, ',', '') AS BIGINT) END)"
    if kind == ColumnType.DECIMAL:
        return (f"(CASE WHEN regexp_full_match({v}, '{_DEC}') OR regexp_full_match({v}, '{_INT}') "
                f"THEN TRY_CAST(replace({v}, ',', '') AS DOUBLE) END)")
    if kind == ColumnType.DATE:
        return (f"(CASE WHEN regexp_full_match({v}, '{_DATE}') "
                f"THEN CAST(try_strptime({v}, {_formats(_DATE_FORMATS)}) AS DATE) END)")
    if kind == ColumnType.DATETIME:  # every form starts with a date: the formats are tried only on such cells
        return (f"(CASE WHEN regexp_matches({v}, '{_DATE_START}') THEN "
                f"coalesce(try_strptime(regexp_replace({v}, '\\s+', ' ', 'g'), {_formats(_DATETIME_FORMATS)}), "
                f"CAST({try_convert(col, ColumnType.DATE, is_normalized)} AS TIMESTAMP)) END)")
    return col


def is_empty(col: str) -> str:
    """SQL: the cell is missing or blank (全角 blanks included): what `_norm` makes '' (without translating)."""
    return f"({col} IS NULL OR trim({col}, ' 　') = '')"


_ISO_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
_ISO_DATETIME = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?$"


def _plain(col: str, kind: str) -> str:
    """SQL: the typed value of a cell already written in a plain ASCII form, else NULL. Every form matched
    here is one `try_convert` reads to the same value (the cell has nothing `_norm` changes), so this only
    spares the 全角 translation and the list of date formats for the cells most files hold."""
    if kind == ColumnType.BOOLEAN:
        return (f"(CASE WHEN {col} IN ({', '.join(map(literal, _TRUE))}) THEN true "
                f"WHEN {col} IN ({', '.join(map(literal, _FALSE))}) THEN false END)")
    if kind == ColumnType.INTEGER:
        return f"(CASE WHEN regexp_full_match({col}, '{_INT}') THEN TRY_CAST(replace({col}, ',', '') AS BIGINT) END)"
    if kind == ColumnType.DECIMAL:
        return (f"(CASE WHEN regexp_full_match({col}, '{_DEC}') OR regexp_full_match({col}, '{_INT}') "
                f"THEN TRY_CAST(replace({col}, ',', '') AS DOUBLE) END)")
    if kind == ColumnType.DATE:
        return (f"(CASE WHEN regexp_full_match({col}, '{_ISO_DATE}') THEN TRY_CAST({col} AS DATE) "
                f"WHEN regexp_full_match({col}, '{_DATE}') THEN CAST(try_strptime({col}, {_formats(_DATE_FORMATS)}) "
                f"AS DATE) END)")
    if kind == ColumnType.DATETIME:
        return (f"(CASE WHEN regexp_full_match({col}, '{_ISO_DATETIME}') THEN TRY_CAST({col} AS TIMESTAMP) "
                f"WHEN regexp_full_match({col}, '{_ISO_DATE}') THEN CAST(TRY_CAST({col} AS DATE) AS TIMESTAMP) END)")
    return col


def convert(col: str, kind: str, index: int) -> str:
    """SQL: the typed value of `col`; a non-empty cell that does not read as `kind` stops the query with
    an error naming the column's position (`bad-cell:<index>`), which the deriver turns into a decision.
    A plain cell is read by `_plain` first; only the others go through `try_convert` (DuckDB evaluates
    coalesce's arguments only for the rows still NULL)."""
    if kind == ColumnType.TEXT:
        return f"(CASE WHEN {is_empty(col)} THEN NULL ELSE {col} END)"
    return (f"(CASE WHEN {is_empty(col)} THEN NULL ELSE coalesce({_plain(col, kind)}, {try_convert(col, kind)}, "
            f"error('bad-cell:{index}')) END)")


def failures(col: str, kind: str, is_normalized: bool = False) -> str:
    """SQL aggregate: how many non-empty cells do not read as `kind` (as `convert` reads them)."""
    return (f"count(*) FILTER (WHERE NOT {is_empty(col)} AND coalesce({_plain(col, kind)}, "
            f"{try_convert(col, kind, is_normalized)}) IS NULL)")
