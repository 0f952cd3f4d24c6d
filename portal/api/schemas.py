"""marshmallow schemas of the native API (/api/v1): query parameters in, documents out.

The OpenAPI document (portal/api/openapi.py) is generated from these same classes.
"""
from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate

from ..catalog.filters import FILTERS, MAX_VALUE_CHARS, MAX_VALUES, FilterDefinition
from ..catalog.search import MAX_PAGE
from ..feedback.schemas import ComplaintIn, CorrectionIn, ReportIn  # noqa: F401 (the API's bodies)
from ..fields import UtcDateTime
from ..search.base import SORTS

MAX_PER_PAGE = 100   # every paged list of the native API; more per page is refused (422)
DEFAULT_PER_PAGE = 20


class _In(Schema):
    class Meta:
        unknown = EXCLUDE


class PageIn(_In):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=MAX_PAGE),
                          metadata={"description": f"Page number, 1 to {MAX_PAGE}."})
    per_page = fields.Integer(load_default=DEFAULT_PER_PAGE, validate=validate.Range(min=1, max=MAX_PER_PAGE),
                              metadata={"description": f"Results per page, 1 to {MAX_PER_PAGE} (default {DEFAULT_PER_PAGE})."})


class CatalogDumpIn(_In):
    modified_since = fields.String(metadata={
        "description": "Only entries changed since this ISO 8601 date or time (e.g. 2026-01-05T08:00:00Z); entries "
                       "no longer public since then come as tombstones {\"id\", \"name\", \"deleted\": true, \"modified\"}. "
                       "The X-Next-Modified-Since header of each answer is the value for the next call."})


def _filter(definition: FilterDefinition) -> fields.List:
    """A search filter of the registry as a repeatable query parameter."""
    return fields.List(fields.String(validate=validate.Length(max=MAX_VALUE_CHARS)), load_default=list,
                       validate=validate.Length(max=MAX_VALUES), metadata={"description": definition.description})


class _DatasetSearch(PageIn):
    q = fields.String(load_default="", validate=validate.Length(max=200),
                      metadata={"description": "Words that must all occur (Chinese is segmented)."})
    sort = fields.String(load_default=None, validate=validate.OneOf(SORTS),
                         metadata={"description": "relevance (default with q), modified (default without), "
                                                  "modified_asc, downloads, title (pinyin)."})


# The search's words and order, and one parameter per filter of the registry (catalog/filters.py).
DatasetSearchIn = _DatasetSearch.from_dict({f.name: _filter(f) for f in FILTERS}, name="DatasetSearchIn")


class NegativeListIn(PageIn):
    agency = fields.String(load_default=None, metadata={"description": "Only this agency's entries (slug)."})


class PlansIn(_In):
    year = fields.Integer(load_default=None, validate=validate.Range(min=2000, max=2100),
                          metadata={"description": "The plan year (default: the newest year with a published plan)."})


# ---- output --------------------------------------------------------------------------------
class PagingOut(Schema):
    total = fields.Integer(required=True)
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
    pages = fields.Integer(required=True)


class AgencyRefOut(Schema):
    slug = fields.String(required=True)
    name = fields.String(required=True)


class ThemeRefOut(Schema):
    slug = fields.String(required=True)
    name = fields.String(required=True)


class AgencyOut(AgencyRefOut):
    level = fields.String()
    region = fields.String()
    description = fields.String()
    website = fields.String()
    contact = fields.String()
    datasets = fields.Integer(metadata={"description": "Number of public entries."})
    url = fields.String(metadata={"description": "The agency's page on the portal."})


class ThemeOut(ThemeRefOut):
    description = fields.String()
    datasets = fields.Integer(metadata={"description": "Number of public entries."})


class TagOut(Schema):
    name = fields.String(required=True)
    datasets = fields.Integer(metadata={"description": "Number of public entries with this tag."})


class ResourcePublicOut(Schema):
    id = fields.String(required=True)
    dataset = fields.String(required=True, metadata={"description": "The entry's slug."})
    name = fields.String()
    description = fields.String()
    kind = fields.String(metadata={"description": "file (stored) or link (an API or external page)."})
    format = fields.String()
    media_type = fields.String()
    filename = fields.String()
    size = fields.Integer(allow_none=True)
    sha256 = fields.String()
    encoding = fields.String()
    row_count = fields.Integer(allow_none=True)
    columns = fields.List(fields.String())
    version = fields.Integer()
    updated_at = UtcDateTime()
    download_count = fields.Integer()
    downloadable = fields.Boolean(metadata={"description": "True when anyone may download the file "
                                                           "(a stored file of an unconditionally open entry)."})
    download_url = fields.String(allow_none=True, metadata={"description": "The file (downloadable resources) "
                                                                           "or the link; null otherwise."})
    page_url = fields.String()


class DataItemOut(Schema):
    name = fields.String()
    type = fields.String()
    description = fields.String()


class DatasetSummaryOut(Schema):
    id = fields.String(required=True)
    slug = fields.String(required=True)
    code = fields.String()
    title = fields.String(required=True)
    summary = fields.String()
    agency = fields.Nested(AgencyRefOut)
    theme = fields.Nested(ThemeRefOut)
    open_type = fields.String()
    update_frequency = fields.String()
    region = fields.String()
    formats = fields.List(fields.String())
    download_count = fields.Integer()
    published_at = UtcDateTime(allow_none=True)
    modified_at = UtcDateTime()
    url = fields.String(metadata={"description": "The entry's page on the portal."})


class AnnouncedOut(Schema):
    """将于…后停止提供: the last day, the reason and the sentence the entry's page shows."""
    last_day = fields.Date()
    reason = fields.String()
    text = fields.String()


class QualityCriterionOut(Schema):
    key = fields.String(required=True, metadata={"description": "description, data_items, open_format, "
                                                               "machine_readable, licence, on_time, contact, "
                                                               "coverage or files_parse"})
    label = fields.String()
    weight = fields.Integer(metadata={"description": "Points out of 100 when the criterion applies."})
    met = fields.Boolean(allow_none=True, metadata={"description": "null: the criterion does not apply."})
    hint = fields.String(metadata={"description": "What would raise the score (empty unless unmet)."})


class QualityOut(Schema):
    """The entry's quality score, computed in the open: the criteria it meets, weighted, out of 100."""
    score = fields.Integer(required=True, metadata={"description": "0-100: the weights of the criteria met "
                                                                   "over the weights of those that apply."})
    criteria = fields.List(fields.Nested(QualityCriterionOut))


class DatasetOut(DatasetSummaryOut):
    classification = fields.String()
    collecting_agency = fields.String()
    approving_agency = fields.String()
    region_level = fields.String()
    temporal_start = fields.Date(allow_none=True)
    temporal_end = fields.Date(allow_none=True)
    data_form = fields.String()
    share_type = fields.String()
    share_conditions = fields.String()
    share_reason = fields.String()
    share_legal_basis = fields.String()
    share_basis_kind = fields.String(metadata={"description": "law, administrative_regulation, local_regulation, "
                                                              "rules or policy; empty when shared unconditionally"})
    share_scope = fields.String()
    share_modes = fields.List(fields.String(), metadata={"description": "api, download, query, offline"})
    share_assessed_at = UtcDateTime(allow_none=True)
    open_conditions = fields.String()
    open_reason = fields.String()
    open_legal_basis = fields.String()
    timeliness = fields.String()
    related = fields.String()
    licence_id = fields.String()
    data_updated_at = UtcDateTime(allow_none=True)
    created_at = UtcDateTime()
    overdue = fields.Boolean(metadata={"description": "The data is older than its update frequency allows."})
    tags = fields.List(fields.String())
    items = fields.List(fields.Nested(DataItemOut))
    resources = fields.List(fields.Nested(ResourcePublicOut))
    citation = fields.String()
    withdrawal = fields.Nested(AnnouncedOut, allow_none=True, metadata={
        "description": "While a withdrawal is announced: the last day the entry is provided and the reason."})
    contact_point = fields.String(metadata={"description": "Who answers questions about the entry; "
                                                          "empty: the agency's contact."})
    quality = fields.Nested(QualityOut, metadata={"description": "The metadata quality score and its criteria."})


class FacetValueOut(Schema):
    value = fields.String()
    label = fields.String()
    count = fields.Integer()
    selected = fields.Boolean()


class FacetOut(Schema):
    name = fields.String()
    title = fields.String()
    values = fields.List(fields.Nested(FacetValueOut))


class DatasetPageOut(PagingOut):
    results = fields.List(fields.Nested(DatasetSummaryOut), required=True)
    facets = fields.List(fields.Nested(FacetOut))
    sort = fields.String()


class AgencyPageOut(PagingOut):
    results = fields.List(fields.Nested(AgencyOut), required=True)


class ThemeListOut(Schema):
    results = fields.List(fields.Nested(ThemeOut), required=True)


class TagPageOut(PagingOut):
    results = fields.List(fields.Nested(TagOut), required=True)


class ResourceListOut(Schema):
    results = fields.List(fields.Nested(ResourcePublicOut), required=True)


class NegativeEntryOut(Schema):
    slug = fields.String()
    code = fields.String()
    title = fields.String()
    agency = fields.Nested(AgencyRefOut)
    open_type = fields.String()
    open_conditions = fields.String()
    open_reason = fields.String()
    open_legal_basis = fields.String()
    url = fields.String()


class NegativePageOut(PagingOut):
    results = fields.List(fields.Nested(NegativeEntryOut), required=True)


class PlanItemOut(Schema):
    title = fields.String()
    dataset = fields.String(allow_none=True, metadata={"description": "Slug of the public entry, once there is one."})
    target_open_type = fields.String()
    target_date = fields.Date()
    state = fields.String(metadata={"description": "opened_on_time, opened_late, pending or overdue."})
    opened_on = fields.Date(allow_none=True)
    livelihood = fields.Boolean()
    urgent_demand = fields.Boolean()
    commercial_value = fields.Boolean()


class PlanOut(Schema):
    agency = fields.Nested(AgencyRefOut, allow_none=True, metadata={"description": "null for the regional plan."})
    year = fields.Integer()
    priorities = fields.String()
    published_at = UtcDateTime(allow_none=True)
    total = fields.Integer()
    opened = fields.Integer()
    completion_percent = fields.Integer()
    items = fields.List(fields.Nested(PlanItemOut))


class PlansOut(Schema):
    year = fields.Integer(allow_none=True)
    years = fields.List(fields.Integer(), metadata={"description": "Years with a published plan, newest first."})
    total = fields.Integer()
    opened = fields.Integer()
    completion_percent = fields.Integer()
    plans = fields.List(fields.Nested(PlanOut))


class FiguresOut(Schema):
    datasets = fields.Integer()
    agencies = fields.Integer()
    files = fields.Integer()
    downloads = fields.Integer()


class ErrorBodyOut(Schema):
    code = fields.String(required=True, metadata={"description": "bad_request, invalid, not_found, forbidden, "
                                                                 "unauthorized, rate_limited, ..."})
    message = fields.String(required=True)
    details = fields.Dict()


class ErrorOut(Schema):
    error = fields.Nested(ErrorBodyOut, required=True)


# ---- the user's own cases (token required) ------------------------------------------------------
# Their inputs are the domains' schemas: opening.schemas.ApplicationIn and feedback.schemas (imported above).
class AttachmentOut(Schema):
    filename = fields.String()
    media_type = fields.String()
    size = fields.Integer()


DUE_PROVISIONAL = ("The due date is provisional: it was counted Monday to Friday through a year whose official "
                   "holiday arrangement is not known yet, and is recounted when the data authority enters that "
                   "arrangement. Always false once the case is closed.")


class CaseDatasetOut(Schema):
    slug = fields.String()
    title = fields.String()
    url = fields.String()


class ApplicationOut(Schema):
    id = fields.Integer(required=True)
    dataset = fields.Nested(CaseDatasetOut)
    state = fields.String(metadata={"description": "draft, submitted, info_requested, approved, refused, withdrawn."})
    scenario = fields.String()
    items = fields.List(fields.String())
    records_scope = fields.String()
    provision_methods = fields.List(fields.String())
    period_start = fields.Date(allow_none=True)
    period_end = fields.Date(allow_none=True)
    security_measures = fields.String()
    created_at = UtcDateTime()
    submitted_at = UtcDateTime(allow_none=True)
    due_date = fields.Date(allow_none=True, metadata={"description": "When the agency must answer."})
    due_provisional = fields.Boolean(metadata={"description": DUE_PROVISIONAL})
    decided_at = UtcDateTime(allow_none=True)
    permitted_purpose = fields.String()
    permitted_scope = fields.String()
    refusal_reason = fields.String()
    refusal_legal_basis = fields.String()
    attachments = fields.List(fields.Nested(AttachmentOut))
    url = fields.String(metadata={"description": "The application's page on the portal."})


class ComplaintOut(Schema):
    id = fields.Integer(required=True)
    dataset = fields.Nested(CaseDatasetOut)
    right = fields.String()
    right_other = fields.String()
    description = fields.String()
    resources = fields.List(fields.String())
    state = fields.String(metadata={"description": "held (awaiting a quick decision, the entry not suspended), "
                                                   "open (the entry suspended) or decided."})
    outcome = fields.String(allow_none=True, metadata={"description": "withdraw, resume, process or reject once "
                                                                      "decided."})
    decision_reason = fields.String()
    filed_at = UtcDateTime()
    due_date = fields.Date()
    due_provisional = fields.Boolean(metadata={"description": DUE_PROVISIONAL})
    decided_at = UtcDateTime(allow_none=True)
    dataset_suspended = fields.Boolean(metadata={"description": "The entry is suspended now."})
    evidence = fields.List(fields.Nested(AttachmentOut))
    url = fields.String()


class CorrectionOut(Schema):
    id = fields.Integer(required=True)
    dataset = fields.Nested(CaseDatasetOut)
    resource = fields.String(allow_none=True)
    location = fields.String()
    description = fields.String()
    state = fields.String(metadata={"description": "open, accepted or rejected."})
    answer = fields.String()
    filed_at = UtcDateTime()
    due_date = fields.Date()
    due_provisional = fields.Boolean(metadata={"description": DUE_PROVISIONAL})
    decided_at = UtcDateTime(allow_none=True)
    fixed_in_version = fields.Integer(allow_none=True)
    attachments = fields.List(fields.Nested(AttachmentOut))
    url = fields.String()


class ReportOut(Schema):
    id = fields.Integer(required=True)
    dataset = fields.Nested(CaseDatasetOut, allow_none=True)
    agency = fields.Nested(AgencyRefOut, allow_none=True)
    accused = fields.String()
    description = fields.String()
    state = fields.String(metadata={"description": "open or answered."})
    answer = fields.String()
    filed_at = UtcDateTime()
    due_date = fields.Date()
    due_provisional = fields.Boolean(metadata={"description": DUE_PROVISIONAL})
    answered_at = UtcDateTime(allow_none=True)
    evidence = fields.List(fields.Nested(AttachmentOut))
    url = fields.String()


class ApplicationPageOut(PagingOut):
    results = fields.List(fields.Nested(ApplicationOut), required=True)


class ComplaintPageOut(PagingOut):
    results = fields.List(fields.Nested(ComplaintOut), required=True)


class CorrectionPageOut(PagingOut):
    results = fields.List(fields.Nested(CorrectionOut), required=True)


class ReportPageOut(PagingOut):
    results = fields.List(fields.Nested(ReportOut), required=True)
