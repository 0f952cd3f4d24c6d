"""Pages of the sharing catalog and of the lists of SHARING.md §2.2, with their CSV exports."""
from __future__ import annotations

from flask import Blueprint, Response, render_template, request, stream_with_context, url_for
from flask_login import current_user

from ..accounts import roles
from ..accounts.permissions import roles_required
from ..catalog.vocab import SHARE_TYPE_LABELS
from ..models_base import utcnow
from . import catalog, figures

bp = Blueprint("sharing_catalog", __name__, url_prefix="/sharing")


def _args(q: catalog.ListQuery) -> dict:
    return {k: v for k, v in (("share_type", q.share_type), ("agency", q.agency)) if v}


def _csv(lines, name: str) -> Response:
    filename = f"{name}-{utcnow():%Y%m%d-%H%M%S}.csv"
    return Response(stream_with_context(lines), content_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _page(template: str, endpoint: str, result: catalog.ListPage, q: catalog.ListQuery, **context):
    return render_template(
        template, result=result, q=q, agencies=catalog.agencies_with_entries(),
        share_types=list(SHARE_TYPE_LABELS.items()),
        page_url=lambda page: url_for(endpoint, **_args(q), page=page),
        csv_url=url_for(f"{endpoint}_csv", **_args(q)),
        violations_link=catalog.may_see_violations(current_user), **context)


@bp.get("/catalog")
@roles_required(roles.CONSOLE_VIEWERS)
def index():
    """The sharing catalog: every published entry's share attribute, by share type and agency."""
    q = catalog.parse_query(request.args)
    result = catalog.sharing_catalog(q, current_user)
    return _page("sharing/catalog.html", "sharing_catalog.index", result, q,
                 flagged=catalog.violating_ids(result.rows))


@bp.get("/catalog.csv")
@roles_required(roles.CONSOLE_VIEWERS)
def index_csv():
    q = catalog.parse_query(request.args)
    lines = catalog.catalog_csv(q, current_user)
    first = next(lines)  # checks the filters before the answer starts
    return _csv(_chain(first, lines), "sharing-catalog")


@bp.get("/lists/negative")
def negative():
    """The sharing negative list (负面清单): entries not shared, with reason and basis; public (SHARING.md §6)."""
    q = catalog.parse_query(request.args)
    return _page("sharing/negative.html", "sharing_catalog.negative", catalog.negative_list(q), q,
                 statistics_link=figures.public_setting() != "none")


@bp.get("/lists/negative.csv")
def negative_csv():
    q = catalog.parse_query(request.args)
    lines = catalog.negative_csv(q)
    return _csv(_chain(next(lines), lines), "sharing-negative-list")


@bp.get("/lists/responsibility")
@roles_required(roles.CONSOLE_VIEWERS)
def responsibility():
    """The responsibility list (责任清单): each providing agency's shared entries; staff see their own."""
    q = catalog.parse_query(request.args)
    return _page("sharing/responsibility.html", "sharing_catalog.responsibility",
                 catalog.responsibility_list(q, current_user), q,
                 all_agencies=catalog.sees_all_agencies(current_user))


@bp.get("/lists/responsibility.csv")
@roles_required(roles.CONSOLE_VIEWERS)
def responsibility_csv():
    q = catalog.parse_query(request.args)
    lines = catalog.responsibility_csv(q, current_user)
    return _csv(_chain(next(lines), lines), "sharing-responsibility-list")


@bp.get("/lists/demand")
@roles_required(roles.CONSOLE_VIEWERS)
def demand():
    """The demand list (需求清单): each requesting agency's share requests and demands, with state and due
    date; staff see their own agency's."""
    q = catalog.parse_query(request.args)
    return _page("sharing/demand.html", "sharing_catalog.demand", catalog.demand_list(q, current_user), q,
                 all_agencies=catalog.sees_all_agencies(current_user))


@bp.get("/lists/demand.csv")
@roles_required(roles.CONSOLE_VIEWERS)
def demand_csv():
    q = catalog.parse_query(request.args)
    lines = catalog.demand_csv(q, current_user)
    return _csv(_chain(next(lines), lines), "sharing-demand-list")


@bp.get("/lists/violations")
@roles_required(roles.OVERSEERS)
def violations():
    """Published entries whose share attribute breaks SHARING.md §2.1, for the authority to have corrected."""
    return render_template("sharing/violations.html", violations=catalog.violations())


def _chain(first: str, rest):
    yield first
    yield from rest
