"""What search engines and dataset search read (issue 25, "Find it"): every entry as schema.org Dataset
JSON-LD, parsed by a JSON-LD processor; sitemap.xml (one file, or an index of files); robots.txt; meta
descriptions; the favicon and the web-app manifest."""
from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from datetime import date, datetime

from pyld import jsonld

from portal.catalog.models import OpenType
from tests import factories as f

SDO = "http://schema.org/"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def text(r) -> str:
    return r.get_data(as_text=True)


def _schema_org_context(url, options=None):
    """schema.org's context without the network: every term of the vocabulary is a schema.org IRI."""
    return {"contextUrl": None, "documentUrl": url, "document": {"@context": {"@vocab": SDO}}}


jsonld.set_document_loader(_schema_org_context)


def _jsonld(html: str) -> dict:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(blocks) == 1
    return json.loads(blocks[0])


def _expanded(doc: dict) -> dict:
    expanded = jsonld.expand(doc)
    assert len(expanded) == 1
    return expanded[0]


def _values(node: dict, prop: str) -> list:
    return [v.get("@value", v.get("@id")) for v in node.get(SDO + prop, [])]


def test_entry_page_is_a_schema_org_dataset_with_its_public_files(app, client):
    """Name, description, url, identifier, keywords, license, creator/publisher, temporal and spatial
    coverage, dateModified, and a DataDownload with encodingFormat and contentUrl for each open file."""
    county = f.agency("土默特左旗生态环境分局", slug="tzq-env", region="呼和浩特市土默特左旗", level="county")
    ds = f.dataset("土默特左旗空气质量监测数据", summary="旗内空气质量监测站点的小时数据。", agency_obj=county,
                   tags=("空气", "环境"), temporal_start=date(2024, 1, 1), temporal_end=date(2025, 12, 31),
                   data_updated_at=datetime(2026, 3, 2, 8, 30))
    res = f.csv_resource(ds)
    html = text(client.get(f"/dataset/{ds.slug}"))
    doc = _jsonld(html)
    node = _expanded(doc)
    assert node["@type"] == [SDO + "Dataset"]
    url = f"http://localhost/dataset/{ds.slug}"
    assert node["@id"] == url and _values(node, "url") == [url]
    assert _values(node, "name") == ["土默特左旗空气质量监测数据"]
    assert _values(node, "description") == ["旗内空气质量监测站点的小时数据。"]
    assert _values(node, "identifier") == [ds.code]
    assert set(_values(node, "keywords")) == {"空气", "环境", "资源环境"}
    assert _values(node, "license") == ["http://localhost/licence"]
    for role in ("creator", "publisher"):
        (agency,) = node[SDO + role]
        assert agency["@type"] == [SDO + "GovernmentOrganization"]
        assert _values(agency, "name") == ["土默特左旗生态环境分局"]
        assert _values(agency, "url") == ["http://localhost/agency/tzq-env"]
    assert _values(node, "temporalCoverage") == ["2024-01-01/2025-12-31"]
    (place,) = node[SDO + "spatialCoverage"]
    assert _values(place, "name") == ["呼和浩特市土默特左旗"] and _values(place, "identifier") == ["150121"]
    assert _values(node, "dateModified") == ["2026-03-02T08:30:00"]
    (download,) = node[SDO + "distribution"]
    assert download["@type"] == [SDO + "DataDownload"]
    assert _values(download, "encodingFormat") == [res.media_type]
    content_url = _values(download, "contentUrl")[0]
    assert content_url == f"http://localhost/dataset/{ds.slug}/resource/{res.id}/download"
    assert client.get(content_url).status_code == 200  # the address works
    assert '<meta name="description" content="旗内空气质量监测站点的小时数据。">' in html


def test_conditional_entry_describes_no_file(app, client):
    """A conditional entry is described, but none of its files: they are not for everyone to download."""
    ds = f.dataset("企业用水明细", summary="企业用水量明细。", open_type=OpenType.CONDITIONAL)
    res = f.csv_resource(ds)
    html = text(client.get(f"/dataset/{ds.slug}"))
    node = _expanded(_jsonld(html))
    assert _values(node, "name") == ["企业用水明细"]
    assert SDO + "distribution" not in node
    assert res.id not in json.dumps(_jsonld(html))


def test_sitemap_lists_public_pages_and_entries_only(app, client):
    """One file while the catalog is small: the public pages and every public entry, not drafts."""
    public = [f.dataset(f"公开条目{n}") for n in range(3)]
    draft = f.dataset("草稿条目", state="draft")
    r = client.get("/sitemap.xml")
    assert r.status_code == 200 and r.mimetype == "application/xml"
    root = ET.fromstring(r.data)
    assert root.tag == SM + "urlset"
    locs = [u.find(SM + "loc").text for u in root]
    assert "http://localhost/" in locs and "http://localhost/dataset" in locs
    assert {f"http://localhost/dataset/{d.slug}" for d in public} <= set(locs)
    assert f"http://localhost/dataset/{draft.slug}" not in locs
    assert not any("/console" in loc or "/api/" in loc or "/account" in loc for loc in locs)
    entry = next(u for u in root if u.find(SM + "loc").text.endswith(public[0].slug))
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", entry.find(SM + "lastmod").text)


def test_a_large_sitemap_is_an_index_of_files(app, client):
    """Over SITEMAP_PAGE_SIZE entries, sitemap.xml is a sitemap index; each file holds its share."""
    app.config["SITEMAP_PAGE_SIZE"] = 2
    entries = [f.dataset(f"条目{n}") for n in range(5)]
    root = ET.fromstring(client.get("/sitemap.xml").data)
    assert root.tag == SM + "sitemapindex"
    files = [s.find(SM + "loc").text for s in root]
    assert files == [f"http://localhost/sitemap-{n}.xml" for n in (1, 2, 3)]
    seen = []
    for address in files:
        part = ET.fromstring(client.get(address).data)
        seen += [u.find(SM + "loc").text for u in part if "/dataset/" in u.find(SM + "loc").text]
    assert sorted(seen) == sorted(f"http://localhost/dataset/{d.slug}" for d in entries)
    assert client.get("/sitemap-4.xml").status_code == 404


def test_robots_points_at_the_sitemap_and_keeps_private_pages_out(app, client):
    r = client.get("/robots.txt")
    assert r.status_code == 200 and r.mimetype == "text/plain"
    lines = text(r).splitlines()
    assert "User-agent: *" in lines and "Sitemap: http://localhost/sitemap.xml" in lines
    for private in ("/console", "/api/", "/account", "/inbox", "/applications", "/review", "/sharing"):
        assert f"Disallow: {private}" in lines
    assert "Disallow: /dataset" not in lines and "Disallow: /" not in lines


def test_pages_have_descriptions_icons_and_a_manifest(app, client):
    """Every public page has a meta description, the favicon and the manifest; the icons exist."""
    f.dataset("呼和浩特市空气质量监测数据")
    for path in ("/", "/dataset", "/agency", "/negative-list", "/statistics"):
        html = text(client.get(path))
        assert re.search(r'<meta name="description" content="[^"]{10,}">', html), path
        assert '<link rel="manifest" href="/manifest.webmanifest">' in html, path
        assert 'rel="icon"' in html, path
    manifest = client.get("/manifest.webmanifest")
    assert manifest.mimetype == "application/manifest+json"
    body = manifest.get_json(force=True)
    assert body["name"] == app.config["SITE_NAME"] and body["start_url"] == "/" and body["display"] == "standalone"
    for icon in body["icons"]:
        got = client.get(icon["src"])
        assert got.status_code == 200, icon
        if icon["type"] == "image/png":
            assert got.data.startswith(b"\x89PNG")
            width = int.from_bytes(got.data[16:20], "big")
            assert f"{width}x{width}" == icon["sizes"]
    r = client.get("/favicon.ico")
    assert r.status_code == 301 and client.get(r.headers["Location"]).data.startswith(b"\x89PNG")
