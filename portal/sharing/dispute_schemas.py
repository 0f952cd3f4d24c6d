"""The inputs of error checks, disputes and stop/change notices, each described once: read by the site's
forms (dispute_views.py through `fields.form_values`), by the API (dispute_api.py `load_body`) and the
OpenAPI document, and by the services, which take `read(values)` and add the rules that need the database."""
from __future__ import annotations

from typing import Any, Mapping

from flask_babel import gettext as _
from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

from ..disputes.referral import ReferralFields
from ..fields import UtcDateTime

MAX_TEXT = 5000


def _text(description: str) -> fields.String:
    return fields.String(load_default="", validate=validate.Length(max=MAX_TEXT), metadata={"description": description})


class SharingCaseIn(Schema):
    """Unknown fields are ignored; `read` gives the input as the services take it (texts stripped) and
    one refusal per field (422 naming it)."""

    class Meta:
        unknown = EXCLUDE

    REQUIRED: dict[str, Any] = {}  # field -> the message when it is empty

    def read(self, values: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
        errors: dict[str, str] = {}
        try:
            data = self.load({k: v for k, v in values.items() if not (v == "" and k in self._optional())})
        except ValidationError as exc:
            data = dict(exc.valid_data or {})
            for name, messages in exc.messages.items():
                if name in self.fields:
                    errors[name] = self._message(name, messages)
        for name, fld in self.fields.items():
            if isinstance(fld, fields.String) and name not in errors:
                data[name] = str(data.get(name) or "").strip()
        for name, message in self.REQUIRED.items():
            if name not in errors and data.get(name) in (None, "", []):
                errors[name] = str(message())
        return data, errors

    def _optional(self) -> set[str]:
        return {n for n, f in self.fields.items() if not isinstance(f, fields.String)}

    def _message(self, name: str, messages: Any) -> str:
        fld = self.fields[name]
        if isinstance(fld, fields.Date):
            return _("Write the date as YYYY-MM-DD.")
        if isinstance(fld, fields.Integer):
            return _("Choose from the list.")
        text = messages[0] if isinstance(messages, list) and messages else messages
        return str(text)


class ErrorReportIn(SharingCaseIn):
    """A suspected error in shared data (R2018 §21): the grant it came under, when it was found, the evidence."""

    grant = fields.Integer(load_default=None, metadata={"description": "The share grant the data was received under."})
    discovered_on = fields.Date(load_default=None, metadata={"description": "The day the error was found (YYYY-MM-DD)."})
    location = _text("Which data items or records are concerned.")
    evidence = _text("What is wrong, and the evidence.")
    REQUIRED = {"grant": lambda: _("Choose the grant the data came under."),
                "discovered_on": lambda: _("Say when the error was found."),
                "evidence": lambda: _("Describe the error and its evidence.")}


class ErrorAnswerIn(SharingCaseIn):
    outcome = fields.String(load_default="", validate=validate.Length(max=20),
                            metadata={"description": "corrected, correct (as is) or partly (corrected)."})
    answer = _text("What was checked and corrected.")
    REQUIRED = {"outcome": lambda: _("Choose the result of the check."),
                "answer": lambda: _("Say what you checked and what you corrected.")}


class ShareDisputeIn(SharingCaseIn):
    """A dispute: of a refused share request, or for an entry not shared (不予共享) the agency needs."""

    request = fields.Integer(load_default=None, metadata={"description": "The refused share request."})
    dataset = fields.String(load_default="", validate=validate.Length(max=200),
                            metadata={"description": "The entry not shared (when no request is disputed)."})
    statement = _text("Why the agency needs the data (确需使用), its duty and legal basis.")
    REQUIRED = {"statement": lambda: _("Say why your agency needs the data.")}


class ShareDisputeActionIn(ReferralFields, SharingCaseIn):
    """The steps of a sharing dispute; the referral's fields (question, experts, opinion, opinion_on) are the
    same as in a dispute to the authority (disputes/referral.py)."""

    action = fields.String(load_default="", validate=validate.Length(max=30),
                           metadata={"description": "propose, accept, fail, refer, record_opinion, decide_share or "
                                                    "decide_refusal."})
    terms = _text("The terms proposed or decided (what would be granted).")
    reason = _text("Why the negotiation failed, or the reasons of the decision.")
    version = fields.Integer(load_default=None, metadata={"description": "The case's row version as seen."})


class NoticeIn(SharingCaseIn):
    """A notice that sharing of an entry stops or narrows (SZ §12, R2018 §18)."""

    dataset = fields.String(load_default="", validate=validate.Length(max=200),
                            metadata={"description": "The entry whose sharing stops or narrows."})
    kind = fields.String(load_default="stop", validate=validate.Length(max=20),
                         metadata={"description": "stop (停止共享) or narrow (变更共享)."})
    resource_ids = fields.List(fields.String(validate=validate.Length(max=100)), load_default=list,
                               metadata={"description": "The files concerned (none: the whole entry)."})
    change = _text("What narrows (when the sharing narrows).")
    reason = _text("The legitimate reason (正当理由).")
    last_day = fields.Date(load_default=None, metadata={"description": "The last day of sharing (YYYY-MM-DD)."})
    short_notice_ground = _text("The legal ground for a notice shorter than the configured months.")
    REQUIRED = {"dataset": lambda: _("Choose the entry."),
                "reason": lambda: _("State the legitimate reason (正当理由) for stopping or narrowing."),
                "last_day": lambda: _("Give the last day of sharing.")}


class NoticeActionIn(SharingCaseIn):
    action = fields.String(load_default="", validate=validate.Length(max=30),
                           metadata={"description": "approve, return or withdraw."})
    reason = _text("The reason (required to return).")
    version = fields.Integer(load_default=None, metadata={"description": "The case's row version as seen."})


# ---- what the API answers --------------------------------------------------------------------------
class ErrorReportOut(Schema):
    id = fields.Integer()
    state = fields.String()
    dataset = fields.String(attribute="dataset_id")
    grant = fields.Integer(attribute="grant_id", allow_none=True)
    requester = fields.Function(lambda r: r.requester.name)
    provider = fields.Function(lambda r: r.provider.name)
    discovered_on = fields.Date()
    report_due = fields.Date(metadata={"description": "Discovery + 5 working days; later reports are flagged late."})
    late = fields.Boolean()
    location = fields.String()
    evidence = fields.String()
    due_date = fields.Date(allow_none=True, metadata={"description": "The provider's answer is due (+10 WD)."})
    outcome = fields.String()
    answer = fields.String()
    checking = fields.Function(lambda r: r.state == "submitted",
                               metadata={"description": "校核中: citizens' matters go on as usual (R2018 §21)."})


class ShareDisputeOut(Schema):
    id = fields.Integer()
    state = fields.String()
    ground = fields.String(metadata={"description": "refusal, or needed (确需使用 an entry not shared)."})
    request = fields.Integer(attribute="request_id", allow_none=True)
    dataset = fields.String(attribute="dataset_id")
    requester = fields.Function(lambda d: d.requester.name)
    provider = fields.Function(lambda d: d.provider.name)
    statement = fields.String()
    due_date = fields.Date(allow_none=True)
    negotiation_due = fields.Date(allow_none=True)
    coordination_due = fields.Date(allow_none=True)
    proposed_terms = fields.String()
    referred = fields.Function(lambda d: d.referred_at is not None)
    referred_at = UtcDateTime(allow_none=True)
    referral_question = fields.String(metadata={"description": "The question put to the expert committee."})
    expert_opinion = fields.String(metadata={"description": "The expert committee's opinion (it advises)."})
    expert_opinion_on = fields.Date(allow_none=True)
    outcome = fields.String()
    terms = fields.String()


class NoticeOut(Schema):
    id = fields.Integer()
    state = fields.String()
    dataset = fields.String(attribute="dataset_id")
    provider = fields.Function(lambda n: n.provider.name)
    kind = fields.String()
    resource_ids = fields.List(fields.String())
    change = fields.String()
    reason = fields.String()
    last_day = fields.Date()
    short_notice_ground = fields.String()
    mode = fields.String()
    effective_on = fields.Date(allow_none=True)


class ErrorReportListOut(Schema):
    results = fields.List(fields.Nested(ErrorReportOut))


class ShareDisputeListOut(Schema):
    results = fields.List(fields.Nested(ShareDisputeOut))


class NoticeListOut(Schema):
    results = fields.List(fields.Nested(NoticeOut))
