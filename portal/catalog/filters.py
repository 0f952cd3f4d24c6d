"""Every search filter declared once: URL parameter, facet field, values of an entry, display label.

The search page, the facet sidebar, the native API and the CKAN `fq` translator all read this
registry, so they cannot drift apart.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from flask_babel import lazy_gettext as _l

from .models import Dataset
from .vocab import FREQUENCY_LABELS, OPEN_TYPE_LABELS, label


@dataclass(frozen=True)
class FilterDefinition:
    name: str                                   # URL parameter and facet field
    title: object                               # sidebar heading (lazy translated)
    values: Callable[[Dataset], list[str]]      # the entry's values for this facet
    display: Callable[[str, dict], str]         # value -> label, given the labels looked up for the page


def _lookup(kind: str) -> Callable[[str, dict], str]:
    return lambda value, names: names.get(kind, {}).get(value, value)


FILTERS: tuple[FilterDefinition, ...] = (
    FilterDefinition("theme", _l("Theme"), lambda d: [d.theme.slug], _lookup("theme")),
    FilterDefinition("agency", _l("Agency"), lambda d: [d.agency.slug], _lookup("agency")),
    FilterDefinition("open_type", _l("Open type"), lambda d: [d.open_type],
                     lambda v, _n: label(OPEN_TYPE_LABELS, v)),
    FilterDefinition("format", _l("Format"), lambda d: d.formats, lambda v, _n: v),
    FilterDefinition("frequency", _l("Update frequency"), lambda d: [d.update_frequency],
                     lambda v, _n: label(FREQUENCY_LABELS, v)),
    FilterDefinition("region", _l("Region"), lambda d: [d.region], lambda v, _n: v),
)
FILTERS_BY_NAME = {f.name: f for f in FILTERS}
FACET_FIELDS = tuple(f.name for f in FILTERS)

# Indexed like the facets but not offered on the search page: the APIs filter on them (CKAN's fq
# `tags:`, `license_id:`, `name:`) and count tags and licences when asked (CKAN's facet.field).
INDEX_ONLY_FIELDS: dict[str, Callable[[Dataset], list[str]]] = {
    "tags": lambda d: [t.name for t in d.tags],
    "licence": lambda d: [d.licence_id],
    "name": lambda d: [d.slug],
}
INDEX_FIELDS = FACET_FIELDS + tuple(INDEX_ONLY_FIELDS)
