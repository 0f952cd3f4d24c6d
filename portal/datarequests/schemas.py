"""The inputs and outputs of public data requests, each described once: read by the site's forms (through
`fields.form_values`), the API (`load_body`, `load_args`) and the OpenAPI document. The inputs follow the
feedback inputs' two layers (feedback/schemas.py): marshmallow's limits of what is sent, then the domain's
rules on the stored text (`read`), with the translated messages the form shows and the API's 422 carries."""
from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields, validate

from ..feedback.schemas import FeedbackIn, Text
from ..fields import UtcDateTime
from .models import DataRequestState

ACCEPT, REFUSE = "accept", "refuse"
MAX_TITLE = 300


def _slug(description: str) -> fields.String:
    return fields.String(load_default="", validate=validate.Length(max=200), metadata={"description": description})


def _version() -> fields.Integer:
    return fields.Integer(load_default=None, allow_none=True, metadata={
        "description": "The request's row_version as the caller saw it (optional): 409 if it changed meanwhile."})


class DataRequestIn(FeedbackIn):
    """A request for data that is not open yet: what, why, and the agency if the requester knows it."""

    title = Text("The data wanted (required).", MAX_TITLE, blank=_l("Say which data you need."))
    description = Text("What exactly: data items, period, area, format (optional).")
    use_case = Text("Why: what the data will be used for (required).", blank=_l("Say what you will use the data for."))
    theme = _slug("Slug of the theme the data belongs to (optional).")
    agency = _slug("Slug of the agency that holds the data, if known (optional).")


class DataRequestSupportIn(FeedbackIn):
    """“Me too”: another account needs the same data, with its own use case (once per account)."""

    use_case = Text("What you will use the data for (required).", blank=_l("Say what you will use the data for."))


class DataRequestRouteIn(FeedbackIn):
    """The data authority routes the request to the agency that holds the data (or confirms the requester's)."""

    agency = _slug("Slug of the agency that answers (required).")
    note = Text("A note to the agency (optional).", 1000)
    version = _version()

    def rules(self, data: dict[str, Any]) -> dict[str, str]:
        return {} if data["agency"] else {"agency": _("Choose the agency that answers.")}


class DataRequestAnswerIn(FeedbackIn):
    """The agency's answer: accept (linked to an item of its open plan or to a catalog entry of its own, new or
    existing) or refuse with the reason and the legal basis."""

    action = fields.String(required=True, validate=validate.OneOf((ACCEPT, REFUSE)),
                           metadata={"description": "accept or refuse."})
    answer = Text("What the agency will do, or the reason for refusing (required).",
                  blank=_l("Write the answer the requester and the public will read."))
    legal_basis = Text("The law or regulation a refusal rests on (required to refuse).", 1000)
    plan_item = fields.Integer(load_default=None, allow_none=True, metadata={
        "description": "Accept: the number of the open-plan item that will open the data."})
    dataset = _slug("Accept: slug of the agency's catalog entry (new or existing) that holds the data.")
    version = _version()

    def rules(self, data: dict[str, Any]) -> dict[str, str]:
        if data.get("action") == REFUSE and not data["legal_basis"]:
            return {"legal_basis": _("State the law or regulation the refusal rests on.")}
        if data.get("action") == ACCEPT and not (data.get("plan_item") or data.get("dataset")):
            return {"plan_item": _("Link the request to an item of your open plan or to a catalog entry.")}
        return {}


class DataRequestListIn(Schema):
    q = fields.String(load_default="", validate=validate.Length(max=200),
                      metadata={"description": "Words searched in the title, description and use case."})
    state = fields.String(load_default="", validate=validate.OneOf(["", *DataRequestState]),
                          metadata={"description": "submitted, routed, accepted or refused."})
    agency = _slug("Slug of the agency the request is routed to.")
    theme = _slug("Slug of the theme.")
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=10000))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


# ---- outputs --------------------------------------------------------------------------------------
class DataRequestNamedOut(Schema):
    slug = fields.String()
    name = fields.String()


class DataRequestPlanItemOut(Schema):
    id = fields.Integer()
    title = fields.String()
    year = fields.Integer()
    target_date = fields.Date()


class DataRequestEntryOut(Schema):
    slug = fields.String(allow_none=True, metadata={"description": "Null while the entry is not published."})
    title = fields.String()


class DataRequestSupportOut(Schema):
    who = fields.String(metadata={"description": "The kind of account, never a name (e.g. 一位企业用户)."})
    use_case = fields.String()
    created_at = UtcDateTime()


class DataRequestOut(Schema):
    id = fields.Integer()
    title = fields.String()
    description = fields.String()
    use_case = fields.String()
    requester = fields.String(metadata={"description": "The kind of account that asked, never a name or contact."})
    theme = fields.Nested(DataRequestNamedOut, allow_none=True)
    suggested_agency = fields.Nested(DataRequestNamedOut, allow_none=True)
    agency = fields.Nested(DataRequestNamedOut, allow_none=True, metadata={"description": "The agency that answers."})
    state = fields.String(metadata={"description": "submitted, routed, accepted or refused."})
    state_label = fields.String()
    filed_at = UtcDateTime()
    routed_at = UtcDateTime(allow_none=True)
    due_date = fields.Date(allow_none=True, metadata={"description": "While open: when the routing or answer is due."})
    answered_at = UtcDateTime(allow_none=True)
    answer = fields.String()
    refusal_legal_basis = fields.String()
    plan_item = fields.Nested(DataRequestPlanItemOut, allow_none=True)
    dataset = fields.Nested(DataRequestEntryOut, allow_none=True)
    me_too = fields.Integer(metadata={"description": "How many other accounts need the same data."})
    supports = fields.List(fields.Nested(DataRequestSupportOut))
    row_version = fields.Integer()


class DataRequestPageOut(Schema):
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()
    pages = fields.Integer()
    results = fields.List(fields.Nested(DataRequestOut))
