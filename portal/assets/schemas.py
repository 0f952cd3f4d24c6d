"""The inputs and answers of asset registration: one schema each, read by the pages, the API and the OpenAPI
document."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields, validate

from ..catalog.vocab import field_labels
from ..sharing.dispute_schemas import SharingCaseIn


class AssetIn(SharingCaseIn):
    """An asset as the holding agency describes it: name, summary, the catalog entries (codes) it consists of
    and whether it is in the 授权运营 scope. Volume, frequency, level and types come from the entries."""

    name = fields.String(load_default="", validate=validate.Length(max=200),
                         metadata={"description": "The resource's name (数据资源名称)."})
    summary = fields.String(load_default="", validate=validate.Length(max=2000),
                            metadata={"description": "What the resource holds (数据资源摘要)."})
    entries = fields.List(fields.String(validate=validate.Length(max=2000)), load_default=list,
                          validate=validate.Length(max=100),
                          metadata={"description": "The codes of the agency's published catalog entries (目录编码); "
                                                   "several may be given in one value, separated by spaces or commas."})
    in_operation_scope = fields.Boolean(load_default=False, metadata={
        "description": "Whether the resource is in the scope of authorised operation (纳入授权运营范围)."})
    version = fields.Integer(load_default=None, metadata={"description": "The asset's row version as seen (edits)."})
    REQUIRED = {"name": lambda: _l("Give the resource's name."),
                "entries": lambda: _l("Give the codes of the catalog entries.")}


class AssetActionIn(SharingCaseIn):
    """A step of the registration: submit, register (with the external code and date), return, resubmit, cancel."""

    action = fields.String(load_default="", validate=validate.Length(max=30),
                           metadata={"description": "submit, register, return, resubmit or cancel."})
    reason = fields.String(load_default="", validate=validate.Length(max=5000),
                           metadata={"description": "The reason (required to return or cancel)."})
    registration_code = fields.String(load_default="", validate=validate.Length(max=64), metadata={
        "description": "register: the registration code given by the registration platform (登记编号)."})
    registered_on = fields.Date(load_default=None, metadata={
        "description": "register: the day of registration (登记日期, YYYY-MM-DD)."})
    version = fields.Integer(load_default=None, metadata={"description": "The asset's row version as seen."})


class RegisterQuery(Schema):
    level = fields.String(load_default="", validate=validate.OneOf(("", "region", "city", "county")),
                          metadata={"description": "Only holders of this administrative level."})


class AssetOut(Schema):
    id = fields.Integer()
    agency = fields.String(attribute="agency.name", metadata={"description": "The holder (登记主体)."})
    name = fields.String()
    summary = fields.String()
    entries = fields.List(fields.String(), attribute="codes", metadata={"description": "The entries' codes."})
    in_operation_scope = fields.Boolean()
    rows = fields.Integer(metadata={"description": "Rows of the entries' files."})
    bytes = fields.Integer(metadata={"description": "Bytes of the entries' files."})
    update_frequency = fields.String()
    data_level = fields.String(metadata={"description": "core, important or general (the highest of the entries')."})
    open_types = fields.List(fields.String())
    share_types = fields.List(fields.String())
    state = fields.String(metadata={"description": "draft, submitted, registered, change_needed, changed or "
                                                   "cancelled."})
    registration_code = fields.String()
    registered_on = fields.Date(allow_none=True)
    changed_fields = fields.List(fields.String(), metadata={"description": "The edited fields that need a change "
                                                                          "registration."})
    changed_labels = fields.Function(lambda a: field_labels(a.changed_fields or []), metadata={
        "description": "The same fields by their labels, in the caller's language."})
    note = fields.String()
    version = fields.Integer(attribute="row_version")
    actions = fields.List(fields.String(), dump_default=list)


class AssetListOut(Schema):
    results = fields.List(fields.Nested(AssetOut))
