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


class _FormDate(fields.Date):
    """A date a step may need: an empty form field (the other steps' buttons send it) is no date."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str) and not value.strip():
            return None
        return super()._deserialize(value, attr, data, **kwargs)


def _date(description: str) -> fields.Date:
    return _FormDate(load_default=None, allow_none=True, metadata={"description": description})


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
        ("submit", "return", "forward", "agree", "agree_later", "refuse", "not_ours", "fulfil", "dispute",
         "ask_upward", "upward_agreed", "upward_refused", "upward_received", "withdraw")),
        metadata={"description": "The step: submit, return, forward, agree, agree_later, refuse, not_ours, "
                                 "fulfil, dispute; for another level's data (R2024 §25) the authority's "
                                 "ask_upward, upward_agreed, upward_refused, upward_received; the requester's "
                                 "withdraw."})
    reason = _text("Why (return, not_ours, dispute, ask_upward).")
    provider = fields.String(load_default="", metadata={"description": "forward: the source agency's slug."})
    ready_on = _date("agree_later: the date the data can be shared.")
    refusal_reason = _text("refuse, upward_refused: the reason (upward_refused: as the higher level gave it).")
    refusal_legal_basis = _text("refuse, upward_refused: the legal basis.")
    upward_to = _text("ask_upward (required): the higher authority or data-sharing platform asked.", 300)
    upward_reference = _text("ask_upward (required): the reference number of the application sent upward.", 100)
    upward_sent_on = _date("ask_upward (required): the date the application was sent, not after today.")
    upward_answer = _text("upward_agreed (required): how the data will be made available.")
    available_on = _date("upward_agreed (required): the date the data will be available.")
    dataset = fields.String(load_default="", metadata={
        "description": "fulfil (required): the slug or id of the source agency's entry, published or submitted for "
                       "review, that holds the data."})
    version = fields.Integer(load_default=None, metadata={"description": "The row version last seen."})


class DemandEventOut(Schema):
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
    upward_to = fields.String(metadata={"description": "Asked upward: the higher authority or platform."})
    upward_reference = fields.String(metadata={"description": "Asked upward: the application's reference."})
    upward_sent_on = fields.Date(allow_none=True)
    upward_answer = fields.String(metadata={"description": "The higher level's answer: how the data comes."})
    row_version = fields.Integer()
    events = fields.List(fields.Nested(DemandEventOut))


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
    events = fields.List(fields.Nested(DemandEventOut))


class VerdictOut(Schema):
    row = fields.Integer()
    verdict = fields.String(metadata={"description": "match (一致), mismatch (不一致) or not_found (查无)."})


class VerificationResultOut(Schema):
    results = fields.List(fields.Nested(VerdictOut), required=True)


class VerificationListOut(Schema):
    results = fields.List(fields.Nested(VerificationOut), required=True)
