"""Public catalog pages: search, dataset, resource preview, download, negative list."""
from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from flask import Blueprint, current_app, g, render_template, request, url_for
from flask_login import current_user

from ..caller import signed_in_user
from ..discovery import services as discovery
from ..discovery import structured
from ..agencies.models import Agency
from ..opening import grants as opening_grants
from ..sharing import navigation as sharing_navigation
from ..errors import NotFound
from ..file_responses import send_resource
from ..extensions import db, limiter
from ..pagecache import cached
from ..reuses import panel as reuse_panel
from ..storage import storage
from ..tables import services as tables
from ..tables.types import TYPE_LABELS
from ..withdrawal import services as withdrawals
from . import downloads, grading, quality, queries, services
from . import search as catalog_search
from .filters import FILTERS
from .preview import can_preview, preview

bp = Blueprint("catalog", __name__)


def _search_limit() -> str:
    return current_app.config["RATELIMIT_SEARCH"]


def _download_limit() -> str:
    return current_app.config["RATELIMIT_DOWNLOAD"]


def search_url(params: catalog_search.SearchParams, **changes) -> str:
    """The URL of the search page with the current state and some changes; the state lives in the URL.

    changes: q=, sort=, page=, toggle=(field, value) to add or remove one filter value, clear=field.
    """
    args: dict[str, object] = {}
    q = changes.get("q", params.q)
    if q:
        args["q"] = q
    filters = {k: list(v) for k, v in params.filters.items()}
    filters["division"] = list(params.division)
    filters["updated"] = [params.updated] if params.updated else []
    if "toggle" in changes:
        field, value = changes["toggle"]
        values = filters.setdefault(field, [])
        values.remove(value) if value in values else values.append(value)
        if field == "updated":  # one period at a time, instead of the dates
            filters["updated"] = values[-1:]
    if "clear" in changes:
        filters.pop(changes["clear"], None)
    for name in (*(d.name for d in FILTERS), "division", "updated"):
        if filters.get(name):
            args[name] = filters[name]
    if not filters.get("updated"):
        args.update({k: str(v) for k, v in (("updated_from", params.updated_from), ("updated_to", params.updated_to))
                     if v})
    sort = changes.get("sort", params.sort)
    default_sort = "relevance" if q else "modified"
    if sort and sort != default_sort:
        args["sort"] = sort
    page = changes.get("page", 1 if ("toggle" in changes or "clear" in changes or "sort" in changes) else params.page)
    if page and page != 1:
        args["page"] = page
    # A search page links to itself some forty times (facets, sorts, pages): the path is built once per
    # request, the query as url_for encodes it.
    base = g.get("_search_path") or g.setdefault("_search_path", url_for("catalog.search"))
    items = [(k, v) for k, values in args.items() for v in (values if isinstance(values, list) else [values])]
    return base + "?" + urlencode(items, safe="!$'()*,/:;?@") if items else base


@bp.get("/dataset")
@limiter.limit(_search_limit)
def search():
    """Catalog search with facets, sorting and paging."""
    params = catalog_search.parse_search_params(request.args, request.args.getlist,
                                                current_app.config["SEARCH_PAGE_SIZE"])
    def render() -> str:
        result = catalog_search.search(params)
        g.search_found = result.total > 0
        return render_template("catalog/search.html", result=result, params=params, search_url=search_url,
                               page_url=lambda page: search_url(params, page=page),
                               did_you_mean=discovery.did_you_mean(params.q, result.total) if params.page == 1 else None)
    page = cached(render)
    # Every search is logged, answered from the cache or not; after rendering, as the commit expires the results.
    catalog_search.record_search(params)
    if params.page == 1 and params.q:  # popular searches (a page from the cache does not say what it found)
        discovery.count_search(params.q, request.remote_addr or "", g.get("search_found"))
    return page


def _comments_page() -> int:
    value = request.args.get("comments", "1")
    return int(value) if value.isdigit() and 0 < int(value) < 100000 else 1


@bp.get("/dataset/<slug>")
def dataset(slug: str):
    """One catalog entry with every field, data items, resources, history and citation."""
    def render() -> str:
        page = queries.dataset_page(slug)  # a suspended entry keeps its page, saying so
        ds = page.ds
        grant = opening_grants.usable_grant(ds, current_user)
        return render_template("catalog/dataset.html", ds=ds, page=page, status=services.update_status(ds),
                               citation=services.citation(ds, date.today()), can_preview=can_preview,
                               grant=grant, granted_files=opening_grants.files_covered(grant, current_user, "download"),
                               sharing_action=sharing_navigation.entry_action(ds, current_user),
                               public_level=grading.public_level(ds), quality=quality.entry_quality(page),
                               related=queries.related_public(ds.related_ids),
                               withdrawal=withdrawals.announcement_of(ds.withdrawal_last_day, ds.withdrawal_reason),
                               reuse_panel=reuse_panel.entry_panel(ds, current_user, _comments_page()),
                               jsonld=structured.dataset_jsonld(ds, page.lists.tags, page.lists.resources, _entry_urls(ds))
                               if ds.is_public else None,
                               profiles=tables.readable_profiles([r.id for r in page.lists.resources], current_user),
                               type_labels=TYPE_LABELS)
    return cached(render)


def _entry_urls(ds) -> structured.EntryUrls:
    return structured.EntryUrls(
        entry=url_for("catalog.dataset", slug=ds.slug, _external=True),
        agency=url_for("agencies.agency", slug=ds.agency.slug, _external=True),
        file=lambda r: url_for("catalog.download", slug=ds.slug, resource_id=r.id, _external=True),
        absolute=lambda path: request.host_url.rstrip("/") + path)


@bp.get("/dataset/<slug>/resource/<resource_id>")
def resource(slug: str, resource_id: str):
    """A resource's page with a preview of its first rows."""
    def render() -> str:
        ds = queries.get_published_dataset(slug)
        res = next((r for r in ds.resources if r.id == resource_id), None)
        if res is None:
            raise NotFound("")
        table = None
        servable = ds.is_public and not downloads.is_quarantined(res.sha256)
        if servable and can_preview(res) and ds.open_type == "unconditional" and storage().exists(res.storage_key):
            table = preview(res, storage().path(res.storage_key))
        return render_template("catalog/resource.html", ds=ds, res=res, table=table, servable=servable)
    return cached(render)


@bp.get("/dataset/<slug>/resource/<resource_id>/download")
@limiter.limit(_download_limit)
def download(slug: str, resource_id: str):
    """Stream an unconditional-open file with ETag, Last-Modified and Range; count and log it."""
    res = downloads.downloadable_resource(resource_id, signed_in_user())
    if res.dataset_slug != slug:
        raise NotFound("")
    return send_resource(res)


@bp.get("/negative-list")
def negative_list():
    """Every conditional and closed entry with conditions, reason and legal basis (负面清单)."""
    agency = request.args.get("agency") or None
    return cached(lambda: render_template(
        "catalog/negative_list.html", entries=queries.negative_list(agency), selected=agency,
        agencies=db.session.scalars(db.select(Agency).order_by(Agency.level.desc(), Agency.name)).all()))
