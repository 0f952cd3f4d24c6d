"""Every search filter declared once: URL parameter, facet field, values of an entry, display label.

The search page, the facet sidebar, the native API and the CKAN `fq` translator all read this
registry, so they cannot drift apart.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from flask_babel import lazy_gettext as _l

from ..divisions import division_codes
from .models import Dataset
from .vocab import FREQUENCY_LABELS, OPEN_TYPE_LABELS, label


MAX_VALUE_CHARS = 100  # one value of a filter
MAX_VALUES = 20        # values of one filter in one request


@dataclass(frozen=True)
class FilterDefinition:
    name: str                                   # URL parameter, native API parameter and facet field
    title: object                               # sidebar heading (lazy translated)
    values: Callable[[Dataset], list[str]]      # the entry's values for this facet
    display: Callable[[str, dict], str]         # value -> label, given the labels looked up for the page
    about: str = ""                             # the native API parameter's description (OpenAPI)
    choices: tuple[str, ...] = ()               # every value there is, when the list is fixed
    ckan: str = ""                              # CKAN's name of the field (fq, facet.field), besides `name`
    ckan_value: Callable[[str], str] = str      # a value as CKAN clients write it -> as the index holds it

    @property
    def description(self) -> str:
        """What the native API's documentation says of the parameter: `about`, or the fixed values."""
        return self.about or ", ".join(self.choices) + "."


def _lookup(kind: str) -> Callable[[str, dict], str]:
    return lambda value, names: names.get(kind, {}).get(value, value)


FILTERS: tuple[FilterDefinition, ...] = (
    FilterDefinition("theme", _l("Theme"), lambda d: [d.theme.slug], _lookup("theme"),
                     about="Theme slugs; several combine with OR.", ckan="groups"),
    FilterDefinition("agency", _l("Agency"), lambda d: [d.agency.slug], _lookup("agency"),
                     about="Agency slugs; several combine with OR.", ckan="organization"),
    FilterDefinition("open_type", _l("Open type"), lambda d: [d.open_type],
                     lambda v, _n: label(OPEN_TYPE_LABELS, v), choices=tuple(OPEN_TYPE_LABELS)),
    FilterDefinition("format", _l("Format"), lambda d: d.formats, lambda v, _n: v,
                     about="File formats (CSV, XLSX, JSON, ...).", ckan="res_format", ckan_value=str.upper),
    FilterDefinition("frequency", _l("Update frequency"), lambda d: [d.update_frequency],
                     lambda v, _n: label(FREQUENCY_LABELS, v), about="Update frequencies (daily, monthly, ...)."),
    FilterDefinition("region", _l("Region"), lambda d: [d.region], lambda v, _n: v,
                     about="Regions (呼和浩特市, ...)."),
)
FILTERS_BY_NAME = {f.name: f for f in FILTERS}
FACET_FIELDS = tuple(f.name for f in FILTERS)


@dataclass(frozen=True)
class IndexField:
    """Indexed like the facets but not offered on the search page: the APIs filter on them (CKAN's fq
    `tags:`, `license_id:`, `name:`) and count some of them when asked (CKAN's facet.field)."""

    name: str
    values: Callable[[Dataset], list[str]]
    ckan: str              # CKAN's name of the field
    counted: bool = True   # CKAN's facet.field may count it


INDEX_ONLY: tuple[IndexField, ...] = (
    IndexField("tags", lambda d: [t.name for t in d.tags], ckan="tags"),
    IndexField("licence", lambda d: [d.licence_id], ckan="license_id"),
    IndexField("name", lambda d: [d.slug], ckan="name", counted=False),
    # 行政区划: the GB/T 2260 codes of the entry's region from the 盟市 down (divisions.division_codes); the
    # search page filters on it and counts it (catalog.search.DIVISION).
    IndexField("division", lambda d: division_codes(d.region), ckan="division", counted=False),
)
INDEX_ONLY_FIELDS: dict[str, Callable[[Dataset], list[str]]] = {f.name: f.values for f in INDEX_ONLY}
INDEX_FIELDS = FACET_FIELDS + tuple(INDEX_ONLY_FIELDS)

# Matched by every backend without being indexed as a facet: the entry's id (search.base.Match on "id"),
# and its last modification (search.base.Range), under CKAN's names.
ID_FIELD = "id"
CKAN_MODIFIED = "metadata_modified"

# CKAN's field names -> the index's: what CKAN's fq (and `field:value` in q) may filter on — CKAN's name
# of every facet and index-only field, each facet also under its own name, and the id — and what
# facet.field may count.
CKAN_FILTER_FIELDS: dict[str, str] = {
    **{f.ckan: f.name for f in (*FILTERS, *INDEX_ONLY) if f.ckan},
    ID_FIELD: ID_FIELD,
    **{f.name: f.name for f in FILTERS},
}
CKAN_FACETS: dict[str, str] = {f.ckan or f.name: f.name for f in (*FILTERS, *(f for f in INDEX_ONLY if f.counted))}
# How a value CKAN clients write is matched, by index field (formats in upper case).
CKAN_VALUES: dict[str, Callable[[str], str]] = {f.name: f.ckan_value for f in FILTERS}
