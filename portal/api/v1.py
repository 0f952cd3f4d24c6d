"""The native REST API (/api/v1): public catalog reads. Every route is declared with its query and
response schemas (routes.py), from which /api/v1/openapi.json is generated (portal/api/openapi.py)."""
from __future__ import annotations

import json
from typing import Any

from flask import current_app, request
from flask_babel import gettext as _

from ..caller import signed_in_user
from ..catalog.downloads import downloadable_resource
from ..file_responses import send_resource
from ..pagecache import cached
from . import schemas as s
from . import services
from .routes import bp, load_args, paged, route


@route("/datasets", summary="Search the public catalog", tag="datasets", query=s.DatasetSearchIn,
       response=s.DatasetPageOut, errors=(422, 503))
def datasets():
    """The site's search: words, facet filters (several values of one filter combine with OR, different
    filters with AND), sorting, facet counts within the results, and pages of at most 100."""
    def render() -> dict[str, Any]:
        result, page = services.search_datasets(load_args(s.DatasetSearchIn))
        facets = [{"name": f.name, "title": f.title, "values": [v.__dict__ for v in f.values]}
                  for f in result.facets]
        return s.DatasetPageOut().dump(paged(page, facets=facets, sort=result.params.sort))
    return cached(render)


@route("/datasets/<slug>", summary="One public entry", tag="datasets", response=s.DatasetOut, errors=(404,),
       path_params={"slug": "The entry's slug (or its id)."})
def dataset(slug: str):
    """Every catalog field, data items, tags, resources with their download addresses, and the citation."""
    return cached(lambda: s.DatasetOut().dump(services.dataset_detail(services.get_dataset(slug))))


@route("/datasets/<slug>/resources", summary="The resources of an entry", tag="resources",
       response=s.ResourceListOut, errors=(404,), path_params={"slug": "The entry's slug (or its id)."})
def dataset_resources(slug: str):
    """Files and links of a public entry; `download_url` is set for files anyone may download."""
    ds = services.get_dataset(slug)
    return s.ResourceListOut().dump({"results": [services.resource_public(r) for r in ds.resources]})


@route("/resources/<resource_id>", summary="One resource", tag="resources", response=s.ResourcePublicOut,
       errors=(404,), path_params={"resource_id": "The resource's id."})
def resource(resource_id: str):
    """A resource's metadata: format, size, SHA-256, columns, and where to get the data."""
    return s.ResourcePublicOut().dump(services.resource_public(services.get_resource(resource_id)))


@route("/resources/<resource_id>/download", summary="Download a file", tag="resources",
       media_type="*/*", errors=(403, 404, 451),
       path_params={"resource_id": "The resource's id."})
def resource_download(resource_id: str):
    """The file, streamed with ETag, Last-Modified and Range. Files of unconditionally open entries need
    no token; a conditional entry's file needs the token of a grant holder whose approval covers API
    access, within the approved period and scope. Otherwise 403 with the reason; an entry suspended
    after a rights complaint answers 451; links and unknown ids 404."""
    return send_resource(downloadable_resource(resource_id, signed_in_user(), "api"))


@route("/agencies", summary="Agencies", tag="agencies", query=s.PageIn, response=s.AgencyPageOut, errors=(422,))
def agencies():
    """Every agency with its number of public entries: autonomous-region level first."""
    args = load_args(s.PageIn)
    return s.AgencyPageOut().dump(paged(services.list_agencies(args["page"], args["per_page"])))


@route("/agencies/<slug>", summary="One agency", tag="agencies", response=s.AgencyOut, errors=(404,),
       path_params={"slug": "The agency's slug."})
def agency(slug: str):
    """An agency's details and its number of public entries."""
    return s.AgencyOut().dump(services.get_agency(slug))


@route("/themes", summary="Themes", tag="themes", response=s.ThemeListOut)
def themes():
    """Every theme with its number of public entries, in the portal's order."""
    return s.ThemeListOut().dump({"results": services.list_themes()})


@route("/tags", summary="Tags", tag="tags", query=s.PageIn, response=s.TagPageOut, errors=(422,))
def tags():
    """Tags of public entries with their number of entries, most used first."""
    args = load_args(s.PageIn)
    return s.TagPageOut().dump(paged(services.list_tags(args["page"], args["per_page"])))


@route("/plans", summary="Annual open plans", tag="plans", query=s.PlansIn, response=s.PlansOut, errors=(422,))
def open_plans():
    """A year's published open plans, each item with its progress and the completion rates."""
    args = load_args(s.PlansIn)
    return s.PlansOut().dump(services.open_plans(args["year"]))


@route("/negative-list", summary="The negative list", tag="negative list", query=s.NegativeListIn,
       response=s.NegativePageOut, errors=(404, 422))
def negative_list():
    """Conditional and closed entries with their conditions, reasons and legal basis."""
    args = load_args(s.NegativeListIn)
    return s.NegativePageOut().dump(paged(services.negative_list(args["agency"], args["page"], args["per_page"])))


@route("/figures", summary="Key figures", tag="figures", response=s.FiguresOut)
def figures():
    """Public entries, agencies with entries, files and downloads."""
    return s.FiguresOut().dump(services.figures().__dict__)


@route("/openapi.json", summary="This API's OpenAPI 3 document", tag="meta")
def openapi():
    """The OpenAPI 3.0 document of /api/v1, generated from the API's schemas."""
    from .openapi import build_spec, served

    document = current_app.extensions.get("openapi_spec")
    if document is None:
        document = current_app.extensions["openapi_spec"] = json.dumps(build_spec(current_app), ensure_ascii=False, sort_keys=True)
    return current_app.response_class(served(document, request.host_url.rstrip("/")), mimetype="application/json")


# The user's own cases register their routes on the same blueprint, after the public reads (their order
# in the URL map and in the OpenAPI document).
from . import cases  # noqa: E402,F401
# sharing between agencies, /api/v1/sharing/...: requests and grants, demands and verifications, disputes
from ..sharing import api as sharing_api, demand_api, dispute_api, figures_api  # noqa: E402,F401
# the public statistics, /api/v1/stats
from . import stats  # noqa: E402,F401
# planned withdrawals of published entries (停止提供预告)
from . import withdrawals  # noqa: E402,F401
# disputes about open-data decisions to the data authority (争议协调)
from . import disputes  # noqa: E402,F401
# catalog update triggers (目录更新事由)
from . import catalog_triggers  # noqa: E402,F401
# asset registration (资产登记)
from . import assets  # noqa: E402,F401
# authorised operation (授权运营)
from . import operation  # noqa: E402,F401
# periodic reassessment: the caller's due reassessments and the agency's reasoned keep (定期评估)
from . import reassessments  # noqa: E402,F401
# agency scorecards and evaluation rounds (OVERSIGHT §8(b))
from . import evaluation  # noqa: E402,F401
# public data requests (数据需求): list, read, file, me too, route, answer
from . import datarequests  # noqa: E402,F401
# suggestions while typing, with pinyin (找数据)
from . import discovery  # noqa: E402,F401
# derived tables: a file's columns and profile, the agency's column types
from . import tables  # noqa: E402,F401


@bp.errorhandler(429)
def _rate_limited(exc):
    """The shared error envelope, with the limit that was reached and how long to wait."""
    from ..errors import error_response

    retry = exc.get_response().headers.get("Retry-After", "60")
    return error_response(429, _("Too many requests. Please wait a moment and try again."),
                          {"limit": str(exc.description), "retry_after": int(retry) if retry.isdigit() else 60},
                          headers={"Retry-After": retry})
# reuses of public data (利用成果) and ratings of entries
from . import reuses  # noqa: E402,F401
# the authority's review: the privacy scan's findings and the approval with its confirmations
from . import reviews  # noqa: E402,F401
