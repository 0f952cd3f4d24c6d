"""Display labels and fixed lists for the catalog's coded values (one place, translatable)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask import has_app_context
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

from ..agencies.models import RegionLevel
from ..i18n import select_locale
from .models import Classification, DataForm, OpenType, ShareBasisKind, ShareMode, ShareType, UpdateFrequency

OPEN_TYPE_LABELS = {
    OpenType.UNCONDITIONAL: _l("Unconditional open"),
    OpenType.CONDITIONAL: _l("Conditional open"),
    OpenType.CLOSED: _l("Not open"),
}
SHARE_TYPE_LABELS = {
    ShareType.UNCONDITIONAL: _l("Unconditional sharing"),
    ShareType.CONDITIONAL: _l("Conditional sharing"),
    ShareType.NONE: _l("Not shared"),
}
SHARE_BASIS_KIND_LABELS = {
    ShareBasisKind.LAW: _l("Law"),
    ShareBasisKind.ADMINISTRATIVE_REGULATION: _l("Administrative regulation"),
    ShareBasisKind.LOCAL_REGULATION: _l("Local regulation"),
    ShareBasisKind.RULES: _l("Government rules"),
    ShareBasisKind.POLICY: _l("Policy document"),
}
SHARE_MODE_LABELS = {
    ShareMode.API: _l("API"),
    ShareMode.DOWNLOAD: _l("Bulk download"),
    ShareMode.QUERY: _l("Online query"),
    ShareMode.OFFLINE: _l("Front-end processor / system link"),
}
CLASSIFICATION_LABELS = {
    Classification.BASIC: _l("Basic resource"),
    Classification.THEMATIC: _l("Thematic resource"),
    Classification.DEPARTMENTAL: _l("Departmental resource"),
}
DATA_FORM_LABELS = {
    DataForm.STRUCTURED: _l("Structured"),
    DataForm.SEMI_STRUCTURED: _l("Semi-structured"),
    DataForm.UNSTRUCTURED: _l("Unstructured"),
}
FREQUENCY_LABELS = {
    UpdateFrequency.REALTIME: _l("Real time"),
    UpdateFrequency.DAILY: _l("Daily"),
    UpdateFrequency.WEEKLY: _l("Weekly"),
    UpdateFrequency.MONTHLY: _l("Monthly"),
    UpdateFrequency.QUARTERLY: _l("Quarterly"),
    UpdateFrequency.SEMIANNUAL: _l("Every six months"),
    UpdateFrequency.ANNUAL: _l("Yearly"),
    UpdateFrequency.IRREGULAR: _l("Irregular"),
}
REGION_LEVEL_LABELS = {
    RegionLevel.REGION: _l("Autonomous region"),
    RegionLevel.CITY: _l("League / city"),
    RegionLevel.COUNTY: _l("Banner / county"),
}

# The labels of the entry's fields, as the console's entry form names them (the same messages), for texts
# that name fields: an asset's change registration (assets), ...
FIELD_LABELS = {
    "title": _l("Title"),
    "summary": _l("Summary"),
    "update_frequency": _l("Update frequency"),
    "open_type": _l("Open type"),
    "share_type": _l("Share type"),
    "data_level": _l("Data level"),
    "data_category": _l("Sector"),
}


def field_labels(names: list[str]) -> list[str]:
    """The translated labels of these fields of an entry (an unknown field keeps its name)."""
    return [label(FIELD_LABELS, n) for n in names]


# How old the data may grow before an entry is overdue (R2024 §16). A grace of a few days
# absorbs weekends and publication lag; irregular entries are never overdue.
FREQUENCY_MAX_AGE = {
    UpdateFrequency.REALTIME: timedelta(days=2),
    UpdateFrequency.DAILY: timedelta(days=3),
    UpdateFrequency.WEEKLY: timedelta(days=10),
    UpdateFrequency.MONTHLY: timedelta(days=35),
    UpdateFrequency.QUARTERLY: timedelta(days=100),
    UpdateFrequency.SEMIANNUAL: timedelta(days=190),
    UpdateFrequency.ANNUAL: timedelta(days=380),
}


@dataclass(frozen=True)
class Licence:
    id: str
    title: str
    url: str


LICENCES = {
    "nmg-open-data-1.0": Licence(
        "nmg-open-data-1.0", "内蒙古自治区公共数据开放平台数据使用协议 1.0", "/licence"),
    "cc-by-4.0": Licence("cc-by-4.0", "Creative Commons Attribution 4.0", "https://creativecommons.org/licenses/by/4.0/"),
}


def label(mapping: dict, value: str) -> str:
    """The display label of a coded value, or the value itself when unknown."""
    if not has_app_context():
        return str(mapping.get(value, value))
    locale = select_locale()
    kept = _translated.get((id(mapping), locale))
    if kept is None:  # each table translated once per process and language (the catalogs never change)
        # the table itself is kept too, so its id is never reused by another while the labels are here
        kept = _translated[(id(mapping), locale)] = (mapping, {k: str(v) for k, v in mapping.items()})
    return kept[1].get(value, str(value))


_translated: dict[tuple[int, str], tuple[dict, dict]] = {}

STATE_LABELS = {
    "draft": _l("Draft"),
    "submitted": _l("Submitted"),
    "published": lazy_pgettext("entry state", "Published"),
    "returned": _l("Returned"),
    "withdrawn": _l("Withdrawn"),
}
REVIEW_STATE_LABELS = {"pending": _l("Pending"), "approved": _l("Approved"), "returned": _l("Returned")}
REVIEW_KIND_LABELS = {"publish": _l("First publication"), "revision": _l("Edit of a published entry")}
