"""The agency's reasoned "keep" of an entry's open or share type (read by the form and the service)."""
from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import fields, validate

from ..feedback.schemas import FeedbackIn, Text


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
