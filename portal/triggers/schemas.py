"""The inputs and answers of catalog update triggers (目录更新事由): one schema each, read by the console's
forms, the API and the OpenAPI document; the services take `read(values)` and add the database's rules."""
from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields, validate

from ..fields import UtcDateTime
from ..sharing.dispute_schemas import SharingCaseIn
from .models import TriggerKind

MAX_ENTRIES = 200


class TriggerIn(SharingCaseIn):
    """A change that obliges the agency to update its catalog: what changed, when, and the entries it affects."""

    kind = fields.String(load_default="", validate=validate.Length(max=20), metadata={
        "description": "law (法律法规依据), function (法定职能) or project (信息化项目)."})
    change = fields.String(load_default="", validate=validate.Length(max=5000), metadata={
        "description": "What changed: the law or regulation and its provision, the function, or the IT project."})
    effective_on = fields.Date(load_default=None, metadata={
        "description": "The day the change takes effect (施行); for an IT project the day of its acceptance (竣工验收)."})
    entries = fields.List(fields.String(validate=validate.Length(max=200)), load_default=list,
                          validate=validate.Length(max=MAX_ENTRIES),
                          metadata={"description": "The ids of the agency's catalog entries the change affects."})
    reason = fields.String(load_default="", validate=validate.Length(max=5000), metadata={
        "description": "Why these entries are affected."})
    REQUIRED = {"kind": lambda: _l("Choose what changed."),
                "change": lambda: _l("Describe the change."),
                "effective_on": lambda: _l("Give the day the change takes effect."),
                "entries": lambda: _l("Choose the entries the change affects."),
                "reason": lambda: _l("Say why these entries are affected.")}

    def read(self, values):
        data, errors = super().read(values)
        if "kind" not in errors and data.get("kind") and data["kind"] not in {k.value for k in TriggerKind}:
            errors["kind"] = _("Choose what changed.")
        data["entries"] = list(dict.fromkeys(str(e).strip() for e in data.get("entries") or [] if str(e).strip()))
        if not data["entries"] and "entries" not in errors:
            errors["entries"] = str(self.REQUIRED["entries"]())
        return data, errors

    def _message(self, name: str, messages: Any) -> str:
        if name == "entries":
            return _("At most %(n)d entries, each named by its id.", n=MAX_ENTRIES)
        return super()._message(name, messages)


class NoChangeIn(SharingCaseIn):
    """The agency's reasoned "no change" for one affected entry."""

    dataset = fields.String(load_default="", validate=validate.Length(max=200),
                            metadata={"description": "The affected entry (its id)."})
    reason = fields.String(load_default="", validate=validate.Length(max=5000),
                           metadata={"description": "Why the entry needs no change (required)."})
    version = fields.Integer(load_default=None, metadata={"description": "The trigger's row version as seen."})
    REQUIRED = {"dataset": lambda: _l("Choose the entry."),
                "reason": lambda: _l("Say why the entry needs no change.")}


class TriggerEntryOut(Schema):
    dataset = fields.String(attribute="dataset_id")
    title = fields.String(attribute="dataset.title")
    answer = fields.String(allow_none=True, metadata={"description": "revision, no_change, or null while open."})
    answered_at = UtcDateTime(allow_none=True)
    review = fields.Integer(attribute="review_id", allow_none=True,
                            metadata={"description": "The review the revision was submitted to."})
    note = fields.String(metadata={"description": "The reason of a \"no change\"."})


class TriggerOut(Schema):
    id = fields.Integer()
    kind = fields.String(metadata={"description": "law, function or project."})
    change = fields.String()
    reason = fields.String()
    effective_on = fields.Date()
    agency = fields.String(attribute="agency.name")
    filed_at = UtcDateTime()
    due_date = fields.Date(metadata={"description": "When every affected entry must be answered."})
    overdue = fields.Boolean()
    state = fields.String(metadata={"description": "open or closed."})
    closed_at = UtcDateTime(allow_none=True)
    version = fields.Integer(attribute="row_version")
    entries = fields.List(fields.Nested(TriggerEntryOut))
    actions = fields.List(fields.String(), metadata={"description": "What the caller may do now."})


class TriggerListOut(Schema):
    results = fields.List(fields.Nested(TriggerOut))
