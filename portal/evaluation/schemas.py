"""Inputs and answers of the scorecards and evaluation rounds: one schema each, read by the pages, the API and
the OpenAPI document. A round's weight fields come from the indicator table (one per row)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields, validate

from ..sharing.dispute_schemas import SharingCaseIn
from .indicators import INDICATORS


def _weight_field(ind) -> fields.Integer:
    return fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=0, max=100),
                          metadata={"description": f"The weight of “{ind.key}” (0–100; 0 or absent leaves it out). "
                                                   f"Default {ind.weight}."})


RoundIn = type("RoundIn", (SharingCaseIn,), {
    "__doc__": "A new evaluation round: its title, the period evaluated and each indicator's weight.",
    "title": fields.String(load_default="", validate=validate.Length(max=200),
                           metadata={"description": "The round's title, e.g. 2026年度公共数据开放评估."}),
    "period_start": fields.Date(load_default=None, metadata={"description": "The first day of the period."}),
    "period_end": fields.Date(load_default=None, metadata={"description": "The last day of the period."}),
    **{f"weight_{ind.key}": _weight_field(ind) for ind in INDICATORS},
    "REQUIRED": {"title": lambda: _l("Give the round a title."),
                 "period_start": lambda: _l("Give the first day of the period."),
                 "period_end": lambda: _l("Give the last day of the period.")},
})


class RoundActionIn(SharingCaseIn):
    action = fields.String(load_default="", validate=validate.Length(max=30),
                           metadata={"description": "snapshot, finalise or publish."})
    reason = fields.String(load_default="", validate=validate.Length(max=5000),
                           metadata={"description": "On finalise: the authority's conclusion, circulated."})
    version = fields.Integer(load_default=None, metadata={"description": "The round's row version as seen."})


class CommentIn(SharingCaseIn):
    comment = fields.String(load_default="", validate=validate.Length(max=5000),
                            metadata={"description": "The agency's comment on its figures."})
    version = fields.Integer(load_default=None, metadata={"description": "The snapshot's row version as seen."})


class ScorecardsQueryIn(SharingCaseIn):
    year = fields.Integer(load_default=None, validate=validate.Range(min=2000, max=2100),
                          metadata={"description": "The calendar year evaluated (this year by default)."})


class IndicatorOut(Schema):
    key = fields.String()
    label = fields.String()
    measures = fields.String(metadata={"description": "What the indicator measures."})
    method = fields.String(metadata={"description": "How it is computed for one agency and one period."})
    weight = fields.Integer(metadata={"description": "Its default weight."})


class ResultOut(Schema):
    key = fields.String()
    weight = fields.Integer()
    figure = fields.Integer(allow_none=True, metadata={"description": "0–100; null when there is nothing to judge."})
    inputs = fields.Dict(metadata={"description": "The counts (and the entries or items they count) the figure is "
                                                 "computed from."})


class ActionOut(Schema):
    text = fields.String()
    links = fields.List(fields.List(fields.String()), metadata={"description": "[label, url] pairs."})


class ScorecardOut(Schema):
    agency = fields.String(attribute="agency.name")
    agency_id = fields.Integer(attribute="agency.id")
    score = fields.Integer(allow_none=True, metadata={"description": "The weighted mean of the figures there are."})
    results = fields.List(fields.Nested(ResultOut))
    actions = fields.List(fields.Nested(ActionOut))


class ScorecardsOut(Schema):
    start = fields.Date(attribute="period.start")
    end = fields.Date(attribute="period.end")
    computed_on = fields.Date(attribute="on")
    method = fields.List(fields.Nested(IndicatorOut))
    scorecards = fields.List(fields.Nested(ScorecardOut), attribute="cards")


class SnapshotOut(Schema):
    id = fields.Integer()
    round = fields.Integer(attribute="round_id")
    agency = fields.String(attribute="agency.name")
    agency_id = fields.Integer()
    made_on = fields.Date()
    score = fields.Integer(allow_none=True)
    results = fields.List(fields.Nested(ResultOut))
    state = fields.String(metadata={"description": "open or commented."})
    comment = fields.String()
    comment_due = fields.Date(attribute="round.due_date", allow_none=True)
    version = fields.Integer(attribute="row_version")
    actions = fields.List(fields.String(), metadata={"description": "What the caller may do now."})


class SnapshotSummaryOut(Schema):
    id = fields.Integer()
    agency = fields.String(attribute="agency.name")
    score = fields.Integer(allow_none=True)
    state = fields.String()


class RoundOut(Schema):
    id = fields.Integer()
    title = fields.String()
    period_start = fields.Date()
    period_end = fields.Date()
    weights = fields.List(fields.Dict(), metadata={"description": "[{key, weight}] in the order set."})
    state = fields.String(metadata={"description": "draft, commenting, finalised or published."})
    frozen_on = fields.Date(allow_none=True)
    comment_due = fields.Date(attribute="due_date", allow_none=True)
    conclusion = fields.String()
    version = fields.Integer(attribute="row_version")
    snapshots = fields.List(fields.Nested(SnapshotSummaryOut), metadata={"description": "Those the caller reads."})
    actions = fields.List(fields.String(), metadata={"description": "What the caller may do now."})


class RoundListOut(Schema):
    rounds = fields.List(fields.Nested(RoundOut))
