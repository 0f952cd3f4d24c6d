"""The native API's reading rules: which records, in which order, paged how; built on the public
catalog services (nothing that is not public is ever returned), shaped for the schemas."""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Any, Sequence

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from ..agencies import services as agencies
from ..catalog import queries as catalog
from ..catalog import quality
from ..catalog import search as catalog_search
from ..withdrawal import services as withdrawals
from ..catalog.services import citation, update_status
from ..catalog.models import Dataset, Resource, Tag, dataset_tags
from ..catalog.filters import FILTERS
from ..errors import NotFound
from ..extensions import db
from ..plans import services as plans
from .ckan.dicts import downloadable


@dataclass
class Page:
    results: Sequence[Any]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))


def page_of(items: Sequence[Any], page: int, per_page: int) -> Page:
    start = (page - 1) * per_page
    return Page(items[start:start + per_page], len(items), page, per_page)


# ---- datasets ------------------------------------------------------------------------------
def search_datasets(args: dict) -> tuple[catalog_search.SearchResult, Page]:
    """The site's search (same filters, facets, sorting) with the API's page size."""
    filters = {f.name: list(dict.fromkeys(args[f.name])) for f in FILTERS if args.get(f.name)}
    sort = args["sort"] or ("relevance" if args["q"].strip() else "modified")
    params = catalog_search.SearchParams(q=args["q"].strip(), filters=filters, sort=sort, page=args["page"],
                                         per_page=args["per_page"])
    result = catalog_search.search(params)
    return result, Page([dataset_summary(d) for d in result.datasets], result.total, args["page"], args["per_page"])


def get_dataset(slug_or_id: str) -> Dataset:
    """A public entry by slug (or by id); NotFound for unknown and non-public ones alike."""
    ds = db.session.scalar(catalog.public_datasets().where(Dataset.slug == slug_or_id))
    if ds is None and len(slug_or_id) <= 36:
        found = db.session.get(Dataset, slug_or_id)
        ds = found if found is not None and found.is_public else None
    if ds is None:
        raise NotFound(_("No public catalog entry is named %(slug)s.", slug=slug_or_id[:120]))
    return ds


def dataset_summary(ds: Dataset) -> dict[str, Any]:
    return {
        "id": ds.id, "slug": ds.slug, "code": ds.code, "title": ds.title, "summary": ds.summary,
        "agency": {"slug": ds.agency.slug, "name": ds.agency.name},
        "theme": {"slug": ds.theme.slug, "name": ds.theme.name},
        "open_type": ds.open_type, "update_frequency": ds.update_frequency, "region": ds.region,
        "formats": ds.formats, "download_count": ds.download_count, "published_at": ds.published_at,
        "modified_at": ds.modified_at, "url": url_for("catalog.dataset", slug=ds.slug, _external=True),
    }


DETAIL_FIELDS = ("classification", "collecting_agency", "approving_agency", "region_level", "temporal_start",
                 "temporal_end", "data_form", "share_type", "share_conditions", "share_reason", "share_legal_basis",
                 "share_basis_kind", "share_scope", "share_modes", "share_assessed_at", "open_conditions",
                 "open_reason", "open_legal_basis", "timeliness",
                 "related", "licence_id", "data_updated_at", "created_at")


def dataset_detail(ds: Dataset) -> dict[str, Any]:
    out = dataset_summary(ds)
    out.update({f: getattr(ds, f) for f in DETAIL_FIELDS})
    out["overdue"] = update_status(ds).overdue
    out["tags"] = [t.name for t in ds.tags]
    out["items"] = [{"name": i.name, "type": i.type, "description": i.description} for i in ds.items]
    out["resources"] = [resource_public(r) for r in ds.resources]
    out["citation"] = citation(ds, date.today())
    out["withdrawal"] = withdrawals.announcement(ds.id)
    out["contact_point"] = ds.contact_point
    out["quality"] = quality.quality_out(quality.entry_quality(ds))
    return out


# ---- resources -----------------------------------------------------------------------------
def get_resource(resource_id: str) -> Resource:
    """A resource of a public entry (its metadata is public even when its data is not)."""
    res = db.session.get(Resource, resource_id) if len(resource_id) <= 36 else None
    if res is None or not res.dataset.is_public:
        raise NotFound(_("No resource of a public entry has this id."))
    return res


def resource_public(res: Resource) -> dict[str, Any]:
    can_download = downloadable(res)
    if res.kind == "link":
        link = res.url
    elif can_download:
        link = url_for("api_v1.resource_download", resource_id=res.id, _external=True)
    else:
        link = None
    return {
        "id": res.id, "dataset": res.dataset.slug, "name": res.name, "description": res.description,
        "kind": res.kind, "format": res.format, "media_type": res.media_type, "filename": res.filename,
        "size": res.size if res.kind == "file" else None, "sha256": res.sha256, "encoding": res.encoding,
        "row_count": res.row_count, "columns": list(res.columns or []), "version": res.version,
        "updated_at": res.updated_at, "download_count": res.download_count, "downloadable": can_download,
        "download_url": link,
        "page_url": url_for("catalog.resource", slug=res.dataset.slug, resource_id=res.id, _external=True),
    }


# ---- agencies, themes, tags -------------------------------------------------------------------
def agency_out(agency, count: int) -> dict[str, Any]:
    return {"slug": agency.slug, "name": agency.name, "level": agency.level, "region": agency.region,
            "description": agency.description, "website": agency.website, "contact": agency.contact,
            "datasets": count, "url": url_for("agencies.agency", slug=agency.slug, _external=True)}


def list_agencies(page: int, per_page: int) -> Page:
    return page_of([agency_out(a, n) for a, n in agencies.agencies_with_counts()], page, per_page)


def get_agency(slug: str) -> dict[str, Any]:
    agency = agencies.get_agency(slug)
    count = db.session.scalar(select(func.count()).select_from(
        catalog.public_datasets().where(Dataset.agency_id == agency.id).subquery())) or 0
    return agency_out(agency, count)


def list_themes() -> list[dict[str, Any]]:
    return [{"slug": t.slug, "name": t.name, "description": t.description, "datasets": n}
            for t, n in catalog.themes_with_counts()]


def list_tags(page: int, per_page: int) -> Page:
    """Tags of public entries with their number of entries, most used first."""
    public_ids = catalog.public_datasets().with_only_columns(Dataset.id)
    rows = db.session.execute(
        select(Tag.name, func.count()).join(dataset_tags, dataset_tags.c.tag_id == Tag.id)
        .where(dataset_tags.c.dataset_id.in_(public_ids))
        .group_by(Tag.name).order_by(func.count().desc(), Tag.name)).all()
    return page_of([{"name": name, "datasets": n} for name, n in rows], page, per_page)


# ---- negative list, plans, figures ----------------------------------------------------------
def negative_list(agency: str | None, page: int, per_page: int) -> Page:
    if agency:
        agencies.get_agency(agency)  # NotFound for an unknown agency, not an empty list
    rows = [{"slug": d.slug, "code": d.code, "title": d.title,
             "agency": {"slug": d.agency.slug, "name": d.agency.name}, "open_type": d.open_type,
             "open_conditions": d.open_conditions, "open_reason": d.open_reason,
             "open_legal_basis": d.open_legal_basis, "url": url_for("catalog.dataset", slug=d.slug, _external=True)}
            for d in catalog.negative_list(agency)]
    return page_of(rows, page, per_page)


def open_plans(year: int | None) -> dict[str, Any]:
    """A year's published open plans with each item's progress (the newest year by default)."""
    years = plans.years()
    if year is None:
        year = years[0] if years else None
    if year is None:
        return {"year": None, "years": [], "total": 0, "opened": 0, "completion_percent": 0, "plans": []}
    progress = plans.public_plans(year)
    out_plans = []
    for p in progress.plans:
        items = [{"title": i.title, "dataset": i.entry.slug if i.entry is not None and i.entry.is_public else None,
                  "target_open_type": i.item.target_open_type, "target_date": i.item.target_date,
                  "state": i.state, "opened_on": i.opened_on, "livelihood": i.item.livelihood,
                  "urgent_demand": i.item.urgent_demand, "commercial_value": i.item.commercial_value}
                 for i in p.items]
        agency = p.plan.agency
        out_plans.append({"agency": {"slug": agency.slug, "name": agency.name} if agency else None,
                          "year": p.plan.year, "priorities": p.plan.priorities, "published_at": p.plan.published_at,
                          "total": p.total, "opened": p.opened, "completion_percent": p.completion_percent,
                          "items": items})
    return {"year": year, "years": years, "total": progress.total, "opened": progress.opened,
            "completion_percent": progress.completion_percent, "plans": out_plans}


def figures() -> catalog.Figures:
    return catalog.figures()
