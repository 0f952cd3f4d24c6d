"""The public catalog read in id-ordered pages with SQL, as plain dicts (no ORM objects, constant memory).

Every bulk export (JSONL dump, DCAT) reads entries through `pages()`, which starts from
`catalog.queries.public_datasets()`, so whatever that select hides (unpublished, withdrawn,
suspended) never reaches a dump.
"""
from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Iterator

import orjson
from sqlalchemy import Select, Text, bindparam, cast, func, or_, select
from sqlalchemy.orm import aliased

from ..agencies.models import Agency
from ..catalog.models import (DataItem, Dataset, DatasetChange, OpenType, QuarantinedFile, Resource, ResourceKind, Tag,
                              Theme, dataset_tags)
from ..catalog.downloads import servable_sql
from ..catalog.queries import public_datasets
from ..extensions import db

PAGE_SIZE = 500

# catalog fields copied as they are (the public dataset page shows all of them)
FIELDS = ("code", "title", "summary", "classification", "collecting_agency", "approving_agency", "region",
          "region_level", "data_form", "share_type", "share_conditions", "share_reason", "share_legal_basis",
          "share_basis_kind", "share_scope", "share_modes", "open_type", "open_conditions", "open_reason",
          "open_legal_basis",
          "update_frequency", "timeliness", "related", "licence_id")
# `columns` is read as its stored JSON text and decoded only when not empty (most are; decoding every
# row's "[]" through the JSON type costs more than the rest of the resource).
# A SQL cast, not a type_coerce: PostgreSQL's driver would otherwise hand back the decoded list.
RESOURCE_COLUMNS = (Resource.id, Resource.dataset_id, Resource.position, Resource.name, Resource.description,
                    Resource.kind, Resource.format, Resource.url, Resource.filename, Resource.media_type,
                    Resource.size, Resource.sha256, Resource.encoding, Resource.row_count,
                    cast(Resource.columns, Text).label("columns"),
                    Resource.version, Resource.updated_at, Resource.storage_key)


@dataclass(frozen=True)
class Urls:
    """Absolute URL patterns, built once per export (url_for per resource would dominate a 100,000-entry dump)."""

    base: str  # e.g. https://data.nmg.gov.cn (no trailing slash)

    @classmethod
    def under(cls, url_root: str) -> Urls:
        """The addresses under a site's root (a request's url_root: the site the request came to)."""
        return cls(url_root.rstrip("/"))

    def dataset(self, slug: str) -> str:
        return f"{self.base}/dataset/{slug}"

    def resource(self, slug: str, resource_id: str) -> str:
        return f"{self.base}/dataset/{slug}/resource/{resource_id}"

    def download(self, slug: str, resource_id: str) -> str:
        return f"{self.base}/dataset/{slug}/resource/{resource_id}/download"

    def agency(self, slug: str) -> str:
        return f"{self.base}/agency/{slug}"

    def theme(self, slug: str) -> str:
        return f"{self.base}/theme/{slug}"


def iso(value: datetime | date | None) -> str | None:
    """ISO 8601; datetimes are stored in UTC without tzinfo, so they get a Z."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds") + "Z"
    return value.isoformat()


def execute(stmt, params: dict[str, Any] | None = None):
    """Run a select on the session's connection without ORM result processing (plain rows, faster)."""
    return db.session.connection().execute(stmt, params)


# Outer queries read entries through this alias and test visibility with `is_public(D)`, a correlated
# EXISTS on `public_datasets()` that SQLite answers with one primary-key lookup per row. Putting the
# public filter straight into a paged query lets SQLite drive it from the (unselective) state index and
# sort every public row for every page, which is quadratic over a whole dump.
D = aliased(Dataset, name="d")


def is_public(d=D):
    """SQL: the entry `d` is one `public_datasets()` returns (published, not suspended ...)."""
    return public_datasets().with_only_columns(Dataset.id).where(Dataset.id == d.id).exists()


def _columns():
    return (D.id, D.slug, D.state, *[getattr(D, f) for f in FIELDS],
            D.temporal_start, D.temporal_end, D.published_at, D.data_updated_at, D.created_at, D.modified_at,
            Agency.slug.label("agency_slug"), Agency.name.label("agency_name"), Agency.level.label("agency_level"),
            Agency.region.label("agency_region"), Agency.contact.label("agency_contact"),
            Agency.website.label("agency_website"),
            Theme.slug.label("theme_slug"), Theme.name.label("theme_name"))


_FIELDS_AT = 3
_FIELDS_END = _FIELDS_AT + len(FIELDS)


def _base() -> Select:
    return select(*_columns()).join(Agency, Agency.id == D.agency_id).join(Theme, Theme.id == D.theme_id)


def public_select() -> Select:
    """The public entries with their agency and theme columns, one row each (columns of the alias D)."""
    return _base().where(is_public())


def public_ids() -> Select:
    return public_datasets().with_only_columns(Dataset.id)


def changed_select(since: datetime) -> Select:
    """Entries that were ever published and changed since `since` (row modified, a history line written or
    a file changed), public or not, with `is_public` telling which; the rest of the change feed is tombstones."""
    last_change = (select(func.max(DatasetChange.at)).where(DatasetChange.dataset_id == D.id).scalar_subquery())
    history = select(DatasetChange.id).where(DatasetChange.dataset_id == D.id, DatasetChange.at >= since).exists()
    files = select(Resource.id).where(Resource.dataset_id == D.id, Resource.updated_at >= since).exists()
    # a file whose bytes were quarantined since (possibly through another entry with the same bytes) left the entry
    quarantined = (select(Resource.id).join(QuarantinedFile, QuarantinedFile.sha256 == Resource.sha256)
                   .where(Resource.dataset_id == D.id, QuarantinedFile.created_at >= since).exists())
    return (_base().add_columns(is_public().label("is_public"), last_change.label("last_change"))
            .where(D.published_at.is_not(None))
            .where(or_(D.modified_at >= since, history, files, quarantined)))


def pages(stmt: Select, size: int | None = None) -> Iterator[list[Any]]:
    """Rows of `stmt` in pages ordered by id (keyset paging: each page is one short query)."""
    size = size or PAGE_SIZE
    last = ""
    while True:
        rows = execute(stmt.where(D.id > last).order_by(D.id).limit(size)).all()
        if not rows:
            return
        yield rows
        last = rows[-1].id
        if len(rows) < size:
            return


@dataclass
class Related:
    tags: dict[str, list[str]]
    items: dict[str, list[dict[str, str]]]
    resources: dict[str, list[Any]]
    announced: dict[str, dict[str, Any]] = field(default_factory=dict)  # planned withdrawals by entry id


_IDS = bindparam("ids", expanding=True)  # one bound list, not 500 literals to coerce per query
_LO, _HI = bindparam("lo"), bindparam("hi")


def _related_statements(where) -> tuple[Select, Select, Select]:
    """The tags, data items and resources of the entries whose id satisfies where(column)."""
    return ((select(dataset_tags.c.dataset_id, Tag.name).join(Tag, Tag.id == dataset_tags.c.tag_id)
             .where(where(dataset_tags.c.dataset_id)).order_by(Tag.name)),
            (select(DataItem.dataset_id, DataItem.name, DataItem.type, DataItem.description)
             .where(where(DataItem.dataset_id)).order_by(DataItem.dataset_id, DataItem.position)),
            (select(*RESOURCE_COLUMNS).where(where(Resource.dataset_id), servable_sql())  # no quarantined bytes
             .order_by(Resource.dataset_id, Resource.position)))


_BY_IDS = _related_statements(lambda column: column.in_(_IDS))
_BY_RANGE = _related_statements(lambda column: column.between(_LO, _HI))  # a page of keyset paging


def related(ids: list[str]) -> Related:
    """Tags, data items and resources of these entries, three queries."""
    return _related(_BY_IDS, {"ids": ids}) if ids else Related({}, {}, {})


def related_page(rows: list[Any]) -> Related:
    """The same for one page of `pages()`: a range of ids instead of a bound list (an index range scan,
    and no 500 parameters to bind); rows of entries in the range but not on the page are not asked for."""
    return _related(_BY_RANGE, {"lo": rows[0][0], "hi": rows[-1][0]}) if rows else Related({}, {}, {})


def _related(statements: tuple[Select, Select, Select], params: dict[str, Any]) -> Related:
    tags: dict[str, list[str]] = defaultdict(list)
    items: dict[str, list[dict[str, str]]] = defaultdict(list)
    resources: dict[str, list[Any]] = defaultdict(list)
    for ds_id, name in execute(statements[0], params).all():
        tags[ds_id].append(name)
    for ds_id, name, type_, description in execute(statements[1], params).all():
        items[ds_id].append({"name": name, "type": type_, "description": description})
    for row in execute(statements[2], params).all():
        resources[row[1]].append(row)  # dataset_id (RESOURCE_COLUMNS' second)
    from ..withdrawal.services import announcements
    return Related(tags, items, resources, announcements())


def downloadable(open_type: str, res: Any) -> bool:
    """A stored file of an unconditional entry: what anyone may download."""
    return open_type == OpenType.UNCONDITIONAL and res.kind == ResourceKind.FILE and bool(res.storage_key)


def resource_dict(row: Any, res: Any, urls: Urls) -> dict[str, Any]:
    # Unpacked in RESOURCE_COLUMNS' order: a Row's attribute access costs about a microsecond each,
    # which at 200,000 resources is most of a dump's time in this function.
    (res_id, _ds, _pos, name, description, kind, fmt, url, filename, media_type, size, sha256, encoding, row_count,
     columns, version, updated_at, storage_key) = res
    is_file = kind == ResourceKind.FILE
    page = urls.resource(row.slug, res_id)
    return {
        "id": res_id, "name": name, "description": description, "kind": kind, "format": fmt,
        "media_type": media_type if is_file else None,
        "filename": filename if is_file else None,
        "size": size if is_file else None, "sha256": (sha256 or None) if is_file else None,
        "encoding": encoding or None, "row_count": row_count,
        "columns": json.loads(columns) if columns and columns != "[]" else [],
        "version": version, "updated": updated_at,
        "page_url": page,
        "url": url if not is_file else None,
        "download_url": page + "/download" if downloadable(row.open_type, res) else None,
    }


def entry_dict(row: Any, rel: Related, urls: Urls) -> dict[str, Any]:
    """One public entry with its catalog fields, data items, tags, theme, agency and resources.

    A closed entry lists no resources, as on its page: its data is not provided through the portal.
    """
    (temporal_start, temporal_end, published, data_updated, created, modified, agency_slug, agency_name,
     agency_level, agency_region, _contact, _website, theme_slug, theme_name) = row[_FIELDS_END:_FIELDS_END + 14]
    slug = row[1]
    data: dict[str, Any] = {"id": row[0], "name": slug, "deleted": False, "url": urls.dataset(slug)}
    data.update(zip(FIELDS, row[_FIELDS_AT:_FIELDS_END]))  # the columns follow _columns()' order
    # dates and times stay objects: `dumps_line` writes them as ISO 8601 (UTC, Z, whole seconds)
    data["temporal_start"] = temporal_start
    data["temporal_end"] = temporal_end
    data["published"] = published
    data["data_updated"] = data_updated
    data["created"] = created
    data["modified"] = modified
    data["agency"] = {"slug": agency_slug, "name": agency_name, "level": agency_level,
                      "region": agency_region, "url": urls.agency(agency_slug)}
    data["theme"] = {"slug": theme_slug, "name": theme_name}
    data["tags"] = rel.tags.get(row[0], [])
    data["items"] = rel.items.get(row[0], [])
    data["resources"] = [] if data["open_type"] == OpenType.CLOSED else \
        [resource_dict(row, r, urls) for r in rel.resources.get(row[0], [])]
    data["withdrawal"] = rel.announced.get(row[0])  # 将于…后停止提供: the last day and the reason, or None
    return data


_JSON_OPTIONS = orjson.OPT_NAIVE_UTC | orjson.OPT_UTC_Z | orjson.OPT_OMIT_MICROSECONDS


def dumps_line(data: dict[str, Any]) -> bytes:
    """One JSON line (UTF-8, no newline); naive datetimes are UTC and written as 2026-01-05T08:00:00Z."""
    return orjson.dumps(data, option=_JSON_OPTIONS)


def tombstone(row: Any) -> dict[str, Any]:
    """An entry that was public and no longer is (withdrawn, suspended, deleted)."""
    modified = max(filter(None, (row.modified_at, row.last_change)))
    return {"id": row.id, "name": row.slug, "deleted": True, "modified": iso(modified)}


@dataclass(frozen=True)
class CatalogVersion:
    count: int                # public entries
    newest: datetime | None   # newest change of a once-published entry or of its files
    key: str                  # moves whenever the dump's content may have changed


def catalog_version() -> CatalogVersion:
    """What the dump's ETag, Last-Modified and cache key come from: the public count, the newest change of
    any once-published entry or file, the newest history line, and the agencies' and themes' names."""
    count = db.session.scalar(select(func.count()).select_from(public_ids().subquery())) or 0
    newest = db.session.scalar(select(func.max(Dataset.modified_at)).where(Dataset.published_at.is_not(None)))
    newest_res = db.session.scalar(select(func.max(Resource.updated_at)).join(Dataset).where(
        Dataset.published_at.is_not(None)))
    last_change = db.session.scalar(select(func.max(DatasetChange.id))) or 0
    quarantined = db.session.scalar(select(func.count()).select_from(QuarantinedFile)) or 0
    labels = hashlib.sha256(json.dumps(
        [list(r) for r in db.session.execute(select(Agency.id, Agency.slug, Agency.name, Agency.level, Agency.region,
                                                    Agency.contact, Agency.website).order_by(Agency.id))]
        + [list(r) for r in db.session.execute(select(Theme.id, Theme.slug, Theme.name).order_by(Theme.id))],
        ensure_ascii=False).encode()).hexdigest()[:16]
    stamps = [s for s in (newest, newest_res) if s is not None]
    newest_all = max(stamps) if stamps else None
    return CatalogVersion(count, newest_all, f"{count}|{iso(newest_all)}|{last_change}|{quarantined}|{labels}")
