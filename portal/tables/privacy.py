"""The privacy scan of a derived table: columns that look like personal information, found by DuckDB on the Parquet
copy before an unconditional entry's file is published (SPEC.md §4; issue 24).

Kinds: `id_number` (公民身份号码: 18 digits with a valid GB 11643 check digit, or the 15-digit old form with a
plausible birth date), `mobile` (1[3-9] and nine digits), `bank_card` (13–19 digits passing Luhn), `address`
(a door-level address: 号/室/单元/栋 after a road, street or 小区 name) and `name` (a column of 2–4 Chinese
characters, mostly different, in a table with one of the others). A cell counts when it is wholly the value
(spaces and hyphens aside); a column is flagged for a kind when at least half of its cells of that shape are valid
(random 18-digit or card-length numbers pass the check digit about one time in ten, real ones every time).

Each finding keeps the column, kind, the count of matching cells and up to three MASKED examples; the unmasked
values are never stored. The profile's values of a flagged column are masked the same way (`mask_profile`).
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import duckdb
from flask_babel import lazy_gettext as _l

from .types import literal, quote

EXAMPLES = 3
KIND_LABELS = {"id_number": _l("Citizen ID numbers"), "mobile": _l("Mobile numbers"),
               "bank_card": _l("Bank card numbers"), "address": _l("Door-level addresses"),
               "name": _l("Names next to these")}
KINDS = tuple(KIND_LABELS)
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"

# ---- the checks, in Python (tests, masking) ------------------------------------------------------------------


def id_check_digit(first17: str) -> str:
    """The GB 11643 check character of the first 17 digits."""
    return _ID_CHECK[sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS)) % 11]


def luhn_valid(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def mask(kind: str, value: str) -> str:
    """A value as the pages show it: 1502**********1234, 138****5678, 6222***********1234, 人民路**号, 张*."""
    v = str(value)
    if kind in ("id_number", "bank_card"):
        return v[:4] + "*" * max(len(v) - 8, 0) + v[-4:]
    if kind == "mobile":
        v = v[-11:]
        return v[:3] + "****" + v[-4:]
    if kind == "address":
        return re.sub(r"[0-9０-９一二三四五六七八九十百零〇]", "*", v)
    return v[:1] + "*" * (len(v) - 1)


# ---- the same checks, in DuckDB ---------------------------------------------------------------------------------
_CLEAN = "regexp_replace(trim(CAST({q} AS VARCHAR)), '[\\s-]', '', 'g')"
_ID18_SUM = " + ".join(f"TRY_CAST(substr(v, {i + 1}, 1) AS INTEGER) * {w}" for i, w in enumerate(_ID_WEIGHTS))
_ID18_VALID = (f"upper(substr(v, 18, 1)) = substr('{_ID_CHECK}', (({_ID18_SUM}) % 11) + 1, 1)")
_ID18_SHAPE = "regexp_full_match(v, '[1-9][0-9]{16}[0-9Xx]')"
_ID15_VALID = "regexp_full_match(v, '[1-9][0-9]{7}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])[0-9]{3}')"
_MOBILE = "regexp_full_match(v, '(\\+?86)?1[3-9][0-9]{9}')"
_CARD_SHAPE = "regexp_full_match(v, '[0-9]{13,19}')"
_LUHN = ("list_sum(list_transform(range(length(v)), lambda i: CASE WHEN i % 2 = 1 THEN "
         "(TRY_CAST(substr(reverse(v), i + 1, 1) AS INTEGER) * 2) % 10 + (TRY_CAST(substr(reverse(v), i + 1, 1) AS INTEGER) * 2) // 10 "
         "ELSE TRY_CAST(substr(reverse(v), i + 1, 1) AS INTEGER) END)) % 10 = 0")
_ADDRESS = ("regexp_matches(v, '(路|街|巷|弄|胡同|大道|小区|花园|公寓|新村|家园|苑)[^,，;；。]{0,12}?"
            "[0-9０-９一二三四五六七八九十百零〇]+(号|室|单元|栋|幢)')")
_NAME = "regexp_full_match(v, '\\p{Han}{2,4}')"
# (kind, the cell's shape, the cell is valid): a kind is flagged when valid cells are at least half of its shapes.
_RULES = (
    ("id_number", f"({_ID18_SHAPE} OR regexp_full_match(v, '[1-9][0-9]{{14}}'))",
     f"CASE WHEN length(v) = 18 THEN {_ID18_SHAPE} AND {_ID18_VALID} ELSE {_ID15_VALID} END"),
    ("mobile", _MOBILE, _MOBILE),
    ("bank_card", _CARD_SHAPE, f"{_CARD_SHAPE} AND {_LUHN}"),
    ("address", _ADDRESS, _ADDRESS),
)


def _connect(work: Path | None) -> duckdb.DuckDBPyConnection:
    config = {"memory_limit": "256MB", "threads": 2, "autoinstall_known_extensions": False,
              "autoload_known_extensions": False}
    if work is not None:
        config["temp_directory"] = str(work / "duck")
    con = duckdb.connect(":memory:", config=config)
    con.execute("SET enable_progress_bar = false")
    return con


def scan_parquet(path: Path, columns: list[dict[str, Any]], work: Path | None = None) -> list[dict[str, Any]]:
    """[{column, kind, count, examples}] for every flagged column and kind; examples masked."""
    con = _connect(work)
    try:
        con.execute(f"CREATE VIEW t AS SELECT * FROM read_parquet({literal(str(path))})")
        found: list[dict[str, Any]] = []
        text_columns = []
        for c in columns:
            q = quote(c["name"])
            base = f"(SELECT {_CLEAN.format(q=q)} AS v FROM t WHERE {q} IS NOT NULL)"
            text_columns.append((c["name"], base))
            for kind, shape, valid in _RULES:
                shaped, matched = con.execute(
                    f"SELECT count(*) FILTER (WHERE {shape}), count(*) FILTER (WHERE {valid}) FROM {base}").fetchone()
                if matched and matched * 2 >= shaped:
                    if kind == "bank_card" and any(f["column"] == c["name"] and f["kind"] == "id_number"
                                                   for f in found):
                        continue  # an ID number that happens to pass Luhn too is counted once, as an ID number
                    examples = [r[0] for r in con.execute(
                        f"SELECT DISTINCT v FROM {base} WHERE {valid} ORDER BY v LIMIT {EXAMPLES}").fetchall()]
                    found.append({"column": c["name"], "kind": kind, "count": int(matched),
                                  "examples": [mask(kind, e) for e in examples]})
        if found:
            flagged = {f["column"] for f in found}
            for name, base in text_columns:
                if name in flagged:
                    continue
                filled, named, distinct = con.execute(
                    f"SELECT count(*), count(*) FILTER (WHERE {_NAME}), count(DISTINCT v) FILTER (WHERE {_NAME}) "
                    f"FROM {base}").fetchone()
                if named and named * 5 >= filled * 4 and distinct * 2 >= named:
                    examples = [r[0] for r in con.execute(
                        f"SELECT DISTINCT v FROM {base} WHERE {_NAME} ORDER BY v LIMIT {EXAMPLES}").fetchall()]
                    found.append({"column": name, "kind": "name", "count": int(named),
                                  "examples": [mask("name", e) for e in examples]})
        return found
    finally:
        con.close()


def mask_profile(profile: list[dict[str, Any]], findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The profile with the values of flagged columns masked (min, max, most frequent) and their histograms
    dropped: the profile shows what a column holds without showing anyone's number."""
    kinds = {}
    for f in findings:
        kinds.setdefault(f["column"], f["kind"])
    out = []
    for col in profile:
        kind = kinds.get(col["name"])
        if kind is None:
            out.append(col)
            continue
        hide = lambda v: None if v is None else mask(kind, v)  # noqa: E731
        out.append({**col, "min": hide(col.get("min")), "max": hide(col.get("max")), "histogram": [],
                    "top": [{**t, "value": hide(t["value"])} for t in col.get("top") or []]})
    return out
