"""A follow's input (the follow button, the "my follows" page; one schema for both)."""
from __future__ import annotations

from typing import Any, Mapping

from flask_babel import gettext as _
from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

from ..errors import Invalid

TARGETS = ("dataset", "agency", "theme", "search", "mine")
EMAIL_CHOICES = ("none", "immediate", "weekly")


class FollowIn(Schema):
    class Meta:
        unknown = EXCLUDE

    target = fields.String(required=True, validate=validate.OneOf(TARGETS),
                           metadata={"description": "What is followed: " + ", ".join(TARGETS) + "."})
    key = fields.String(load_default="", validate=validate.Length(max=500),
                        metadata={"description": "The entry's, agency's or theme's slug; the search's query string."})
    email = fields.String(load_default="weekly", validate=validate.OneOf(EMAIL_CHOICES),
                          metadata={"description": "E-mail: none, immediate or weekly (a digest)."})
    feed = fields.Boolean(load_default=False, metadata={"description": "A private Atom feed for this follow."})


class FollowChange(Schema):
    class Meta:
        unknown = EXCLUDE

    email = fields.String(required=True, validate=validate.OneOf(EMAIL_CHOICES))
    feed = fields.Boolean(load_default=False)


def load(schema: Schema, values: Mapping[str, Any]) -> dict[str, Any]:
    """The checked input, or Invalid naming the field to correct."""
    try:
        data = schema.load({k: v for k, v in dict(values).items() if v not in (None, "")})
    except ValidationError as exc:
        raise Invalid(_("Please correct the marked fields."), {k: "; ".join(map(str, v)) if isinstance(v, list)
                                                              else str(v) for k, v in exc.messages.items()})
    if data["email"] == "none" and not data["feed"]:
        message = _("Choose e-mail, a feed, or both.")
        raise Invalid(message, {"email": message})
    return data
