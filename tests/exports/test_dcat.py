"""DCAT-AP 3 catalog (/catalog.ttl|jsonld|rdf, paged with Hydra) and per entry (/dataset/<slug>.ttl ...)."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from pyshacl import validate
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib import namespace as ns  # DefinedNamespaces kept off the module globals pytest inspects

from portal.catalog.models import DatasetState, OpenType
from portal.extensions import db
from tests import factories as f

SHAPES = Path(__file__).resolve().parent.parent / "data" / "dcat-ap-3.0.0-SHACL.ttl"
PARSERS = {"ttl": "turtle", "jsonld": "json-ld", "rdf": "xml"}
MEDIA = {"ttl": "text/turtle", "jsonld": "application/ld+json", "rdf": "application/rdf+xml"}
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
EU = "http://publications.europa.eu/resource/authority/"
BASE = "http://localhost"


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return Graph().parse(SHAPES, format="turtle")


@pytest.fixture()
def catalog(app):
    env = f.agency("呼和浩特市生态环境局", slug="hhht-sthjj")
    env.contact = "0471-6945110"
    air = f.dataset("呼和浩特市空气质量监测数据", slug="hhht-air", tags=("空气",), agency_obj=env,
                    update_frequency="daily", temporal_start=datetime(2020, 1, 1).date())
    res = f.csv_resource(air, "站点,AQI\n新华广场,56\n", filename="空气质量.csv")
    from portal.catalog.files import add_link_resource
    add_link_resource(air, name="实时接口", url="https://api.example.cn/air")
    db.session.commit()
    cond = f.dataset("重点排污单位自行监测数据", slug="hhht-pollution", open_type=OpenType.CONDITIONAL,
                     agency_obj=env, update_frequency="semiannual")
    cond_res = f.csv_resource(cond, "单位,排放量\n某厂,1\n", filename="排污.csv")
    closed = f.dataset("环境违法举报人信息", slug="hhht-reporters", open_type=OpenType.CLOSED, agency_obj=env,
                       update_frequency="irregular")
    f.csv_resource(closed, "姓名\n张三\n", filename="举报人.csv")
    f.dataset("尚未发布的草稿", slug="hhht-draft", state=DatasetState.DRAFT, agency_obj=env)
    f.dataset("已撤回的条目", slug="hhht-withdrawn", state=DatasetState.WITHDRAWN, agency_obj=env)
    return {"air": air, "res": res, "cond_res": cond_res}


def parse(resp, fmt: str) -> Graph:
    assert resp.status_code == 200, resp.get_data(as_text=True)[:500]
    assert resp.mimetype == MEDIA[fmt]
    return Graph().parse(data=resp.data, format=PARSERS[fmt])


def ds_uri(slug: str) -> URIRef:
    return URIRef(f"{BASE}/dataset/{slug}")


@pytest.mark.parametrize("fmt", ["ttl", "jsonld", "rdf"])
def test_catalog_parses_in_every_format_with_the_same_content(client, catalog, fmt):
    g = parse(client.get(f"/catalog.{fmt}"), fmt)
    cat = URIRef(f"{BASE}/catalog")
    assert (cat, ns.RDF.type, ns.DCAT.Catalog) in g
    assert set(g.objects(cat, ns.DCAT.dataset)) == {ds_uri("hhht-air"), ds_uri("hhht-pollution"),
                                                 ds_uri("hhht-reporters")}
    # the three formats carry the same graph
    assert len(g) == len(parse(client.get("/catalog.ttl"), "ttl"))


def test_catalog_conforms_to_dcat_ap_3_shapes(client, catalog, shapes):
    for fmt in ("ttl", "jsonld", "rdf"):
        g = parse(client.get(f"/catalog.{fmt}"), fmt)
        conforms, _, report = validate(g, shacl_graph=shapes)
        assert conforms, report


def test_the_shapes_catch_a_broken_export(client, catalog, shapes):
    """The validation is not vacuous: a distribution without an access URL fails it."""
    g = parse(client.get("/catalog.ttl"), "ttl")
    dist = next(g.subjects(ns.RDF.type, ns.DCAT.Distribution))
    g.remove((dist, ns.DCAT.accessURL, None))
    conforms, _, report = validate(g, shacl_graph=shapes)
    assert not conforms and "accessURL" in report


def test_entry_fields_in_dcat(client, catalog):
    g = parse(client.get("/catalog.ttl"), "ttl")
    air, cond, closed = ds_uri("hhht-air"), ds_uri("hhht-pollution"), ds_uri("hhht-reporters")
    assert g.value(air, ns.DCTERMS.title) == Literal("呼和浩特市空气质量监测数据", lang="zh")
    assert g.value(air, ns.DCTERMS.identifier) == Literal(catalog["air"].code)
    assert Literal("空气", lang="zh") in set(g.objects(air, ns.DCAT.keyword))
    # open type as access rights, update frequency from the EU vocabularies
    assert g.value(air, ns.DCTERMS.accessRights) == URIRef(EU + "access-right/PUBLIC")
    assert g.value(cond, ns.DCTERMS.accessRights) == URIRef(EU + "access-right/RESTRICTED")
    assert g.value(closed, ns.DCTERMS.accessRights) == URIRef(EU + "access-right/NON_PUBLIC")
    assert g.value(air, ns.DCTERMS.accrualPeriodicity) == URIRef(EU + "frequency/DAILY")
    assert g.value(cond, ns.DCTERMS.accrualPeriodicity) == URIRef(EU + "frequency/BIANNUAL")
    assert g.value(closed, ns.DCTERMS.accrualPeriodicity) == URIRef(EU + "frequency/IRREG")
    # themes: the portal's own and the EU data theme
    themes = set(g.objects(air, ns.DCAT.theme))
    assert URIRef(EU + "data-theme/ENVI") in themes and len(themes) == 2
    # publisher is the agency as a foaf:Agent; contact point with its telephone
    agency = g.value(air, ns.DCTERMS.publisher)
    assert agency == URIRef(f"{BASE}/agency/hhht-sthjj") and (agency, ns.RDF.type, ns.FOAF.Agent) in g
    assert g.value(agency, ns.FOAF.name) == Literal("呼和浩特市生态环境局", lang="zh")
    contact = g.value(air, ns.DCAT.contactPoint)
    assert g.value(contact, URIRef("http://www.w3.org/2006/vcard/ns#hasTelephone")) == URIRef("tel:0471-6945110")
    # the closed entry is listed (the negative list is public) with its reason, but without distributions
    assert list(g.objects(closed, ns.DCAT.distribution)) == []
    assert "涉及个人信息" in str(g.value(g.value(closed, ns.DCTERMS.rights), URIRef(str(
        "http://www.w3.org/2000/01/rdf-schema#label"))))


def test_distributions_download_url_only_when_downloadable(client, catalog):
    g = parse(client.get("/catalog.ttl"), "ttl")
    res = catalog["res"]
    dist = URIRef(f"{BASE}/dataset/hhht-air/resource/{res.id}")
    assert dist in set(g.objects(ds_uri("hhht-air"), ns.DCAT.distribution))
    assert g.value(dist, ns.DCAT.downloadURL) == URIRef(f"{BASE}/dataset/hhht-air/resource/{res.id}/download")
    assert g.value(dist, ns.DCAT.mediaType) == URIRef("https://www.iana.org/assignments/media-types/text/csv")
    assert g.value(dist, ns.DCTERMS.format) == URIRef(EU + "file-type/CSV")
    assert g.value(dist, ns.DCAT.byteSize) == Literal(res.size, datatype=ns.XSD.nonNegativeInteger)
    checksum = g.value(dist, SPDX.checksum)
    assert g.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
    assert str(g.value(checksum, SPDX.checksumValue)) == res.sha256
    # the API link: access URL is the link itself, nothing to download
    dists = set(g.objects(ds_uri("hhht-air"), ns.DCAT.distribution)) - {dist}
    (link,) = dists
    assert g.value(link, ns.DCAT.accessURL) == URIRef("https://api.example.cn/air")
    assert g.value(link, ns.DCAT.downloadURL) is None
    # the conditional entry's file: described, reachable by its page, not downloadable
    cond = URIRef(f"{BASE}/dataset/hhht-pollution/resource/{catalog['cond_res'].id}")
    assert g.value(cond, ns.DCAT.accessURL) == cond and g.value(cond, ns.DCAT.downloadURL) is None
    assert not any("hhht-reporters" in str(o) for o in g.subjects(ns.RDF.type, ns.DCAT.Distribution))


def test_non_public_entries_are_absent(client, catalog):
    for fmt in ("ttl", "jsonld", "rdf"):
        body = client.get(f"/catalog.{fmt}").get_data(as_text=True)
        assert "hhht-draft" not in body and "hhht-withdrawn" not in body and "尚未发布" not in body
        assert client.get(f"/dataset/hhht-draft.{fmt}").status_code == 404
        assert client.get(f"/dataset/hhht-withdrawn.{fmt}").status_code == 404


def test_hydra_paging(client, catalog):
    seen = []
    url = "/catalog.ttl?per_page=2"
    r = client.get(url)
    assert 'rel="next"' in r.headers["Link"]
    g = parse(r, "ttl")
    cat = URIRef(f"{BASE}/catalog")
    assert g.value(cat, HYDRA.totalItems).toPython() == 3
    view = g.value(cat, HYDRA.view)
    assert (view, ns.RDF.type, HYDRA.PartialCollectionView) in g
    assert g.value(view, HYDRA.first) == URIRef(f"{BASE}/catalog.ttl?page=1&per_page=2")
    assert g.value(view, HYDRA.last) == URIRef(f"{BASE}/catalog.ttl?page=2&per_page=2")
    assert g.value(view, HYDRA.previous) is None
    seen += list(g.objects(cat, ns.DCAT.dataset))
    nxt = g.value(view, HYDRA.next)
    g2 = parse(client.get(str(nxt).removeprefix(BASE)), "ttl")
    view2 = g2.value(cat, HYDRA.view)
    assert view2 == nxt and g2.value(view2, HYDRA.next) is None
    assert g2.value(view2, HYDRA.previous) == URIRef(f"{BASE}/catalog.ttl?page=1&per_page=2")
    seen += list(g2.objects(cat, ns.DCAT.dataset))
    assert len(seen) == 3 == len(set(seen))
    assert client.get("/catalog.ttl?per_page=2&page=3").status_code == 404
    assert client.get("/catalog.ttl?page=x").status_code == 400
    assert client.get("/catalog.ttl?per_page=5000").status_code == 400


@pytest.mark.parametrize("fmt", ["ttl", "jsonld", "rdf"])
def test_one_entry_in_every_format(client, catalog, shapes, fmt):
    g = parse(client.get(f"/dataset/hhht-air.{fmt}"), fmt)
    assert (ds_uri("hhht-air"), ns.RDF.type, ns.DCAT.Dataset) in g
    assert set(g.subjects(ns.RDF.type, ns.DCAT.Dataset)) == {ds_uri("hhht-air")}
    conforms, _, report = validate(g, shacl_graph=shapes)
    assert conforms, report


def test_dataset_page_still_served_and_links_the_dcat_formats(client, catalog):
    r = client.get("/dataset/hhht-air")
    assert r.status_code == 200 and r.mimetype == "text/html"
    html = r.get_data(as_text=True)
    for fmt in ("ttl", "jsonld", "rdf"):
        assert f'href="/dataset/hhht-air.{fmt}"' in html
    assert client.get("/dataset/hhht-air.xml").status_code == 404
    assert client.get("/theme/" + catalog["air"].theme.slug).status_code == 302


def test_dcat_is_rate_limited_like_search(tmp_path):
    from tests.conftest import build_app
    app = build_app(tmp_path, RATELIMIT_SEARCH="2/minute")
    with app.app_context():
        f.dataset(slug="hhht-air")
    client = app.test_client()
    assert [client.get("/catalog.ttl").status_code for _ in range(3)] == [200, 200, 429]
    assert client.get("/dataset/hhht-air.ttl").status_code == 200  # its own budget
