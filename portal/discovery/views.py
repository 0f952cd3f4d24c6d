"""What search engines and browsers ask a site for: /robots.txt, /sitemap.xml (a sitemap index when the
catalog needs several files), the web-app manifest and /favicon.ico."""
from __future__ import annotations

from xml.sax.saxutils import escape

from flask import Blueprint, Response, current_app, redirect, url_for
from flask_babel import gettext as _

from ..errors import NotFound
from . import structured

bp = Blueprint("discovery", __name__)

# Kept out of search engines: the console and the API, every page of a person's own account and cases,
# the review and sharing desks, and what only signs in, registers or switches the language.
PRIVATE_PATHS = ("/console", "/api/", "/account", "/login", "/logout", "/register", "/lang/", "/inbox", "/my",
                 "/applications", "/grants", "/users", "/access-blocks", "/review", "/sharing", "/complaints",
                 "/corrections", "/reports", "/assets", "/withdrawals/new", "/disputes/new",
                 "/dataset/*/resource/*/download")

# The public pages besides the entries, by endpoint.
SITE_PAGES = ("web.home", "catalog.search", "agencies.agencies", "catalog.negative_list", "plans.index",
              "statistics.index", "opening.decision_index", "legal.index", "web.licence", "developers.developers")


@bp.get("/robots.txt")
def robots():
    lines = ["User-agent: *", *(f"Disallow: {p}" for p in PRIVATE_PATHS), "Allow: /",
             "", f"Sitemap: {url_for('discovery.sitemap', _external=True)}", ""]
    return Response("\n".join(lines), mimetype="text/plain")


def _urlset(rows) -> Response:
    body = ['<?xml version="1.0" encoding="UTF-8"?>',
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for loc, modified in rows:
        body.append(f"<url><loc>{escape(loc)}</loc>"
                    + (f"<lastmod>{modified.date().isoformat()}</lastmod>" if modified else "") + "</url>")
    body.append("</urlset>")
    return Response("\n".join(body), mimetype="application/xml")


def _page_rows(page: int, size: int):
    if page == 1:
        for endpoint in SITE_PAGES:
            yield url_for(endpoint, _external=True), None
    for slug, modified in structured.sitemap_entries(page, size):
        yield url_for("catalog.dataset", slug=slug, _external=True), modified


@bp.get("/sitemap.xml")
def sitemap():
    """Every public page that is not a search: one file, or an index of files of SITEMAP_PAGE_SIZE entries."""
    size = current_app.config["SITEMAP_PAGE_SIZE"]
    pages = structured.sitemap_pages(size)
    if pages == 1:
        return _urlset(_page_rows(1, size))
    body = ['<?xml version="1.0" encoding="UTF-8"?>',
            '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
            *(f"<sitemap><loc>{escape(url_for('discovery.sitemap_page', page=n, _external=True))}</loc></sitemap>"
              for n in range(1, pages + 1)),
            "</sitemapindex>"]
    return Response("\n".join(body), mimetype="application/xml")


@bp.get("/sitemap-<int:page>.xml")
def sitemap_page(page: int):
    size = current_app.config["SITEMAP_PAGE_SIZE"]
    if page < 1 or page > structured.sitemap_pages(size):
        raise NotFound("")
    return _urlset(_page_rows(page, size))


@bp.get("/manifest.webmanifest")
def manifest():
    """The web-app manifest: name, start page and icons, so a phone can keep the portal on its home screen."""
    icons = [{"src": url_for("static", filename=f"icons/icon-{n}.png"), "sizes": f"{n}x{n}", "type": "image/png"}
             for n in (192, 512)]
    icons.append({"src": url_for("static", filename="favicon.svg"), "sizes": "any", "type": "image/svg+xml"})
    body = {"name": current_app.config["SITE_NAME"], "short_name": _("Open data"), "lang": "zh-CN",
            "description": _("%(site)s: search, preview and download the data that public agencies publish.",
                             site=current_app.config["SITE_NAME"]),
            "start_url": url_for("web.home"), "scope": "/", "display": "standalone",
            "background_color": "#ffffff", "theme_color": "#0b5cad", "icons": icons}
    resp = current_app.response_class(current_app.json.dumps(body), mimetype="application/manifest+json")
    return resp


@bp.get("/favicon.ico")
def favicon():
    return redirect(url_for("static", filename="icons/icon-32.png"), 301)
