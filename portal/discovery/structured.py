"""What search engines and dataset search read: an entry as schema.org `Dataset` (JSON-LD), and the
addresses of the sitemap. Addresses are built by the caller (the front door knows the site's host)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Callable, Iterator

from sqlalchemy import func, select

from ..catalog import downloads
from ..catalog.models import Dataset, OpenType, ResourceKind
from ..catalog.queries import public_filter
from ..catalog.vocab import LICENCES
from ..divisions import REGION, division_codes
from ..extensions import db

SCHEMA = "https://schema.org/"


@dataclass(frozen=True)
class EntryUrls:
    """The absolute addresses a Dataset description links to."""

    entry: str
    agency: str
    file: Callable[[Any], str]           # a file's download address
    absolute: Callable[[str], str]       # a site path ("/licence") as an absolute address


def public_files(ds, resources) -> list:
    """The files anyone may download without asking: stored files of an unconditionally open, public
    entry that were not withdrawn. A conditional entry's files are never described."""
    if not ds.is_public or ds.open_type != OpenType.UNCONDITIONAL:
        return []
    files = [r for r in resources if r.kind == ResourceKind.FILE and r.storage_key]
    withdrawn = downloads.quarantined_hashes(r.sha256 for r in files)
    return [r for r in files if r.sha256 not in withdrawn]


def _iso(value: date | datetime | None) -> str | None:
    if value is None:
        return None
    return value.replace(microsecond=0).isoformat() if isinstance(value, datetime) else value.isoformat()


def dataset_jsonld(ds, tags, resources, urls: EntryUrls) -> dict[str, Any]:
    """The entry as a schema.org Dataset: what dataset search engines and other harvesters read. `ds` is an
    entry or its page's row, `tags` and `resources` its lists (models or rows with the same attributes)."""
    agency = {"@type": "GovernmentOrganization", "name": ds.agency.name, "url": urls.agency}
    licence = LICENCES.get(ds.licence_id)
    codes = division_codes(ds.region)
    place: dict[str, Any] = {"@type": "AdministrativeArea", "name": ds.region}
    if codes:
        place["identifier"] = codes[-1]
    if ds.region and ds.region != REGION:
        place["containedInPlace"] = {"@type": "AdministrativeArea", "name": REGION}
    doc: dict[str, Any] = {
        "@context": SCHEMA,
        "@type": "Dataset",
        "@id": urls.entry,
        "name": ds.title,
        "description": ds.summary,
        "url": urls.entry,
        "identifier": ds.code,
        "keywords": [t.name for t in tags] + [ds.theme.name],
        "creator": agency,
        "publisher": agency,
        "spatialCoverage": place,
        "dateModified": _iso(ds.data_updated_at or ds.modified_at),
        "datePublished": _iso(ds.published_at),
        "isAccessibleForFree": True,
        "inLanguage": "zh-CN",
    }
    if licence is not None:
        doc["license"] = licence.url if licence.url.startswith("http") else urls.absolute(licence.url)
    if ds.temporal_start or ds.temporal_end:
        doc["temporalCoverage"] = f"{_iso(ds.temporal_start) or '..'}/{_iso(ds.temporal_end) or '..'}"
    files = public_files(ds, resources)
    if files:
        doc["distribution"] = [{"@type": "DataDownload", "name": r.name, "encodingFormat": r.media_type or r.format,
                                "contentUrl": urls.file(r), "contentSize": str(r.size),
                                "dateModified": _iso(r.updated_at)} for r in files]
    return {k: v for k, v in doc.items() if v not in (None, "", [])}


# ---- sitemap --------------------------------------------------------------------------------------
def sitemap_pages(page_size: int) -> int:
    """How many files the sitemap of entries needs (at least one)."""
    count = db.session.scalar(select(func.count()).select_from(Dataset).where(public_filter())) or 0
    return max(1, -(-count // page_size))


def sitemap_entries(page: int, page_size: int) -> Iterator[tuple[str, datetime]]:
    """(slug, last modified) of the public entries on one page of the sitemap, in a stable order."""
    rows = db.session.execute(select(Dataset.slug, Dataset.modified_at).where(public_filter())
                              .order_by(Dataset.published_at, Dataset.id)
                              .offset((page - 1) * page_size).limit(page_size))
    yield from rows
