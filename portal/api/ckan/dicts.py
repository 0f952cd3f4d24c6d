"""The portal's records in CKAN's dict shapes (package, resource, organization, group, tag, licence).

Catalog fields CKAN has no key for travel in `extras` as {"key", "value"} pairs (strings, as CKAN
stores them; lists and dates as JSON or ISO text).
"""
from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any, Iterable

from flask import g, request, url_for

from ...agencies.models import Agency
from ...catalog.models import Dataset, OpenType, Resource, ResourceKind, Tag, Theme
from ...catalog.downloads import is_quarantined, quarantined_hashes
from ...catalog.queries import EntryLists, entry_lists
from ...catalog.vocab import LICENCES
from ...exports.records import Urls

# Catalog fields published as CKAN extras, in this order.
EXTRA_FIELDS = ("code", "classification", "region", "region_level", "collecting_agency", "approving_agency",
                "temporal_start", "temporal_end", "data_form", "open_type", "open_conditions", "open_reason",
                "open_legal_basis", "share_type", "share_conditions", "share_reason", "share_legal_basis",
                "share_basis_kind", "share_scope", "share_modes", "update_frequency", "timeliness", "related",
                "published_at",
                "data_updated_at", "download_count")


def ckan_time(value: datetime | date | None) -> str | None:
    """CKAN writes times as naive ISO 8601 in UTC with microseconds (2024-01-31T08:00:00.000000)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%S.%f")
    return value.isoformat()


def _extra_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (datetime, date)):
        return ckan_time(value) or ""
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    return str(value)


def organization_dict(agency: Agency, package_count: int | None = None) -> dict[str, Any]:
    out = {
        "id": str(agency.id), "name": agency.slug, "title": agency.name, "display_name": agency.name,
        "description": agency.description, "image_url": "", "image_display_url": "", "created": None,
        "is_organization": True, "approval_status": "approved", "state": "active", "type": "organization",
        "extras": [{"key": "level", "value": agency.level}, {"key": "region", "value": agency.region},
                   {"key": "website", "value": agency.website}, {"key": "contact", "value": agency.contact}],
    }
    if package_count is not None:
        out["package_count"] = package_count
    return out


def group_dict(theme: Theme, package_count: int | None = None) -> dict[str, Any]:
    out = {
        "id": str(theme.id), "name": theme.slug, "title": theme.name, "display_name": theme.name,
        "description": theme.description, "image_url": "", "image_display_url": "", "created": None,
        "is_organization": False, "approval_status": "approved", "state": "active", "type": "group",
    }
    if package_count is not None:
        out["package_count"] = package_count
    return out


def tag_dict(tag: Tag) -> dict[str, Any]:
    return {"id": str(tag.id), "name": tag.name, "display_name": tag.name, "state": "active", "vocabulary_id": None}


def licence_dict(licence_id: str) -> dict[str, Any]:
    lic = LICENCES.get(licence_id)
    title = lic.title if lic else licence_id
    url = lic.url if lic else ""
    if url.startswith("/"):
        url = url_for("web.licence", _external=True)
    return {"id": licence_id, "title": title, "url": url, "status": "active", "maintainer": "",
            "family": "", "od_conformance": "approved", "osd_conformance": "not reviewed",
            "domain_data": True, "domain_content": False, "domain_software": False, "is_generic": False}


def _urls() -> Urls:
    """The site's addresses, built once per request: url_for for each resource was a third of a
    package_search's time (slugs and ids never need quoting, as the exports rely on too)."""
    try:
        return g._ckan_urls
    except AttributeError:
        g._ckan_urls = Urls.under(request.url_root)
        return g._ckan_urls


def downloadable(res: Resource, quarantined: set[str] | None = None, ds: Dataset | None = None) -> bool:
    """The file itself is served to anyone: a stored file of an unconditionally open entry whose bytes are
    not quarantined after a rights complaint (those answer 451, so no download address is offered).
    quarantined: the quarantined hashes among the caller's files, when it looked them up at once;
    ds: the resource's entry, when `res` is a plain row (catalog.queries.EntryLists)."""
    if res.kind != ResourceKind.FILE or (ds or res.dataset).open_type != OpenType.UNCONDITIONAL:
        return False
    return res.sha256 not in quarantined if quarantined is not None else not is_quarantined(res.sha256)


def resource_url(res: Resource, can_download: bool | None = None, ds: Dataset | None = None) -> str:
    """Where the data is: the download for open files, the link itself, or the resource's page (which
    explains the conditions) for files of conditional and closed entries."""
    if res.kind == ResourceKind.LINK:
        return res.url
    slug = (ds or res.dataset).slug
    if downloadable(res, ds=ds) if can_download is None else can_download:
        return _urls().download(slug, res.id)
    return _urls().resource(slug, res.id)


def resource_dict(res: Resource, quarantined: set[str] | None = None, ds: Dataset | None = None) -> dict[str, Any]:
    """A resource as CKAN's resource_show gives it; `res` a model or a row of EntryLists (then with its `ds`)."""
    ds = ds or res.dataset
    can_download = downloadable(res, quarantined, ds)
    return {
        "id": res.id, "package_id": res.dataset_id, "name": res.name, "description": res.description,
        "format": res.format, "url": resource_url(res, can_download, ds), "url_type": None,
        "size": res.size if res.kind == ResourceKind.FILE else None,
        "hash": f"sha256:{res.sha256}" if res.sha256 else "",
        "mimetype": res.media_type, "position": res.position, "state": "active",
        "created": ckan_time(res.created_at), "last_modified": ckan_time(res.updated_at),
        "resource_type": "api" if res.kind == ResourceKind.LINK else "file",
        # the portal's own, as CKAN keeps extra resource keys at the top level
        "downloadable": can_download, "encoding": res.encoding, "row_count": res.row_count,
        "columns": list(res.columns or []), "download_count": res.download_count,
        "page_url": _urls().resource(ds.slug, res.id),
    }


def quarantined_among(resources: Iterable[Resource]) -> set[str]:
    """The quarantined hashes among these files, in one query."""
    return quarantined_hashes(r.sha256 for r in resources)


def package_dicts(datasets: list[Dataset]) -> list[dict[str, Any]]:
    """package_dict for a list of entries (loaded without their lists), with their lists read at once."""
    lists = entry_lists([d.id for d in datasets])
    quarantined = quarantined_among(r for one in lists.values() for r in one.resources)
    return [package_dict(d, quarantined, lists[d.id]) for d in datasets]


def package_dict(ds: Dataset, quarantined: set[str] | None = None, lists: EntryLists | None = None) -> dict[str, Any]:
    """A public entry as CKAN's package_show returns it. `lists`: its lists as catalog.queries.entry_lists() reads them
    (the model's otherwise); `quarantined` as quarantined_among() gives it (looked up here otherwise)."""
    lists = lists or ds
    if quarantined is None:
        quarantined = quarantined_among(lists.resources)
    lic = licence_dict(ds.licence_id)
    extras = [{"key": f, "value": _extra_value(getattr(ds, f))} for f in EXTRA_FIELDS]
    extras.append({"key": "data_items", "value": json.dumps(
        [{"name": i.name, "type": i.type, "description": i.description} for i in lists.items], ensure_ascii=False)})
    resources = [resource_dict(r, quarantined, ds) for r in lists.resources]
    tags = [tag_dict(t) for t in lists.tags]
    return {
        "id": ds.id, "name": ds.slug, "title": ds.title, "notes": ds.summary, "type": "dataset",
        "state": "active", "private": False, "version": None,
        "url": _urls().dataset(ds.slug),
        "author": ds.agency.name, "author_email": None, "maintainer": ds.agency.name,
        "maintainer_email": None, "creator_user_id": None,
        "license_id": ds.licence_id, "license_title": lic["title"], "license_url": lic["url"],
        "isopen": ds.open_type == OpenType.UNCONDITIONAL,
        "metadata_created": ckan_time(ds.created_at), "metadata_modified": ckan_time(ds.modified_at),
        "owner_org": str(ds.agency_id), "organization": organization_dict(ds.agency),
        "groups": [group_dict(ds.theme)],
        "tags": tags, "num_tags": len(tags),
        "resources": resources, "num_resources": len(resources),
        "extras": extras, "relationships_as_object": [], "relationships_as_subject": [],
    }
