"""The agency's reasoned "keep" of an entry's open or share type (read by the form and the service)."""
from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields, validate

from ..feedback.schemas import FeedbackIn, Text
from ..fields import UtcDateTime


class KeepIn(FeedbackIn):
    """The type stays as it is after reassessment: why, and on what legal basis."""

    kind = fields.String(load_default="", validate=validate.Length(max=10),
                         metadata={"description": "Which attribute was reassessed: open or share."})
    reason = Text("Why the type is kept (required).", blank=_l("Say why the type is kept."))
    legal_basis = Text("The legal basis for keeping it (required).", 1000,
                       blank=_l("Give the legal basis for keeping the type."))

    def rules(self, data: dict[str, Any]) -> dict[str, str]:
        if data.get("kind") not in ("open", "share"):
            return {"kind": _("Choose the open or the share type.")}
        return {}


class ReassessmentOut(Schema):
    """A reassessment an entry owes (the console's queue)."""

    dataset_id = fields.String(attribute="dataset.id")
    slug = fields.String(attribute="dataset.slug")
    title = fields.String(attribute="dataset.title")
    agency = fields.String(attribute="dataset.agency.name")
    kind = fields.String(metadata={"description": "open (open type) or share (share type)."})
    type = fields.String(metadata={"description": "The type as it stands: conditional, closed or none."})
    type_label = fields.String()
    last_assessed = fields.Date(attribute="last", allow_none=True,
                                metadata={"description": "Last assessed (else published), China time."})
    due = fields.Date(metadata={"description": "Due for reassessment on this day."})
    overdue = fields.Boolean()
    due_soon = fields.Boolean()


class ReassessmentListOut(Schema):
    months = fields.Integer(metadata={"description": "The months between two reassessments (PORTAL_REASSESS_MONTHS)."})
    results = fields.List(fields.Nested(ReassessmentOut))


class KeptOut(Schema):
    """A recorded keep: the type stays; the entry's next reassessment is a period on."""

    dataset_id = fields.String()
    kind = fields.String()
    type = fields.String(metadata={"description": "The type kept."})
    reason = fields.String()
    legal_basis = fields.String()
    recorded_at = UtcDateTime(metadata={"description": "When the keep was recorded (UTC)."})
    next_due = fields.Date(allow_none=True, metadata={"description": "The next reassessment's due date."})
