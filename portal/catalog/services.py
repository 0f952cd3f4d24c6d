"""Catalog rules: public visibility, search, figures, update status, negative list, downloads."""
from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Iterable, Mapping

from flask import current_app, g, has_request_context, request
from flask_login import current_user
from flask_babel import gettext as _
from pypinyin import lazy_pinyin
from sqlalchemy import func, select, update
from sqlalchemy.orm import lazyload, selectinload

from ..agencies.models import Agency
from ..audit import services as audit
from ..errors import BadRequest, Forbidden, NotFound, Unavailable
from ..extensions import db
from ..models_base import utcnow
from ..search import SearchDoc, SearchQuery, SearchUnavailable, backend
from ..search.base import SORTS
from ..search.text import MAX_QUERY_CHARS, query_terms
from .filters import FILTERS
from .models import Dataset, DatasetState, OpenType, Resource, ResourceKind, Theme
from .vocab import FREQUENCY_MAX_AGE

MAX_PAGE = 500           # deeper pages are refused; narrow the search instead
MAX_FILTER_VALUES = 20   # per filter, in one request


# ---- visibility -------------------------------------------------------------
def public_datasets():
    """A select() of entries the public may see; every public read starts here."""
    return select(Dataset).where(Dataset.state == DatasetState.PUBLISHED)


def get_public_dataset(slug: str) -> Dataset:
    """The public entry with this slug, or NotFound."""
    ds = db.session.scalar(public_datasets().where(Dataset.slug == slug))
    if ds is None:
        raise NotFound(_("No public catalog entry is named %(slug)s.", slug=slug))
    return ds


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


@dataclass
class SearchResult:
    params: SearchParams
    datasets: list[Dataset]
    total: int
    facets: list[Facet]
    terms: list[str]

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


def search(params: SearchParams) -> SearchResult:
    """Run a catalog search; hits are re-checked against the database so nothing non-public shows."""
    try:
        page = backend().search(SearchQuery(text=params.q, filters=params.filters, sort=params.sort,
                                            offset=(params.page - 1) * params.per_page, limit=params.per_page))
    except SearchUnavailable:
        raise Unavailable(_("Search is temporarily unavailable. Dataset pages and downloads still work."))
    ids = [h.id for h in page.hits]
    # Look the hits up by primary key and check visibility here: with `state = 'published'` in the
    # WHERE clause SQLite walks the (unselective) state index, 50 ms at 100,000 entries instead of 1.
    # A result card shows the entry's row, agency, theme and file formats; data items, tags and the
    # other resource columns are not loaded.
    stmt = select(Dataset).where(Dataset.id.in_(ids)).options(
        lazyload(Dataset.items), lazyload(Dataset.tags),
        selectinload(Dataset.resources).load_only(Resource.id, Resource.dataset_id, Resource.format, Resource.position))
    found = {d.id: d for d in db.session.scalars(stmt) if d.is_public} if ids else {}
    datasets = [found[i] for i in ids if i in found]
    return SearchResult(params=params, datasets=datasets, total=page.total,
                        facets=_facets(page.facets, params.filters), terms=query_terms(params.q))


def _facets(counts: dict[str, dict[str, int]], selected: dict[str, list[str]]) -> list[Facet]:
    names = {
        "agency": dict(db.session.execute(select(Agency.slug, Agency.name)).all()),
        "theme": dict(db.session.execute(select(Theme.slug, Theme.name)).all()),
    }
    facets = []
    for definition in FILTERS:
        field_counts = dict(counts.get(definition.name, {}))
        chosen = selected.get(definition.name, [])
        for value in chosen:  # a chosen value stays visible (with 0) so it can be removed
            field_counts.setdefault(value, 0)
        values = [FacetValue(v, definition.display(v, names), c, v in chosen)
                  for v, c in sorted(field_counts.items(), key=lambda kv: (-kv[1], kv[0]))]
        facets.append(Facet(definition.name, str(definition.title), values))
    return facets


def search_doc(ds: Dataset) -> SearchDoc:
    """The index document of a public entry."""
    return SearchDoc(
        id=ds.id, title=ds.title, summary=ds.summary, tags=[t.name for t in ds.tags], agency=ds.agency.name,
        items=[i.name for i in ds.items], facets={f.name: f.values(ds) for f in FILTERS},
        modified=ds.modified_at, downloads=ds.download_count, title_sort=title_sort_key(ds.title))


def title_sort_key(title: str) -> str:
    """Pinyin of the title, so 阿拉善 sorts before 包头 as a Chinese reader expects."""
    return " ".join(lazy_pinyin(title)).lower()


PARALLEL_REINDEX_FROM = 20_000  # below this a single writer is quicker than starting processes


def reindex_all(batch: int = 500) -> int:
    """Rebuild the search index from the database (the database is the truth)."""
    total = db.session.scalar(select(func.count()).select_from(public_datasets().subquery())) or 0
    procs = min(os.cpu_count() or 1, 4) if total >= PARALLEL_REINDEX_FROM else 1

    def docs() -> Iterable[SearchDoc]:
        last_id = ""
        while True:
            rows = db.session.scalars(public_datasets().where(Dataset.id > last_id)
                                      .order_by(Dataset.id).limit(batch)).all()
            if not rows:
                return
            for ds in rows:
                yield search_doc(ds)
            last_id = rows[-1].id
            db.session.expunge_all()
    return backend().bulk_index(docs(), procs=procs)


def index_datasets(datasets: Iterable[Dataset]) -> None:
    """Bring the index in line with these entries after commit: add public ones, drop the rest."""
    datasets = list(datasets)
    public = [search_doc(d) for d in datasets if d.is_public]
    hidden = [d.id for d in datasets if not d.is_public]
    if public:
        backend().index(public)
    if hidden:
        backend().remove(hidden)


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
        select(Dataset.theme_id, func.count()).where(Dataset.state == DatasetState.PUBLISHED)
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
def downloadable_resource(resource_id: str) -> Resource:
    """The stored file a visitor may download; NotFound or Forbidden with the reason otherwise."""
    res = db.session.get(Resource, resource_id) if len(resource_id) <= 36 else None
    if res is None or not res.dataset.is_public:
        raise NotFound(_("No downloadable file has this address."))
    ds = res.dataset
    if ds.open_type == OpenType.CONDITIONAL:
        grant_for_download(ds, res)
    if ds.open_type == OpenType.CLOSED:
        raise Forbidden(_("“%(title)s” is not open; its data is not provided through the portal.", title=ds.title))
    if res.kind != ResourceKind.FILE:
        raise NotFound(_("This resource is a link, not a stored file."))
    return res


def grant_for_download(ds: Dataset, res: Resource) -> None:
    """Conditional data: the caller must hold a grant usable now for this file and channel (site or API);
    Forbidden saying why otherwise. The grant is remembered so the access is logged against it."""
    from ..opening.services import require_grant

    channel = "api" if has_request_context() and request.path.startswith("/api/") else "download"
    g.download_grant_id = require_grant(ds, res, current_user, channel).id


def record_download(res: Resource, status: int, bytes_sent: int, range_start: int | None) -> None:
    """Log the access and count it: a full download, or a ranged one that starts at the first byte."""
    counted = status == 200 or (status == 206 and range_start == 0)
    if counted:
        # modified_at stays: a download is not a change of the entry (the column has onupdate)
        db.session.execute(update(Dataset).where(Dataset.id == res.dataset_id)
                           .values(download_count=Dataset.download_count + 1, modified_at=Dataset.modified_at))
        db.session.execute(update(Resource).where(Resource.id == res.id)
                           .values(download_count=Resource.download_count + 1))
    audit.record_access("download", status, dataset_id=res.dataset_id, resource_id=res.id, bytes_sent=bytes_sent,
                        grant_id=g.get("download_grant_id") if has_request_context() else None)
    db.session.commit()
