"""Inputs and outputs of demands (§3.4) and verifications (§3.5): one schema per input, read by the site's
forms (demand_views), the API (demand_api) and the OpenAPI document."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from marshmallow import EXCLUDE, Schema, fields, validate

from ..fields import UtcDateTime

MAX_TEXT = 5000


def _required_text(message, description: str, max_len: int = MAX_TEXT) -> fields.String:
    return fields.String(required=True, validate=validate.Length(min=1, max=max_len, error=message),
                         error_messages={"required": message, "null": message}, metadata={"description": description})


def _text(description: str, max_len: int = MAX_TEXT) -> fields.String:
    return fields.String(load_default="", validate=validate.Length(max=max_len), metadata={"description": description})


class _In(Schema):
    class Meta:
        unknown = EXCLUDE


class DemandIn(_In):
    title = _required_text(_l("Name the data you need."), "The data wanted (not in the catalog).", 300)
    items = fields.List(fields.String(validate=validate.Length(max=200)), load_default=list,
                        metadata={"description": "The data items wanted."})
    description = _text("What the data should contain: records, period, region.")
    scenario = _required_text(_l("Describe the application scenario."), "应用业务场景: what the data serves.")
    legal_duty = _required_text(_l("Name the duty the data serves and its legal basis."),
                                "The requesting agency's duty the data serves, with its legal basis.")
    suggested_provider = _text("The agency the requester believes holds the data (optional).", 300)
    commitment = fields.Boolean(load_default=False, metadata={
        "description": "R2024 §20: the requester commits to the truth, compliance and security of the demand."})
    submit = fields.Boolean(load_default=True, metadata={"description": "false saves a draft."})


class DemandActionIn(_In):
    action = fields.String(required=True, validate=validate.OneOf(
        ("submit", "return", "forward", "agree", "agree_later", "refuse", "not_ours", "fulfil", "dispute")),
        metadata={"description": "The step: submit, return, forward, agree, agree_later, refuse, not_ours, "
                                 "fulfil, dispute."})
    reason = _text("Why (return, not_ours, dispute).")
    provider = fields.String(load_default="", metadata={"description": "forward: the source agency's slug."})
    ready_on = fields.Date(load_default=None, metadata={"description": "agree_later: the date the data can be shared."})
    refusal_reason = _text("refuse: the reason.")
    refusal_legal_basis = _text("refuse: the legal basis.")
    dataset = fields.String(load_default="", metadata={
        "description": "fulfil (required): the slug or id of the source agency's entry, published or submitted for "
                       "review, that holds the data."})
    version = fields.Integer(load_default=None, metadata={"description": "The row version last seen."})


class EventOut(Schema):
    at = UtcDateTime()
    kind = fields.String()
    note = fields.String()


class DemandOut(Schema):
    id = fields.Integer(required=True)
    state = fields.String(required=True)
    title = fields.String()
    items = fields.List(fields.String())
    description = fields.String()
    scenario = fields.String()
    legal_duty = fields.String()
    requester = fields.String(attribute="requester.slug")
    provider = fields.Function(lambda d: d.provider.slug if d.provider else None)
    submitted_at = UtcDateTime(allow_none=True)
    due_date = fields.Date(allow_none=True)
    review_due = fields.Date(allow_none=True)
    answer_due = fields.Date(allow_none=True)
    completion_due = fields.Date(allow_none=True)
    agree_mode = fields.String()
    return_reason = fields.String()
    refusal_reason = fields.String()
    refusal_legal_basis = fields.String()
    row_version = fields.Integer()
    events = fields.List(fields.Nested(EventOut))


class DemandListOut(Schema):
    results = fields.List(fields.Nested(DemandOut), required=True)


# ---- verification --------------------------------------------------------------------------------------
RECORDS = {"name": "records", "description": "The records to verify: a UTF-8 CSV file with a header row naming "
                                             "at least the key and compared fields."}


class VerificationIn(_In):
    dataset = fields.String(required=True, validate=validate.Length(min=1, max=200, error=_l("Choose the entry.")),
                            error_messages={"required": _l("Choose the entry.")},
                            metadata={"description": "The `none` catalog entry (id or slug) to verify against."})
    key_fields = fields.List(fields.String(validate=validate.Length(max=200)), load_default=list,
                             metadata={"description": "The field(s) records are matched by."})
    compare_fields = fields.List(fields.String(validate=validate.Length(max=200)), load_default=list,
                                 metadata={"description": "The fields whose values are compared."})
    purpose = _required_text(_l("State what the verification serves."), "What the verification serves.")
    legal_duty = _required_text(_l("Name the duty the verification serves and its legal basis."),
                                "The duty it serves, with its legal basis.")


class VerificationActionIn(_In):
    action = fields.String(required=True, validate=validate.OneOf(("answer", "decline", "withdraw")),
                           metadata={"description": "answer (the portal compares), decline, withdraw."})
    legal_basis = _text("decline: the legal basis.")
    version = fields.Integer(load_default=None, metadata={"description": "The row version last seen."})


class VerificationOut(Schema):
    id = fields.Integer(required=True)
    state = fields.String(required=True)
    dataset = fields.String(attribute="dataset.slug")
    requester = fields.String(attribute="requester.slug")
    provider = fields.String(attribute="provider.slug")
    key_fields = fields.List(fields.String())
    compare_fields = fields.List(fields.String())
    purpose = fields.String()
    record_count = fields.Function(lambda v: len(v.records))
    submitted_at = UtcDateTime(allow_none=True)
    due_date = fields.Date(allow_none=True)
    decline_basis = fields.String()
    counts = fields.Function(lambda v: {k: v.verdicts.count(k) for k in ("match", "mismatch", "not_found")})
    row_version = fields.Integer()
    events = fields.List(fields.Nested(EventOut))


class VerdictOut(Schema):
    row = fields.Integer()
    verdict = fields.String(metadata={"description": "match (一致), mismatch (不一致) or not_found (查无)."})


class VerificationResultOut(Schema):
    results = fields.List(fields.Nested(VerdictOut), required=True)


class VerificationListOut(Schema):
    results = fields.List(fields.Nested(VerificationOut), required=True)
