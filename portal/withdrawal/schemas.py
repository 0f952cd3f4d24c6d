"""The inputs and answers of planned withdrawals: one schema each, read by the API and the OpenAPI document."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields, validate

from ..sharing.dispute_schemas import SharingCaseIn


class WithdrawalIn(SharingCaseIn):
    """A planned withdrawal: the entry, the legitimate reason and the last day it is provided."""

    dataset = fields.String(load_default="", validate=validate.Length(max=200),
                            metadata={"description": "The published entry (its id) that stops being provided."})
    reason = fields.String(load_default="", validate=validate.Length(max=5000),
                           metadata={"description": "The legitimate reason (正当理由)."})
    last_day = fields.Date(load_default=None, metadata={"description": "The last day the entry is provided."})
    REQUIRED = {"dataset": lambda: _l("Choose the entry."),
                "reason": lambda: _l("State the reason for stopping."),
                "last_day": lambda: _l("Give the last day the entry is provided.")}


class WithdrawalActionIn(SharingCaseIn):
    action = fields.String(load_default="", validate=validate.Length(max=30),
                           metadata={"description": "approve, return or withdraw."})
    reason = fields.String(load_default="", validate=validate.Length(max=5000),
                           metadata={"description": "The reason (required to return)."})
    version = fields.Integer(load_default=None, metadata={"description": "The case's row version as seen."})


class WithdrawalOut(Schema):
    id = fields.Integer()
    dataset = fields.String(attribute="dataset_id")
    agency = fields.String(attribute="agency.name")
    reason = fields.String()
    filed_on = fields.Date()
    last_day = fields.Date()
    mode = fields.String(metadata={"description": "file (备案) or approve."})
    state = fields.String(metadata={"description": "filed, approved, returned, withdrawn or effective."})
    decision_note = fields.String()
    effective_on = fields.Date(allow_none=True)
    version = fields.Integer(attribute="row_version")
    actions = fields.List(fields.String(), metadata={"description": "What the caller may do now."})

