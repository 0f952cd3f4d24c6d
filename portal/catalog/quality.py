"""The quality score of a catalog entry, computed in the open (issue 23, "A quality score per entry").

After udata's nine metadata quality criteria (description, files documented, licence, update frequency set and
kept, open format, temporal and spatial coverage, files available) and the EU data portal's metadata quality
assessment (machine-readable and non-proprietary formats, contact point), adapted to this catalog: the data
items (数据项) are the documentation of the data, and "files available" is "the portal's own reader opens the
file". ONE table of criteria, `CRITERIA`; each has its weight, its test on an entry and the hint that says what
would raise the score. The weights and their reasons: docs/decisions.md, "Quality score".

`entry_quality(ds)` scores one entry; `agency_quality(agency_id)` averages an agency's published entries and
lists them lowest score first with what each lacks (the console's to-do list; the evaluation's scorecards).
A criterion that cannot apply to an entry (files of an entry whose data is not open) is left out of both the
points and the total, so such an entry is scored on what it can do.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Callable, Sequence

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..extensions import db
from ..storage import storage
from .models import Dataset, DatasetState, OpenType, Resource, ResourceKind
from .services import update_status
from .vocab import LICENCES

# A description says what the entry is when it has at least this many characters (Chinese characters count
# one each; udata asks 100 Latin letters, about 40 Chinese characters carry as much) and is not the title.
DESCRIPTION_MIN_CHARS = 40
# Formats anyone may read without a vendor's program (non-proprietary, the EU's list) ...
OPEN_FORMATS = frozenset({"CSV", "JSON", "XML"})
# ... and formats a program can read as data (a PDF is a picture of a table; a ZIP may hold anything).
MACHINE_READABLE = frozenset({"CSV", "JSON", "XML", "XLSX"})


@dataclass(frozen=True)
class Criterion:
    key: str
    label: object                        # lazy text
    weight: int                          # points out of 100
    test: Callable[[Entry], bool | None]  # None: the criterion does not apply to this entry
    hint: object                         # lazy text: what would raise the score


@dataclass(frozen=True)
class CriterionResult:
    key: str
    label: str
    weight: int
    met: bool | None      # None: not applicable
    mark: str             # "met", "unmet" or "na": the panel's class and the API's word
    status: str           # the words beside the check
    hint: str             # what would raise the score ("" unless unmet)


@dataclass(frozen=True)
class EntryQuality:
    score: int                           # 0–100
    criteria: list[CriterionResult]

    @property
    def unmet(self) -> list[CriterionResult]:
        return [c for c in self.criteria if c.met is False]

    @property
    def hints(self) -> list[str]:
        return [c.hint for c in self.unmet]


@dataclass(frozen=True)
class AgencyQualityRow:
    dataset_id: str
    slug: str
    title: str
    score: int
    unmet: list[CriterionResult]


@dataclass(frozen=True)
class AgencyQuality:
    agency_id: int
    average: float | None               # None: the agency has no published entry
    rows: list[AgencyQualityRow]        # lowest score first


# ---- what the tests read ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Entry:
    """The facts of an entry the criteria read, from the model (console, agency list) or from the public page's
    plain rows (queries.DatasetPage), so the entry page costs no model load."""
    title: str
    summary: str
    open_type: str
    licence_id: str
    update_frequency: str
    data_updated_at: datetime | None
    published_at: datetime | None
    contact_point: str
    agency_contact: str
    temporal_start: date | None
    region: str
    items: Sequence[Any]       # name, description
    resources: Sequence[Any]   # kind, format, storage_key, encoding, row_count


def entry_facts(entry: Any) -> Entry:
    """The facts of a Dataset or of a queries.DatasetPage."""
    if hasattr(entry, "lists"):  # a DatasetPage: its entry row, its lists
        ds, items, resources, contact = entry.ds, entry.lists.items, entry.lists.resources, entry.ds.agency_contact
    else:
        ds, items, resources, contact = entry, entry.items, entry.resources, entry.agency.contact
    return Entry(ds.title or "", ds.summary or "", ds.open_type, ds.licence_id or "", ds.update_frequency or "",
                 ds.data_updated_at, ds.published_at, ds.contact_point or "", contact or "", ds.temporal_start,
                 ds.region or "", list(items), list(resources))


# ---- the tests -------------------------------------------------------------------------------------------
def _data_open(ds: Entry) -> bool:
    """Whether the entry provides data at all (a closed entry publishes its catalog information only)."""
    return ds.open_type != OpenType.CLOSED


def _described(ds: Entry) -> bool:
    text = (ds.summary or "").strip()
    return len(text) >= DESCRIPTION_MIN_CHARS and text != (ds.title or "").strip()


def _items_described(ds: Entry) -> bool:
    return bool(ds.items) and all((i.description or "").strip() for i in ds.items)


def _formats(ds: Entry) -> set[str]:
    return {(r.format or "").upper() for r in ds.resources}


def _open_format(ds: Entry) -> bool | None:
    return bool(_formats(ds) & OPEN_FORMATS) if _data_open(ds) else None


def _machine_readable(ds: Entry) -> bool | None:
    return bool(_formats(ds) & MACHINE_READABLE) if _data_open(ds) else None


def _licence(ds: Entry) -> bool:
    return ds.licence_id in LICENCES


def _on_time(ds: Entry) -> bool:
    return bool(ds.update_frequency) and not update_status(ds).overdue


def _contact(ds: Entry) -> bool:
    return bool(ds.contact_point.strip() or ds.agency_contact.strip())


def _coverage(ds: Entry) -> bool:
    return ds.temporal_start is not None and bool((ds.region or "").strip())


def _files_parse(ds: Entry) -> bool | None:
    if not _data_open(ds):
        return None
    files = [r for r in ds.resources if r.kind == ResourceKind.FILE]
    if not files:
        return False if not ds.resources else None  # an entry served by links only has no file to read
    return all(file_reads(r) for r in files)


CRITERIA: tuple[Criterion, ...] = (
    Criterion("description", _l("Description says what the data is"), 15, _described,
              _l("Write a description of at least %(n)d characters: what the data records, where it comes from "
                 "and what it may be used for.", n=DESCRIPTION_MIN_CHARS)),
    Criterion("data_items", _l("Data items described"), 15, _items_described,
              _l("List the data items (数据项) and give each one a description: its meaning, unit or code list.")),
    Criterion("open_format", _l("Open format"), 10, _open_format,
              _l("Publish the data in an open format as well: CSV, JSON or XML.")),
    Criterion("machine_readable", _l("Machine readable"), 10, _machine_readable,
              _l("Publish a table a program can read (CSV, XLSX, JSON or XML), not only a PDF or an archive.")),
    Criterion("licence", _l("Licence or terms of use"), 10, _licence,
              _l("Choose the licence (terms of use) under which the data may be reused.")),
    Criterion("on_time", _l("Updated on time"), 15, _on_time,
              _l("Upload the new data as the declared update frequency requires, or correct the frequency.")),
    Criterion("contact", _l("Contact point"), 5, _contact,
              _l("Name a contact point for questions about this entry (a telephone number or an e-mail address).")),
    Criterion("coverage", _l("Time and place covered"), 5, _coverage,
              _l("Give the period the data covers (its start date, and its end if it has one) and the region.")),
    Criterion("files_parse", _l("Files open in the portal's reader"), 15, _files_parse,
              _l("Replace the files the portal cannot read (damaged, missing, or not in their declared format); "
                 "an entry with open data needs at least one file.")),
)
assert sum(c.weight for c in CRITERIA) == 100


# ---- one entry -------------------------------------------------------------------------------------------
def entry_quality(entry: Dataset | Any) -> EntryQuality:
    """The entry's score out of 100 (the weights of the criteria it meets over the weights of those that apply)
    with each criterion met, unmet or not applicable, and for each unmet one what would raise it. `entry`: a
    Dataset, or the public page's queries.DatasetPage."""
    facts = entry_facts(entry)
    results = []
    for c in CRITERIA:
        met = c.test(facts)
        mark = "na" if met is None else ("met" if met else "unmet")
        status = {"met": _("Met"), "unmet": _("Not met"), "na": _("Does not apply")}[mark]
        results.append(CriterionResult(c.key, str(c.label), c.weight, met, mark, status,
                                       str(c.hint) if met is False else ""))
    applicable = sum(r.weight for r in results if r.met is not None)
    points = sum(r.weight for r in results if r.met)
    return EntryQuality(round(100 * points / applicable) if applicable else 0, results)


def quality_out(q: EntryQuality) -> dict:
    """The score as the API gives it (catalog.schemas QualityOut)."""
    return {"score": q.score, "criteria": [
        {"key": c.key, "label": c.label, "weight": c.weight, "met": c.met, "hint": c.hint} for c in q.criteria]}


# ---- an agency -------------------------------------------------------------------------------------------
def agency_quality(agency_id: int) -> AgencyQuality:
    """The average score of the agency's published entries (suspended ones too: they are still its catalog)
    and the entries lowest score first, each with the criteria it does not meet."""
    entries = db.session.scalars(select(Dataset).where(
        Dataset.agency_id == agency_id, Dataset.state == DatasetState.PUBLISHED)).all()
    rows = []
    for ds in entries:
        q = entry_quality(ds)
        rows.append(AgencyQualityRow(ds.id, ds.slug, ds.title, q.score, q.unmet))
    rows.sort(key=lambda r: (r.score, r.title))
    average = round(sum(r.score for r in rows) / len(rows), 1) if rows else None
    return AgencyQuality(agency_id, average, rows)


# ---- whether a stored file reads --------------------------------------------------------------------------
# Storage is content-addressed: the same bytes in the same format and encoding always read the same way, so
# each is read once per process (bounded; cleared when full). The file's size and modification time are part
# of the key, so bytes damaged on disk after their hash was taken are read again.
_READ: dict[tuple, bool] = {}
_READ_MAX = 20_000


def file_reads(res: Resource | Any) -> bool:
    """The stored file is there and the portal's reader opens it: the preview's reader for tables (CSV, XLSX,
    JSON), the upload's format check for the others (PDF, XML, ZIP)."""
    if not res.storage_key or not storage().exists(res.storage_key):
        return False
    path = storage().path(res.storage_key)
    stat = path.stat()
    key = (res.storage_key, (res.format or "").upper(), res.encoding or "", stat.st_size, stat.st_mtime_ns)
    if key not in _READ:
        if len(_READ) >= _READ_MAX:
            _READ.clear()
        _READ[key] = _reads(res, path)
    return _READ[key]


def _reads(res: Resource, path) -> bool:
    from ..errors import Invalid
    from .files import inspect_file
    from .preview import MAX_JSON_BYTES, can_preview, preview

    if can_preview(res):
        if res.format.upper() == "JSON" and path.stat().st_size > MAX_JSON_BYTES:
            return True  # too large to preview; its format was checked on upload
        return not preview(res, path, limit=5).error
    try:
        inspect_file(path, res.format)
    except Invalid:
        return False
    return True

