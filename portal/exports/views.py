"""Bulk access routes: /api/v1/catalog.jsonl.gz, DCAT-AP (/catalog.ttl|jsonld|rdf, /dataset/<slug>.ttl ...),
and /agency/<slug>/files.zip, /theme/<slug>/files.zip."""
from __future__ import annotations

from contextlib import closing
from urllib.parse import quote

from flask import Blueprint, Response, current_app, redirect, request, send_file, stream_with_context, url_for
from flask_babel import gettext as _

from ..audit.access import written_by_handler
from ..errors import BadRequest, NotFound
from ..extensions import limiter
from . import dcat, services
from .records import Urls, iso

bp = Blueprint("exports", __name__)


def _download_limit() -> str:
    return current_app.config["RATELIMIT_DOWNLOAD"]


def _search_limit() -> str:
    return current_app.config["RATELIMIT_SEARCH"]


def _attachment(filename: str, fallback: str) -> str:
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"


# ---- JSONL dump and change feed -------------------------------------------------------------
@bp.get("/api/v1/catalog.jsonl.gz")
@limiter.limit(_download_limit)
def catalog_dump():
    """The whole public catalog as gzipped JSON lines; with modified_since, the changes since then
    (tombstones `{"id", "name", "deleted": true, "modified"}` for entries no longer public)."""
    since = services.parse_since(request.args.get("modified_since"))
    dump = services.prepare_dump(Urls.under(request.url_root), since)
    headers = {"ETag": f'"{dump.etag}"', "Cache-Control": "no-cache",
               "X-Next-Modified-Since": iso(dump.next_since) or ""}
    if dump.last_modified is not None:
        headers["Last-Modified"] = dump.last_modified.strftime("%a, %d %b %Y %H:%M:%S GMT")
    if request.if_none_match.contains(dump.etag):
        return Response(status=304, headers=headers)
    name = "catalog.jsonl.gz" if since is None else f"catalog-changes-{since:%Y%m%dT%H%M%S}.jsonl.gz"
    headers["X-Catalog-Entries"] = str(dump.count)
    detail = f"catalog.jsonl.gz since={iso(since) or '-'}"
    cached = dump.cached_file()
    if cached is not None:  # this catalog version was dumped before: send that file (with Range support)
        resp = send_file(cached, mimetype="application/gzip", as_attachment=True, download_name=name,
                         conditional=True, etag=dump.etag, last_modified=dump.last_modified, max_age=0)
        resp.headers.update({k: v for k, v in headers.items() if k != "ETag"})
        services.record_bulk_access("bulk_dump", resp.status_code, resp.content_length or 0, detail + " (cached)")
        return resp
    sent = {"bytes": 0}

    def body():
        complete = False
        try:
            with closing(dump.stream()) as chunks:  # closed at once when the client goes away
                for chunk in chunks:
                    sent["bytes"] += len(chunk)
                    yield chunk
            complete = True
        finally:
            services.record_bulk_access("bulk_dump", 200, sent["bytes"],
                                        detail + ("" if complete else " (interrupted)"))

    headers["Content-Disposition"] = _attachment(name, name)
    return Response(stream_with_context(body()), mimetype="application/gzip", headers=headers)


# ---- DCAT-AP ------------------------------------------------------------------------------------
def _int_arg(name: str, default: int, low: int, high: int) -> int:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadRequest(_("%(name)s must be a whole number.", name=name), {name: raw[:40]})
    if not low <= value <= high:
        raise BadRequest(_("%(name)s must be between %(low)d and %(high)d.", name=name, low=low, high=high),
                         {name: value})
    return value


@bp.get("/catalog.<any(ttl, jsonld, rdf):fmt>")
@limiter.limit(_search_limit)
def catalog(fmt: str):
    """The public catalog in DCAT-AP 3, one page at a time, with Hydra paging links."""
    per_page = _int_arg("per_page", dcat.DEFAULT_PAGE_SIZE, 1, dcat.MAX_PAGE_SIZE)
    pages = dcat.pages_for(per_page)
    page = _int_arg("page", 1, 1, 10**9)
    if page > pages:
        raise NotFound(_("The catalog has %(n)d pages.", n=pages))
    base = Urls.under(request.url_root)

    def page_url(n: int) -> str:
        args = {"page": n} if per_page == dcat.DEFAULT_PAGE_SIZE else {"page": n, "per_page": per_page}
        return base.base + url_for("exports.catalog", fmt=fmt, **args)

    graph = dcat.catalog_page(base, current_app.config["SITE_NAME"], page, per_page, page_url)
    links = [f'<{page_url(1)}>; rel="first"', f'<{page_url(pages)}>; rel="last"']
    if page > 1:
        links.append(f'<{page_url(page - 1)}>; rel="prev"')
    if page < pages:
        links.append(f'<{page_url(page + 1)}>; rel="next"')
    return Response(graph.serialize(fmt), mimetype=dcat.FORMATS[fmt][1], headers={"Link": ", ".join(links)})


@bp.get("/dataset/<slug>.<any(ttl, jsonld, rdf):fmt>")
@limiter.limit(_search_limit)
def dataset(slug: str, fmt: str):
    """One public entry in DCAT-AP 3."""
    graph = dcat.dataset_graph(Urls.under(request.url_root), current_app.config["SITE_NAME"], slug)
    if graph is None:
        raise NotFound(_("No public catalog entry is named %(slug)s.", slug=slug))
    return Response(graph.serialize(fmt), mimetype=dcat.FORMATS[fmt][1])


@bp.get("/theme/<slug>")
def theme(slug: str):
    """A theme's address (used as its identifier in DCAT) leads to the catalog filtered by it."""
    return redirect(url_for("catalog.search", theme=slug))


# ---- ZIP of an agency's or a theme's open files -----------------------------------------------
def _zip(kind: str, slug: str):
    fs = services.file_set(kind, slug)
    if fs.files == 0:
        raise NotFound(_("%(name)s has no unconditionally open files to download.", name=fs.name))
    stats: dict = {}
    urls = Urls.under(request.url_root)

    def body():
        try:
            yield from services.zip_chunks(fs, urls, stats)
        finally:
            services.record_bulk_access(
                "bulk_zip", 200, stats.get("bytes", 0),
                f"{kind}={slug} files={stats.get('files', 0)}" + ("" if stats.get("complete") else " (interrupted)"))

    headers = {"Content-Disposition": _attachment(fs.filename, f"{slug}-files.zip"), "Cache-Control": "no-cache",
               "X-Files": str(fs.files)}
    written_by_handler()  # its access event is written when the stream ends, with the bytes sent
    return Response(stream_with_context(body()), mimetype="application/zip", headers=headers)


@bp.get("/agency/<slug>/files.zip")
@limiter.limit(_download_limit)
def agency_files(slug: str):
    """Every unconditionally open file of an agency's public entries, as one streamed ZIP with a manifest."""
    return _zip("agency", slug)


@bp.get("/theme/<slug>/files.zip")
@limiter.limit(_download_limit)
def theme_files(slug: str):
    """Every unconditionally open file of a theme's public entries, as one streamed ZIP with a manifest."""
    return _zip("theme", slug)


@bp.app_context_processor
def _bulk_helpers():
    def bulk_files(kind: str, slug: str):
        """The open-file set of an agency or theme for a download link, or None when it has none."""
        try:
            fs = services.file_set(kind, slug)
        except NotFound:
            return None
        return fs if fs.files else None
    return {"bulk_files": bulk_files}
