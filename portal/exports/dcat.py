"""DCAT-AP 3 description of the public catalog (rdflib), paged with Hydra links.

Vocabularies: EU access-right (PUBLIC / RESTRICTED / NON_PUBLIC) for the open type, EU frequency for
the update frequency, EU data-theme next to the portal's own themes, EU file-type and IANA media
types for files, SPDX SHA-256 checksums. Nodes taken from those vocabularies are typed with the class
DCAT-AP expects of them (dct:RightsStatement, dct:Frequency ...), so the export validates with the
DCAT-AP SHACL shapes on its own, without loading the vocabularies.
"""
from __future__ import annotations

import math
from typing import Any

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS, SKOS, XSD
from sqlalchemy import func, select

from ..catalog.models import OpenType, ResourceKind
from ..catalog.vocab import LICENCES
from ..extensions import db
from . import records
from .records import Urls

VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
ADMS = Namespace("http://www.w3.org/ns/adms#")
EU = "http://publications.europa.eu/resource/authority/"
PUBLISHER_TYPE = Namespace("http://purl.org/adms/publishertype/")
IANA = "https://www.iana.org/assignments/media-types/"

FORMATS = {  # ?format= / file suffix -> (rdflib format, media type)
    "ttl": ("turtle", "text/turtle"),
    "jsonld": ("json-ld", "application/ld+json"),
    "rdf": ("pretty-xml", "application/rdf+xml"),
}
DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000

ACCESS_RIGHTS = {OpenType.UNCONDITIONAL: "PUBLIC", OpenType.CONDITIONAL: "RESTRICTED", OpenType.CLOSED: "NON_PUBLIC"}
ACCESS_LABELS = {"PUBLIC": "public", "RESTRICTED": "restricted", "NON_PUBLIC": "non-public"}
FREQUENCIES = {  # portal value -> EU frequency code, English label
    "realtime": ("UPDATE_CONT", "continuously updated"), "daily": ("DAILY", "daily"),
    "weekly": ("WEEKLY", "weekly"), "monthly": ("MONTHLY", "monthly"), "quarterly": ("QUARTERLY", "quarterly"),
    "semiannual": ("BIANNUAL", "semiannual"), "annual": ("ANNUAL", "annual"), "irregular": ("IRREG", "irregular"),
}
EU_THEMES = {  # the portal's theme names -> EU data-theme
    "经济建设": "ECON", "资源环境": "ENVI", "道路交通": "TRAN", "教育科技": "EDUC", "医疗卫生": "HEAL",
    "社保就业": "SOCI", "信用服务": "ECON", "市场监管": "ECON", "文化休闲": "EDUC", "农业农村": "AGRI",
    "城建住房": "REGI", "公共安全": "JUST", "气象服务": "ENVI", "机构团体": "SOCI", "政务服务": "GOVE",
    "社会发展": "SOCI", "财税金融": "ECON", "生活服务": "SOCI",
}
EU_THEME_LABELS = {"ECON": "Economy and finance", "ENVI": "Environment", "TRAN": "Transport",
                   "EDUC": "Education, culture and sport", "HEAL": "Health", "SOCI": "Population and society",
                   "AGRI": "Agriculture, fisheries, forestry and food", "REGI": "Regions and cities",
                   "JUST": "Justice, legal system and public safety", "GOVE": "Government and public sector"}
FILE_TYPES = {"CSV": "CSV", "XLSX": "XLSX", "JSON": "JSON", "XML": "XML", "PDF": "PDF", "ZIP": "ZIP",
              "SHP": "SHP", "DOCX": "DOCX", "API": "REST"}
CATALOG_DESCRIPTION = {  # data in both languages, not interface text
    "zh": "本平台开放的公共数据目录，包括无条件开放、有条件开放和不予开放（负面清单）的目录条目。",
    "en": "The catalog of public data opened on this portal: unconditionally open, conditionally open and "
          "not open entries (the negative list).",
}
AGENCY_TYPES = {"region": "RegionalAuthority", "city": "LocalAuthority", "county": "LocalAuthority"}


class CatalogGraph:
    """Builds one graph; each vocabulary node is described once."""

    def __init__(self, urls: Urls, site_name: str) -> None:
        self.urls, self.site_name = urls, site_name
        self.g = Graph()
        for prefix, ns in (("dcat", DCAT), ("dct", DCTERMS), ("foaf", FOAF), ("vcard", VCARD), ("spdx", SPDX),
                           ("skos", SKOS), ("hydra", HYDRA), ("adms", ADMS), ("xsd", XSD), ("rdfs", RDFS)):
            self.g.bind(prefix, ns)
        self._seen: set[str] = set()
        self.catalog = URIRef(f"{urls.base}/catalog")
        self.themes = URIRef(f"{urls.base}/theme")
        self.zh = URIRef(EU + "language/ZHO")

    def _once(self, key: str) -> bool:
        if key in self._seen:
            return False
        self._seen.add(key)
        return True

    def _concept(self, uri: str, cls: URIRef | None, label: str, lang: str = "en") -> URIRef:
        node = URIRef(uri)
        if self._once(uri):
            self.g.add((node, RDF.type, SKOS.Concept))
            if cls is not None:
                self.g.add((node, RDF.type, cls))
            self.g.add((node, SKOS.prefLabel, Literal(label, lang=lang)))
        return node

    def _document(self, uri: str) -> URIRef:
        node = URIRef(uri)
        if self._once("doc " + uri):
            self.g.add((node, RDF.type, FOAF.Document))
        return node

    def _url(self, uri: str) -> URIRef:
        node = URIRef(uri)
        self.g.add((node, RDF.type, RDFS.Resource))
        return node

    # ---- the catalog ------------------------------------------------------------------
    def add_catalog(self) -> URIRef:
        g, c = self.g, self.catalog
        g.add((c, RDF.type, DCAT.Catalog))
        g.add((c, DCTERMS.title, Literal(self.site_name, lang="zh")))
        for lang, text in CATALOG_DESCRIPTION.items():
            g.add((c, DCTERMS.description, Literal(text, lang=lang)))
        publisher = URIRef(f"{self.urls.base}/#publisher")
        g.add((publisher, RDF.type, FOAF.Agent))
        g.add((publisher, FOAF.name, Literal(self.site_name, lang="zh")))
        g.add((c, DCTERMS.publisher, publisher))
        g.add((c, FOAF.homepage, self._document(self.urls.base + "/")))
        g.add((c, DCTERMS.language, self._language()))
        g.add((c, DCAT.themeTaxonomy, self.themes))
        g.add((self.themes, RDF.type, SKOS.ConceptScheme))
        g.add((self.themes, DCTERMS.title, Literal("主题", lang="zh")))
        g.add((c, DCAT.themeTaxonomy, URIRef(EU + "data-theme")))
        g.add((URIRef(EU + "data-theme"), RDF.type, SKOS.ConceptScheme))
        g.add((URIRef(EU + "data-theme"), DCTERMS.title, Literal("Data theme", lang="en")))
        return c

    def _language(self) -> URIRef:
        if self._once("lang"):
            self.g.add((self.zh, RDF.type, DCTERMS.LinguisticSystem))
        return self.zh

    def add_paging(self, page_url, page: int, pages: int, total: int, per_page: int) -> None:
        """Hydra paging: the catalog's view is this page, with first / previous / next / last."""
        g = self.g
        view = URIRef(page_url(page))
        g.add((self.catalog, HYDRA.totalItems, Literal(total, datatype=XSD.nonNegativeInteger)))
        g.add((self.catalog, HYDRA.view, view))
        g.add((view, RDF.type, HYDRA.PartialCollectionView))
        g.add((view, HYDRA.itemsPerPage, Literal(per_page, datatype=XSD.nonNegativeInteger)))
        g.add((view, HYDRA.first, URIRef(page_url(1))))
        g.add((view, HYDRA.last, URIRef(page_url(pages))))
        if page > 1:
            g.add((view, HYDRA.previous, URIRef(page_url(page - 1))))
        if page < pages:
            g.add((view, HYDRA.next, URIRef(page_url(page + 1))))

    # ---- entries ----------------------------------------------------------------------
    def _agency(self, row: Any) -> URIRef:
        node = URIRef(self.urls.agency(row.agency_slug))
        if self._once("agency " + row.agency_slug):
            g = self.g
            g.add((node, RDF.type, FOAF.Agent))
            g.add((node, RDF.type, FOAF.Organization))
            g.add((node, FOAF.name, Literal(row.agency_name, lang="zh")))
            kind = AGENCY_TYPES.get(row.agency_level)
            if kind:
                g.add((node, DCTERMS.type, self._concept(str(PUBLISHER_TYPE[kind]), None,
                                                         "Regional authority" if kind == "RegionalAuthority"
                                                         else "Local authority")))
        return node

    def _contact(self, row: Any) -> BNode:
        g, node = self.g, BNode()
        g.add((node, RDF.type, VCARD.Organization))
        g.add((node, RDF.type, VCARD.Kind))
        g.add((node, VCARD.fn, Literal(row.agency_name, lang="zh")))
        phone = "".join(ch for ch in (row.agency_contact or "") if ch.isdigit() or ch in "+-")
        if phone:
            g.add((node, VCARD.hasTelephone, URIRef(f"tel:{phone}")))
        if row.agency_website:
            g.add((node, VCARD.hasURL, URIRef(row.agency_website)))
        return node

    def _theme(self, row: Any) -> list[URIRef]:
        own = URIRef(self.urls.theme(row.theme_slug))
        if self._once("theme " + row.theme_slug):
            self.g.add((own, RDF.type, SKOS.Concept))
            self.g.add((own, SKOS.prefLabel, Literal(row.theme_name, lang="zh")))
            self.g.add((own, SKOS.inScheme, self.themes))
        nodes = [own]
        code = EU_THEMES.get(row.theme_name)
        if code:
            eu = self._concept(f"{EU}data-theme/{code}", None, EU_THEME_LABELS[code])
            if self._once("eu-theme-scheme " + code):
                self.g.add((eu, SKOS.inScheme, URIRef(EU + "data-theme")))
            nodes.append(eu)
        return nodes

    def _licence(self, licence_id: str) -> URIRef:
        licence = LICENCES.get(licence_id)
        url = licence.url if licence else "/licence"
        if url.startswith("/"):
            url = self.urls.base + url
        node = URIRef(url)
        if self._once("licence " + url):
            self.g.add((node, RDF.type, DCTERMS.LicenseDocument))
            if licence:
                self.g.add((node, RDFS.label, Literal(licence.title)))
        return node

    def add_dataset(self, row: Any, rel: records.Related, in_catalog: bool = True) -> URIRef:
        g, urls = self.g, self.urls
        ds = URIRef(urls.dataset(row.slug))
        g.add((ds, RDF.type, DCAT.Dataset))
        if in_catalog:
            g.add((self.catalog, DCAT.dataset, ds))
        g.add((ds, DCTERMS.identifier, Literal(row.code)))
        g.add((ds, DCTERMS.title, Literal(row.title, lang="zh")))
        g.add((ds, DCTERMS.description, Literal(row.summary or row.title, lang="zh")))
        g.add((ds, DCAT.landingPage, self._document(urls.dataset(row.slug))))
        g.add((ds, DCTERMS.publisher, self._agency(row)))
        g.add((ds, DCAT.contactPoint, self._contact(row)))
        g.add((ds, DCTERMS.language, self._language()))
        for tag in rel.tags.get(row.id, []):
            g.add((ds, DCAT.keyword, Literal(tag, lang="zh")))
        for theme in self._theme(row):
            g.add((ds, DCAT.theme, theme))
        code = ACCESS_RIGHTS.get(row.open_type, "NON_PUBLIC")
        g.add((ds, DCTERMS.accessRights, self._concept(f"{EU}access-right/{code}", DCTERMS.RightsStatement,
                                                       ACCESS_LABELS[code])))
        if row.open_type != OpenType.UNCONDITIONAL:
            rights = BNode()
            g.add((rights, RDF.type, DCTERMS.RightsStatement))
            parts = [("开放条件", row.open_conditions), ("不予无条件开放的理由", row.open_reason),
                     ("依据", row.open_legal_basis)]
            g.add((rights, RDFS.label, Literal("；".join(f"{k}：{v}" for k, v in parts if v) or row.open_type,
                                               lang="zh")))
            g.add((ds, DCTERMS.rights, rights))
        freq = FREQUENCIES.get(row.update_frequency)
        if freq:
            g.add((ds, DCTERMS.accrualPeriodicity, self._concept(f"{EU}frequency/{freq[0]}", DCTERMS.Frequency,
                                                                 freq[1])))
        if row.published_at:
            g.add((ds, DCTERMS.issued, Literal(row.published_at.replace(microsecond=0), datatype=XSD.dateTime)))
        g.add((ds, DCTERMS.modified, Literal(row.modified_at.replace(microsecond=0), datatype=XSD.dateTime)))
        if row.temporal_start or row.temporal_end:
            period = BNode()
            g.add((period, RDF.type, DCTERMS.PeriodOfTime))
            if row.temporal_start:
                g.add((period, DCAT.startDate, Literal(row.temporal_start, datatype=XSD.date)))
            if row.temporal_end:
                g.add((period, DCAT.endDate, Literal(row.temporal_end, datatype=XSD.date)))
            g.add((ds, DCTERMS.temporal, period))
        announced = rel.announced.get(row.id)
        if announced:  # 将于…后停止提供: provided until the last day, with the reason
            valid = BNode()
            g.add((valid, RDF.type, DCTERMS.PeriodOfTime))
            g.add((valid, DCAT.endDate, Literal(announced["last_day"], datatype=XSD.date)))
            g.add((valid, RDFS.comment, Literal(f"将于{announced['last_day'].isoformat()}后停止提供。理由："
                                                f"{announced['reason']}", lang="zh")))
            g.add((ds, DCTERMS.valid, valid))
        if row.open_type != OpenType.CLOSED:  # a closed entry's data is not provided: no distributions
            for res in rel.resources.get(row.id, []):
                g.add((ds, DCAT.distribution, self._distribution(row, res)))
        return ds

    def _distribution(self, row: Any, res: Any) -> URIRef:
        g, urls = self.g, self.urls
        dist = URIRef(urls.resource(row.slug, res.id))
        g.add((dist, RDF.type, DCAT.Distribution))
        g.add((dist, DCTERMS.title, Literal(res.name, lang="zh")))
        if res.description:
            g.add((dist, DCTERMS.description, Literal(res.description, lang="zh")))
        is_file = res.kind == ResourceKind.FILE
        g.add((dist, DCAT.accessURL, self._url(urls.resource(row.slug, res.id) if is_file or not res.url
                                               else res.url)))
        if records.downloadable(row.open_type, res):
            g.add((dist, DCAT.downloadURL, self._url(urls.download(row.slug, res.id))))
        file_type = FILE_TYPES.get((res.format or "").upper())
        if file_type:
            g.add((dist, DCTERMS.format, self._concept(f"{EU}file-type/{file_type}", DCTERMS.MediaTypeOrExtent,
                                                       file_type)))
        if is_file and res.media_type and "/" in res.media_type:
            media = URIRef(IANA + res.media_type)
            if self._once("media " + res.media_type):
                g.add((media, RDF.type, DCTERMS.MediaType))
            g.add((dist, DCAT.mediaType, media))
        if is_file and res.size:
            g.add((dist, DCAT.byteSize, Literal(res.size, datatype=XSD.nonNegativeInteger)))
        if is_file and res.sha256:
            checksum = BNode()
            g.add((checksum, RDF.type, SPDX.Checksum))
            algorithm = SPDX.checksumAlgorithm_sha256
            if self._once("sha256"):
                g.add((algorithm, RDF.type, SPDX.ChecksumAlgorithm))
            g.add((checksum, SPDX.algorithm, algorithm))
            g.add((checksum, SPDX.checksumValue, Literal(res.sha256, datatype=XSD.hexBinary)))
            g.add((dist, SPDX.checksum, checksum))
        g.add((dist, DCTERMS.license, self._licence(row.licence_id)))
        if row.open_type == OpenType.CONDITIONAL:
            rights = BNode()
            g.add((rights, RDF.type, DCTERMS.RightsStatement))
            g.add((rights, RDFS.label, Literal(f"有条件开放：{row.open_conditions}", lang="zh")))
            g.add((dist, DCTERMS.rights, rights))
        if res.updated_at:
            g.add((dist, DCTERMS.modified, Literal(res.updated_at.replace(microsecond=0), datatype=XSD.dateTime)))
        return dist

    def serialize(self, fmt: str) -> bytes:
        rdf_format = FORMATS[fmt][0]
        if rdf_format == "json-ld":
            context = {prefix: str(ns) for prefix, ns in self.g.namespaces()
                       if prefix in ("dcat", "dct", "foaf", "vcard", "spdx", "skos", "hydra", "adms", "xsd", "rdfs")}
            return self.g.serialize(format="json-ld", context=context, encoding="utf-8")
        return self.g.serialize(format=rdf_format, encoding="utf-8")


def public_count() -> int:
    return db.session.scalar(select(func.count()).select_from(records.public_ids().subquery())) or 0


def catalog_page(urls: Urls, site_name: str, page: int, per_page: int, page_url) -> CatalogGraph:
    """One page of the catalog: the catalog node, Hydra paging, and `per_page` entries in id order."""
    total = public_count()
    pages = max(1, math.ceil(total / per_page))
    cg = CatalogGraph(urls, site_name)
    cg.add_catalog()
    cg.add_paging(page_url, page, pages, total, per_page)
    rows = db.session.execute(records.public_select().order_by(records.D.id)
                              .offset((page - 1) * per_page).limit(per_page)).all()
    rel = records.related([r.id for r in rows])
    for row in rows:
        cg.add_dataset(row, rel)
    return cg


def pages_for(per_page: int) -> int:
    return max(1, math.ceil(public_count() / per_page))


def dataset_graph(urls: Urls, site_name: str, slug: str) -> CatalogGraph | None:
    """One public entry on its own (None when there is no public entry with this slug)."""
    row = db.session.execute(records.public_select().where(records.D.slug == slug)).first()
    if row is None:
        return None
    cg = CatalogGraph(urls, site_name)
    cg.add_dataset(row, records.related([row.id]), in_catalog=False)
    return cg
