"""marshmallow fields shared by the JSON APIs."""
from __future__ import annotations

from datetime import timezone

from marshmallow import fields


class UtcDateTime(fields.DateTime):
    """A time stored as naive UTC, written as RFC 3339 with its offset (2026-01-05T08:00:00+00:00), as the
    OpenAPI `date-time` format requires; a time without an offset would be ambiguous to a client."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return super()._serialize(value, attr, obj, **kwargs)
