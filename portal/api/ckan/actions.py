"""The CKAN actions the portal answers, with CKAN's parameter coercion and errors.

Each action takes the request's data dict (values as CKAN clients send them: JSON values, or
strings from URLs, forms and the command line) and returns the `result` of CKAN's envelope.
Only public entries are ever read (catalog.queries / Dataset.is_public).
"""
from __future__ import annotations

import json
from typing import Any, Callable

from flask import current_app, url_for
from sqlalchemy import func, select

from ...agencies.models import Agency
from ...agencies.services import agencies_with_counts
from ...catalog import queries as catalog
from ...catalog import search as catalog_search
from ...catalog.filters import CKAN_FACETS
from ...catalog.models import Dataset, Resource, Tag, Theme, dataset_tags
from ...catalog.vocab import LICENCES
from ...extensions import db
from ...search.base import AllOf, Match
from ...search.text import MAX_QUERY_CHARS, title_sort_key
from . import dicts
from .fq import FqError, parse_fq, split_q

ROWS_DEFAULT, ROWS_MAX = 10, 1000          # CKAN's defaults (ckan.search.rows_max)
LIST_MAX = 1000                            # current_package_list_with_resources, group datasets
FACET_LIMIT_DEFAULT = 50
CKAN_VERSION = "2.10.0"                    # the Action API version clients may check for
# CKAN's facet fields -> the portal's index fields, from the filter registry
FACETS = CKAN_FACETS
# CKAN sort fields -> the search service's sorts (asc/desc as CKAN allows them)
SORTS = {("score", "desc"): "relevance", ("metadata_modified", "desc"): "modified",
         ("metadata_modified", "asc"): "modified_asc", ("title_string", "asc"): "title",
         ("title", "asc"): "title", ("name", "asc"): "title", ("views_recent", "desc"): "downloads",
         ("views_total", "desc"): "downloads", ("downloads", "desc"): "downloads"}
DEFAULT_SORT = "score desc, metadata_modified desc"
# CKAN's write actions: known to CKAN clients, refused here (the catalog is edited in the console).
WRITE_ACTIONS = frozenset({
    "package_create", "package_update", "package_patch", "package_delete", "package_revise",
    "resource_create", "resource_update", "resource_patch", "resource_delete",
    "organization_create", "organization_update", "organization_patch", "organization_delete",
    "group_create", "group_update", "group_patch", "group_delete", "tag_create", "tag_delete",
    "dataset_purge", "user_create", "user_update", "member_create", "member_delete",
    "package_owner_org_update", "package_resource_reorder", "bulk_update_delete",
})


# ---- CKAN's errors ------------------------------------------------------------------------
class CkanError(Exception):
    status = 500
    type = "Internal Server Error"

    def __init__(self, message: str = "") -> None:
        super().__init__(message)
        self.message = message

    def body(self) -> dict[str, Any]:
        return {"__type": self.type, "message": self.message}


class NotFound(CkanError):
    status, type = 404, "Not Found Error"

    def body(self) -> dict[str, Any]:
        return {"__type": self.type, "message": "Not found" + (f": {self.message}" if self.message else "")}


class NotAuthorized(CkanError):
    status, type = 403, "Authorization Error"

    def body(self) -> dict[str, Any]:
        return {"__type": self.type, "message": "Access denied" + (f": {self.message}" if self.message else "")}


class ValidationError(CkanError):
    """CKAN's body is the error dict itself: {"field": ["message", ...], "__type": "Validation Error"}."""

    status, type = 409, "Validation Error"

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__(json.dumps(errors, ensure_ascii=False))
        self.errors = errors

    def body(self) -> dict[str, Any]:
        return {**self.errors, "__type": self.type}


class SearchQueryError(CkanError):
    status, type = 400, "Search Query Error"

    def body(self) -> dict[str, Any]:
        return {"__type": self.type, "message": f"Search Query is invalid: {(self.message,)!r}"}


class SearchError(CkanError):
    status, type = 409, "Search Error"

    def body(self) -> dict[str, Any]:
        return {"__type": self.type, "message": f"Search error: {(self.message,)!r}"}


# ---- parameter coercion, as CKAN's validators do it -----------------------------------------
TRUE_STRINGS = {"true", "yes", "t", "y", "1", "on"}


def as_bool(data: dict, key: str, default: bool = False) -> bool:
    """CKAN's boolean_validator: true, yes, t, y, 1 (any case) are true, anything else given is false."""
    if key not in data or data[key] is None or data[key] == "":
        return default
    value = data[key]
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in TRUE_STRINGS


def as_int(data: dict, key: str, default: int | None, errors: dict[str, list[str]], minimum: int = 0) -> int | None:
    """CKAN's int_validator + natural_number_validator: '10' -> 10; 'x' or -1 is a Validation Error."""
    if key not in data or data[key] is None or data[key] == "":
        return default
    value = data[key]
    if isinstance(value, bool) or isinstance(value, float) and not value.is_integer():
        errors.setdefault(key, []).append("Invalid integer")
        return default
    try:
        number = int(str(value).strip()) if not isinstance(value, (int, float)) else int(value)
    except ValueError:
        errors.setdefault(key, []).append("Invalid integer")
        return default
    if number < minimum:
        errors.setdefault(key, []).append("Must be a natural number" if minimum == 0 else
                                          f"Must be at least {minimum}")
        return default
    return number


def as_str(data: dict, key: str, default: str = "") -> str:
    value = data.get(key, default)
    if value is None:
        return default
    if isinstance(value, list):  # a repeated URL parameter
        value = value[0] if value else default
    return str(value)


def as_list(data: dict, key: str, errors: dict[str, list[str]]) -> list[str] | None:
    """CKAN's convert_to_json_if_string + list_of_strings (facet.field, organizations, groups)."""
    if key not in data or data[key] in (None, ""):
        return None
    value = data[key]
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            errors.setdefault(key, []).append("Could not parse as valid JSON")
            return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        errors.setdefault(key, []).append("Not a list of strings" if isinstance(value, list) else "Not a list")
        return None
    return value


def _id_or_name(data: dict) -> str:
    value = as_str(data, "id") or as_str(data, "name")
    if not value:
        raise ValidationError({"id": ["Missing value"]})
    return value


# ---- actions ---------------------------------------------------------------------------------
ACTIONS: dict[str, Callable[[dict], Any]] = {}


def action(fn: Callable[[dict], Any]) -> Callable[[dict], Any]:
    ACTIONS[fn.__name__] = fn
    return fn


def _sort(value: str) -> str:
    first = value.split(",")[0].strip().split()
    if len(first) == 1:
        first.append("asc")
    key = (first[0], first[1].lower()) if len(first) == 2 else None
    if key not in SORTS:
        supported = sorted(f"{f} {d}" for f, d in SORTS)
        raise SearchError(f"Can't sort by {value!r}; the portal sorts by one of: {', '.join(supported)}")
    return SORTS[key]


@action
def package_search(data: dict) -> dict[str, Any]:
    """Search the public catalog.

    Parameters: q (words; `field:value` parts act as filters), fq (filters: `field:value`, quotes,
    +/-, NOT, AND, OR, parentheses, metadata_modified:[2024-01-01T00:00:00Z TO NOW]) over organization,
    groups, tags, res_format, license_id, name, id (and open_type, frequency, region); rows (default
    10, at most 1000), start, sort (score desc, metadata_modified desc|asc, title_string asc,
    name asc, views_recent desc), facet.field (a JSON list of the fields above), facet.limit
    (default 50, -1 for all). Returns count, results (package dicts), facets, search_facets, sort.
    """
    errors: dict[str, list[str]] = {}
    rows = min(as_int(data, "rows", ROWS_DEFAULT, errors), ROWS_MAX)
    start = as_int(data, "start", 0, errors)
    facet_fields = as_list(data, "facet.field", errors) or []
    facet_limit = as_int(data, "facet.limit", FACET_LIMIT_DEFAULT, errors, minimum=-1)
    if errors:
        raise ValidationError(errors)
    q, fq = as_str(data, "q"), as_str(data, "fq")
    for value in (q, fq):
        if "{!" in value:
            raise SearchQueryError("Local parameters are not supported.")
    sort_value = as_str(data, "sort") or DEFAULT_SORT
    sort = _sort(sort_value)
    unknown = [f for f in facet_fields if f not in FACETS]
    if unknown:
        raise SearchError(f"undefined field {unknown[0]}")
    try:
        text, q_filter = split_q(q)
        fq_filter = parse_fq(fq)
    except FqError as exc:
        raise SearchError(str(exc))
    parts = tuple(e for e in (q_filter, fq_filter) if e is not None)
    where = None if not parts else parts[0] if len(parts) == 1 else AllOf(parts)
    params = catalog_search.SearchParams(q=text[:MAX_QUERY_CHARS], sort=sort, per_page=max(rows, 1), offset=start,
                                         where=where,
                                         facet_fields=tuple(dict.fromkeys(FACETS[f] for f in facet_fields)))
    result = catalog_search.search(params, bare=True)
    by_field = {f.name: f for f in result.facets}
    facets, search_facets = {}, {}
    for name in facet_fields:
        values = by_field[FACETS[name]].values
        if facet_limit is not None and facet_limit >= 0:
            values = values[:facet_limit]
        facets[name] = {v.value: v.count for v in values}
        search_facets[name] = {"title": name, "items": [{"name": v.value, "display_name": v.label,
                                                         "count": v.count} for v in values]}
    return {"count": result.total, "sort": sort_value, "facets": facets, "search_facets": search_facets,
            "results": dicts.package_dicts(result.datasets) if rows else []}


def public_dataset(id_or_name: str) -> Dataset:
    ds = db.session.scalar(catalog.public_datasets().where(Dataset.slug == id_or_name))
    if ds is None and len(id_or_name) <= 36:
        found = db.session.get(Dataset, id_or_name)
        ds = found if found is not None and found.is_public else None
    if ds is None:
        raise NotFound()
    return ds


@action
def package_show(data: dict) -> dict[str, Any]:
    """One public entry by id or name (its slug). Parameters: id."""
    return dicts.package_dict(public_dataset(_id_or_name(data)))


@action
def package_list(data: dict) -> list[str]:
    """The names of every public entry, sorted. Parameters: limit, offset."""
    errors: dict[str, list[str]] = {}
    limit = as_int(data, "limit", None, errors)
    offset = as_int(data, "offset", 0, errors)
    if errors:
        raise ValidationError(errors)
    stmt = catalog.public_datasets().with_only_columns(Dataset.slug).order_by(Dataset.slug).offset(offset)
    if limit is not None:
        stmt = stmt.limit(limit)
    slugs = list(db.session.scalars(stmt))
    return [s for s in slugs if s]


@action
def current_package_list_with_resources(data: dict) -> list[dict[str, Any]]:
    """Public entries with their resources, newest change first. Parameters: limit (default and at
    most 1000; the whole catalog is at /api/v1/catalog.jsonl.gz), offset, page (with limit)."""
    errors: dict[str, list[str]] = {}
    limit = as_int(data, "limit", LIST_MAX, errors)
    offset = as_int(data, "offset", 0, errors)
    page = as_int(data, "page", None, errors, minimum=1)
    if errors:
        raise ValidationError(errors)
    limit = min(limit, LIST_MAX)
    if page is not None:
        offset = (page - 1) * limit
    rows = db.session.scalars(catalog.without_lists(catalog.public_datasets())
                              .order_by(Dataset.modified_at.desc(), Dataset.id).offset(offset).limit(limit))
    return dicts.package_dicts([d for d in rows if d.is_public])


def _counts(column) -> dict[int, int]:
    return dict(db.session.execute(catalog.public_datasets().with_only_columns(column, func.count())
                                   .group_by(column)).all())


def _group_listing(data: dict, items: list[tuple[Any, int]], to_dict: Callable, names_key: str) -> list:
    """organization_list and group_list: filter, sort, page, and names or dicts (all_fields)."""
    errors: dict[str, list[str]] = {}
    limit = as_int(data, "limit", None, errors)
    offset = as_int(data, "offset", 0, errors)
    wanted = as_list(data, names_key, errors)
    if errors:
        raise ValidationError(errors)
    q = as_str(data, "q").strip().lower()
    if wanted is not None:
        items = [(o, n) for o, n in items if o.slug in wanted]
    if q:
        items = [(o, n) for o, n in items if q in o.slug.lower() or q in o.name.lower()]
    sort = (as_str(data, "sort") or "title asc").split()
    field, desc = sort[0], len(sort) > 1 and sort[1].lower() == "desc"
    keys = {"name": lambda p: p[0].slug, "title": lambda p: title_sort_key(p[0].name),
            "package_count": lambda p: p[1]}
    if field not in keys:
        raise ValidationError({"sort": [f"Cannot sort by field `{field}`"]})
    items = sorted(items, key=keys[field], reverse=desc)
    items = items[offset:] if limit is None else items[offset:offset + limit]
    if not as_bool(data, "all_fields"):
        return [o.slug for o, _ in items]
    with_counts = as_bool(data, "include_dataset_count", True)
    return [to_dict(o, n if with_counts else None) for o, n in items]


@action
def organization_list(data: dict) -> list:
    """The agencies (CKAN organizations). Parameters: all_fields, include_dataset_count, sort
    (name, title or package_count, asc|desc; default title asc), limit, offset, organizations, q."""
    return _group_listing(data, agencies_with_counts(), dicts.organization_dict, "organizations")


def _themes_with_counts() -> list[tuple[Theme, int]]:
    return catalog.themes_with_counts()


@action
def group_list(data: dict) -> list:
    """The themes (CKAN groups). Parameters as organization_list (groups instead of organizations)."""
    return _group_listing(data, _themes_with_counts(), dicts.group_dict, "groups")


def _group_packages(field: str, value: str) -> list[dict[str, Any]]:
    result = catalog_search.search(catalog_search.SearchParams(sort="modified", per_page=LIST_MAX,
                                                               where=Match(field, (value,)), facet_fields=()),
                                   bare=True)
    return dicts.package_dicts(result.datasets)


def _find(model, value: str):
    found = db.session.scalar(select(model).where(model.slug == value))
    if found is None and value.isdigit():
        found = db.session.get(model, int(value))
    if found is None:
        raise NotFound()
    return found


@action
def organization_show(data: dict) -> dict[str, Any]:
    """One agency by id or name. Parameters: id, include_datasets (default false; at most 1000)."""
    agency = _find(Agency, _id_or_name(data))
    out = dicts.organization_dict(agency, _counts(Dataset.agency_id).get(agency.id, 0))
    out["users"], out["groups"], out["tags"] = [], [], []
    if as_bool(data, "include_datasets"):
        out["packages"] = _group_packages("agency", agency.slug)
    return out


@action
def group_show(data: dict) -> dict[str, Any]:
    """One theme by id or name. Parameters: id, include_datasets (default false; at most 1000)."""
    theme = _find(Theme, _id_or_name(data))
    out = dicts.group_dict(theme, _counts(Dataset.theme_id).get(theme.id, 0))
    out["users"], out["groups"], out["tags"] = [], [], []
    if as_bool(data, "include_datasets"):
        out["packages"] = _group_packages("theme", theme.slug)
    return out


@action
def tag_list(data: dict) -> list:
    """Tags of public entries, by name. Parameters: query (part of the name), all_fields."""
    public_ids = catalog.public_datasets().with_only_columns(Dataset.id)
    stmt = (select(Tag).join(dataset_tags, dataset_tags.c.tag_id == Tag.id)
            .where(dataset_tags.c.dataset_id.in_(public_ids)).distinct().order_by(Tag.name))
    query = as_str(data, "query") or as_str(data, "q")
    if query:
        stmt = stmt.where(Tag.name.contains(query))
    tags = list(db.session.scalars(stmt))
    return [dicts.tag_dict(t) for t in tags] if as_bool(data, "all_fields") else [t.name for t in tags]


@action
def resource_show(data: dict) -> dict[str, Any]:
    """One resource of a public entry. Parameters: id."""
    value = as_str(data, "id")
    if not value:
        raise ValidationError({"id": ["Missing value"]})
    res = db.session.get(Resource, value) if len(value) <= 36 else None
    if res is None or not res.dataset.is_public:
        raise NotFound("Resource was not found.")
    return dicts.resource_dict(res)


@action
def license_list(data: dict) -> list[dict[str, Any]]:
    """The licences entries are published under."""
    return [dicts.licence_dict(key) for key in LICENCES]


@action
def status_show(data: dict) -> dict[str, Any]:
    """The site's name, address and the CKAN API version it answers as."""
    return {"site_title": current_app.config["SITE_NAME"], "site_description": "",
            "site_url": url_for("web.home", _external=True).rstrip("/"), "ckan_version": CKAN_VERSION,
            "error_emails_to": None, "locale_default": "zh_Hans_CN", "extensions": []}


@action
def site_read(data: dict) -> bool:
    """Whether the caller may read the site: always true, the catalog is public."""
    return True


@action
def help_show(data: dict) -> str:
    """The documentation of an action. Parameters: name."""
    name = as_str(data, "name")
    if not name:
        raise ValidationError({"name": ["Missing value"]})
    fn = ACTIONS.get(name)
    if fn is None:
        raise NotFound("Action function not found")
    return " ".join((fn.__doc__ or "").split())


def call(name: str, data: dict) -> Any:
    """Run an action; KeyError when the portal does not know it."""
    if name in WRITE_ACTIONS:
        raise NotAuthorized("the catalog is edited by agencies in the portal's console, not through this API")
    return ACTIONS[name](data)
