"""The derived table's input (column types set by the agency) and its answer (columns and profile):
one schema each, read by the console's form, the API and the OpenAPI document."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from .types import ColumnType

TYPE_CHOICES = ("", *[str(t) for t in ColumnType])


class ColumnTypesIn(Schema):
    """Types the agency sets per column; an empty type returns the column to inference."""

    types = fields.Dict(keys=fields.String(validate=validate.Length(min=1, max=300)),
                        values=fields.String(validate=validate.OneOf(TYPE_CHOICES)), required=True,
                        metadata={"description": "Column name → boolean, integer, decimal, date, datetime, text "
                                                 "or \"\" (inferred)."})


class HistogramBinOut(Schema):
    from_ = fields.Raw(data_key="from", attribute="from")
    to = fields.Raw()
    count = fields.Integer()


class TopValueOut(Schema):
    value = fields.Raw()
    count = fields.Integer()


class ColumnProfileOut(Schema):
    name = fields.String()
    type = fields.String(metadata={"description": "boolean, integer, decimal, date, datetime or text."})
    rows = fields.Integer()
    empty = fields.Integer(metadata={"description": "Empty cells."})
    distinct = fields.Integer(metadata={"description": "Distinct non-empty values."})
    min = fields.Raw(allow_none=True)
    max = fields.Raw(allow_none=True)
    top = fields.List(fields.Nested(TopValueOut), metadata={"description": "The most frequent values."})
    histogram = fields.List(fields.Nested(HistogramBinOut),
                            metadata={"description": "Equal-width bins, numbers and dates only."})


class ColumnOut(Schema):
    name = fields.String()
    type = fields.String()
    inferred = fields.Boolean(metadata={"description": "False when the agency set the type."})
    mixed = fields.Boolean(metadata={"description": "Cells of several types: read as text."})


class TableOut(Schema):
    resource = fields.String(attribute="resource_id")
    version = fields.Integer()
    state = fields.String(metadata={"description": "pending, running, done or failed."})
    progress = fields.Integer()
    row_count = fields.Integer(allow_none=True)
    columns = fields.List(fields.Nested(ColumnOut))
    profile = fields.List(fields.Nested(ColumnProfileOut))
    error = fields.String()
    error_row = fields.Integer(allow_none=True)
    error_column = fields.String()
