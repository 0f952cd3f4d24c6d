"""The demo catalog: agencies, themes and catalog entries with their resources, read from data/.

  data/agencies.csv       one agency a row (the fields of AgencySpec)
  data/themes.csv         slug, name, description, in display order
  data/timeliness.csv     the default timeliness text of each update frequency
  data/entries/*.json     the entries: a list of objects with the fields of Entry (defaults left out) and
                          their resources with the fields of Res. Files are read in name order and entries
                          in file order; that order numbers each agency's entries in the catalog codes.

Table generators are referred to by name (see tables_*.py) with their parameters, as
["air_daily", {"city": "包头市", "year": 2026}]. JSON has no dates, tuples or ranges, so in table
parameters a "YYYY-MM-DD" string is a date, {"tuple": [2026, 3]} a tuple and {"range": [4, 11]}
range(4, 11): each generated table is seeded from the entry slug, the generator name and the
parameters as Python writes them, so every run produces the same files.

All dates are fixed (the demo was composed against a reference date of 2026-11-21); nothing
here reads the clock. Entries that are overdue on purpose, whatever the current date (update
status compares the data date with the update frequency, see catalog.vocab.FREQUENCY_MAX_AGE):
  - cf-tourism-statistics           monthly,   data of 2025-06-30
  - eeds-abnormal-operations        monthly,   data of 2026-05-31
  - nmg-driving-schools             quarterly, data of 2025-12-20
  - nmg-agri-product-prices         weekly,    data of 2026-09-28
  - nmg-old-community-renovation    annual,    data of 2025-04-30
Real-time and daily entries carry data of 2026-11-20 and weekly ones of 2026-11-16, so they
turn overdue a few days after the reference date; every other entry stays current until
at least mid-December 2026 (monthly) or later (quarterly, annual, irregular).
Every conditional or refused share attribute rests on a law or regulation (SHARING.md §2.1) except one,
on purpose: nmg-basic-surveying is a basic resource shared on conditions without the authority's 核定,
and is listed for the authority (sharing.catalog.violations), not taken offline.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ..catalog.models import Classification, DataForm, OpenType, ShareType
from .datafiles import DATA, read_csv, read_json


@dataclass(frozen=True)
class AgencySpec:
    slug: str
    name: str
    level: str      # RegionLevel: region or city
    region: str
    division: str   # GB/T 2260 code of the region, first part of the catalog code
    code: str       # five-digit agency code, second part of the catalog code
    website: str
    contact: str
    description: str


@dataclass
class Res:
    fmt: str                                  # CSV, XLSX, JSON, PDF or API
    filename: str = ""                        # Chinese file name (files only)
    name: str = ""                            # display name; the file name without extension by default
    table: tuple[str, dict[str, Any]] | None = None  # generator and parameters; the entry's table by default
    encoding: str = "utf-8"                   # CSV only: "utf-8" or "gbk"
    wrapper: dict[str, Any] | None = None     # JSON only: {"...": ..., "data": [...]} instead of a bare array
    url: str = ""                             # API only
    pdf: dict[str, Any] | None = None         # PDF only: {"title", "subtitle", "paragraphs"}
    description: str = ""


@dataclass
class Entry:
    slug: str
    title: str
    summary: str
    theme: str
    agency: str
    freq: str                         # UpdateFrequency
    updated: str                      # data_updated_at, "YYYY-MM-DD" or "YYYY-MM-DD HH:MM"
    published: str                    # first publication date
    tags: list[str]
    start: str | None = None          # temporal coverage
    end: str | None = None
    table: tuple[str, dict[str, Any]] | None = None  # main table: gives the data items
    resources: list[Res] = field(default_factory=list)
    items: list[tuple[str, str, str]] | None = None  # explicit data items when there is no table
    open: str = OpenType.UNCONDITIONAL
    open_conditions: str = ""
    open_reason: str = ""
    open_legal_basis: str = ""
    share: str = ShareType.UNCONDITIONAL
    share_conditions: str = ""
    share_reason: str = ""
    share_legal_basis: str = ""
    share_basis_kind: str = ""        # ShareBasisKind, for conditional and refused sharing
    share_scope: str = "全区各级政务部门"
    share_modes: list[str] = field(default_factory=lambda: ["api", "download"])  # ShareMode codes
    classification: str = Classification.DEPARTMENTAL
    form: str = DataForm.STRUCTURED
    licence: str = "nmg-open-data-1.0"
    timeliness: str = ""
    collecting: str = ""              # collecting agency (信息资源采集部门); the agency by default
    popularity: float = 1.0           # scales the deterministic download count
    history: list[tuple[str, str, str, str]] = field(default_factory=list)  # (date, from, to, reason)
    related: str = ""


def _param(value: Any) -> Any:
    """A table parameter as the generator takes it (see the module docstring)."""
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return date.fromisoformat(value)
    if isinstance(value, dict) and value.keys() == {"tuple"}:
        return tuple(_param(v) for v in value["tuple"])
    if isinstance(value, dict) and value.keys() == {"range"}:
        return range(*value["range"])
    if isinstance(value, list):
        return [_param(v) for v in value]
    return value


def _table(ref: list | None) -> tuple[str, dict[str, Any]] | None:
    return None if ref is None else (ref[0], {k: _param(v) for k, v in ref[1].items()})


def _entry(raw: dict[str, Any]) -> Entry:
    resources = [Res(**{**res, "table": _table(res.get("table"))}) for res in raw.get("resources", [])]
    return Entry(**{**raw, "table": _table(raw.get("table")), "resources": resources})


AGENCIES: list[AgencySpec] = [AgencySpec(**row) for row in read_csv("agencies.csv")]
THEMES: list[tuple[str, str, str]] = [(t["slug"], t["name"], t["description"]) for t in read_csv("themes.csv")]
TIMELINESS: dict[str, str] = {row["frequency"]: row["timeliness"] for row in read_csv("timeliness.csv")}
ENTRIES: list[Entry] = [_entry(raw) for path in sorted((DATA / "entries").glob("*.json"))
                        for raw in read_json(f"entries/{path.name}")]
