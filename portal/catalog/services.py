"""Catalog rules: public visibility, search, figures, update status, negative list, downloads."""
from __future__ import annotations

import math
import os
import time
from collections import defaultdict, namedtuple
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Iterable, Mapping

from flask import current_app, g, has_request_context, request
from flask_babel import get_locale, gettext as _
from flask_login import current_user
from pypinyin import lazy_pinyin
from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import lazyload

from ..agencies.models import Agency
from ..audit import services as audit
from ..errors import BadRequest, Forbidden, NotFound, Unavailable, UnavailableForLegalReasons
from ..extensions import db
from ..feedback.models import Correction, CorrectionState
from ..models_base import utcnow
from ..search import Expr, SearchDoc, SearchQuery, SearchUnavailable, backend
from ..search.base import SORTS
from ..search.text import MAX_QUERY_CHARS, query_terms
from ..side_db import read_committed
from .filters import FACET_FIELDS, FILTERS, FILTERS_BY_NAME, INDEX_ONLY_FIELDS
from .models import (DataItem, Dataset, DatasetChange, DatasetState, OpenType, QuarantinedFile, Resource, ResourceKind, Tag,
                     Theme, dataset_tags)
from .vocab import FREQUENCY_MAX_AGE

MAX_PAGE = 500           # deeper pages are refused; narrow the search instead
MAX_FILTER_VALUES = 20   # per filter, in one request


# ---- visibility -------------------------------------------------------------
def public_filter():
    """The WHERE clause of "on the public channels": published and not suspended (= Dataset.is_public)."""
    return (Dataset.state == DatasetState.PUBLISHED) & Dataset.suspended_at.is_(None)


def public_datasets():
    """A select() of entries the public may see; every public read (listings, search, API, exports)
    starts here. Entries suspended by a rights complaint are not in it."""
    return select(Dataset).where(public_filter())


def get_public_dataset(slug: str) -> Dataset:
    """The public entry with this slug, or NotFound (a suspended entry is not public)."""
    ds = db.session.scalar(public_datasets().where(Dataset.slug == slug))
    if ds is None:
        raise NotFound(_("No public catalog entry is named %(slug)s.", slug=slug))
    return ds


def get_published_dataset(slug: str) -> Dataset:
    """The entry behind a dataset page: public, or suspended (its page stays, saying it is suspended)."""
    ds = db.session.scalar(_PUBLISHED_BY_SLUG, {"slug": slug})
    if ds is None:
        raise NotFound(_("No public catalog entry is named %(slug)s.", slug=slug))
    return ds


def without_lists(stmt):
    """`stmt`'s entries without their tags, data items and resources, each loaded only when first used,
    with the plain lazy loader: for a single entry the models' default (SELECT ... IN, built for lists of
    entries) costs more to prepare than the query, and many readers do not use them at all."""
    return stmt.options(lazyload(Dataset.tags), lazyload(Dataset.items), lazyload(Dataset.resources))


_PUBLISHED_BY_SLUG = without_lists(select(Dataset).where(Dataset.slug == bindparam("slug"),
                                                         Dataset.state == DatasetState.PUBLISHED))


@dataclass(frozen=True)
class EntryLists:
    """An entry's tags, data items and resources as plain read-only rows, with the attributes of the
    models' (tags: id, name; items: name, type, description; resources: the columns pages and the CKAN
    dicts read). The dataset page and the CKAN package lists only read them, and loading them as model
    objects cost more than the queries themselves."""
    tags: list = ()
    items: list = ()
    resources: list = ()


_IDS = bindparam("ids", expanding=True)
# In the order of the models' relationships (tags by name, items and resources by position).
_LIST_TAGS = select(dataset_tags.c.dataset_id, Tag.id, Tag.name).join(Tag, Tag.id == dataset_tags.c.tag_id) \
    .where(dataset_tags.c.dataset_id.in_(_IDS)).order_by(Tag.name)
_LIST_ITEMS = select(DataItem.dataset_id, DataItem.name, DataItem.type, DataItem.description) \
    .where(DataItem.dataset_id.in_(_IDS)).order_by(DataItem.dataset_id, DataItem.position)
_LIST_RESOURCES = select(
    Resource.id, Resource.dataset_id, Resource.name, Resource.description, Resource.format, Resource.kind,
    Resource.url, Resource.size, Resource.sha256, Resource.media_type, Resource.position, Resource.created_at,
    Resource.updated_at, Resource.encoding, Resource.row_count, Resource.columns, Resource.download_count,
).where(Resource.dataset_id.in_(_IDS)).order_by(Resource.dataset_id, Resource.position)


def entry_lists(ids: list[str]) -> dict[str, EntryLists]:
    """The lists of these entries, three queries for all of them (every id gets one, empty when it has none)."""
    found: dict[str, tuple[list, list, list]] = defaultdict(lambda: ([], [], []))
    if ids:
        for place, stmt in enumerate((_LIST_TAGS, _LIST_ITEMS, _LIST_RESOURCES)):
            for row in read_committed(stmt, {"ids": ids}):
                found[row.dataset_id][place].append(row)
    return {i: EntryLists(*found[i]) for i in ids}


@dataclass(frozen=True)
class DatasetPage:
    """What an entry's public page shows: the entry, its lists (EntryLists) and its history, all plain rows."""
    ds: PageEntry
    lists: EntryLists
    changes: list  # rows of _PAGE_CHANGES, newest first

    @property
    def formats(self) -> list[str]:
        """As Dataset.formats."""
        return sorted({r.format for r in self.lists.resources if r.format})


_PAGE_CHANGES = select(DatasetChange.at, DatasetChange.summary, DatasetChange.field, DatasetChange.from_value,
                       DatasetChange.to_value, DatasetChange.reason) \
    .where(DatasetChange.dataset_id == bindparam("id")).order_by(DatasetChange.at.desc())


_Named = namedtuple("_Named", "id slug name")


class PageEntry:
    """An entry as its page reads it: the columns of its row as attributes, its agency and theme (id, slug,
    name), and the model's state properties. One plain query; the model object with its joined agency and
    theme costs about three times as much, and the page only reads it."""
    __slots__ = ("_row", "agency", "theme")

    def __init__(self, row) -> None:
        self._row = row
        self.agency = _Named(row.agency_id, row.agency_slug, row.agency_name)
        self.theme = _Named(row.theme_id, row.theme_slug, row.theme_name)

    def __getattr__(self, name: str):
        return getattr(self._row, name)

    is_published = Dataset.is_published
    is_suspended = Dataset.is_suspended
    is_public = Dataset.is_public


# The number of open corrections, which mark the page "纠错处理中" (R2024 §45), read with the entry.
_OPEN_CORRECTIONS = select(func.count(Correction.id)).where(
    Correction.dataset_id == Dataset.id, Correction.state == CorrectionState.OPEN).scalar_subquery()
_PAGE_ENTRY = select(*(c for c in Dataset.__table__.c if c.name != "pending"),  # a waiting edit is not shown
                     Agency.slug.label("agency_slug"), Agency.name.label("agency_name"),
                     Theme.slug.label("theme_slug"), Theme.name.label("theme_name"),
                     _OPEN_CORRECTIONS.label("open_corrections")) \
    .join(Agency, Agency.id == Dataset.agency_id).join(Theme, Theme.id == Dataset.theme_id) \
    .where(Dataset.slug == bindparam("slug"), Dataset.state == DatasetState.PUBLISHED)


def dataset_page(slug: str) -> DatasetPage:
    """A published entry (suspended or not) with what its page lists; NotFound as get_published_dataset."""
    rows = read_committed(_PAGE_ENTRY, {"slug": slug})
    if not rows:
        raise NotFound(_("No public catalog entry is named %(slug)s.", slug=slug))
    ds = PageEntry(rows[0])
    return DatasetPage(ds, entry_lists([ds.id])[ds.id], read_committed(_PAGE_CHANGES, {"id": ds.id}))


def require_not_suspended(ds: Dataset) -> None:
    """451 for everyone (grant holders included) while a rights complaint is verified (R2024 §28)."""
    if ds.is_suspended:
        raise UnavailableForLegalReasons(
            _("“%(title)s” is suspended pending verification of a rights complaint; its data is not provided "
              "until the verification ends.", title=ds.title), {"suspended_since": ds.suspended_at.isoformat()})


def is_quarantined(sha256: str) -> bool:
    """True when these bytes were withdrawn after a rights complaint and must never be served."""
    return bool(sha256) and db.session.scalar(_QUARANTINED, {"sha256": sha256}) is not None


# Built once, and asked through the session (which flushes first, so a quarantine added in this
# transaction counts): every download asks, and a miss of session.get costs twice as much.
_QUARANTINED = select(QuarantinedFile.sha256).where(QuarantinedFile.sha256 == bindparam("sha256"))


def quarantined_hashes(hashes: Iterable[str]) -> set[str]:
    hashes = [h for h in set(hashes) if h]
    if not hashes:
        return set()
    return set(db.session.scalars(select(QuarantinedFile.sha256).where(QuarantinedFile.sha256.in_(hashes))))


def servable_sql():
    """SQL: the resource's current bytes are not quarantined (for queries that list files to serve)."""
    return ~select(QuarantinedFile.sha256).where(QuarantinedFile.sha256 == Resource.sha256).exists()


def is_servable(res: Resource) -> bool:
    """A link, or a file whose bytes are not quarantined: what may be offered for download at all."""
    return res.kind != ResourceKind.FILE or not is_quarantined(res.sha256)


# ---- update status (R2024 §16) ---------------------------------------------
@dataclass(frozen=True)
class UpdateStatus:
    overdue: bool
    due: datetime | None


def update_status(ds: Dataset, now: datetime | None = None) -> UpdateStatus:
    """Whether the entry's data is older than its update frequency allows."""
    max_age = FREQUENCY_MAX_AGE.get(ds.update_frequency)
    last = ds.data_updated_at or ds.published_at
    if max_age is None or last is None:
        return UpdateStatus(False, None)
    due = last + max_age
    return UpdateStatus((now or utcnow()) > due, due)


def citation(ds: Dataset, retrieved: date) -> str:
    """How to cite the entry: source agency, entry, portal, retrieval date (R2021 §34)."""
    return _("%(agency)s. %(title)s (catalog code %(code)s). %(site)s. Retrieved %(date)s.",
             agency=ds.agency.name, title=ds.title, code=ds.code, site=current_app.config["SITE_NAME"],
             date=retrieved.isoformat())


# ---- search -----------------------------------------------------------------
@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class Facet:
    name: str
    title: str
    values: list[FacetValue]


@dataclass
class SearchParams:
    q: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)
    sort: str = "relevance"
    page: int = 1
    per_page: int = 20
    where: Expr | None = None      # a filter expression beyond the facet filters (CKAN's fq)
    offset: int | None = None      # an explicit first result (CKAN's start) instead of the page's
    facet_fields: tuple[str, ...] = FACET_FIELDS  # which counts to compute (and label)


@dataclass
class SearchResult:
    params: SearchParams
    datasets: list[Dataset]
    total: int
    facets: list[Facet]
    terms: list[str]
    formats: dict[str, list[str]] = field(default_factory=dict)  # entry id -> its file formats (result cards)

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.params.per_page))


def parse_search_params(args: Mapping[str, str], getlist, per_page: int) -> SearchParams:
    """Read and validate the search state from URL parameters; BadRequest on nonsense."""
    q = (args.get("q") or "").strip()[:MAX_QUERY_CHARS]
    sort = args.get("sort") or ""
    if sort and sort not in SORTS:
        raise BadRequest(_("Unknown sort order “%(sort)s”.", sort=sort[:40]),
                         {"sort": list(SORTS)})
    if not sort:
        sort = "relevance" if q else "modified"
    raw_page = args.get("page") or "1"
    try:
        page = int(raw_page)
    except ValueError:
        raise BadRequest(_("The page number must be a whole number."), {"page": raw_page[:40]})
    if page < 1 or page > MAX_PAGE:
        raise BadRequest(_("The page number must be between 1 and %(max)d.", max=MAX_PAGE), {"page": page})
    filters = {}
    for definition in FILTERS:
        values = [v.strip()[:100] for v in getlist(definition.name) if v.strip()]
        if values:
            filters[definition.name] = list(dict.fromkeys(values))[:MAX_FILTER_VALUES]
    return SearchParams(q=q, filters=filters, sort=sort, page=page, per_page=per_page)


def search(params: SearchParams, bare: bool = False) -> SearchResult:
    """Run a catalog search; hits are re-checked against the database so nothing non-public shows.

    bare: the entries only, without the file formats a result card shows (the CKAN API reads the lists
    of its packages itself, as plain rows).
    """
    offset = params.offset if params.offset is not None else (params.page - 1) * params.per_page
    try:
        page = backend().search(SearchQuery(text=params.q, filters=params.filters, sort=params.sort,
                                            offset=offset, limit=params.per_page, where=params.where,
                                            facet_fields=params.facet_fields,
                                            with_facets=bool(params.facet_fields)))
    except SearchUnavailable:
        raise Unavailable(_("Search is temporarily unavailable. Dataset pages and downloads still work."))
    ids = [h.id for h in page.hits]
    # Look the hits up by primary key and check visibility here: with `state = 'published'` in the
    # WHERE clause SQLite walks the (unselective) state index, 50 ms at 100,000 entries instead of 1.
    # A result card shows the entry's row, agency, theme and file formats; the formats come from one
    # narrow query instead of loading resource objects, data items and tags are not loaded.
    stmt = without_lists(select(Dataset).where(Dataset.id.in_(ids)))
    found = {d.id: d for d in db.session.scalars(stmt) if d.is_public} if ids else {}
    datasets = [found[i] for i in ids if i in found]
    formats: dict[str, list[str]] = {}
    if found and not bare:
        rows = db.session.execute(select(Resource.dataset_id, Resource.format).distinct()
                                  .where(Resource.dataset_id.in_(list(found)), Resource.format != ""))
        for dataset_id, fmt in rows:
            formats.setdefault(dataset_id, []).append(fmt)
    return SearchResult(params=params, datasets=datasets, total=page.total,
                        facets=_facets(page.facets, params.filters, params.facet_fields), terms=query_terms(params.q),
                        formats={k: sorted(v) for k, v in formats.items()})


FACET_LABELS_TTL_S = 60.0  # agency and theme names in facets may lag a rename by this long


def _facet_labels(wanted: dict[str, set[str]]) -> dict[str, dict[str, str]]:
    """slug -> name of agencies and themes, cached per process; reloaded when stale or a slug is unknown."""
    cache = current_app.extensions.setdefault("facet_labels", {"at": 0.0, "names": {}})
    names = cache["names"]
    fresh = time.monotonic() - cache["at"] < FACET_LABELS_TTL_S
    if not fresh or any(not slugs <= names.get(field, {}).keys() for field, slugs in wanted.items()):
        names = {
            "agency": dict(db.session.execute(select(Agency.slug, Agency.name)).all()),
            "theme": dict(db.session.execute(select(Theme.slug, Theme.name)).all()),
        }
        cache.update(at=time.monotonic(), names=names)
    return names


def _facets(counts: dict[str, dict[str, int]], selected: dict[str, list[str]],
            fields: tuple[str, ...] = FACET_FIELDS) -> list[Facet]:
    if not fields:
        return []
    names = _facet_labels({field: set(counts.get(field, {})) | set(selected.get(field, []))
                           for field in ("agency", "theme") if field in fields})
    # Translated labels are kept per language with the names they were made from (a lazy string costs
    # a catalog lookup each time it is shown, and a facet list shows hundreds).
    shown = current_app.extensions.setdefault("facet_display", {})
    locale = str(get_locale())
    if shown.get("names") is not names:
        shown.clear()
        shown["names"] = names
    labels = shown.setdefault(locale, {})
    facets = []
    for name in fields:
        if name in INDEX_ONLY_FIELDS:  # counted on request (tags, licences): the value is its own label
            facets.append(Facet(name, name, [FacetValue(v, v, c, False) for v, c in
                                             sorted(counts.get(name, {}).items(), key=lambda kv: (-kv[1], kv[0]))]))
            continue
        definition = FILTERS_BY_NAME[name]
        field_counts = dict(counts.get(definition.name, {}))
        chosen = selected.get(definition.name, [])
        for value in chosen:  # a chosen value stays visible (with 0) so it can be removed
            field_counts.setdefault(value, 0)
        values = []
        for v, c in sorted(field_counts.items(), key=lambda kv: (-kv[1], kv[0])):
            key = (definition.name, v)
            if key not in labels:
                labels[key] = str(definition.display(v, names))
            values.append(FacetValue(v, labels[key], c, v in chosen))
        facets.append(Facet(definition.name, str(definition.title), values))
    return facets


def search_doc(ds: Dataset) -> SearchDoc:
    """The index document of a public entry."""
    return SearchDoc(
        id=ds.id, title=ds.title, summary=ds.summary, tags=[t.name for t in ds.tags], agency=ds.agency.name,
        items=[i.name for i in ds.items],
        facets={f.name: f.values(ds) for f in FILTERS} | {name: fn(ds) for name, fn in INDEX_ONLY_FIELDS.items()},
        modified=ds.modified_at, downloads=ds.download_count, title_sort=title_sort_key(ds.title))


def title_sort_key(title: str) -> str:
    """Pinyin of the title, so 阿拉善 sorts before 包头 as a Chinese reader expects."""
    return " ".join(lazy_pinyin(title)).lower()


PARALLEL_REINDEX_FROM = 20_000  # below this a single writer is quicker than starting processes


def reindex_all(batch: int = 500) -> int:
    """Rebuild the search index from the database (the database is the truth).

    Holds the applier lock, so no outbox change is applied into the index being replaced; the changes
    recorded before the rebuild began are covered by it, and later ones are applied afterwards.
    """
    from . import indexing

    total = db.session.scalar(select(func.count()).select_from(public_datasets().subquery())) or 0
    procs = min(os.cpu_count() or 1, 4) if total >= PARALLEL_REINDEX_FROM else 1

    def docs() -> Iterable[SearchDoc]:
        # Pages walk the primary key and visibility is checked per row: with the visibility condition in
        # the WHERE clause SQLite picks the (unselective) state or suspension index and sorts every page.
        last_id = ""
        while True:
            rows = db.session.scalars(select(Dataset).where(Dataset.id > last_id)
                                      .order_by(Dataset.id).limit(batch)).all()
            if not rows:
                return
            for ds in rows:
                if ds.is_public:
                    yield search_doc(ds)
            last_id = rows[-1].id
            db.session.expunge_all()
    with indexing.indexer_lock(block=True):
        covered = indexing.last_id()
        db.session.commit()  # end the read transaction, so the rebuild sees every committed entry
        n = backend().bulk_index(docs(), procs=procs)
        indexing.forget_applied(covered)
    indexing.apply_now_if_free()
    return n


def index_datasets(datasets: Iterable[Dataset]) -> None:
    """Bring the index in line with these entries after their change was committed.

    The change was recorded in the search outbox with the commit (see indexing.py); this applies it
    now when no other process is applying, and otherwise leaves it to that process or the indexer.
    """
    from . import indexing

    datasets = list(datasets)
    if not datasets:
        return
    ids = [d.id for d in datasets]
    queued = set(db.session.scalars(select(indexing.SearchOutbox.dataset_id)
                                    .where(indexing.SearchOutbox.dataset_id.in_(ids))))
    missing = [d for d in datasets if d.id not in queued]
    if missing:  # changed outside the ORM (bulk updates): record them now
        indexing.enqueue(missing)
        db.session.commit()
    indexing.apply_now_if_free()


# ---- home page and listings -------------------------------------------------
@dataclass
class Figures:
    datasets: int
    agencies: int
    files: int
    downloads: int


def figures() -> Figures:
    """Key figures of the public catalog."""
    pub = public_datasets().subquery()
    n_datasets = db.session.scalar(select(func.count()).select_from(pub)) or 0
    n_agencies = db.session.scalar(select(func.count(func.distinct(pub.c.agency_id)))) or 0
    n_files = db.session.scalar(select(func.count(Resource.id)).join(pub, Resource.dataset_id == pub.c.id)
                                .where(pub.c.open_type != OpenType.CLOSED)) or 0
    n_downloads = db.session.scalar(select(func.coalesce(func.sum(pub.c.download_count), 0))) or 0
    return Figures(n_datasets, n_agencies, n_files, int(n_downloads))


def themes_with_counts() -> list[tuple[Theme, int]]:
    """Every theme with its number of public entries, in the theme order."""
    counts = dict(db.session.execute(
        select(Dataset.theme_id, func.count()).where(public_filter())
        .group_by(Dataset.theme_id)).all())
    themes = db.session.scalars(select(Theme).order_by(Theme.position, Theme.id)).all()
    return [(t, counts.get(t.id, 0)) for t in themes]


def newest(limit: int = 6) -> list[Dataset]:
    return list(db.session.scalars(public_datasets().order_by(Dataset.published_at.desc(), Dataset.id).limit(limit)))


def most_downloaded(limit: int = 6) -> list[Dataset]:
    return list(db.session.scalars(public_datasets().order_by(Dataset.download_count.desc(), Dataset.id).limit(limit)))


def negative_list(agency_slug: str | None = None) -> list[Dataset]:
    """Published conditional and closed entries with their conditions, reason and legal basis (R2021 §30)."""
    stmt = (public_datasets().where(Dataset.open_type.in_([OpenType.CONDITIONAL, OpenType.CLOSED]))
            .join(Agency).order_by(Agency.name, Dataset.open_type, Dataset.code))
    if agency_slug:
        stmt = stmt.where(Agency.slug == agency_slug)
    return list(db.session.scalars(stmt))


# ---- downloads --------------------------------------------------------------
@dataclass(frozen=True)
class StoredFile:
    """What serving one stored file needs, decided from one row (entry, file and quarantine together):
    every download asks, and loading the two objects cost twice as much."""
    id: str
    dataset_id: str
    dataset_slug: str
    storage_key: str
    media_type: str
    filename: str
    format: str
    sha256: str
    encoding: str
    updated_at: datetime


def downloadable_resource(resource_id: str, user=None) -> StoredFile:
    """The stored file a visitor may download; NotFound, 451 or Forbidden with the reason otherwise.

    Order: the entry is published (else 404); not suspended and the bytes not quarantined (else 451,
    for everyone, grant holders included); then the open type: unconditionally open files are anyone's,
    signed in or not, also a user whose data access is suspended (R2024 §50 closes the access a grant
    gives, and the same user could fetch open files logged out); conditional files need a usable grant.
    """
    rows = read_committed(_DOWNLOAD_ROW, {"id": resource_id}) if len(resource_id) <= 36 else []
    row = rows[0] if rows else None
    if row is None or row.state != DatasetState.PUBLISHED:
        raise NotFound(_("No downloadable file has this address."))
    if row.suspended_at is not None:
        require_not_suspended(db.session.get(Dataset, row.dataset_id))  # the 451 says since when and why
    if row.kind == ResourceKind.FILE and row.quarantined is not None:
        raise UnavailableForLegalReasons(
            _("This file was withdrawn after a rights complaint and is no longer provided."))
    if row.open_type == OpenType.CONDITIONAL:
        res = db.session.get(Resource, row.id)
        grant_for_download(res.dataset, res)
    if row.open_type == OpenType.CLOSED:
        raise Forbidden(_("“%(title)s” is not open; its data is not provided through the portal.", title=row.title))
    if row.kind != ResourceKind.FILE:
        raise NotFound(_("This resource is a link, not a stored file."))
    return StoredFile(row.id, row.dataset_id, row.slug, row.storage_key, row.media_type, row.filename, row.format,
                      row.sha256, row.encoding, row.updated_at)


# Mapped columns, not the tables', so that a session in a transaction flushes first and a quarantine or a
# suspension added in it counts. The empty hash of a link matches no quarantined file.
_DOWNLOAD_ROW = (
    select(Resource.id, Resource.dataset_id, Resource.kind, Resource.storage_key, Resource.media_type,
           Resource.filename, Resource.format, Resource.sha256, Resource.encoding, Resource.updated_at,
           Dataset.slug, Dataset.title, Dataset.state, Dataset.suspended_at, Dataset.open_type,
           QuarantinedFile.sha256.label("quarantined"))
    .join(Dataset, Dataset.id == Resource.dataset_id)
    .outerjoin(QuarantinedFile, QuarantinedFile.sha256 == Resource.sha256)
    .where(Resource.id == bindparam("id")))


def grant_for_download(ds: Dataset, res: Resource) -> None:
    """Conditional data: the caller must hold a grant usable now for this file and channel (site or API);
    Forbidden saying why otherwise. The grant is remembered so the access is logged against it."""
    from ..opening.grants import require_grant

    channel = "api" if has_request_context() and request.path.startswith("/api/") else "download"
    g.download_grant_id = require_grant(ds, res, current_user, channel).id


_entries, _files = Dataset.__table__, Resource.__table__
_COUNT_ENTRY_DOWNLOAD = update(_entries).where(_entries.c.id == bindparam("entry")).values(
    download_count=_entries.c.download_count + 1, modified_at=_entries.c.modified_at)
_COUNT_FILE_DOWNLOAD = update(_files).where(_files.c.id == bindparam("file")).values(
    download_count=_files.c.download_count + 1)


def record_download(res: StoredFile, status: int, bytes_sent: int, range_start: int | None) -> None:
    """Log the access and count it: a full download, or a ranged one that starts at the first byte."""
    counted = status == 200 or (status == 206 and range_start == 0)
    # modified_at stays: a download is not a change of the entry (the column has onupdate). Counters move
    # in SQL (no lost update between processes): the loaded objects need not follow.
    counters = [(_COUNT_ENTRY_DOWNLOAD, {"entry": res.dataset_id}), (_COUNT_FILE_DOWNLOAD, {"file": res.id})]
    audit.log_access("download", status, counters=counters if counted else [], dataset_id=res.dataset_id,
                     resource_id=res.id, bytes_sent=bytes_sent,
                     grant_id=g.get("download_grant_id") if has_request_context() else None)


def record_search(params: SearchParams, status: int = 200) -> None:
    """Log a catalog search as an access event (SPEC §6: queries are traceable)."""
    filters = "&".join(f"{k}={v}" for k, values in sorted(params.filters.items()) for v in values)
    detail = f"q={params.q}" + (f"&{filters}" if filters else "") + (f"&page={params.page}" if params.page > 1 else "")
    audit.log_access("search", status, detail=detail)
