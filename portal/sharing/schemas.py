"""The sharing inputs and outputs, each described once: read by the site's forms (views.py, through
`fields.form_values`), by the API (api.py) and by the OpenAPI document (api/openapi.py).

The limits of what is sent (types, lengths, choices) are marshmallow's: a body over them is refused with 422
naming the field. The rules that need the database (the entry's items and files, the requesting agency's
staff, never wider than the ask) are the services' (requests.py), with the same field names.
"""
from __future__ import annotations

from typing import Any, Mapping

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

from .. import legal, sentences
from ..errors import Invalid
from ..fields import UtcDateTime
from .models import ShareMode

MAX_TEXT = 5000
MODES = tuple(m.value for m in ShareMode)


def _text(label, description: str, needed=None, max_len: int = MAX_TEXT) -> fields.String:
    return fields.String(load_default="", validate=validate.Length(max=max_len),
                         metadata={"label": label, "description": description, "needed": needed})


def _list(label, description: str, inner: fields.Field, needed=None) -> fields.List:
    return fields.List(inner, load_default=list, validate=validate.Length(max=200),
                       metadata={"label": label, "description": description, "needed": needed})


def _day(label, description: str, needed=None) -> fields.Date:
    return fields.Date(load_default=None, allow_none=True,
                       metadata={"label": label, "description": description, "needed": needed})


class In(Schema):
    class Meta:
        unknown = EXCLUDE


class ShareRequestFields(In):
    """What a requesting agency states (R2024 §20, §23); every field is required on submission (its "needed"
    message), a draft may leave any empty."""

    resource_ids = _list(_l("Files"), "Ids of the entry's files asked for (empty: every file of the entry).",
                         fields.String(validate=validate.Length(max=36)))
    items = _list(_l("Data items"), "Names of the entry's data items asked for (least privilege).",
                  fields.String(validate=validate.Length(max=200)), _l("Choose the data items you need."))
    scenario = _text(_l("Application scenario (应用业务场景)"), "The business scenario the data serves.",
                     _l("Describe the application scenario."))
    legal_duty = _text(_l("Legal duty"), "The duty the data serves, with its legal basis.",
                       _l("State the legal duty the data serves."))
    purpose = _text(_l("Purpose"), "What the data is used for.", _l("State the purpose."))
    records = _text(_l("Records"), "Which records (region, period …) are needed.", _l("Say which records you need."))
    modes = _list(_l("Sharing modes"), "api, download, query, offline.",
                  fields.String(validate=validate.OneOf(MODES)), _l("Choose at least one mode."))
    start = _day(_l("From"), "First day of use (YYYY-MM-DD).", _l("Give the first day of use."))
    end = _day(_l("Until"), "Last day of use (YYYY-MM-DD).", _l("Give the last day of use."))
    user_ids = _list(_l("Named users (用数人员)"), "Ids of the requesting agency's staff who use the data.",
                     fields.Integer(), _l("Name at least one user."))
    security_measures = _text(_l("Security measures"), "How the data is kept secure.",
                              _l("Describe the security measures."))
    commitment = fields.Boolean(load_default=False, metadata={
        "label": _l("We commit that this request is true, lawful and that the data will be kept secure and used "
                    "only for this purpose, never passed to third parties."),
        "description": "The commitment of R2024 §20 to truth, compliance and security.",
        "needed": _l("Tick the commitment.")})


class ShareRequestIn(ShareRequestFields):
    """The API's request: the fields, the entry asked for, and whether to submit at once."""

    dataset = fields.String(required=True, validate=validate.Length(min=1, max=200),
                            metadata={"description": "Slug or id of the catalog entry asked for."})
    submit = fields.Boolean(load_default=True, metadata={
        "description": "true (default): submit now; false: keep a draft."})


class AgreeIn(In):
    """The provider's agreement: the ask, or narrower terms (never wider); empty fields keep the ask."""

    items = _list(_l("Data items agreed"), "Data items agreed (a subset of those asked).",
                  fields.String(validate=validate.Length(max=200)))
    resource_ids = _list(_l("Files agreed"), "Files agreed (a subset of those asked).",
                         fields.String(validate=validate.Length(max=36)))
    modes = _list(_l("Modes agreed"), "Modes agreed (a subset of those asked).",
                  fields.String(validate=validate.OneOf(MODES)))
    user_ids = _list(_l("Users agreed"), "Named users agreed (a subset of those asked).", fields.Integer())
    start = _day(_l("From"), "First day agreed (not before the one asked).")
    end = _day(_l("Until"), "Last day agreed (not after the one asked).")
    terms_note = _text(_l("Terms"), "Conditions of use the provider sets.")
    version = fields.Integer(load_default=None, allow_none=True,
                             metadata={"description": "The case's version the answer was made on (409 if changed)."})


class RefuseIn(In):
    refusal_reason = _text(_l("Reason"), "Why the request is refused.", _l("State the reason for refusing."))
    legal_basis = _text(_l("Legal basis"), "The law or regulation the refusal rests on (R2024 §23).",
                        _l("Give the legal basis of the refusal."))
    version = AgreeIn._declared_fields["version"]


class ReasonIn(In):
    """A question, a withdrawal, a dispute, a supervision, a grant's suspension, resumption or revocation."""

    reason = _text(_l("Reason"), "The text of the step (a question, a reason).")
    supervised_on = _day(_l("Supervision date"), "督办: the date the authority set (supervise only).")
    version = AgreeIn._declared_fields["version"]


class DeliverIn(In):
    offline_note = _text(_l("Delivery note"), "How data shared offline was delivered (front-end processor, link).")
    version = AgreeIn._declared_fields["version"]


QUERY_OPS = ("eq", "contains")


class QueryIn(In):
    """An online query of a granted table (mode `query`): the columns to show, filters (each the n-th of
    filter_column, filter_op, filter_value; all must hold) and the page (50 rows a page). Only agreed data
    items may be shown or filtered on."""

    columns = _list(_l("Columns to show"), "Agreed data items to show (repeat; empty: every agreed item).",
                    fields.String(validate=validate.Length(max=200)))
    filter_column = _list(_l("Filter on"), "The agreed data item of each filter (repeat; an empty one is ignored).",
                          fields.String(validate=validate.Length(max=200)))
    filter_op = _list(_l("Condition"), "Of each filter: eq (equals) or contains (holds the text, any case).",
                      fields.String(validate=validate.OneOf(QUERY_OPS)))
    filter_value = _list(_l("Value"), "The value of each filter.", fields.String(validate=validate.Length(max=500)))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=1_000_000), metadata={
        "label": _l("Page"), "description": "The page of results, from 1 (50 rows a page)."})


def load(schema: Schema, values: Mapping[str, Any]) -> dict[str, Any]:
    """The values through the schema; Invalid (422) naming the fields otherwise."""
    try:
        return schema.load(dict(values))
    except ValidationError as exc:
        raise Invalid(_("Please correct the marked fields."),
                      {k: " ".join(map(str, v)) if isinstance(v, list) else str(v) for k, v in exc.messages.items()})


FIELDS: dict[str, fields.Field] = dict(ShareRequestFields().fields)


# ---- outputs (the API) --------------------------------------------------------------------------------
class EventOut(Schema):
    at = UtcDateTime()
    kind = fields.String()
    note = fields.String()


class GrantOut(Schema):
    id = fields.Integer()
    state = fields.String()
    dataset = fields.Function(lambda g: g.dataset.slug)
    user_ids = fields.List(fields.Integer())
    resource_ids = fields.List(fields.String())
    items = fields.List(fields.String())
    modes = fields.List(fields.String())
    purpose = fields.String()
    start = fields.Date()
    end = fields.Date()
    offline_note = fields.String()
    notice = fields.Function(lambda g: notice_text(g), metadata={
        "description": "The purpose and the ban on onward transfer (R2024 §20) that bind the data."})


class ShareRequestOut(Schema):
    id = fields.Integer()
    state = fields.String()
    share_type = fields.String()
    dataset = fields.Function(lambda r: r.dataset.slug)
    requester = fields.Function(lambda r: r.requester.slug)
    provider = fields.Function(lambda r: r.provider.slug)
    resource_ids = fields.List(fields.String())
    items = fields.List(fields.String())
    scenario = fields.String()
    legal_duty = fields.String()
    purpose = fields.String()
    records = fields.String()
    modes = fields.List(fields.String())
    start = fields.Date(allow_none=True)
    end = fields.Date(allow_none=True)
    user_ids = fields.List(fields.Integer())
    security_measures = fields.String()
    commitment = fields.Boolean()
    submitted_at = UtcDateTime(allow_none=True)
    due_date = fields.Date(allow_none=True)
    answer_due = fields.Date(allow_none=True)
    delivery_due = fields.Date(allow_none=True)
    refusal_reason = fields.String()
    refusal_legal_basis = fields.String()
    agreed_items = fields.List(fields.String())
    agreed_resource_ids = fields.List(fields.String())
    agreed_modes = fields.List(fields.String())
    agreed_user_ids = fields.List(fields.Integer())
    agreed_start = fields.Date(allow_none=True)
    agreed_end = fields.Date(allow_none=True)
    terms_note = fields.String()
    version = fields.Integer(attribute="row_version")
    events = fields.List(fields.Nested(EventOut))
    grant = fields.Nested(GrantOut, allow_none=True)
    actions = fields.List(fields.String(), dump_only=True, metadata={
        "description": "What the caller may do now (the API adds it)."})


def notice_text(grant) -> str:
    """The notice that goes with every delivery: the purpose, and the ban on passing the data on (R2024 §20,
    §44; SZ §29)."""
    basis = legal.cite("share_purpose_limit")
    return sentences.join(
        _("Shared under grant No. %(id)d for this purpose only: %(purpose)s. The data serves the requesting "
          "agency's duties only; it may not be passed to third parties in any form, used for government "
          "information disclosure or published.", id=grant.id, purpose=grant.purpose),
        _("Legal basis: %(basis)s", basis=basis.text()) if basis else "")


class QueryOut(Schema):
    grant = fields.Integer(metadata={"description": "The grant's number."})
    resource = fields.String(metadata={"description": "The file's id."})
    fields_ = fields.List(fields.String(), data_key="fields", attribute="fields",
                          metadata={"description": "The columns shown, in order."})
    agreed = fields.List(fields.String(), metadata={"description": "Every agreed data item of the file."})
    records = fields.List(fields.Dict(keys=fields.String(), values=fields.String()),
                          metadata={"description": "The page's rows, each by column name."})
    total = fields.Integer(metadata={"description": "How many rows pass the filters in all."})
    page = fields.Integer()
    pages = fields.Integer(metadata={"description": "How many pages there are (at least 1)."})
    page_size = fields.Integer()
    purpose = fields.String(metadata={"description": "The grant's purpose: the data serves it only."})
    notice = fields.String(metadata={
        "description": "The purpose and the ban on onward transfer (R2024 §20) that bind the data."})
