"""Agencies list and one page per agency with its entries."""
from __future__ import annotations

from flask import Blueprint, current_app, render_template, request, url_for

from ..catalog import search as catalog_search
from ..pagecache import cached
from . import services

bp = Blueprint("agencies", __name__)


@bp.get("/agency")
def agencies():
    """All agencies with their entry counts."""
    return cached(lambda: render_template("agencies/list.html", agencies=services.agencies_with_counts()))


@bp.get("/agency/<slug>")
def agency(slug: str):
    """One agency and its public entries (a search filtered by the agency)."""
    def render() -> str:
        agency = services.get_agency(slug)
        args = request.args.to_dict(flat=True)
        params = catalog_search.parse_search_params(args, lambda name: [slug] if name == "agency" else [],
                                                    current_app.config["SEARCH_PAGE_SIZE"])
        return render_template("agencies/detail.html", agency=agency, result=catalog_search.search(params),
                               page_url=lambda page: url_for("agencies.agency", slug=slug, page=page))
    return cached(render)
