"""marshmallow fields shared by the JSON APIs, and how a submitted form is read into a schema's fields
(the site's pages and the API's multipart bodies read forms the same way)."""
from __future__ import annotations

from datetime import timezone
from typing import Any, BinaryIO, NamedTuple

from marshmallow import Schema, fields
from werkzeug.datastructures import MultiDict


class UtcDateTime(fields.DateTime):
    """A time stored as naive UTC, written as RFC 3339 with its offset (2026-01-05T08:00:00+00:00), as the
    OpenAPI `date-time` format requires; a time without an offset would be ambiguous to a client."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return super()._serialize(value, attr, obj, **kwargs)


class FormFile(NamedTuple):
    """One file part of a form: the name the browser sent, and the bytes."""

    filename: str
    stream: BinaryIO


def form_values(schema: Schema, form: MultiDict) -> dict[str, Any]:
    """The schema's fields as the form sent them, ready for `schema.load`: a list field from its repeated
    values, any other field from its first value; fields not sent are left out (the schema's defaults apply)."""
    out: dict[str, Any] = {}
    for name, fld in schema.fields.items():
        key = fld.data_key or name
        if key in form:
            out[key] = form.getlist(key) if isinstance(fld, fields.List) else form[key]
    return out


def form_files(files: MultiDict, part: str) -> list[FormFile]:
    """The files sent as `part` (repeated for several), in their order."""
    return [FormFile(f.filename or "", f.stream) for f in files.getlist(part)]
