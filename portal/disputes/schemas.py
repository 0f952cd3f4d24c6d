"""The inputs and outputs of disputes to the data authority, each described once: read by the pages' forms
(views.py through `fields.form_values`), by the API (api/disputes.py `load_body`) and the OpenAPI document."""
from __future__ import annotations

from flask_babel import gettext as _
from marshmallow import Schema, fields, validate

from ..fields import UtcDateTime
from ..sharing.dispute_schemas import SharingCaseIn
from .referral import ReferralFields, text_field


class DisputeIn(SharingCaseIn):
    """A dispute about one decision of an agency, filed by the data user or the agency party to the case."""

    kind = fields.String(load_default="", validate=validate.Length(max=20), metadata={
        "description": "What is disputed: application (refused), complaint (its outcome), correction (rejected) "
                       "or grant (access suspended)."})
    case = fields.Integer(load_default=None, metadata={"description": "The number of that application, complaint, "
                                                                      "correction or grant."})
    reason = text_field("Why the decision is disputed.")
    REQUIRED = {"kind": lambda: _("Choose what you dispute."), "case": lambda: _("Name the case you dispute."),
                "reason": lambda: _("Say why you dispute the decision.")}


class DisputeActionIn(ReferralFields, SharingCaseIn):
    action = fields.String(load_default="", validate=validate.Length(max=30), metadata={
        "description": "take_up, refer, record_opinion, uphold or redo (the data authority)."})
    reason = text_field("uphold / redo (required): the reasons of the decision.")
    version = fields.Integer(load_default=None, metadata={"description": "The case's row version as seen."})


class DisputeOut(Schema):
    id = fields.Integer()
    state = fields.String(metadata={"description": "filed, coordinating or resolved."})
    kind = fields.String()
    case = fields.Integer(attribute="case_id")
    title = fields.String(metadata={"description": "The entry concerned."})
    agency = fields.Function(lambda d: d.agency.name)
    reason = fields.String()
    filed_at = UtcDateTime()
    due_date = fields.Date(allow_none=True, metadata={"description": "Filing + the configured working days."})
    referred = fields.Function(lambda d: d.referred_at is not None)
    referred_at = UtcDateTime(allow_none=True)
    referral_question = fields.String(metadata={"description": "The question put to the experts."})
    expert_opinion = fields.String(metadata={"description": "The expert committee's opinion (it advises)."})
    expert_opinion_on = fields.Date(allow_none=True)
    outcome = fields.String(metadata={"description": "upheld, or redo (the agency decides again)."})
    decision = fields.String(metadata={"description": "The authority's reasons."})
    redo_due = fields.Date(allow_none=True, metadata={"description": "redo: the reopened case's new due date."})


class DisputeListOut(Schema):
    results = fields.List(fields.Nested(DisputeOut))
