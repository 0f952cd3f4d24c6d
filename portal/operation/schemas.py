"""The inputs and answers of operation agreements: one schema each, read by the API and the OpenAPI document."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields, validate

from ..sharing.dispute_schemas import SharingCaseIn
from ..fields import UtcDateTime


class AgreementIn(SharingCaseIn):
    """An agreement as the authority enters it."""

    operator = fields.String(load_default="", validate=validate.Length(max=254),
                             metadata={"description": "The operator's account (its e-mail address)."})
    operator_name = fields.String(load_default="", validate=validate.Length(max=200),
                                  metadata={"description": "The legal person's name."})
    uscc = fields.String(load_default="", validate=validate.Length(max=30),
                         metadata={"description": "Its unified social credit code (统一社会信用代码), 18 characters."})
    entries = fields.List(fields.String(validate=validate.Length(max=2000)), load_default=list,
                          validate=validate.Length(max=100), metadata={
                              "description": "Codes of entries of registered assets in the 授权运营 scope."})
    purpose = fields.String(load_default="", validate=validate.Length(max=5000))
    start = fields.Date(load_default=None, metadata={"description": "First day in force (YYYY-MM-DD)."})
    end = fields.Date(load_default=None, metadata={"description": "Last day in force (YYYY-MM-DD)."})
    security_measures = fields.String(load_default="", validate=validate.Length(max=5000))
    products = fields.String(load_default="", validate=validate.Length(max=5000),
                             metadata={"description": "The data products and services to be made."})
    report_every_days = fields.Integer(load_default=None, validate=validate.Range(min=1, max=366), metadata={
        "description": "Days between usage reports (default PORTAL_USAGE_REPORT_DAYS, as for grants)."})
    REQUIRED = {"operator": lambda: _l("Give the operator's account."),
                "operator_name": lambda: _l("Give the legal person's name."),
                "uscc": lambda: _l("Give the unified social credit code."),
                "entries": lambda: _l("Give the codes of the catalog entries."),
                "purpose": lambda: _l("State the purpose."), "start": lambda: _l("Give the first day."),
                "end": lambda: _l("Give the last day."),
                "security_measures": lambda: _l("Describe the security measures.")}


class AgreementActionIn(SharingCaseIn):
    action = fields.String(load_default="", validate=validate.Length(max=30),
                           metadata={"description": "assess, activate, suspend, resume or revoke."})
    reason = fields.String(load_default="", validate=validate.Length(max=5000), metadata={
        "description": "assess: the risk assessment's conclusion; suspend, resume, revoke: the reason."})
    version = fields.Integer(load_default=None, metadata={"description": "The agreement's row version as seen."})


class UsageReportIn(SharingCaseIn):
    """The operator's usage report (R2024 §36「反馈公共数据的使用情况」) for the next due date."""

    report = fields.String(load_default="", validate=validate.Length(max=5000), metadata={
        "description": "How the data was used: products and services, users reached, security incidents."})
    REQUIRED = {"report": lambda: _l("Describe how the data was used.")}


class ReportSlotOut(Schema):
    due = fields.Date()
    filed_at = UtcDateTime(allow_none=True)
    text = fields.String(allow_none=True)
    missing = fields.Boolean()


class AgreementOut(Schema):
    id = fields.Integer()
    operator_name = fields.String()
    uscc = fields.String()
    entries = fields.List(fields.String(), attribute="codes")
    purpose = fields.String()
    start = fields.Date()
    end = fields.Date()
    security_measures = fields.String()
    products = fields.String()
    risk_note = fields.String()
    risk_assessed_at = UtcDateTime(allow_none=True)
    state = fields.String(metadata={"description": "draft, assessed, active, suspended or revoked."})
    state_reason = fields.String()
    files = fields.List(fields.String(), dump_default=list,
                        metadata={"description": "The files' API addresses under this agreement."})
    report_every_days = fields.Integer()
    reports = fields.List(fields.Nested(ReportSlotOut), dump_default=list,
                          metadata={"description": "The usage-report schedule: filed, missing or not yet due."})
    actions = fields.List(fields.String(), dump_default=list)


class AgreementListOut(Schema):
    results = fields.List(fields.Nested(AgreementOut))


class OperatorOut(Schema):
    operator_name = fields.String()
    uscc = fields.String()
    start = fields.Date()
    end = fields.Date()
    purpose = fields.String()


class OperatorListOut(Schema):
    results = fields.List(fields.Nested(OperatorOut))
