"""Searching the catalog: the search state read from a URL, the query to the search backend, hits
re-checked against the database, the facets with their labels, and the access log of a search."""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Mapping

from flask import current_app
from flask_babel import get_locale, gettext as _
from sqlalchemy import select

from ..agencies.models import Agency
from ..audit import services as audit
from ..errors import BadRequest, Unavailable
from ..extensions import db
from ..divisions import division_name
from ..models_base import utcnow
from ..search import AllOf, Expr, Match, Range, SearchQuery, SearchUnavailable, backend
from ..search.base import SORTS
from ..search.text import MAX_QUERY_CHARS, query_terms
from .filters import FACET_FIELDS, FILTERS, FILTERS_BY_NAME, INDEX_ONLY_FIELDS
from .models import Dataset, Resource, Theme
from .queries import without_lists

MAX_PAGE = 500           # deeper pages are refused; narrow the search instead
MAX_FILTER_VALUES = 20   # per filter, in one request


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
    # The search page's own filters (find.py): administrative divisions (GB/T 2260 codes, OR) and the last
    # update, within the last week, month or year (UPDATED) or between two dates.
    division: list[str] = field(default_factory=list)
    updated: str = ""
    updated_from: date | None = None
    updated_to: date | None = None
    page_filters: bool = False     # count the page's own filters too (the search page, not the APIs)

    @property
    def narrowed(self) -> bool:
        return bool(self.filters or self.division or self.updated or self.updated_from or self.updated_to)


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
    division = [v.strip()[:12] for v in getlist(DIVISION) if v.strip()][:MAX_FILTER_VALUES]
    updated = args.get("updated") or ""
    if updated and updated not in UPDATED:
        raise BadRequest(_("Unknown update period “%(value)s”.", value=updated[:40]), {"updated": list(UPDATED)})
    bounds = {}
    for name in ("updated_from", "updated_to"):
        raw = (args.get(name) or "").strip()
        try:
            bounds[name] = date.fromisoformat(raw) if raw else None
        except ValueError:
            raise BadRequest(_("The date must be written as YYYY-MM-DD."), {name: raw[:40]})
    return SearchParams(q=q, filters=filters, sort=sort, page=page, per_page=per_page,
                        division=list(dict.fromkeys(division)), updated=updated, page_filters=True, **bounds)


DIVISION = "division"
UPDATED = {"week": 7, "month": 30, "year": 365}  # the last update within this many days


def updated_range(params: SearchParams, period: str | None = None) -> Range | None:
    """The entries' last modification the search asks for: a period back from now, or between two dates."""
    period = params.updated if period is None else period
    if period:
        return Range(low=utcnow() - timedelta(days=UPDATED[period]))
    if params.updated_from or params.updated_to:
        return Range(low=datetime.combine(params.updated_from, datetime.min.time()) if params.updated_from else None,
                     high=datetime.combine(params.updated_to, datetime.max.time()) if params.updated_to else None)
    return None


def _where(params: SearchParams, updated: Range | None) -> Expr | None:
    exprs = [e for e in (params.where, Match(DIVISION, tuple(params.division)) if params.division else None, updated)
             if e is not None]
    return exprs[0] if len(exprs) == 1 else AllOf(tuple(exprs)) if exprs else None


def search(params: SearchParams, bare: bool = False) -> SearchResult:
    """Run a catalog search; hits are re-checked against the database so nothing non-public shows.

    bare: the entries only, without the file formats a result card shows (the CKAN API reads the lists
    of its packages itself, as plain rows).
    """
    offset = params.offset if params.offset is not None else (params.page - 1) * params.per_page
    facet_fields = params.facet_fields + ((DIVISION,) if params.page_filters and params.facet_fields else ())
    try:
        page = backend().search(SearchQuery(text=params.q, filters=params.filters, sort=params.sort,
                                            offset=offset, limit=params.per_page,
                                            where=_where(params, updated_range(params)),
                                            facet_fields=facet_fields, with_facets=bool(facet_fields)))
        periods = {name: backend().search(SearchQuery(
            text=params.q, filters=params.filters, limit=1, with_facets=False,
            where=_where(params, updated_range(params, name)))).total for name in UPDATED} if params.page_filters else {}
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
    facets = _facets(page.facets, params.filters, params.facet_fields)
    if params.page_filters:
        facets = _page_facets(params, page.facets.get(DIVISION, {}), periods) + facets
    return SearchResult(params=params, datasets=datasets, total=page.total,
                        facets=facets, terms=query_terms(params.q),
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


def _page_facets(params: SearchParams, divisions: dict[str, int], periods: dict[str, int]) -> list[Facet]:
    """The last update (entries within each period, whatever the period chosen) and the administrative
    divisions (the autonomous region's own entries, each 盟市 with its 旗县区, each 旗县区), with counts."""
    titles = {"week": _("Last 7 days"), "month": _("Last 30 days"), "year": _("Last 12 months")}
    updated = Facet("updated", _("Last updated"), [FacetValue(name, titles[name], periods[name], params.updated == name)
                                                  for name in UPDATED])
    counts = dict(divisions)
    for code in params.division:
        counts.setdefault(code, 0)
    division = Facet(DIVISION, _("Administrative division"), [
        FacetValue(code, division_name(code), n, code in params.division)
        for code, n in sorted(counts.items(), key=lambda kv: (len(kv[0].rstrip("0")) > 4, -kv[1], kv[0]))])
    return [updated, division]


def record_search(params: SearchParams, status: int = 200) -> None:
    """Log a catalog search as an access event (SPEC §6: queries are traceable)."""
    own = {"division": params.division, "updated": [params.updated] if params.updated else [],
           "updated_from": [str(params.updated_from)] if params.updated_from else [],
           "updated_to": [str(params.updated_to)] if params.updated_to else []}
    filters = "&".join(f"{k}={v}" for k, values in sorted({**params.filters, **own}.items()) for v in values)
    detail = f"q={params.q}" + (f"&{filters}" if filters else "") + (f"&page={params.page}" if params.page > 1 else "")
    audit.log_access("search", status, detail=detail)
