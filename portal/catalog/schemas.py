"""marshmallow schemas of the catalog's JSON API."""
from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate

from ..fields import UtcDateTime

FORMATS = ("CSV", "XLSX", "JSON", "PDF", "XML", "ZIP")


class UploadIn(Schema):
    """Query parameters of a raw-body upload."""

    class Meta:
        unknown = EXCLUDE

    filename = fields.String(required=True, validate=validate.Length(min=1, max=300))
    format = fields.String(required=True, validate=validate.OneOf(FORMATS + tuple(f.lower() for f in FORMATS)))
    name = fields.String(load_default="", validate=validate.Length(max=300))


class VersionOut(Schema):
    version = fields.Integer()
    filename = fields.String()
    size = fields.Integer()
    sha256 = fields.String()
    created_at = UtcDateTime()


class ResourceOut(Schema):
    id = fields.String()
    dataset_id = fields.String()
    name = fields.String()
    kind = fields.String()
    format = fields.String()
    filename = fields.String()
    media_type = fields.String()
    size = fields.Integer()
    sha256 = fields.String()
    encoding = fields.String()
    row_count = fields.Integer(allow_none=True)
    columns = fields.List(fields.String())
    version = fields.Integer()
    updated_at = UtcDateTime()
    versions = fields.List(fields.Nested(VersionOut))


class UploadOut(Schema):
    resource = fields.Nested(ResourceOut)
    warnings = fields.List(fields.String())
